import { dockerLogsTail } from '@slipway/plugin-slipway-node';
import { probeHttp, ProbeResult, ProbeTarget } from '../health/probe';
import {
  ContainerState,
  describeExit,
  inspectContainerState,
} from '../hosts/containers';
import { JobContext } from './JobContext';
import { DeploySettings } from './settings';

/** How many of the new container's last log lines go into a failed deployment's log. */
const LOG_TAIL_LINES = 20;

/** Time as the gate sees it: the real one, or a fake one in tests. */
export type GateClock = {
  now(): number;
  /** Rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
};

export const realClock: GateClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason);
        },
        { once: true },
      );
    }),
};

export type GateResult =
  | { ok: true; probe: ProbeResult; attempts: number }
  | { ok: false; diagnosis: string; attempts: number };

/**
 * Probes a freshly started container until it is healthy or the deadline passes. After each
 * failed probe the container is inspected, so a crash is reported at once ("container exited
 * with code 1") instead of after the whole deadline.
 */
export async function waitUntilHealthy(opts: {
  target: ProbeTarget;
  settings: DeploySettings['healthGate'];
  signal: AbortSignal;
  inspect: () => Promise<ContainerState | undefined>;
  onAttempt: (attempt: number, result: ProbeResult) => void;
  probe?: (target: ProbeTarget, timeoutMs: number) => Promise<ProbeResult>;
  clock?: GateClock;
}): Promise<GateResult> {
  const { target, settings, signal } = opts;
  const { probe = probeHttp, clock = realClock } = opts;
  const deadline = clock.now() + settings.deadlineMs;
  let interval = settings.initialIntervalMs;
  let attempt = 0;
  for (;;) {
    signal.throwIfAborted();
    attempt += 1;
    const remaining = deadline - clock.now();
    const last = await probe(
      target,
      Math.max(100, Math.min(settings.probeTimeoutMs, remaining)),
    );
    opts.onAttempt(attempt, last);
    if (last.ok) return { ok: true, probe: last, attempts: attempt };

    if (clock.now() >= deadline) {
      return {
        ok: false,
        diagnosis: `not healthy after ${Math.round(
          settings.deadlineMs / 1000,
        )} s: ${last.error}`,
        attempts: attempt,
      };
    }
    // The container is inspected while waiting for the next probe, so a crash costs no time.
    const [state] = await Promise.all([
      opts.inspect(),
      clock.sleep(
        Math.min(interval, Math.max(0, deadline - clock.now())),
        signal,
      ),
    ]);
    const crash = crashOf(state);
    if (crash) return { ok: false, diagnosis: crash, attempts: attempt };
    interval = Math.min(settings.maxIntervalMs, interval * 2);
  }
}

/** Why the container cannot become healthy any more, or undefined while it may. */
function crashOf(state: ContainerState | undefined): string | undefined {
  if (!state) return 'container disappeared';
  if (
    state.status === 'exited' ||
    state.status === 'dead' ||
    (state.restarting && state.restartCount > 0)
  ) {
    return describeExit(state);
  }
  return undefined;
}

/** The gate for one of the job's containers, each failed probe a line of the job's log. */
export function gateContainer(
  ctx: JobContext,
  container: string,
): Promise<GateResult> {
  const { app, log } = ctx;
  return waitUntilHealthy({
    target: {
      address: ctx.hosts.probeAddress(app.host),
      port: app.port,
      path: app.healthPath,
    },
    settings: ctx.settings.healthGate,
    signal: ctx.signal,
    inspect: () => inspectContainerState(ctx.conn, container),
    onAttempt: (attempt, result) => {
      if (!result.ok) void log.step(`Probe ${attempt}: ${result.error}`);
    },
  });
}

/**
 * The gate after a swap, announced in the log. An unhealthy container's last lines of output go
 * into the log and the diagnosis (redacted), since they usually say why it failed.
 */
export async function gateNewContainer(
  ctx: JobContext,
  container: string,
): Promise<GateResult> {
  const { app, log, settings } = ctx;
  await log.step(
    `Health gate: GET http://${ctx.hosts.probeAddress(app.host)}:${app.port}${
      app.healthPath
    }, up to ${settings.healthGate.deadlineMs / 1000} s, ${
      settings.healthGate.probeTimeoutMs / 1000
    } s per probe`,
  );
  const gate = await gateContainer(ctx, container);
  if (gate.ok) return gate;
  await log.step(
    `Unhealthy: ${gate.diagnosis}. Last ${LOG_TAIL_LINES} lines of the container's output:`,
  );
  const tail = await ctx.conn.exec(dockerLogsTail(container, LOG_TAIL_LINES), {
    allowFailure: true,
  });
  const lines = `${tail.stdout}${tail.stderr}`.split('\n').filter(Boolean);
  for (const line of lines) log.output('stdout', line);
  const withLogs = lines.length
    ? `${gate.diagnosis}\nlast output:\n${lines
        .slice(-LOG_TAIL_LINES)
        .join('\n')}`
    : gate.diagnosis;
  return { ...gate, diagnosis: log.redact(withLogs) };
}
