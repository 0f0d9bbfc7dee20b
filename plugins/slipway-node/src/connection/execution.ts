import { constants } from 'node:os';
import { Command } from '../commands';
import { ExecOptions, ExecResult } from './types';
import {
  CommandCancelledError,
  CommandFailedError,
  CommandTimeoutError,
  HostRef,
} from './errors';
import { LastLines } from './lines';
import { StreamOutput } from './output';
import { redactStdin } from './redact';

/** How long a process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 3000;

/** What a transport reports about the process it started. */
export type ProcessEvents = {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** The process has ended and all of its output has been delivered. */
  exited(exit: { code: number | null; signal: string | null }): void;
  /** The transport lost the process, e.g. the connection dropped. */
  failed(error: Error): void;
};

export type StartedProcess = {
  /** SIGTERM to the whole process group, SIGKILL after a grace period if it is still there. */
  kill(): Promise<void>;
  /** Gives back what the transport holds for this process (e.g. closes the SSH channel). */
  release(): void;
};

/** The promise's value, or undefined if it takes longer than `ms`; no timer is left behind. */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>(resolve => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export type Transport = (
  events: ProcessEvents,
  /** Aborted when the command is stopped before it started (e.g. while queued). */
  startSignal: AbortSignal,
) => Promise<StartedProcess>;

class Execution {
  private settled = false;
  private stopping = false;
  private exited = false;
  private lineError: unknown;
  private timer?: NodeJS.Timeout;
  private started?: Promise<StartedProcess>;
  private readonly startAbort = new AbortController();
  private readonly lastLines = new LastLines(20);
  private readonly stdout: StreamOutput;
  private readonly stderr: StreamOutput;
  private readonly onAbort = () =>
    this.stop(new CommandCancelledError(this.host, this.program));

  constructor(
    private readonly host: HostRef,
    private readonly program: string,
    private readonly options: ExecOptions,
    private readonly resolve: (result: ExecResult) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    const onLineError = (error: unknown) => {
      this.lineError ??= error;
      this.stop(error);
    };
    this.stdout = new StreamOutput(
      'stdout',
      this.lastLines,
      options.onLine,
      onLineError,
    );
    this.stderr = new StreamOutput(
      'stderr',
      this.lastLines,
      options.onLine,
      onLineError,
    );
  }

  run(timeoutMs: number | undefined, transport: Transport) {
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.timer = setTimeout(
        () =>
          this.stop(
            new CommandTimeoutError(this.host, this.program, timeoutMs),
          ),
        timeoutMs,
      );
    }
    this.options.signal?.addEventListener('abort', this.onAbort, {
      once: true,
    });
    this.started = transport(
      {
        stdout: chunk => this.stdout.push(chunk),
        stderr: chunk => this.stderr.push(chunk),
        exited: exit => this.onExit(exit),
        failed: error => {
          // While stopping, the transport's failure is a consequence of the kill.
          if (!this.stopping) this.settle(() => this.reject(error));
        },
      },
      this.startAbort.signal,
    );
    this.started.catch(error => {
      if (!this.stopping) this.settle(() => this.reject(error));
    });
  }

  private onExit({
    code,
    signal,
  }: {
    code: number | null;
    signal: string | null;
  }) {
    if (this.stopping || this.settled) return;
    this.exited = true;
    this.stdout.end();
    this.stderr.end();
    const exitCode = code ?? signalExitCode(signal);
    if (this.lineError !== undefined) {
      this.settle(() => this.reject(this.lineError));
    } else if (exitCode !== 0 && !this.options.allowFailure) {
      const lines = redactStdin(this.lastLines.get(), this.options.stdin);
      this.settle(() =>
        this.reject(
          new CommandFailedError(this.host, this.program, exitCode, lines),
        ),
      );
    } else {
      this.settle(() =>
        this.resolve({
          exitCode,
          stdout: this.stdout.text(),
          stderr: this.stderr.text(),
        }),
      );
    }
  }

  /** Kills the process group, then rejects: the promise never outlives the process. */
  private stop(error: unknown) {
    if (this.settled || this.stopping || this.exited || !this.started) return;
    this.stopping = true;
    this.startAbort.abort();
    this.started
      .then(proc => proc.kill().finally(() => proc.release()))
      .catch(() => undefined)
      .finally(() => this.settle(() => this.reject(error)));
  }

  private settle(outcome: () => void) {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    outcome();
  }
}

/**
 * The life of one command, whatever runs it: streaming, bounded output, timeout and
 * cancellation (which kill the process group before the promise settles), and the errors.
 */
export function execute(
  host: HostRef,
  command: Command,
  options: ExecOptions,
  defaultTimeoutMs: number | undefined,
  transport: Transport,
): Promise<ExecResult> {
  const program = command[0] ?? '';
  if (options.signal?.aborted) {
    return Promise.reject(new CommandCancelledError(host, program));
  }
  return new Promise<ExecResult>((resolve, reject) => {
    new Execution(host, program, options, resolve, reject).run(
      options.timeoutMs ?? defaultTimeoutMs,
      transport,
    );
  });
}

/**
 * A process killed by signal N exits as 128 + N, as POSIX shells report it, so that callers
 * see one number either way. An unknown signal name gives 128.
 */
export function signalExitCode(signal: string | null): number {
  const number = signal
    ? constants.signals[signal as keyof typeof constants.signals]
    : undefined;
  return 128 + (number ?? 0);
}
