import { Entity } from '@backstage/catalog-model';
import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis } from '@backstage/test-utils';
import {
  Deployment,
  slipwayAppDeployPermission,
} from '@slipway/plugin-slipway-common';
import {
  act,
  cleanup,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { SlipwayApiError, SlipwayClient } from '../../api';
import {
  createFakeSlipwayApi,
  makeApp,
  makeDeployment,
  makeEvent,
  makeLogLine,
  makeStatus,
} from '../../__testUtils__/fixtures';
import {
  answersApplied,
  askedFor,
  authorizeByResource,
  forbidden,
} from '../../__testUtils__/permissions';
import { component, renderWithSlipway } from '../../__testUtils__/render';
import { SlipwayStatusCard } from './SlipwayStatusCard';

const DEPLOY = slipwayAppDeployPermission.name;
const BASE_URL = 'http://localhost:7007/api/slipway';

const entity: Entity = component({
  'slipway/app-name': 'hello-static',
  'slipway/repo': 'https://git.example.com/acme/slipway.git',
  'slipway/context': 'examples/hello-static',
  'slipway/port': '8080',
  'slipway/health-path': '/health',
  'slipway/host': 'local',
});

const started: Deployment = makeDeployment({
  id: 'dep-9',
  kind: 'deploy',
  status: 'queued',
  commitSha: null,
  image: null,
  container: null,
  createdAt: new Date().toISOString(),
  startedAt: null,
  finishedAt: null,
});

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/**
 * The card over the real client, whose deploy requests reach a fetch stand-in, and a fake for
 * the rest: there is no app until a deploy was accepted.
 */
function setUp(
  answer: (url: string, body: unknown) => Response = (url, body) =>
    url.endsWith('dryRun=true')
      ? json(200, {
          dryRun: true,
          policy: 'passed',
          request: { ...(body as object), envNames: [] },
          existing: false,
          url: 'http://localhost:8080',
        })
      : json(202, { deployment: started }),
) {
  let deployed = false;
  const fetch = jest.fn(async (url: string, init?: RequestInit) => {
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const response = answer(url, body);
    if (response.status === 202) deployed = true;
    return response;
  });
  const client = new SlipwayClient({
    discoveryApi: { getBaseUrl: async () => BASE_URL },
    fetchApi: { fetch: fetch as typeof window.fetch },
  });
  const fake = createFakeSlipwayApi({
    getAppStatus: jest.fn(async () => {
      if (!deployed) {
        throw new SlipwayApiError('no app named hello-static (HTTP 404)', {
          status: 404,
        });
      }
      return makeStatus({
        app: makeApp({ state: 'pending', currentDeploymentId: null }),
        lastDeployment: { ...started, status: 'in_progress' },
        health: [],
      });
    }),
    getDeployment: jest.fn(async () => ({
      deployment: { ...started, status: 'in_progress' as const },
      log: [makeLogLine(1, 'cloning', { stream: 'system' })],
    })),
    deploy: jest.fn(request => client.deploy(request)),
    checkDeploy: jest.fn(request => client.checkDeploy(request)),
  });
  /** The JSON bodies the stand-in received, with the URL each was sent to. */
  const posted = () =>
    fetch.mock.calls
      .filter(([, init]) => init?.method === 'POST')
      .map(([url, init]) => ({ url, body: JSON.parse(String(init!.body)) }));
  return { fake, fetch, posted };
}

async function openDeployDialog() {
  fireEvent.click(await screen.findByTestId('slipway-action-deploy'));
  return screen.findByRole('dialog');
}

const PREFILLED = {
  name: 'hello-static',
  repo: 'https://git.example.com/acme/slipway.git',
  context: 'examples/hello-static',
  port: 8080,
  container_port: 8080,
  health_path: '/health',
  host: 'local',
  owner: 'group:platform-team',
};

describe('SlipwayStatusCard deploy of an app Slipway does not run yet', () => {
  it('offers Deploy only to users allowed to deploy the app', async () => {
    const authorize = authorizeByResource({ 'a-app': [DEPLOY] });
    await renderWithSlipway(<SlipwayStatusCard />, {
      fake: setUp().fake,
      entity,
      authorize,
    });

    await screen.findByTestId('slipway-not-found');
    await waitFor(() =>
      expect(askedFor(authorize)).toContainEqual([DEPLOY, 'hello-static']),
    );
    await answersApplied();
    expect(
      screen.queryByRole('button', { name: 'Deploy' }),
    ).not.toBeInTheDocument();
  });

  it('shows Deploy with the deploy permission on the app', async () => {
    const authorize = authorizeByResource({
      'hello-static': [DEPLOY],
    });
    await renderWithSlipway(<SlipwayStatusCard />, {
      fake: setUp().fake,
      entity,
      authorize,
    });

    expect(await screen.findByRole('button', { name: 'Deploy' })).toBeEnabled();
    expect(askedFor(authorize)).toContainEqual([DEPLOY, 'hello-static']);
  });

  it('offers Deploy to an owner of the entity, whom the policy cannot allow on a name it does not know', async () => {
    // The permission denies (a conditional decision on a missing app), the ownership decides.
    const authorize = authorizeByResource({});
    const owner = mockApis.identity({
      userEntityRef: 'user:default/pat',
      ownershipEntityRefs: ['user:default/pat', 'group:default/platform-team'],
    });
    await renderWithSlipway(<SlipwayStatusCard />, {
      fake: setUp().fake,
      entity,
      authorize,
      apis: [[identityApiRef, owner]],
    });
    expect(await screen.findByRole('button', { name: 'Deploy' })).toBeEnabled();

    // Another team's member sees none.
    cleanup();
    const other = mockApis.identity({
      userEntityRef: 'user:default/bob',
      ownershipEntityRefs: ['user:default/bob', 'group:default/team-b'],
    });
    await renderWithSlipway(<SlipwayStatusCard />, {
      fake: setUp().fake,
      entity,
      authorize,
      apis: [[identityApiRef, other]],
    });
    await screen.findByTestId('slipway-not-found');
    await answersApplied();
    expect(
      screen.queryByRole('button', { name: 'Deploy' }),
    ).not.toBeInTheDocument();
  });

  it('prefills the form from the annotations, the name read-only', async () => {
    await renderWithSlipway(<SlipwayStatusCard />, {
      fake: setUp().fake,
      entity,
    });

    const dialog = await openDeployDialog();
    const field = (label: string) =>
      within(dialog).getByLabelText(label) as HTMLInputElement;
    expect(field('App name').value).toBe('hello-static');
    expect(field('App name')).toHaveAttribute('readonly');
    expect(field('Repository').value).toBe(
      'https://git.example.com/acme/slipway.git',
    );
    expect(field('Build context').value).toBe('examples/hello-static');
    expect(field('Port on the host').value).toBe('8080');
    // Without slipway/container-port the app listens on the port it is published on.
    expect(field('Container port').value).toBe('8080');
    expect(field('Health path').value).toBe('/health');
    expect(field('Host').value).toBe('local');
  });

  it('validates with the shared rules before anything is sent', async () => {
    const { fake, fetch } = setUp();
    await renderWithSlipway(<SlipwayStatusCard />, { fake, entity });

    const dialog = await openDeployDialog();
    fireEvent.change(within(dialog).getByLabelText('Port on the host'), {
      target: { value: '80' },
    });

    expect(
      within(dialog).getByText('port must be between 1024 and 65535'),
    ).toBeInTheDocument();
    expect(within(dialog).getByTestId('slipway-deploy-submit')).toBeDisabled();
    expect(
      within(dialog).getByTestId('slipway-deploy-check-button'),
    ).toBeDisabled();
    expect(fetch).not.toHaveBeenCalled();
  });

  it("shows a dry run's answer without deploying", async () => {
    const { fake, posted } = setUp();
    await renderWithSlipway(<SlipwayStatusCard />, { fake, entity });

    const dialog = await openDeployDialog();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Check' }));

    expect(
      await within(dialog).findByTestId('slipway-deploy-check'),
    ).toHaveTextContent(
      'The checks pass: hello-static would be created on host local and answer at http://localhost:8080.',
    );
    expect(posted()).toEqual([
      { url: `${BASE_URL}/apps/deploy?dryRun=true`, body: PREFILLED },
    ]);
    expect(screen.getByTestId('slipway-not-found')).toBeInTheDocument();
  });

  it('deploys what the form says and follows the deployment on the card', async () => {
    const { fake, posted } = setUp();
    await renderWithSlipway(<SlipwayStatusCard />, { fake, entity });

    const dialog = await openDeployDialog();
    fireEvent.change(within(dialog).getByLabelText('Port on the host'), {
      target: { value: '8090' },
    });
    fireEvent.click(within(dialog).getByTestId('slipway-deploy-submit'));

    const followed = await screen.findByTestId('slipway-followed-deployment');
    expect(followed).toHaveAttribute('data-deployment-id', 'dep-9');
    expect(posted()).toEqual([
      { url: `${BASE_URL}/apps/deploy`, body: { ...PREFILLED, port: 8090 } },
    ]);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    // The backend records the app as the job starts: the card shows it, deploying.
    expect(await screen.findByTestId('slipway-app-state')).toHaveAttribute(
      'data-state',
      'deploying',
    );
    expect(await screen.findByTestId('slipway-followed-log')).toHaveTextContent(
      'cloning',
    );

    act(() =>
      fake.emit(
        makeEvent('deployment.log', {
          deploymentId: 'dep-9',
          line: makeLogLine(2, 'Step 1/4 : FROM busybox:1.35'),
        }),
      ),
    );
    expect(screen.getByTestId('slipway-followed-log')).toHaveTextContent(
      'Step 1/4 : FROM busybox:1.35',
    );
  });

  it('shows a 400 of the backend as its sentence and keeps the form', async () => {
    const sentence =
      'Policy check failed: [repo-host] repo host git.example.com is not in slipway.policy.allowedRepoHosts';
    const { fake } = setUp(() =>
      json(400, {
        error: { name: 'PolicyViolationError', message: sentence },
        response: { statusCode: 400 },
      }),
    );
    await renderWithSlipway(<SlipwayStatusCard />, { fake, entity });

    const dialog = await openDeployDialog();
    fireEvent.click(within(dialog).getByTestId('slipway-deploy-submit'));

    const error = await within(dialog).findByTestId('slipway-deploy-error');
    expect(error.textContent).toBe(sentence);
    expect(within(dialog).getByTestId('slipway-deploy-submit')).toBeEnabled();
    expect(
      screen.queryByTestId('slipway-followed-deployment'),
    ).not.toBeInTheDocument();
  });

  it('shows a 403 of the backend as its sentence', async () => {
    const { fake } = setUp(() =>
      forbidden(
        'You are not allowed to deploy the app "hello-static" for group:platform-team',
      ),
    );
    await renderWithSlipway(<SlipwayStatusCard />, { fake, entity });

    const dialog = await openDeployDialog();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Check' }));

    const error = await within(dialog).findByTestId('slipway-deploy-error');
    expect(error.textContent).toBe(
      'You are not allowed to deploy the app "hello-static" for group:platform-team. Ask its owners or a Slipway admin.',
    );
  });
});
