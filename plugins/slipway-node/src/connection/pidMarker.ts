/**
 * sshd gives no way to learn the PID of the command it runs, yet killing a command means
 * killing its process group. So the remote shell first prints its own PID (which, since sshd
 * starts each session with setsid, is the process group id) on stderr, then `exec`s the command
 * in its place. This module makes that wrapper and takes the marker back out of stderr.
 */

const MARKER = '__slipway_pid__:';
const MARKER_BYTES = Buffer.from(MARKER, 'latin1');
const NEWLINE = 0x0a;
/** Startup files of the login shell may print first; past this, stop looking. */
const SEARCH_LIMIT = 64 * 1024;

/**
 * `commandLine` must come from `toShell`: only constant text is added around it, and `exec`
 * keeps the PID, so that the printed PID is the command's own.
 */
export function withPidMarker(commandLine: string): string {
  return `echo "${MARKER}$$" >&2; exec ${commandLine}`;
}

/** Removes the first marker line from a stderr stream and reports the PID in it. */
export class PidMarkerFilter {
  private pending = Buffer.alloc(0);
  private done = false;
  private resolvePid!: (pid: number | undefined) => void;
  /** Undefined if the marker never came, e.g. the shell failed before printing it. */
  readonly pid = new Promise<number | undefined>(resolve => {
    this.resolvePid = resolve;
  });

  push(chunk: Buffer): Buffer {
    if (this.done) return chunk;
    this.pending = Buffer.concat([this.pending, chunk]);
    const start = findMarker(this.pending);
    const end = start < 0 ? -1 : this.pending.indexOf(NEWLINE, start);
    if (end < 0) {
      return this.pending.length > SEARCH_LIMIT ? this.end() : Buffer.alloc(0);
    }
    const text = this.pending.subarray(start + MARKER_BYTES.length, end);
    const pid = /^\d+\r?$/.test(text.toString('latin1'))
      ? parseInt(text.toString('latin1'), 10)
      : undefined;
    const rest = Buffer.concat([
      this.pending.subarray(0, start),
      this.pending.subarray(end + 1),
    ]);
    this.finish(pid);
    return rest;
  }

  /** Whatever was held back while looking for the marker. */
  end(): Buffer {
    const rest = this.pending;
    this.finish(undefined);
    return rest;
  }

  private finish(pid: number | undefined) {
    this.done = true;
    this.pending = Buffer.alloc(0);
    this.resolvePid(pid);
  }
}

/** The marker at the start of a line, or -1. */
function findMarker(bytes: Buffer): number {
  for (
    let at = bytes.indexOf(MARKER_BYTES);
    at >= 0;
    at = bytes.indexOf(MARKER_BYTES, at + 1)
  ) {
    if (at === 0 || bytes[at - 1] === NEWLINE) return at;
  }
  return -1;
}
