import { BoundedBuffer, LastLines, LineSplitter } from './lines';

describe('LineSplitter', () => {
  it('joins lines split across chunks, including a split \\r\\n', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('one\r')).toEqual([]);
    expect(splitter.push('\ntw')).toEqual(['one']);
    expect(splitter.push('o\nthree\n\nfo')).toEqual(['two', 'three', '']);
    expect(splitter.end()).toEqual(['fo']);
    expect(splitter.end()).toEqual([]);
  });

  it('keeps a lone carriage return inside a line', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('a\rb\n')).toEqual(['a\rb']);
  });

  it('hands on an endless line in pieces', () => {
    const splitter = new LineSplitter(4);
    expect(splitter.push('abcdefghij')).toEqual(['abcd', 'efgh']);
    expect(splitter.end()).toEqual(['ij']);
  });
});

describe('BoundedBuffer', () => {
  it('keeps everything below the limit', () => {
    const buffer = new BoundedBuffer(10);
    buffer.push(Buffer.from('abc'));
    buffer.push(Buffer.from('def'));
    expect(buffer.toString()).toBe('abcdef');
  });

  it('keeps the last bytes and does not start inside a character', () => {
    const buffer = new BoundedBuffer(5);
    buffer.push(Buffer.from('abcdef'));
    buffer.push(Buffer.from('g'));
    expect(buffer.toString()).toBe('cdefg');
    const utf8 = new BoundedBuffer(5);
    utf8.push(Buffer.from('x日本')); // 1 + 3 + 3 bytes: the cut falls inside 日
    expect(utf8.toString()).toBe('本');
  });

  it('holds 1 MiB by default', () => {
    const buffer = new BoundedBuffer();
    for (let i = 0; i < 3; i++) buffer.push(Buffer.alloc(512 * 1024, 'a'));
    expect(buffer.toString()).toHaveLength(1024 * 1024);
  });
});

describe('LastLines', () => {
  it('keeps the last n lines in order', () => {
    const last = new LastLines(2);
    ['a', 'b', 'c'].forEach(l => last.push(l));
    expect(last.get()).toEqual(['b', 'c']);
  });
});
