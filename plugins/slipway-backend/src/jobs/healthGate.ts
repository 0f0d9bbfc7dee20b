import { probeHttp, ProbeResult, ProbeTarget } from '../health/probe';
import { ContainerState, describeExit } from '../hosts/containers';
import { DeploySettings } from './settings';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

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
}): Promise<GateResult> {
  const { target, settings, signal } = opts;
  const deadline = Date.now() + settings.deadlineMs;
  let interval = settings.initialIntervalMs;
  let attempt = 0;
  let last: ProbeResult | undefined;
  for (;;) {
    signal.throwIfAborted();
    attempt += 1;
    const remaining = deadline - Date.now();
    last = await probeHttp(
      target,
      Math.max(100, Math.min(settings.probeTimeoutMs, remaining)),
    );
    opts.onAttempt(attempt, last);
    if (last.ok) return { ok: true, probe: last, attempts: attempt };

    if (Date.now() >= deadline) {
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
      sleep(Math.min(interval, Math.max(0, deadline - Date.now())), signal),
    ]);
    if (!state) {
      return {
        ok: false,
        diagnosis: 'container disappeared',
        attempts: attempt,
      };
    }
    if (
      state.status === 'exited' ||
      state.status === 'dead' ||
      (state.restarting && state.restartCount > 0)
    ) {
      return { ok: false, diagnosis: describeExit(state), attempts: attempt };
    }
    interval = Math.min(settings.maxIntervalMs, interval * 2);
  }
}
