/** 1 MiB: how much of each output stream a command result keeps. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Cuts a stream of text chunks into lines. Chunks split lines (and `\r\n`) anywhere, so the
 * unfinished tail waits for the next chunk. A lone `\r` stays in the line: it is content.
 */
export class LineSplitter {
  private partial = '';

  /** A line longer than this is handed on in pieces, so that output without newlines stays bounded. */
  constructor(private readonly maxLineLength = 64 * 1024) {}

  push(text: string): string[] {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop()!;
    const lines = parts.map(stripCarriageReturn);
    while (this.partial.length > this.maxLineLength) {
      lines.push(this.partial.slice(0, this.maxLineLength));
      this.partial = this.partial.slice(this.maxLineLength);
    }
    return lines;
  }

  /** The last line, when the stream did not end with a newline. */
  end(): string[] {
    const rest = this.partial;
    this.partial = '';
    return rest === '' ? [] : [stripCarriageReturn(rest)];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Keeps the last `limit` bytes of a byte stream. */
export class BoundedBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  constructor(private readonly limit = MAX_OUTPUT_BYTES) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.limit) {
      this.size -= this.chunks.shift()!.length;
      this.truncated = true;
    }
  }

  toString(): string {
    let bytes = Buffer.concat(this.chunks, this.size);
    if (bytes.length > this.limit) {
      bytes = bytes.subarray(bytes.length - this.limit);
      this.truncated = true;
    }
    if (this.truncated) {
      // The cut may fall inside a UTF-8 character: drop its continuation bytes rather than
      // decode them as replacement characters.
      let start = 0;
      while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++;
      bytes = bytes.subarray(start);
    }
    return bytes.toString('utf8');
  }
}

/** The last `count` items pushed, oldest first. */
export class LastLines {
  private lines: string[] = [];

  constructor(private readonly count = 20) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.count) this.lines.shift();
  }

  get(): string[] {
    return [...this.lines];
  }
}
