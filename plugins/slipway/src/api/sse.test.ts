import { createNdjsonParser, createSseParser, SseMessage } from './sse';

function parse(chunks: string[]) {
  const messages: SseMessage[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const parser = createSseParser({
    onMessage: m => messages.push(m),
    onRetry: ms => retries.push(ms),
    onComment: text => comments.push(text),
  });
  chunks.forEach(chunk => parser.push(chunk));
  parser.end();
  return { messages, retries, comments };
}

const stream =
  'retry: 3000\n' +
  'event: ready\ndata: {}\n\n' +
  ': ping\n\n' +
  'id: 41\nevent: app.state\ndata: {"v":1,"type":"app.state"}\n\n' +
  'id: 42\nevent: health.sample\ndata: {"v":1,"type":"health.sample"}\n\n';

describe('createSseParser', () => {
  it("reads Slipway's stream: retry, ready, pings and events with ids", () => {
    const { messages, retries, comments } = parse([stream]);

    expect(retries).toEqual([3000]);
    expect(comments).toEqual(['ping']);
    expect(messages).toEqual([
      { id: undefined, event: 'ready', data: '{}' },
      { id: '41', event: 'app.state', data: '{"v":1,"type":"app.state"}' },
      {
        id: '42',
        event: 'health.sample',
        data: '{"v":1,"type":"health.sample"}',
      },
    ]);
  });

  it('gives the same events however the stream is split into chunks', () => {
    const whole = parse([stream]).messages;
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < stream.length; i += size) {
        chunks.push(stream.slice(i, i + size));
      }
      expect(parse(chunks).messages).toEqual(whole);
    }
  });

  it('keeps a line split mid-field, and a CRLF split between chunks', () => {
    const { messages } = parse([
      'id: 7\r',
      '\nda',
      'ta: {"a":',
      '1}\r\n\r',
      '\n',
    ]);

    expect(messages).toEqual([{ id: '7', event: 'message', data: '{"a":1}' }]);
  });

  it('accepts CR alone as a line end', () => {
    const { messages } = parse(['data: one\r\rdata: two\r\r']);

    expect(messages.map(m => m.data)).toEqual(['one', 'two']);
  });

  it('joins multi-line data with newlines', () => {
    const { messages } = parse(['data: first\ndata: second\ndata:\n\n']);

    expect(messages).toEqual([
      { id: undefined, event: 'message', data: 'first\nsecond\n' },
    ]);
  });

  it('removes one space after the colon only', () => {
    const { messages } = parse(['data:  indented\ndata:tight\n\n']);

    expect(messages[0].data).toBe(' indented\ntight');
  });

  it('skips comments, unknown fields and events without data', () => {
    const { messages, comments } = parse([
      ':comment without space\n',
      'foo: bar\n',
      'event: nothing\n\n',
      'data: x\n\n',
    ]);

    expect(comments).toEqual(['comment without space']);
    // The type named by an event without data does not leak into the next.
    expect(messages).toEqual([{ id: undefined, event: 'message', data: 'x' }]);
  });

  it('keeps the last event id for later events, and ignores ids with NUL', () => {
    const { messages } = parse([
      'id: 1\ndata: a\n\n',
      'data: b\n\n',
      'id: bad\0id\ndata: c\n\n',
    ]);

    expect(messages.map(m => m.id)).toEqual(['1', '1', '1']);
  });

  it('takes retry only when it is a number', () => {
    const { retries } = parse(['retry: soon\nretry: 1500\nretry: 2e3\n\n']);

    expect(retries).toEqual([1500]);
  });

  it('drops an event the stream ended before finishing', () => {
    const { messages } = parse(['data: complete\n\n', 'data: cut off\n']);

    expect(messages.map(m => m.data)).toEqual(['complete']);
  });

  it('ignores a byte order mark at the start', () => {
    const { messages } = parse(['\uFEFF', 'data: x\n\n']);

    expect(messages.map(m => m.data)).toEqual(['x']);
  });
});

describe('createNdjsonParser', () => {
  it('reads values split across chunks and skips lines that are not JSON', () => {
    const values: unknown[] = [];
    const parser = createNdjsonParser(v => values.push(v));

    parser.push('{"type":"deployment"}\n{"type":"lo');
    parser.push('g","line":"a"}\nnot json\n\n{"type":"end"}');
    parser.end();

    expect(values).toEqual([
      { type: 'deployment' },
      { type: 'log', line: 'a' },
      { type: 'end' },
    ]);
  });
});
