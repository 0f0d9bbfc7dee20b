import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  componentEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { App } from '@slipway/plugin-slipway-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  SLIPWAY_UNKNOWN_OWNER,
  SlipwayAppProcessor,
} from './SlipwayAppProcessor';

type Reply = { status: number; body?: unknown; raw?: string };
type SeenRequest = {
  method?: string;
  url?: string;
  authorization?: string;
};

/** Stands in for the Slipway backend: answers each path with what the test put there. */
class FakeSlipway {
  readonly replies = new Map<string, Reply | 'hang'>();
  readonly seen: SeenRequest[] = [];
  private readonly server = http.createServer((req, res) => {
    this.seen.push({
      method: req.method,
      url: req.url,
      authorization: req.headers.authorization,
    });
    const reply = this.replies.get(req.url ?? '') ?? {
      status: 404,
      body: notFoundBody(`Nothing at ${req.url}`),
    };
    if (reply === 'hang') {
      return;
    }
    if (reply.raw !== undefined) {
      res.writeHead(reply.status, { 'Content-Type': 'text/html' });
      res.end(reply.raw);
      return;
    }
    res.writeHead(reply.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(reply.body ?? {}));
  });
  baseUrl = '';

  async start() {
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}/api/slipway`;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }
}

/** The body of Backstage's error handler, as the real backend sends it. */
function errorBody(name: string, message: string, statusCode: number) {
  return {
    error: { name, message },
    request: { method: 'GET', url: '/apps/x/status' },
    response: { statusCode },
  };
}

function notFoundBody(message: string) {
  return errorBody('NotFoundError', message, 404);
}

function app(overrides: Partial<App> = {}): App {
  return {
    name: 'hello',
    host: 'docker-1',
    state: 'running',
    stateReason: null,
    stateChangedAt: '2026-01-01T00:00:00.000Z',
    repo: 'https://github.com/acme/hello-static.git',
    ref: 'main',
    port: 8080,
    containerPort: 8080,
    healthPath: '/health',
    envNames: [],
    currentDeploymentId: null,
    consecutiveFailures: 0,
    initiator: 'user:default/guest',
    destroyedAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    owner: 'group:platform-team',
    description: 'Serves the hello page',
    ...overrides,
  };
}

/** A status response; without `url` it is one from a backend older than that field. */
const statusOf = (a: App, extra: { url?: string | null } = {}) => ({
  status: 200,
  body: { app: a, ...extra, lastDeployment: null, health: [], transitions: [] },
});

const hostsWith = (
  ...items: Array<{ name: string; address: string | null }>
) => ({
  status: 200,
  body: {
    items: items.map(h => ({
      type: h.address ? 'ssh' : 'local',
      source: 'config',
      sshPort: h.address ? 22 : null,
      user: h.address ? 'slipway' : null,
      hostKeyPinned: Boolean(h.address),
      ...h,
    })),
  },
});

/** The checks the catalog runs on an emitted Component before it stores it. */
async function expectValidComponent(entity: Entity) {
  const policy = EntityPolicies.allOf([
    new DefaultNamespaceEntityPolicy(),
    new NoForeignRootFieldsEntityPolicy(),
    new FieldFormatEntityPolicy(),
    new SchemaValidEntityPolicy(),
  ]);
  const enforced = await policy.enforce(entity);
  expect(enforced).toBeDefined();
  await expect(componentEntityV1alpha1Validator.check(enforced!)).resolves.toBe(
    true,
  );
}

describe('SlipwayAppProcessor', () => {
  const slipway = new FakeSlipway();
  const location = (target: string): LocationSpec => ({
    type: 'slipway-app',
    target,
  });

  beforeAll(() => slipway.start());
  afterAll(() => slipway.stop());
  beforeEach(() => {
    slipway.replies.clear();
    slipway.seen.length = 0;
  });

  function processor(options: { timeoutMs?: number } = {}) {
    return new SlipwayAppProcessor({
      discovery: {
        getBaseUrl: async (pluginId: string) =>
          slipway.baseUrl.replace(/slipway$/, pluginId),
        getExternalBaseUrl: async (pluginId: string) =>
          slipway.baseUrl.replace(/slipway$/, pluginId),
      },
      auth: mockServices.auth({ pluginId: 'catalog' }),
      logger: mockServices.logger.mock(),
      ...options,
    });
  }

  async function read(
    target: string,
    options: { optional?: boolean; timeoutMs?: number } = {},
  ) {
    const emitted: CatalogProcessorResult[] = [];
    const handled = await processor(options).readLocation(
      location(target),
      options.optional ?? false,
      result => emitted.push(result),
    );
    return { handled, emitted };
  }

  function onlyError(emitted: CatalogProcessorResult[]) {
    expect(emitted).toHaveLength(1);
    const [result] = emitted;
    if (result.type !== 'error') {
      throw new Error(`expected an error result, got ${result.type}`);
    }
    return result.error;
  }

  it('emits a valid Component for an app, asking with its service token', async () => {
    // A backend without `url` in the status response: the link comes from the host's address.
    slipway.replies.set('/api/slipway/apps/hello/status', statusOf(app()));
    slipway.replies.set(
      '/api/slipway/hosts',
      hostsWith(
        { name: 'local', address: null },
        { name: 'docker-1', address: '192.0.2.10' },
      ),
    );

    const { handled, emitted } = await read('hello');

    expect(handled).toBe(true);
    expect(emitted).toEqual([
      {
        type: 'entity',
        location: location('hello'),
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'hello',
            description: 'Serves the hello page',
            annotations: {
              'slipway/app-name': 'hello',
              'slipway/host': 'docker-1',
              'backstage.io/source-location':
                'url:https://github.com/acme/hello-static/',
            },
            tags: ['slipway'],
            links: [
              {
                url: 'http://192.0.2.10:8080',
                title: 'hello on docker-1',
                icon: 'web',
              },
            ],
          },
          spec: {
            type: 'service',
            lifecycle: 'production',
            owner: 'group:platform-team',
          },
        },
      },
    ]);
    await expectValidComponent((emitted[0] as { entity: Entity }).entity);

    const token = mockCredentials.service.token({
      onBehalfOf: mockCredentials.service('plugin:catalog'),
      targetPluginId: 'slipway',
    });
    expect(slipway.seen[0]).toEqual({
      method: 'GET',
      url: '/api/slipway/apps/hello/status',
      authorization: `Bearer ${token}`,
    });
    expect(slipway.seen.map(r => r.authorization)).toEqual(
      slipway.seen.map(() => `Bearer ${token}`),
    );
  });

  it('falls back to a description from the repo and the placeholder owner', async () => {
    slipway.replies.set(
      '/api/slipway/apps/hello/status',
      statusOf(
        app({
          owner: null,
          description: null,
          repo: 'git@github.com:acme/hello-static.git',
          host: 'local',
        }),
      ),
    );
    slipway.replies.set(
      '/api/slipway/hosts',
      hostsWith({ name: 'local', address: null }),
    );

    const { emitted } = await read('hello');

    expect(emitted).toHaveLength(1);
    const { entity } = emitted[0] as { entity: Entity };
    expect(entity.metadata.description).toBe(
      'Deployed by Slipway from git@github.com:acme/hello-static.git',
    );
    expect(entity.spec?.owner).toBe(SLIPWAY_UNKNOWN_OWNER);
    // An ssh repo has no browsable URL, and the local host no address to link to.
    expect(entity.metadata.annotations).not.toHaveProperty(
      'backstage.io/source-location',
    );
    expect(entity.metadata.links).toBeUndefined();
    await expectValidComponent(entity);
  });

  it('still emits the Component without a link when the hosts cannot be listed', async () => {
    slipway.replies.set('/api/slipway/apps/hello/status', statusOf(app()));
    slipway.replies.set('/api/slipway/hosts', {
      status: 403,
      body: errorBody('NotAllowedError', 'You are not allowed', 403),
    });

    const { emitted } = await read('hello');

    expect(emitted.map(r => r.type)).toEqual(['entity']);
    const { entity } = emitted[0] as { entity: Entity };
    expect(entity.metadata.links).toBeUndefined();
    expect(entity.metadata.name).toBe('hello');
  });

  it.each([
    ['https://hello.apps.example.com', 'https://hello.apps.example.com'],
    ['http://localhost:8080', 'http://localhost:8080'],
    [null, undefined],
    // eslint-disable-next-line no-script-url -- the very link that must never be emitted
    ['javascript:alert(1)', undefined],
    ['ftp://192.0.2.10/', undefined],
    ['not a url', undefined],
  ])(
    'links the url %j from the status response without listing hosts',
    async (url, expected) => {
      slipway.replies.set(
        '/api/slipway/apps/hello/status',
        statusOf(app(), { url }),
      );

      const { emitted } = await read('hello');

      const { entity } = emitted[0] as { entity: Entity };
      expect(entity.metadata.links).toEqual(
        expected
          ? [{ url: expected, title: 'hello on docker-1', icon: 'web' }]
          : undefined,
      );
      expect(slipway.seen.map(r => r.url)).toEqual([
        '/api/slipway/apps/hello/status',
      ]);
      await expectValidComponent(entity);
    },
  );

  it('puts an IPv6 host address in brackets', async () => {
    slipway.replies.set('/api/slipway/apps/hello/status', statusOf(app()));
    slipway.replies.set(
      '/api/slipway/hosts',
      hostsWith({ name: 'docker-1', address: '2001:db8::10' }),
    );

    const { emitted } = await read('hello');

    const { entity } = emitted[0] as { entity: Entity };
    expect(entity.metadata.links?.[0].url).toBe('http://[2001:db8::10]:8080');
    await expectValidComponent(entity);
  });

  it('emits nothing for a missing app when the location is optional', async () => {
    slipway.replies.set('/api/slipway/apps/ghost/status', {
      status: 404,
      body: notFoundBody('No app named "ghost"'),
    });

    const { handled, emitted } = await read('ghost', { optional: true });

    expect(handled).toBe(true);
    expect(emitted).toEqual([]);
    expect(slipway.seen.map(r => r.url)).toEqual([
      '/api/slipway/apps/ghost/status',
    ]);
  });

  it('reports a missing app as not found when the location is required', async () => {
    slipway.replies.set('/api/slipway/apps/ghost/status', {
      status: 404,
      body: notFoundBody('No app named "ghost"'),
    });

    const { handled, emitted } = await read('ghost');

    expect(handled).toBe(true);
    const error = onlyError(emitted);
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe('Slipway has no app named "ghost"');
  });

  it('reports a 404 that is not an app lookup as a general error, even when optional', async () => {
    // What a backend without the Slipway plugin answers for /api/slipway/...
    slipway.replies.set('/api/slipway/apps/hello/status', {
      status: 404,
      raw: '',
    });

    const { handled, emitted } = await read('hello', { optional: true });

    expect(handled).toBe(true);
    const error = onlyError(emitted);
    expect(error.name).toBe('Error');
    expect(error.message).toBe(
      'Slipway answered 404 Not Found when reading app "hello" (is the Slipway backend plugin installed?)',
    );
  });

  it('treats a destroyed app as gone', async () => {
    slipway.replies.set(
      '/api/slipway/apps/hello/status',
      statusOf(app({ destroyedAt: '2026-02-01T00:00:00.000Z' })),
    );

    const required = await read('hello');
    const error = onlyError(required.emitted);
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toContain('destroyed at 2026-02-01T00:00:00.000Z');

    const optional = await read('hello', { optional: true });
    expect(optional).toEqual({ handled: true, emitted: [] });
  });

  it.each([
    [500, 'Internal Server Error', 'Error', 'database is locked'],
    [503, 'Service Unavailable', 'ServiceUnavailableError', 'shutting down'],
    [401, 'Unauthorized', 'AuthenticationError', 'Missing credentials'],
    [403, 'Forbidden', 'NotAllowedError', 'You are not allowed to app read'],
  ])(
    'reports a %i answer as a general error with the status and the message',
    async (status, statusText, name, message) => {
      slipway.replies.set('/api/slipway/apps/hello/status', {
        status,
        body: errorBody(name, message, status),
      });

      const { handled, emitted } = await read('hello');

      expect(handled).toBe(true);
      const error = onlyError(emitted);
      expect(error.name).toBe('Error');
      expect(error.message).toBe(
        `Slipway answered ${status} ${statusText}: ${message} when reading app "hello"`,
      );
    },
  );

  it('shows the start of a body that is not JSON', async () => {
    slipway.replies.set('/api/slipway/apps/hello/status', {
      status: 502,
      raw: `<html>Bad gateway${'.'.repeat(1000)}</html>`,
    });

    const { emitted } = await read('hello');

    const error = onlyError(emitted);
    expect(error.message).toMatch(
      /^Slipway answered 502 Bad Gateway: <html>Bad gateway\.+ when reading app "hello"$/,
    );
    expect(error.message.length).toBeLessThan(300);
  });

  it('reports an unreachable backend as a general error instead of throwing', async () => {
    const gone = new FakeSlipway();
    await gone.start();
    const baseUrl = gone.baseUrl;
    await gone.stop();
    const emitted: CatalogProcessorResult[] = [];

    const handled = await new SlipwayAppProcessor({
      discovery: {
        getBaseUrl: async () => baseUrl,
        getExternalBaseUrl: async () => baseUrl,
      },
      auth: mockServices.auth({ pluginId: 'catalog' }),
    }).readLocation(location('hello'), false, r => emitted.push(r));

    expect(handled).toBe(true);
    const error = onlyError(emitted);
    expect(error.message).toMatch(
      /^Could not read Slipway app "hello": fetch failed \(.*ECONNREFUSED.*\)$/,
    );
  });

  it('gives up on a backend that does not answer in time', async () => {
    slipway.replies.set('/api/slipway/apps/hello/status', 'hang');

    const { emitted } = await read('hello', { timeoutMs: 100 });

    const error = onlyError(emitted);
    expect(error.message).toMatch(
      /^Could not read Slipway app "hello": .*timeout/i,
    );
  });

  it('reports a status response without an app as a general error', async () => {
    slipway.replies.set('/api/slipway/apps/hello/status', {
      status: 200,
      body: { items: [] },
    });

    const { emitted } = await read('hello');

    expect(onlyError(emitted).message).toContain(
      'has no app with a name, repo, host and port',
    );
  });

  it.each(['platform team', 'group:', 'group:a:b/c/d', 'group:default/'])(
    'refuses the owner %j, which is not an entity reference',
    async owner => {
      slipway.replies.set(
        '/api/slipway/apps/hello/status',
        statusOf(app({ owner })),
      );

      const { emitted } = await read('hello');

      const error = onlyError(emitted);
      expect(error.name).toBe('InputError');
      expect(error.message).toContain(
        `Slipway app "hello" has an owner that is not an entity reference ("${owner}")`,
      );
    },
  );

  it.each(['platform-team', 'group:platform-team', 'user:default/jane.doe'])(
    'accepts the owner %j as written',
    async owner => {
      slipway.replies.set(
        '/api/slipway/apps/hello/status',
        statusOf(app({ owner })),
      );

      const { emitted } = await read('hello');

      expect(emitted.map(r => r.type)).toEqual(['entity']);
      const { entity } = emitted[0] as { entity: Entity };
      expect(entity.spec?.owner).toBe(owner);
      await expectValidComponent(entity);
    },
  );

  it.each([
    'Hello',
    'hello_world',
    '-hello',
    'hello-',
    'a'.repeat(64),
    '../hello',
    'hello/status',
    '',
  ])(
    'refuses the target %j as an input error without asking Slipway',
    async target => {
      const { handled, emitted } = await read(target);

      expect(handled).toBe(true);
      const error = onlyError(emitted);
      expect(error.name).toBe('InputError');
      expect(error.message).toMatch(
        /target must (be a DNS label|not be empty|be at most 63)/,
      );
      expect(slipway.seen).toEqual([]);
    },
  );

  it('accepts a 63-character name', async () => {
    const name = `a${'-'.repeat(61)}z`;
    slipway.replies.set(
      `/api/slipway/apps/${name}/status`,
      statusOf(app({ name })),
    );

    const { emitted } = await read(name);

    expect(emitted.map(r => r.type)).toEqual(['entity']);
    await expectValidComponent((emitted[0] as { entity: Entity }).entity);
  });

  it('leaves other location types to other processors', async () => {
    const emitted: CatalogProcessorResult[] = [];

    const handled = await processor().readLocation(
      {
        type: 'url',
        target: 'https://github.com/acme/hello/catalog-info.yaml',
      },
      false,
      r => emitted.push(r),
    );

    expect(handled).toBe(false);
    expect(emitted).toEqual([]);
    expect(slipway.seen).toEqual([]);
  });
});
