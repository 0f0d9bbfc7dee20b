import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { SlipwayApiError } from '../../api';
import {
  createFakeSlipwayApi,
  makeApp,
  makeDeployment,
  makeEvent,
  makeLogLine,
  makeSample,
  makeStatus,
  minutesAgo,
} from '../../__testUtils__/fixtures';
import {
  component,
  renderWithSlipway,
  RenderOptions,
} from '../../__testUtils__/render';
import { SlipwayStatusCard, SlipwayStatusCardProps } from './SlipwayStatusCard';

// Matches the innermost element whose text, across child elements such as
// <code>, matches the pattern.
function innermostText(pattern: RegExp) {
  return (_content: string, element: Element | null) =>
    !!element &&
    pattern.test(element.textContent ?? '') &&
    Array.from(element.children).every(
      child => !pattern.test(child.textContent ?? ''),
    );
}

async function renderCard(
  options: RenderOptions & { props?: SlipwayStatusCardProps } = {},
) {
  return renderWithSlipway(<SlipwayStatusCard {...options.props} />, options);
}

function withStatus(status: ReturnType<typeof makeStatus>) {
  return createFakeSlipwayApi({
    getAppStatus: jest.fn(async () => status),
  });
}

async function stateText() {
  return (await screen.findByTestId('slipway-app-state')).textContent;
}

describe('SlipwayStatusCard', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  describe('without the annotation', () => {
    it('explains the missing slipway/app-name annotation', async () => {
      const { fake } = await renderCard({ entity: component() });

      expect(screen.getByText('Missing Annotation')).toBeInTheDocument();
      expect(
        screen.getByText(
          innermostText(/The annotation slipway\/app-name is missing/),
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: /^Read more/ }),
      ).toHaveAttribute('href', expect.stringContaining('backstage.io/docs'));
      expect(fake.api.getAppStatus).not.toHaveBeenCalled();
      expect(fake.api.subscribe).not.toHaveBeenCalled();
    });

    it('points "Read more" at the given docs', async () => {
      await renderCard({
        entity: component(),
        props: { readMoreUrl: '/docs/slipway/annotations' },
      });

      expect(
        screen.getByRole('button', { name: /^Read more/ }),
      ).toHaveAttribute('href', '/docs/slipway/annotations');
    });
  });

  describe('states', () => {
    it('shows a running app with its URL, host, commit, deployer and uptime', async () => {
      const { fake } = await renderCard();

      expect(await stateText()).toBe('running');
      expect(screen.getByTestId('slipway-app-state')).toHaveAttribute(
        'data-state',
        'running',
      );
      expect(
        within(screen.getByTestId('slipway-app-state')).getByTestId(
          'status-ok',
        ),
      ).toBeInTheDocument();
      expect(screen.getByTestId('slipway-app-name')).toHaveTextContent(
        'hello-static',
      );
      expect(screen.getByTestId('slipway-app-url')).toHaveAttribute(
        'href',
        'http://203.0.113.10:8080',
      );
      expect(screen.getByText('docker-1')).toBeInTheDocument();
      expect(
        screen.getByRole('link', {
          name: /^Commit 0123456789abcdef0123456789abcdef01234567/,
        }),
      ).toHaveAttribute(
        'href',
        'https://github.com/acme/hello-static/commit/0123456789abcdef0123456789abcdef01234567',
      );
      expect(screen.getByText('0123456')).toBeInTheDocument();
      expect(screen.getByTestId('slipway-last-deployment')).toHaveTextContent(
        '30 minutes ago by jane',
      );
      expect(screen.getByTestId('slipway-uptime')).toHaveTextContent('99.5 %');
      expect(screen.queryByTestId('slipway-diagnosis')).not.toBeInTheDocument();
      expect(fake.api.getAppLogs).not.toHaveBeenCalled();
      expect(fake.api.getAppStatus).toHaveBeenCalledWith('hello-static');
      expect(fake.api.subscribe).toHaveBeenCalledWith(
        'hello-static',
        expect.any(Function),
        expect.any(Function),
      );
    });

    it('shows the commit as text when the repo has no web page', async () => {
      await renderCard({
        fake: withStatus(
          makeStatus({
            app: makeApp({ repo: 'git@github.com:acme/hello-static.git' }),
          }),
        ),
      });

      expect(await screen.findByText('0123456')).toBeInTheDocument();
      expect(
        screen.queryByRole('link', { name: /^Commit/ }),
      ).not.toBeInTheDocument();
    });

    it('shows the memory and CPU limits only when the app has them', async () => {
      await renderCard({
        fake: withStatus(
          makeStatus({ app: makeApp({ memory: '256m', cpus: 0.5 }) }),
        ),
      });
      expect(await screen.findByTestId('slipway-app-limits')).toHaveTextContent(
        /^memory 256m, 0\.5 CPUs$/,
      );
    });

    it('shows no limits line for an app without limits', async () => {
      await renderCard({
        fake: withStatus(
          makeStatus({ app: makeApp({ memory: null, cpus: null }) }),
        ),
      });
      expect(await stateText()).toBe('running');
      expect(
        screen.queryByTestId('slipway-app-limits'),
      ).not.toBeInTheDocument();
      expect(screen.queryByText('Limits')).not.toBeInTheDocument();
    });

    it('diagnoses an unhealthy app and shows its last log lines', async () => {
      const fake = createFakeSlipwayApi({
        getAppStatus: jest.fn(async () =>
          makeStatus({
            app: makeApp({
              state: 'unhealthy',
              stateReason: '3 health checks in a row failed',
            }),
            health: [
              makeSample(3),
              makeSample(2, {
                ok: false,
                latencyMs: null,
                httpStatus: null,
                error: 'connection refused on port 5000',
              }),
            ],
          }),
        ),
        getAppLogs: jest.fn(async () => ({
          container: 'slipway-hello-static-dep-2',
          lines: ['Listening on 127.0.0.1:5000', 'GET /health 200'],
        })),
      });
      await renderCard({ fake });

      expect(await stateText()).toBe('unhealthy');
      expect(screen.getByTestId('status-warning')).toBeInTheDocument();
      const diagnosis = screen.getByTestId('slipway-diagnosis');
      expect(diagnosis).toHaveTextContent('3 health checks in a row failed');
      expect(diagnosis).toHaveTextContent(
        'The last failed health check: connection refused on port 5000.',
      );
      const log = await screen.findByTestId('slipway-app-log');
      expect(log).toHaveTextContent('Listening on 127.0.0.1:5000');
      expect(log).toHaveTextContent('GET /health 200');
      expect(
        screen.getByText('Last log lines of slipway-hello-static-dep-2'),
      ).toBeInTheDocument();
      expect(fake.api.getAppLogs).toHaveBeenCalledWith('hello-static', {
        tail: 20,
      });
    });

    it("diagnoses a failed app with the deployment's diagnosis", async () => {
      await renderCard({
        fake: createFakeSlipwayApi({
          getAppStatus: jest.fn(async () =>
            makeStatus({
              app: makeApp({
                state: 'failed',
                stateReason: 'the deploy failed',
              }),
              lastDeployment: makeDeployment({
                status: 'failed',
                diagnosis:
                  'The container exited with code 1 right after start.',
              }),
              health: [
                makeSample(1, {
                  ok: false,
                  httpStatus: 404,
                  error: null,
                }),
              ],
            }),
          ),
          getAppLogs: jest.fn(async () => ({
            container: 'c1',
            lines: ['Error: Cannot find module server.js'],
          })),
        }),
      });

      expect(await stateText()).toBe('failed');
      expect(screen.getByTestId('status-error')).toBeInTheDocument();
      const diagnosis = screen.getByTestId('slipway-diagnosis');
      expect(diagnosis).toHaveTextContent('the deploy failed');
      expect(diagnosis).toHaveTextContent(
        'The last failed health check: GET /health returned 404.',
      );
      expect(diagnosis).toHaveTextContent(
        'The container exited with code 1 right after start.',
      );
      expect(await screen.findByTestId('slipway-app-log')).toHaveTextContent(
        'Error: Cannot find module server.js',
      );
      expect(screen.getByTestId('slipway-last-deployment')).toHaveTextContent(
        '(deploy, failed)',
      );
    });

    it('says when the log cannot be read', async () => {
      await renderCard({
        fake: createFakeSlipwayApi({
          getAppStatus: jest.fn(async () =>
            makeStatus({ app: makeApp({ state: 'failed' }) }),
          ),
          getAppLogs: jest.fn(async () => {
            throw new Error('host docker-1 is unreachable');
          }),
        }),
      });

      expect(
        await screen.findByText(
          'The log could not be read: host docker-1 is unreachable',
        ),
      ).toBeInTheDocument();
    });

    it('shows a pending app', async () => {
      const queued = makeDeployment({
        status: 'queued',
        startedAt: null,
        finishedAt: null,
      });
      await renderCard({
        fake: createFakeSlipwayApi({
          getAppStatus: jest.fn(async () =>
            makeStatus({
              app: makeApp({ state: 'pending', currentDeploymentId: null }),
              lastDeployment: queued,
              health: [],
              uptime24h: { ratio: null, samples: 0 },
            }),
          ),
          getDeployment: jest.fn(async () => ({ deployment: queued, log: [] })),
        }),
      });

      expect(await stateText()).toBe('pending');
      expect(
        within(screen.getByTestId('slipway-app-state')).getByTestId(
          'status-pending',
        ),
      ).toBeInTheDocument();
      expect(screen.getByTestId('slipway-uptime')).toHaveTextContent(
        'no checks yet',
      );
      expect(screen.getByText('No health checks yet.')).toBeInTheDocument();
      expect(screen.queryByTestId('slipway-heartbeat')).not.toBeInTheDocument();
    });

    it('shows a first deploy under way as deploying, with its log', async () => {
      const running = makeDeployment({
        id: 'dep-1',
        status: 'in_progress',
        finishedAt: null,
      });
      const fake = createFakeSlipwayApi({
        getAppStatus: jest.fn(async () =>
          makeStatus({
            app: makeApp({ state: 'pending', currentDeploymentId: null }),
            lastDeployment: running,
          }),
        ),
        getDeployment: jest.fn(async () => ({
          deployment: running,
          log: [
            makeLogLine(1, 'cloning', { stream: 'system' }),
            makeLogLine(2, 'Step 1/4'),
          ],
        })),
      });
      await renderCard({ fake });

      expect(await stateText()).toBe('deploying');
      expect(
        within(screen.getByTestId('slipway-app-state')).getByTestId(
          'status-running',
        ),
      ).toBeInTheDocument();
      expect(
        await screen.findByTestId('slipway-followed-log'),
      ).toHaveTextContent('cloning Step 1/4');
      expect(fake.api.getDeployment).toHaveBeenCalledWith('dep-1');
    });

    it('shows a destroyed app without the actions that need one', async () => {
      await renderCard({
        fake: withStatus(
          makeStatus({
            app: makeApp({ destroyedAt: minutesAgo(5) }),
            lastDeployment: makeDeployment({ kind: 'destroy' }),
          }),
        ),
      });

      expect(await stateText()).toBe('destroyed');
      expect(screen.getByTestId('status-aborted')).toBeInTheDocument();
      expect(screen.queryByTestId('slipway-app-url')).not.toBeInTheDocument();
      expect(
        await screen.findByRole('button', { name: 'Redeploy' }),
      ).toBeInTheDocument();
      expect(
        screen.queryByRole('button', { name: 'Restart' }),
      ).not.toBeInTheDocument();
      expect(
        screen.queryByRole('button', { name: 'Destroy' }),
      ).not.toBeInTheDocument();
    });
  });

  describe('health', () => {
    it('draws one named cell per check and sums them up', async () => {
      await renderCard({
        fake: withStatus(
          makeStatus({
            health: [
              makeSample(4, { latencyMs: 35 }),
              makeSample(3, { latencyMs: 41 }),
              makeSample(2, {
                ok: false,
                latencyMs: null,
                httpStatus: null,
                error: 'GET /health timed out after 5000 ms',
              }),
              makeSample(1, { latencyMs: 38 }),
            ],
            uptime24h: { ratio: 0.75, samples: 4 },
          }),
        ),
      });

      const bar = await screen.findByTestId('slipway-heartbeat');
      const cells = within(bar).getAllByRole('listitem');
      expect(cells).toHaveLength(4);
      expect(cells.map(cell => cell.getAttribute('data-ok'))).toEqual([
        'true',
        'true',
        'false',
        'true',
      ]);
      expect(cells[0]).toHaveAttribute(
        'aria-label',
        expect.stringMatching(/: passed in 35 ms, HTTP 200$/),
      );
      expect(cells[2]).toHaveAttribute(
        'aria-label',
        expect.stringMatching(
          /: failed, GET \/health timed out after 5000 ms$/,
        ),
      );
      expect(screen.getByTestId('slipway-heartbeat-summary')).toHaveTextContent(
        'Last 4 checks: 3 passed, 1 failed. Last check 1 minute ago: passed.',
      );
      expect(screen.getByTestId('slipway-uptime')).toHaveTextContent('75 %');
    });

    it('never rounds an uptime below 100 % up to 100 %', async () => {
      await renderCard({
        fake: withStatus(
          makeStatus({ uptime24h: { ratio: 0.9996, samples: 8640 } }),
        ),
      });

      expect(await screen.findByTestId('slipway-uptime')).toHaveTextContent(
        '99.9 %',
      );
    });
  });

  describe('errors', () => {
    it('shows an unreachable backend inside the card', async () => {
      await renderCard({
        fake: createFakeSlipwayApi({
          getAppStatus: jest.fn(async () => {
            throw new SlipwayApiError(
              'The Slipway backend could not be reached (Failed to fetch)',
              { status: 0 },
            );
          }),
        }),
      });

      const message = await screen.findByText(
        /The status of hello-static could not be loaded: The Slipway backend could not be reached \(Failed to fetch\)/,
      );
      const card = message.closest('.MuiCard-root') as HTMLElement;
      expect(within(card).getByText('Slipway')).toBeInTheDocument();
      expect(screen.queryByTestId('slipway-app-state')).not.toBeInTheDocument();
    });

    it('says the app does not exist yet on a 404', async () => {
      await renderCard({
        fake: createFakeSlipwayApi({
          getAppStatus: jest.fn(async () => {
            throw new SlipwayApiError('no app named hello-static (HTTP 404)', {
              status: 404,
            });
          }),
        }),
      });

      expect(await screen.findByTestId('slipway-not-found')).toHaveTextContent(
        'Slipway has no app named hello-static yet.',
      );
      expect(screen.getByText(/Deploy it with Slipway/)).toBeInTheDocument();
    });

    it('keeps what it showed when a refresh fails, and says so', async () => {
      jest.useFakeTimers();
      const fake = createFakeSlipwayApi();
      await renderCard({ fake });
      expect(await stateText()).toBe('running');

      fake.api.getAppStatus.mockRejectedValue(
        new Error('HTTP 502 Bad Gateway'),
      );
      act(() => fake.drop());
      await act(() => jest.advanceTimersByTimeAsync(5000));

      expect(
        screen.getByText(
          'The status could not be refreshed: HTTP 502 Bad Gateway',
        ),
      ).toBeInTheDocument();
      expect(screen.getByTestId('slipway-app-state')).toHaveTextContent(
        'running',
      );
    });
  });

  describe('actions', () => {
    it('redeploys and follows the started deployment', async () => {
      const fake = createFakeSlipwayApi({
        getDeployment: jest.fn(async () => ({
          deployment: makeDeployment({
            id: 'dep-3',
            status: 'queued',
            finishedAt: null,
          }),
          log: [],
        })),
      });
      await renderCard({ fake });

      fireEvent.click(await screen.findByTestId('slipway-action-redeploy'));

      const followed = await screen.findByTestId('slipway-followed-deployment');
      expect(fake.api.redeploy).toHaveBeenCalledWith('hello-static');
      expect(followed).toHaveAttribute('data-deployment-id', 'dep-3');
      expect(followed).toHaveTextContent('queued');
      // A second job would be refused while this one runs.
      expect(screen.getByRole('button', { name: 'Redeploy' })).toBeDisabled();

      act(() =>
        fake.emit(
          makeEvent('deployment.status', {
            deployment: makeDeployment({ id: 'dep-3', status: 'in_progress' }),
          }),
        ),
      );
      act(() =>
        fake.emit(
          makeEvent('deployment.log', {
            deploymentId: 'dep-3',
            line: {
              id: 7,
              stream: 'stdout',
              line: 'Successfully built 1a2b3c',
              createdAt: minutesAgo(0),
            },
          }),
        ),
      );

      expect(followed).toHaveTextContent('in progress');
      expect(screen.getByTestId('slipway-followed-log')).toHaveTextContent(
        'Successfully built 1a2b3c',
      );
    });

    it('restarts', async () => {
      const { fake } = await renderCard();

      fireEvent.click(await screen.findByRole('button', { name: 'Restart' }));

      await waitFor(() =>
        expect(fake.api.restart).toHaveBeenCalledWith('hello-static'),
      );
      expect(
        await screen.findByTestId('slipway-followed-deployment'),
      ).toHaveTextContent('Restart started just now by jane');
    });

    it("shows the backend's refusal of an action", async () => {
      await renderCard({
        fake: createFakeSlipwayApi({
          redeploy: jest.fn(async () => {
            throw new SlipwayApiError(
              'a restart of hello-static is running (dep-9) (HTTP 409 Conflict)',
              { status: 409 },
            );
          }),
        }),
      });

      fireEvent.click(await screen.findByRole('button', { name: 'Redeploy' }));

      expect(
        await screen.findByTestId('slipway-action-error'),
      ).toHaveTextContent(
        'The redeploy could not start: a restart of hello-static is running (dep-9) (HTTP 409 Conflict)',
      );
    });

    it('rolls back to the previous successful deployment after asking', async () => {
      const fake = createFakeSlipwayApi({
        listDeployments: jest.fn(async () => [
          makeDeployment({ id: 'dep-2', createdAt: minutesAgo(31) }),
          makeDeployment({
            id: 'dep-x',
            status: 'failed',
            createdAt: minutesAgo(60),
          }),
          makeDeployment({
            id: 'dep-1',
            commitSha: 'fedcba9876543210fedcba9876543210fedcba98',
            createdAt: minutesAgo(120),
            initiator: 'user:default/sam',
          }),
        ]),
      });
      await renderCard({ fake });

      fireEvent.click(await screen.findByRole('button', { name: 'Rollback' }));

      const dialog = await screen.findByRole('dialog');
      expect(
        await within(dialog).findByTestId('slipway-rollback-target'),
      ).toHaveTextContent(
        'Go back to commit fedcba9, deployed 2 hours ago by sam?',
      );
      expect(fake.api.rollback).not.toHaveBeenCalled();
      fireEvent.click(
        within(dialog).getByRole('button', { name: 'Roll back' }),
      );

      await waitFor(() =>
        expect(fake.api.rollback).toHaveBeenCalledWith('hello-static', 'dep-1'),
      );
    });

    it('says when there is nothing to roll back to', async () => {
      await renderCard();

      fireEvent.click(await screen.findByRole('button', { name: 'Rollback' }));

      const dialog = await screen.findByRole('dialog');
      expect(
        await within(dialog).findByText(
          'There is no earlier successful deployment to roll back to.',
        ),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByRole('button', { name: 'Roll back' }),
      ).toBeDisabled();
    });

    it('destroys only once the name is typed', async () => {
      const { fake } = await renderCard();

      fireEvent.click(await screen.findByRole('button', { name: 'Destroy' }));

      const dialog = await screen.findByRole('dialog');
      const confirm = within(dialog).getByRole('button', { name: 'Destroy' });
      const input = within(dialog).getByRole('textbox', { name: 'App name' });
      expect(confirm).toBeDisabled();
      fireEvent.change(input, { target: { value: 'hello' } });
      expect(confirm).toBeDisabled();
      fireEvent.change(input, { target: { value: 'hello-static' } });
      expect(confirm).toBeEnabled();
      fireEvent.click(confirm);

      await waitFor(() =>
        expect(fake.api.destroy).toHaveBeenCalledWith('hello-static'),
      );
    });

    it('destroys nothing when the dialog is cancelled', async () => {
      const { fake } = await renderCard();

      fireEvent.click(await screen.findByRole('button', { name: 'Destroy' }));
      fireEvent.click(
        within(await screen.findByRole('dialog')).getByRole('button', {
          name: 'Cancel',
        }),
      );

      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      expect(fake.api.destroy).not.toHaveBeenCalled();
    });
  });

  describe('live updates', () => {
    it('applies a state change from the stream without refetching', async () => {
      const fake = createFakeSlipwayApi();
      await renderCard({ fake });
      expect(await stateText()).toBe('running');
      expect(screen.getByTestId('slipway-live-mode')).toHaveTextContent('Live');

      act(() =>
        fake.emit(
          makeEvent('app.state', {
            from: 'running',
            to: 'unhealthy',
            reason: '3 health checks in a row failed',
            deploymentId: 'dep-2',
          }),
        ),
      );

      expect(screen.getByTestId('slipway-app-state')).toHaveTextContent(
        'unhealthy',
      );
      expect(screen.getByTestId('slipway-diagnosis')).toHaveTextContent(
        '3 health checks in a row failed',
      );
      expect(await screen.findByTestId('slipway-app-log')).toHaveTextContent(
        'The app has no container.',
      );
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(1);
    });

    it('appends a health check to the heartbeat', async () => {
      const fake = createFakeSlipwayApi();
      await renderCard({ fake });
      const bar = await screen.findByTestId('slipway-heartbeat');
      expect(within(bar).getAllByRole('listitem')).toHaveLength(3);

      act(() =>
        fake.emit(
          makeEvent('health.sample', {
            sample: makeSample(0, {
              ok: false,
              latencyMs: null,
              httpStatus: null,
              error: 'connection refused on port 8080',
            }),
          }),
        ),
      );

      const cells = within(bar).getAllByRole('listitem');
      expect(cells).toHaveLength(4);
      expect(cells[3]).toHaveAttribute('data-ok', 'false');
      expect(screen.getByTestId('slipway-heartbeat-summary')).toHaveTextContent(
        'Last 4 checks: 3 passed, 1 failed.',
      );
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(1);
    });

    it('ignores events of other apps', async () => {
      const fake = createFakeSlipwayApi();
      await renderCard({ fake });
      expect(await stateText()).toBe('running');

      act(() =>
        fake.emit(
          makeEvent(
            'app.state',
            { from: 'running', to: 'failed', reason: 'x', deploymentId: null },
            'other-app',
          ),
        ),
      );

      expect(screen.getByTestId('slipway-app-state')).toHaveTextContent(
        'running',
      );
    });

    it('refetches once after a burst of events that call for it', async () => {
      jest.useFakeTimers();
      const fake = createFakeSlipwayApi();
      await renderCard({ fake });
      expect(await stateText()).toBe('running');
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(1);

      const done = makeDeployment({ id: 'dep-3', status: 'succeeded' });
      fake.api.getAppStatus.mockResolvedValue(
        makeStatus({
          app: makeApp({ currentDeploymentId: 'dep-3' }),
          lastDeployment: done,
        }),
      );
      act(() => {
        fake.emit(makeEvent('deployment.status', { deployment: done }));
        fake.emit(
          makeEvent('app.state', {
            from: 'running',
            to: 'running',
            reason: 'deployed dep-3',
            deploymentId: 'dep-3',
          }),
        );
        fake.emit(makeEvent('health.sample', { sample: makeSample(0) }));
      });
      await act(() => jest.advanceTimersByTimeAsync(1000));

      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(2);
      await act(() => jest.advanceTimersByTimeAsync(10000));
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(2);
    });

    it('polls every 5 s while the stream is down, and stops when it is back', async () => {
      jest.useFakeTimers();
      const fake = createFakeSlipwayApi();
      await renderCard({ fake });
      expect(await stateText()).toBe('running');

      act(() => fake.drop());

      const notice = screen.getByTestId('slipway-live-mode');
      expect(notice).toHaveTextContent(
        'Live updates interrupted — refreshing every 5 s',
      );
      expect(notice).toHaveAttribute('data-live', 'polling');
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(1);
      await act(() => jest.advanceTimersByTimeAsync(5000));
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(2);

      fake.api.getAppStatus.mockResolvedValue(
        makeStatus({ app: makeApp({ state: 'unhealthy' }) }),
      );
      await act(() => jest.advanceTimersByTimeAsync(5000));
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(3);
      expect(screen.getByTestId('slipway-app-state')).toHaveTextContent(
        'unhealthy',
      );

      // Events sent while the stream was down are lost: one refetch on
      // reconnection, then no more polling.
      await act(async () => fake.reconnect());
      expect(notice).toHaveTextContent('Live');
      expect(notice).toHaveAttribute('data-live', 'streaming');
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(4);
      await act(() => jest.advanceTimersByTimeAsync(20000));
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(4);
    });

    it('polls instead of streaming when the URL asks for it', async () => {
      jest.useFakeTimers();
      const { fake } = await renderCard({
        routeEntries: [
          '/catalog/default/component/hello-static?slipwayPoll=10000',
        ],
      });
      expect(await stateText()).toBe('running');

      expect(fake.api.subscribe).not.toHaveBeenCalled();
      expect(screen.getByTestId('slipway-live-mode')).toHaveTextContent(
        'Refreshing every 10 s',
      );
      await act(() => jest.advanceTimersByTimeAsync(9999));
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(1);
      await act(() => jest.advanceTimersByTimeAsync(1));
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(2);
    });

    it('polls instead of streaming when the config asks for it', async () => {
      jest.useFakeTimers();
      const { fake } = await renderCard({
        config: { slipway: { frontend: { pollIntervalMs: 2500 } } },
      });
      expect(await stateText()).toBe('running');

      expect(fake.api.subscribe).not.toHaveBeenCalled();
      expect(screen.getByTestId('slipway-live-mode')).toHaveTextContent(
        'Refreshing every 2.5 s',
      );
      await act(() => jest.advanceTimersByTimeAsync(2500));
      expect(fake.api.getAppStatus).toHaveBeenCalledTimes(2);
    });
  });
});
