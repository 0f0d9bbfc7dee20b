import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { SlipwayApiError, SlipwayDeploymentFollowMessage } from '../../api';
import {
  createFakeSlipwayApi,
  makeDeployment,
  makeEvent,
  makeLogLine,
  minutesAgo,
} from '../../__testUtils__/fixtures';
import { component, renderWithSlipway } from '../../__testUtils__/render';
import { SlipwayDeploymentsContent } from './SlipwayDeploymentsContent';

const current = makeDeployment({ id: 'dep-2' });
const previous = makeDeployment({
  id: 'dep-1',
  commitSha: 'fedcba9876543210fedcba9876543210fedcba98',
  initiator: 'user:default/sam',
  createdAt: minutesAgo(120),
  startedAt: minutesAgo(120),
  finishedAt: minutesAgo(118),
});
const broken = makeDeployment({
  id: 'dep-x',
  status: 'failed',
  diagnosis: 'docker build failed: COPY failed: no such file package.json',
  createdAt: minutesAgo(60),
  startedAt: minutesAgo(60),
  finishedAt: minutesAgo(59),
});

function fakeWith(deployments = [current, broken, previous]) {
  return createFakeSlipwayApi({
    listDeployments: jest.fn(async () => deployments),
    getDeployment: jest.fn(async (id: string) => ({
      deployment:
        deployments.find(d => d.id === id) ??
        makeDeployment({ id, kind: 'rollback', status: 'queued' }),
      log: [
        makeLogLine(1, `log of ${id}: cloning`),
        makeLogLine(2, `log of ${id}: building`),
      ],
    })),
  });
}

// The LogViewer draws only the lines that fit; jsdom lays nothing out, so
// its container is given a size.
beforeEach(() => {
  jest
    .spyOn(HTMLElement.prototype, 'getBoundingClientRect')
    .mockReturnValue({ width: 800, height: 480 } as DOMRect);
});

afterEach(() => {
  jest.restoreAllMocks();
});

function rows() {
  // The first row of the table's body is its header.
  return screen.getAllByRole('row').filter(row => row.closest('tbody'));
}

describe('SlipwayDeploymentsContent', () => {
  it('lists the deployments with status, kind, commit, initiator and duration', async () => {
    const { fake } = await renderWithSlipway(<SlipwayDeploymentsContent />, {
      fake: fakeWith(),
    });

    expect(
      await screen.findByText('Deployments of hello-static'),
    ).toBeInTheDocument();
    expect(fake.api.listDeployments).toHaveBeenCalledWith('hello-static');
    const [first, second, third] = rows();
    expect(first).toHaveTextContent('succeeded');
    expect(first).toHaveTextContent('deploy');
    expect(first).toHaveTextContent('0123456');
    expect(first).toHaveTextContent('jane');
    expect(first).toHaveTextContent('31 minutes ago');
    expect(first).toHaveTextContent('1 min');
    expect(second).toHaveTextContent('failed');
    expect(third).toHaveTextContent('sam');
    expect(third).toHaveTextContent('2 min');
    expect(
      within(third).getByRole('link', { name: /^Commit fedcba98/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/acme/hello-static/commit/fedcba9876543210fedcba9876543210fedcba98',
    );
  });

  it('shows the log of the newest deployment, and of the one chosen', async () => {
    const { fake } = await renderWithSlipway(<SlipwayDeploymentsContent />, {
      fake: fakeWith(),
    });

    const log = await screen.findByTestId('slipway-deployment-log');
    expect(log).toHaveAttribute('data-deployment-id', 'dep-2');
    expect(
      await within(log).findByText('log of dep-2: building'),
    ).toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('button', { name: 'Show the log of deployment dep-x' }),
    );

    await waitFor(() =>
      expect(screen.getByTestId('slipway-deployment-log')).toHaveAttribute(
        'data-deployment-id',
        'dep-x',
      ),
    );
    expect(
      await screen.findByText('log of dep-x: cloning'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'docker build failed: COPY failed: no such file package.json',
      ),
    ).toBeInTheDocument();
    expect(fake.api.getDeployment).toHaveBeenCalledWith('dep-x');
    expect(fake.api.followDeployment).not.toHaveBeenCalled();
  });

  it('follows the log of a running deployment as it is written', async () => {
    const running = makeDeployment({
      id: 'dep-3',
      status: 'in_progress',
      createdAt: minutesAgo(1),
      startedAt: minutesAgo(1),
      finishedAt: null,
    });
    const fake = fakeWith([running, current]);
    let write: (message: SlipwayDeploymentFollowMessage) => void = () => {};
    fake.api.followDeployment.mockImplementation(
      (_id, onMessage) =>
        new Promise<void>(() => {
          write = onMessage;
        }),
    );
    await renderWithSlipway(<SlipwayDeploymentsContent />, { fake });

    await screen.findByTestId('slipway-deployment-log');
    expect(fake.api.followDeployment).toHaveBeenCalledWith(
      'dep-3',
      expect.any(Function),
      { signal: expect.any(AbortSignal) },
    );
    act(() => {
      write({ type: 'deployment', deployment: running });
      write({ type: 'log', ...makeLogLine(1, 'Step 1/4 : FROM nginx') });
    });
    expect(
      await screen.findByText('Step 1/4 : FROM nginx'),
    ).toBeInTheDocument();

    // The event stream brings lines too; each line shows once.
    act(() => {
      fake.emit(
        makeEvent('deployment.log', {
          deploymentId: 'dep-3',
          line: makeLogLine(1, 'Step 1/4 : FROM nginx'),
        }),
      );
      fake.emit(
        makeEvent('deployment.log', {
          deploymentId: 'dep-3',
          line: makeLogLine(2, 'Step 2/4 : COPY . /usr/share/nginx/html'),
        }),
      );
    });
    expect(
      await screen.findByText('Step 2/4 : COPY . /usr/share/nginx/html'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Step 1/4 : FROM nginx')).toHaveLength(1);

    act(() =>
      fake.emit(
        makeEvent('deployment.status', {
          deployment: {
            ...running,
            status: 'succeeded',
            finishedAt: minutesAgo(0),
          },
        }),
      ),
    );
    expect(rows()[0]).toHaveTextContent('succeeded');
  });

  it('adds a deployment started elsewhere from the stream', async () => {
    const { fake } = await renderWithSlipway(<SlipwayDeploymentsContent />, {
      fake: fakeWith(),
    });
    await screen.findByText('Deployments of hello-static');
    expect(rows()).toHaveLength(3);

    act(() =>
      fake.emit(
        makeEvent('deployment.status', {
          deployment: makeDeployment({
            id: 'dep-4',
            kind: 'restart',
            status: 'queued',
            createdAt: minutesAgo(0),
            startedAt: null,
            finishedAt: null,
          }),
        }),
      ),
    );

    expect(rows()).toHaveLength(4);
    expect(rows()[0]).toHaveTextContent('restart');
    expect(rows()[0]).toHaveTextContent('queued');
  });

  it('offers rollback to kept images with the operate permission', async () => {
    const { fake } = await renderWithSlipway(<SlipwayDeploymentsContent />, {
      fake: fakeWith(),
    });

    const button = await screen.findByRole('button', {
      name: 'Roll back to this',
    });
    // Not the current deployment, nor a failed one: only dep-1.
    expect(
      screen.getAllByRole('button', { name: 'Roll back to this' }),
    ).toHaveLength(1);
    expect(button).toHaveAttribute('data-testid', 'slipway-rollback-to-dep-1');

    fireEvent.click(button);
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('commit fedcba9');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Roll back' }));

    await waitFor(() =>
      expect(fake.api.rollback).toHaveBeenCalledWith('hello-static', 'dep-1'),
    );
    // The started rollback is listed and its log shown.
    await waitFor(() =>
      expect(screen.getByTestId('slipway-deployment-log')).toHaveAttribute(
        'data-deployment-id',
        'dep-3',
      ),
    );
    expect(rows()[0]).toHaveTextContent('rollback');
  });

  it('shows why a rollback was refused, such as a pruned image', async () => {
    const fake = fakeWith();
    fake.api.rollback.mockRejectedValue(
      new SlipwayApiError(
        'the image of deployment dep-1 was pruned from docker-1; deploy its commit instead (HTTP 409 Conflict)',
        { status: 409 },
      ),
    );
    await renderWithSlipway(<SlipwayDeploymentsContent />, { fake });

    fireEvent.click(
      await screen.findByRole('button', { name: 'Roll back to this' }),
    );
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Roll back',
      }),
    );

    expect(
      await screen.findByTestId('slipway-rollback-error'),
    ).toHaveTextContent(
      'The rollback could not start: the image of deployment dep-1 was pruned from docker-1; deploy its commit instead (HTTP 409 Conflict)',
    );
  });

  it('offers no rollback without the operate permission', async () => {
    const authorize = jest.fn((): AuthorizeResult.DENY => AuthorizeResult.DENY);
    await renderWithSlipway(<SlipwayDeploymentsContent />, {
      fake: fakeWith(),
      authorize,
    });

    await screen.findByText('Deployments of hello-static');
    await waitFor(() => expect(authorize).toHaveBeenCalled());
    expect(
      screen.queryByRole('button', { name: 'Roll back to this' }),
    ).not.toBeInTheDocument();
    // Reading logs needs no more than reading.
    expect(
      screen.getByRole('button', { name: 'Show the log of deployment dep-1' }),
    ).toBeEnabled();
  });

  it('says when the deployments cannot be loaded', async () => {
    await renderWithSlipway(<SlipwayDeploymentsContent />, {
      fake: createFakeSlipwayApi({
        listDeployments: jest.fn(async () => {
          throw new Error('database is down (HTTP 500)');
        }),
      }),
    });

    expect(
      await screen.findByText(
        /The deployments of hello-static could not be loaded: database is down \(HTTP 500\)/,
      ),
    ).toBeInTheDocument();
  });

  it('explains the missing annotation', async () => {
    const { fake } = await renderWithSlipway(<SlipwayDeploymentsContent />, {
      entity: component(),
    });

    expect(screen.getByText('Missing Annotation')).toBeInTheDocument();
    expect(fake.api.listDeployments).not.toHaveBeenCalled();
  });
});
