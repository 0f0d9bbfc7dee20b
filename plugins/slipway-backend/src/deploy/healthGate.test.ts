import { ProbeResult } from '../health/probe';
import { ContainerState } from '../hosts/containers';
import { GateClock, waitUntilHealthy } from './healthGate';

/**
 * The health gate on a fake clock and a fake probe: no real time passes, so the deadline and
 * the backoff are checked to the millisecond.
 */

const SETTINGS = {
  initialIntervalMs: 250,
  maxIntervalMs: 1000,
  probeTimeoutMs: 5000,
  deadlineMs: 60_000,
};
const TARGET = { address: '192.0.2.1', port: 8080, path: '/health' };
const RUNNING: ContainerState = {
  status: 'running',
  exitCode: 0,
  restartCount: 0,
  restarting: false,
};
const REFUSED: ProbeResult = {
  ok: false,
  httpStatus: null,
  latencyMs: null,
  error: 'connection refused on port 8080',
};
const HEALTHY: ProbeResult = {
  ok: true,
  httpStatus: 200,
  latencyMs: 3,
  error: null,
};

/** A clock whose sleeps return at once, moving its time on by what was asked. */
function fakeClock(): GateClock & { time: number } {
  const clock = {
    time: 0,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.time += ms;
    },
  };
  return clock;
}

/** The gate with a probe that answers `answers` in turn (the last one from then on). */
async function gate(
  answers: ProbeResult[],
  inspect: () => Promise<ContainerState | undefined>,
) {
  const clock = fakeClock();
  const probes: { at: number; timeoutMs: number }[] = [];
  const attempts: number[] = [];
  const result = await waitUntilHealthy({
    target: TARGET,
    settings: SETTINGS,
    signal: new AbortController().signal,
    inspect,
    onAttempt: attempt => attempts.push(attempt),
    probe: async (_target, timeoutMs) => {
      probes.push({ at: clock.time, timeoutMs });
      return answers[Math.min(probes.length, answers.length) - 1];
    },
    clock,
  });
  return { result, probes, attempts, clock };
}

describe('the health gate', () => {
  it('passes at the first healthy probe', async () => {
    const { result, probes, attempts } = await gate(
      [REFUSED, REFUSED, HEALTHY],
      async () => RUNNING,
    );
    expect(result).toEqual({ ok: true, probe: HEALTHY, attempts: 3 });
    // Right away, then after 250 ms and 500 ms more.
    expect(probes.map(p => p.at)).toEqual([0, 250, 750]);
    expect(probes[0].timeoutMs).toBe(5000);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('fails at once when the container crashed, with the exit in plain words', async () => {
    const { result, probes, clock } = await gate([REFUSED], async () => ({
      status: 'exited',
      exitCode: 1,
      restartCount: 0,
      restarting: false,
    }));
    expect(result).toEqual({
      ok: false,
      diagnosis: 'container exited with code 1',
      attempts: 1,
    });
    expect(probes).toHaveLength(1);
    // One probe and the wait after it, not the 60 s deadline.
    expect(clock.time).toBe(250);
  });

  it('fails on a restart loop and on a container that disappeared', async () => {
    const looping = await gate([REFUSED], async () => ({
      status: 'restarting',
      exitCode: 137,
      restartCount: 2,
      restarting: true,
    }));
    expect(looping.result).toEqual({
      ok: false,
      diagnosis:
        'container is restarting after exiting with code 137 (restarted 2 times)',
      attempts: 1,
    });
    const gone = await gate([REFUSED], async () => undefined);
    expect(gone.result).toEqual({
      ok: false,
      diagnosis: 'container disappeared',
      attempts: 1,
    });
  });

  it('fails after the deadline when probes keep failing, having probed on the backoff', async () => {
    const { result, probes, clock } = await gate(
      [REFUSED],
      async () => RUNNING,
    );
    // Right away, then waits of 250 ms doubling to 1 s, the last one cut at the deadline.
    const expected = [0];
    for (
      let wait = 250;
      expected.at(-1)! < 60_000;
      wait = Math.min(1000, wait * 2)
    )
      expected.push(Math.min(60_000, expected.at(-1)! + wait));
    expect(probes.map(p => p.at)).toEqual(expected);
    expect(expected).toHaveLength(63);
    expect(result).toEqual({
      ok: false,
      diagnosis: 'not healthy after 60 s: connection refused on port 8080',
      attempts: 63,
    });
    expect(clock.time).toBe(60_000);
    // The last probe gets what is left of the deadline, at least 100 ms.
    expect(probes.at(-1)!.timeoutMs).toBe(100);
    expect(probes.at(-2)!.timeoutMs).toBe(250);
  });

  it('stops when the job is cancelled', async () => {
    const controller = new AbortController();
    const clock = fakeClock();
    const gating = waitUntilHealthy({
      target: TARGET,
      settings: SETTINGS,
      signal: controller.signal,
      inspect: async () => RUNNING,
      onAttempt: () => controller.abort(new Error('cancelled')),
      probe: async () => REFUSED,
      clock,
    });
    await expect(gating).rejects.toThrow('cancelled');
  });
});
