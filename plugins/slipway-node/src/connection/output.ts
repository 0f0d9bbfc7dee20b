import { StringDecoder } from 'node:string_decoder';
import { OutputStream } from './types';
import { BoundedBuffer, LastLines, LineSplitter } from './lines';

type LineHandler = (stream: OutputStream, line: string) => void;

/**
 * What happens to one output stream of a command: bounded raw bytes for the result, and
 * complete lines for `onLine` and for the error message if the command fails.
 */
export class StreamOutput {
  // Chunks can split a multi-byte character; the decoder holds its first bytes back.
  private readonly decoder = new StringDecoder('utf8');
  private readonly splitter = new LineSplitter();
  private readonly buffer = new BoundedBuffer();

  constructor(
    private readonly stream: OutputStream,
    private readonly lastLines: LastLines,
    private readonly onLine: LineHandler | undefined,
    /** A throwing `onLine` runs inside a socket event handler: report it instead of crashing. */
    private readonly onLineError: (error: unknown) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buffer.push(chunk);
    this.emit(this.splitter.push(this.decoder.write(chunk)));
  }

  end(): void {
    this.emit(this.splitter.push(this.decoder.end()));
    this.emit(this.splitter.end());
  }

  text(): string {
    return this.buffer.toString();
  }

  private emit(lines: string[]): void {
    for (const line of lines) {
      this.lastLines.push(line);
      try {
        this.onLine?.(this.stream, line);
      } catch (error) {
        this.onLineError(error);
      }
    }
  }
}
