import { ClientChannel } from 'ssh2';
import { toShell } from '../commands';
import { ConnectionFailedError, HostRef } from './errors';
import {
  KILL_GRACE_MS,
  ProcessEvents,
  StartedProcess,
  within,
} from './execution';
import { PidMarkerFilter, withPidMarker } from './pidMarker';

type OpenChannel = (commandLine: string) => Promise<ClientChannel>;

/**
 * One command in an SSH session channel: output to `events`, stdin written and closed, and a
 * kill that reaches the command's whole process group through a second session.
 */
export async function openRemoteProcess(params: {
  host: HostRef;
  program: string;
  /** From `toShell`. */
  commandLine: string;
  stdin?: string;
  events: ProcessEvents;
  openChannel: OpenChannel;
  /** The session is over: its slot on the connection is free again. */
  onClosed: () => void;
}): Promise<StartedProcess> {
  const { events, openChannel } = params;
  let channel: ClientChannel;
  try {
    channel = await openChannel(withPidMarker(params.commandLine));
  } catch (error) {
    throw new ConnectionFailedError(
      params.host,
      `could not start ${params.program}: the SSH session was refused (${
        (error as Error).message
      })`,
      { cause: error },
    );
  }

  const marker = new PidMarkerFilter();
  let exit: { code: number | null; signal: string | null } | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>(resolve => {
    resolveClosed = resolve;
  });
  // The channel closes after its stdout ended; stderr ends on its own schedule.
  let openParts = 2;
  const partClosed = () => {
    if (--openParts > 0) return;
    const rest = marker.end();
    if (rest.length) events.stderr(rest);
    if (exit) events.exited(exit);
    else {
      events.failed(
        new ConnectionFailedError(
          params.host,
          `${params.program} ended without an exit status: the SSH session was closed`,
        ),
      );
    }
    params.onClosed();
    resolveClosed();
  };

  channel.on('data', (chunk: Buffer) => events.stdout(chunk));
  channel.stderr.on('data', (chunk: Buffer) => {
    const rest = marker.push(chunk);
    if (rest.length) events.stderr(rest);
  });
  channel.on('exit', (code: number | null, signal?: string) => {
    exit = { code: code ?? null, signal: signal ?? null };
  });
  channel.once('close', partClosed);
  channel.stderr.once('close', partClosed);
  // Writing to a command that exited without reading its stdin is not an error of ours.
  channel.on('error', () => undefined);
  // Always end stdin, so that a command that reads it does not wait forever.
  channel.end(params.stdin ?? '');

  const isClosed = () => openParts === 0;
  const closedWithin = async (ms: number) =>
    (await within(
      closed.then(() => true),
      ms,
    )) ?? false;
  const signalGroup = async (signal: 'TERM' | 'KILL', pid: number) => {
    // `kill -TERM -PID` rather than `kill -TERM -- -PID`: dash and BusyBox reject the `--`.
    const control = await openChannel(
      toShell(['kill', `-${signal}`, `-${pid}`]),
    );
    control.end();
    control.resume();
    control.stderr.resume();
    await new Promise(resolve => control.once('close', resolve));
  };

  return {
    async kill() {
      const pid = await within(
        Promise.race([marker.pid, closed.then(() => undefined)]),
        KILL_GRACE_MS,
      );
      if (pid === undefined || isClosed()) return;
      try {
        await signalGroup('TERM', pid);
        if (await closedWithin(KILL_GRACE_MS)) return;
        await signalGroup('KILL', pid);
        await closedWithin(KILL_GRACE_MS);
      } catch {
        // The connection is gone, and with it any way to reach the process from here.
      }
    },
    release() {
      if (!isClosed()) channel.close();
    },
  };
}
