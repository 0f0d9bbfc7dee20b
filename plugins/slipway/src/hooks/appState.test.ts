import {
  makeDeployment,
  makeEvent,
  makeLogLine,
  makeSample,
  makeStatus,
} from '../__testUtils__/fixtures';
import { SlipwayApiError } from '../api';
import {
  appViewReducer,
  initialAppViewState,
  mergeLogLines,
  needsRefetch,
  newerDeployment,
} from './appState';

describe('appViewReducer', () => {
  it('applies events that came before the first status once it is there', () => {
    let state = appViewReducer(initialAppViewState, {
      type: 'event',
      event: makeEvent('app.state', {
        from: 'running',
        to: 'failed',
        reason: 'the container exited',
        deploymentId: null,
      }),
    });
    expect(state.status).toBeUndefined();

    state = appViewReducer(state, { type: 'loaded', status: makeStatus() });

    expect(state.status?.app.state).toBe('failed');
    expect(state.status?.transitions[0]).toMatchObject({
      from: 'running',
      to: 'failed',
    });
    expect(state.pending).toEqual([]);
  });

  it('counts a health check once, however often it is sent', () => {
    const sample = makeSample(0, { ok: false, error: 'timeout' });
    let state = appViewReducer(initialAppViewState, {
      type: 'loaded',
      status: makeStatus({ uptime24h: { ratio: 1, samples: 3 } }),
    });
    const event = makeEvent('health.sample', { sample });

    state = appViewReducer(state, { type: 'event', event });
    state = appViewReducer(state, { type: 'event', event });

    expect(state.status?.health).toHaveLength(4);
    expect(state.status?.uptime24h).toEqual({ ratio: 0.75, samples: 4 });
    expect(state.status?.app.consecutiveFailures).toBe(1);
  });

  it('forgets the app on a 404 but keeps it on other errors', () => {
    const loaded = appViewReducer(initialAppViewState, {
      type: 'loaded',
      status: makeStatus(),
    });

    const failed = appViewReducer(loaded, {
      type: 'failed',
      error: new Error('HTTP 502'),
    });
    const gone = appViewReducer(loaded, {
      type: 'failed',
      error: new SlipwayApiError('no app', { status: 404 }),
    });

    expect(failed.status).toBeDefined();
    expect(failed.notFound).toBe(false);
    expect(gone.status).toBeUndefined();
    expect(gone.notFound).toBe(true);
  });
});

describe('helpers', () => {
  it('never lets a late, unfinished snapshot undo a final status', () => {
    const done = makeDeployment({ status: 'succeeded' });
    const running = makeDeployment({ status: 'in_progress' });

    expect(newerDeployment(done, running)).toBe(done);
    expect(newerDeployment(running, done)).toBe(done);
  });

  it('merges log lines by id, in order', () => {
    expect(
      mergeLogLines(
        [makeLogLine(2, 'b'), makeLogLine(1, 'a')],
        [makeLogLine(3, 'c'), makeLogLine(2, 'b')],
      ).map(line => line.line),
    ).toEqual(['a', 'b', 'c']);
  });

  it('refetches for ended deployments and for states of other deployments', () => {
    const state = appViewReducer(initialAppViewState, {
      type: 'loaded',
      status: makeStatus(),
    });
    const stateChange = (deploymentId: string | null) =>
      makeEvent('app.state', {
        from: 'running',
        to: 'unhealthy',
        reason: 'x',
        deploymentId,
      });

    expect(needsRefetch(state, stateChange('dep-2'))).toBe(false);
    expect(needsRefetch(state, stateChange(null))).toBe(false);
    expect(needsRefetch(state, stateChange('dep-9'))).toBe(true);
    expect(
      needsRefetch(
        state,
        makeEvent('deployment.status', {
          deployment: makeDeployment({ status: 'in_progress' }),
        }),
      ),
    ).toBe(false);
    expect(
      needsRefetch(
        state,
        makeEvent('deployment.status', {
          deployment: makeDeployment({ status: 'failed' }),
        }),
      ),
    ).toBe(true);
    expect(
      needsRefetch(
        state,
        makeEvent('health.sample', { sample: makeSample(0) }),
      ),
    ).toBe(false);
  });
});
