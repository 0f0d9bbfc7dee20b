import {
  App,
  Deployment,
  DeploymentLogLine,
  HealthSample,
} from '@slipway/plugin-slipway-common';
import {
  SlipwayApi,
  SlipwayAppStatus,
  SlipwayEvent,
  SlipwayHost,
  SlipwayStreamStatus,
} from '../api';

// Real time, so that relative times ("30 minutes ago") read as in the app.
export const NOW = Date.now();

export function minutesAgo(minutes: number): string {
  return new Date(NOW - minutes * 60_000).toISOString();
}

export function makeApp(overrides: Partial<App> = {}): App {
  return {
    name: 'hello-static',
    host: 'docker-1',
    state: 'running',
    stateReason: 'health checks pass',
    stateChangedAt: minutesAgo(30),
    repo: 'https://github.com/acme/hello-static.git',
    ref: 'main',
    port: 8080,
    containerPort: 80,
    healthPath: '/health',
    owner: 'group:platform-team',
    description: 'A static site',
    envNames: [],
    currentDeploymentId: 'dep-2',
    consecutiveFailures: 0,
    initiator: 'user:default/jane',
    destroyedAt: null,
    createdAt: minutesAgo(600),
    updatedAt: minutesAgo(30),
    ...overrides,
  };
}

export function makeDeployment(
  overrides: Partial<Deployment> = {},
): Deployment {
  return {
    id: 'dep-2',
    app: 'hello-static',
    kind: 'deploy',
    status: 'succeeded',
    commitSha: '0123456789abcdef0123456789abcdef01234567',
    image: 'slipway/hello-static:dep-2',
    container: 'slipway-hello-static-dep-2',
    initiator: 'user:default/jane',
    diagnosis: null,
    createdAt: minutesAgo(31),
    startedAt: minutesAgo(31),
    finishedAt: minutesAgo(30),
    ...overrides,
  };
}

export function makeSample(
  minutes: number,
  overrides: Partial<HealthSample> = {},
): HealthSample {
  return {
    ok: true,
    latencyMs: 35,
    httpStatus: 200,
    error: null,
    checkedAt: minutesAgo(minutes),
    ...overrides,
  };
}

export function makeLogLine(
  id: number,
  line: string,
  overrides: Partial<DeploymentLogLine> = {},
): DeploymentLogLine {
  return {
    id,
    stream: 'stdout',
    line,
    createdAt: minutesAgo(1),
    ...overrides,
  };
}

export function makeStatus(
  overrides: Partial<SlipwayAppStatus> = {},
): SlipwayAppStatus {
  return {
    app: makeApp(),
    url: 'http://203.0.113.10:8080',
    lastDeployment: makeDeployment(),
    health: [makeSample(3), makeSample(2), makeSample(1)],
    transitions: [],
    uptime24h: { ratio: 0.995, samples: 200 },
    ...overrides,
  };
}

export const hosts: SlipwayHost[] = [
  {
    name: 'local',
    type: 'local',
    source: 'config',
    address: null,
    sshPort: null,
    user: null,
    hostKeyPinned: false,
  },
  {
    name: 'docker-1',
    type: 'ssh',
    source: 'provisioned',
    address: '203.0.113.10',
    sshPort: 22,
    user: 'slipway',
    hostKeyPinned: true,
  },
];

let eventId = 0;

export function makeEvent<T extends SlipwayEvent['type']>(
  type: T,
  data: Extract<SlipwayEvent, { type: T }>['data'],
  app = 'hello-static',
): SlipwayEvent {
  eventId += 1;
  return {
    v: 1,
    id: String(eventId),
    type,
    app,
    at: new Date(NOW).toISOString(),
    data,
  } as SlipwayEvent;
}

/** A job as the backend answers when it starts one. */
export function started(kind: Deployment['kind']): Deployment {
  return makeDeployment({
    id: 'dep-3',
    kind,
    status: 'queued',
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
  });
}

type Subscription = {
  app: string | undefined;
  onEvent: (event: SlipwayEvent) => void;
  onStatus: (status: SlipwayStreamStatus) => void;
  closed: boolean;
};

/**
 * A SlipwayApi of jest mocks whose event stream the test drives: `emit`
 * pushes an event to the open subscriptions, `streamStatus` reports a drop
 * or a reconnection.
 */
export function createFakeSlipwayApi(overrides: Partial<SlipwayApi> = {}) {
  const subscriptions: Subscription[] = [];
  // A job started through the fake reads back as started.
  const jobs = new Map<string, Deployment>();
  const start = (kind: Deployment['kind']) => {
    const deployment = started(kind);
    jobs.set(deployment.id, deployment);
    return deployment;
  };
  const defaults: SlipwayApi = {
    listApps: jest.fn(async () => [makeApp()]),
    getAppStatus: jest.fn(async () => makeStatus()),
    listDeployments: jest.fn(async () => [makeDeployment()]),
    getDeployment: jest.fn(async (id: string) => ({
      deployment: jobs.get(id) ?? {
        ...started('deploy'),
        id,
        status: 'in_progress' as const,
      },
      log: [],
    })),
    followDeployment: jest.fn(async () => {}),
    getAppLogs: jest.fn(async () => ({ container: null, lines: [] })),
    deploy: jest.fn(async () => start('deploy')),
    checkDeploy: jest.fn(async request => ({
      dryRun: true as const,
      policy: 'passed' as const,
      request: { ...request, envNames: [] },
      existing: false,
      url: `http://localhost:${request.port}`,
    })),
    redeploy: jest.fn(async () => start('deploy')),
    restart: jest.fn(async () => start('restart')),
    rollback: jest.fn(async () => start('rollback')),
    destroy: jest.fn(async () => start('destroy')),
    listHosts: jest.fn(async () => hosts),
    subscribe: jest.fn((app, onEvent, onStatus = () => {}) => {
      const subscription: Subscription = {
        app,
        onEvent,
        onStatus,
        closed: false,
      };
      subscriptions.push(subscription);
      onStatus({ state: 'connecting' });
      onStatus({ state: 'open' });
      return () => {
        subscription.closed = true;
      };
    }),
  };
  // Every method is a jest.fn: the defaults above, or the test's own.
  const api = { ...defaults, ...overrides } as jest.Mocked<SlipwayApi>;
  const open = () => subscriptions.filter(s => !s.closed);
  return {
    api,
    subscriptions,
    emit(event: SlipwayEvent) {
      open().forEach(s => s.onEvent(event));
    },
    drop() {
      open().forEach(s =>
        s.onStatus({
          state: 'closed',
          error: new Error('network error'),
          retryInMs: 3000,
        }),
      );
    },
    reconnect() {
      open().forEach(s => s.onStatus({ state: 'open' }));
    },
  };
}
