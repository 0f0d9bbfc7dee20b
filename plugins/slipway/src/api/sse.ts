/** One dispatched Server-Sent Event. */
export type SseMessage = {
  /** The last event ID seen on the stream, as EventSource's `lastEventId`. */
  id: string | undefined;
  /** `message` unless the event named its type. */
  event: string;
  data: string;
};

export type SseParserHandlers = {
  onMessage(message: SseMessage): void;
  /** The server asked for this reconnection delay. */
  onRetry?(ms: number): void;
  onComment?(text: string): void;
};

export type SseParser = {
  /** Feeds decoded text; chunks may split lines anywhere. */
  push(chunk: string): void;
  /** The stream ended: an event without its closing blank line is dropped. */
  end(): void;
};

/**
 * Parses `text/event-stream` as the HTML standard's EventSource does. It
 * exists because EventSource cannot send the Authorization header that
 * Backstage's fetchApi adds, so the stream is read with fetch instead.
 */
export function createSseParser(handlers: SseParserHandlers): SseParser {
  let buffer = '';
  let started = false;
  let data = '';
  let eventType = '';
  let lastEventId: string | undefined;

  const dispatch = () => {
    if (data === '') {
      eventType = '';
      return;
    }
    const message: SseMessage = {
      id: lastEventId,
      event: eventType || 'message',
      data: data.endsWith('\n') ? data.slice(0, -1) : data,
    };
    data = '';
    eventType = '';
    handlers.onMessage(message);
  };

  const processLine = (line: string) => {
    if (line === '') {
      dispatch();
      return;
    }
    if (line.startsWith(':')) {
      handlers.onComment?.(line.slice(1).replace(/^ /, ''));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        eventType = value;
        break;
      case 'data':
        data += `${value}\n`;
        break;
      case 'id':
        if (!value.includes('\0')) lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) handlers.onRetry?.(Number(value));
        break;
      default:
      // Unknown fields are ignored, as the standard says.
    }
  };

  return {
    push(chunk) {
      buffer += chunk;
      if (!started && buffer.length > 0) {
        started = true;
        if (buffer.startsWith('\uFEFF')) buffer = buffer.slice(1);
      }
      let start = 0;
      for (;;) {
        const lf = buffer.indexOf('\n', start);
        const cr = buffer.indexOf('\r', start);
        if (lf === -1 && cr === -1) break;
        let end: number;
        let next: number;
        if (cr !== -1 && (lf === -1 || cr < lf)) {
          // A CR that ends the chunk may be the first half of a CRLF.
          if (cr === buffer.length - 1) break;
          end = cr;
          next = buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
        } else {
          end = lf;
          next = lf + 1;
        }
        processLine(buffer.slice(start, end));
        start = next;
      }
      buffer = buffer.slice(start);
    },
    end() {
      if (buffer === '\r') processLine('');
      buffer = '';
      data = '';
      eventType = '';
    },
  };
}

/**
 * Splits newline-delimited JSON into values; chunks may split lines anywhere.
 * A line that is not JSON is skipped so that one bad line does not end a
 * followed log.
 */
export function createNdjsonParser(onValue: (value: unknown) => void) {
  let buffer = '';
  const emit = (line: string) => {
    if (!line.trim()) return;
    try {
      onValue(JSON.parse(line));
    } catch {
      // See above.
    }
  };
  return {
    push(chunk: string) {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach(emit);
    },
    end() {
      emit(buffer);
      buffer = '';
    },
  };
}
