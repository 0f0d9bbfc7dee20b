import { spawn } from 'node:child_process';
import { Command, toShell } from '../commands';
import {
  ConnectOptions,
  ExecOptions,
  ExecResult,
  HostConnection,
  LocalHostConfig,
} from './types';
import { ConnectionFailedError, HostRef } from './errors';
import {
  execute,
  KILL_GRACE_MS,
  ProcessEvents,
  StartedProcess,
  within,
} from './execution';

type Running = { events: ProcessEvents; proc?: StartedProcess };

/**
 * The backend's own machine as a host. Commands go through `sh -c` like they do over SSH, so
 * that a command behaves the same wherever it runs.
 */
export class LocalConnection implements HostConnection {
  readonly hostName: string;
  private readonly host: HostRef;
  private readonly running = new Set<Running>();
  private closed = false;

  constructor(
    config: LocalHostConfig,
    private readonly options: ConnectOptions = {},
  ) {
    this.hostName = config.name;
    this.host = { name: config.name, address: 'local' };
  }

  exec(command: Command, options: ExecOptions = {}): Promise<ExecResult> {
    return execute(
      this.host,
      command,
      options,
      this.options.commandTimeoutMs,
      async events => {
        // Node gives a child a socket, not a pipe, as stdin, and `open("/dev/stdin")` fails on
        // a socket (docker's `--env-file /dev/stdin`). `cat |` makes it a pipe, as over SSH.
        const commandLine =
          options.stdin === undefined
            ? toShell(command)
            : `cat | ${toShell(command)}`;
        if (this.closed) throw this.closedError();
        const entry: Running = { events };
        entry.proc = startLocal(this.host, commandLine, options.stdin, {
          ...events,
          exited: exit => {
            this.running.delete(entry);
            events.exited(exit);
          },
        });
        this.running.add(entry);
        return entry.proc;
      },
    );
  }

  /** Unlike a dropped SSH connection, nothing else would stop local commands: kill them. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.running];
    this.running.clear();
    for (const { events } of running) events.failed(this.closedError());
    await Promise.all(running.map(({ proc }) => proc?.kill()));
  }

  private closedError() {
    return new ConnectionFailedError(this.host, 'the connection was closed');
  }
}

function startLocal(
  host: HostRef,
  commandLine: string,
  stdin: string | undefined,
  events: ProcessEvents,
): StartedProcess {
  // detached: the command leads its own process group, which is what a kill reaches.
  const child = spawn('sh', ['-c', commandLine], {
    detached: true,
    stdio: 'pipe',
  });
  let done = false;
  const closed = new Promise<void>(resolve => {
    child.once('close', (code, signal) => {
      done = true;
      events.exited({ code, signal });
      resolve();
    });
  });
  child.once('error', error => {
    events.failed(
      new ConnectionFailedError(host, `could not start sh: ${error.message}`, {
        cause: error,
      }),
    );
  });
  child.stdout.on('data', (chunk: Buffer) => events.stdout(chunk));
  child.stderr.on('data', (chunk: Buffer) => events.stderr(chunk));
  // A command that exits without reading its stdin makes writing it fail: not an error.
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin ?? '');

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const closedWithin = async (ms: number) =>
    (await within(
      closed.then(() => true),
      ms,
    )) ?? false;

  return {
    async kill() {
      if (done) return;
      signalGroup('SIGTERM');
      if (await closedWithin(KILL_GRACE_MS)) return;
      signalGroup('SIGKILL');
      await closedWithin(KILL_GRACE_MS);
    },
    release() {
      child.stdout.destroy();
      child.stderr.destroy();
      child.stdin.destroy();
    },
  };
}
