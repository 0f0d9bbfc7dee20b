import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { App } from '@slipway/plugin-slipway-common';
import catalogModuleSlipwayApps from '.';

const hello: App = {
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
  owner: 'group:default/platform-team',
  description: 'Serves the hello page',
};

/**
 * A stand-in for the Slipway backend plugin in the same test backend: the catalog reaches it
 * through discovery and a service token, as it reaches the real one.
 */
function fakeSlipwayPlugin(callers: string[]) {
  return createBackendPlugin({
    pluginId: 'slipway',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          httpRouter.use(async (req, res, next) => {
            try {
              const credentials = await httpAuth.credentials(req, {
                allow: ['service'],
              });
              callers.push(credentials.principal.subject);
              const status = req.path.match(/^\/apps\/([^/]+)\/status$/);
              if (req.method === 'GET' && status) {
                if (status[1] !== hello.name) {
                  throw new NotFoundError(`No app named "${status[1]}"`);
                }
                res.json({
                  app: hello,
                  url: 'http://192.0.2.10:8080',
                  lastDeployment: null,
                  health: [],
                  transitions: [],
                });
                return;
              }
              next();
            } catch (error) {
              next(error);
            }
          });
        },
      });
    },
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

describe('catalogModuleSlipwayApps', () => {
  jest.setTimeout(60_000);

  async function start(config: object = {}) {
    const callers: string[] = [];
    const processingErrors: string[] = [];
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleSlipwayApps,
        fakeSlipwayPlugin(callers),
        mockServices.rootConfig.factory({ data: { ...config } }),
        // A location whose first read fails never becomes an entity, so its error is only seen here.
        createBackendModule({
          pluginId: 'catalog',
          moduleId: 'test-processing-errors',
          register(env) {
            env.registerInit({
              deps: { catalogProcessing: catalogProcessingExtensionPoint },
              async init({ catalogProcessing }) {
                catalogProcessing.setOnProcessingErrorHandler(event => {
                  processingErrors.push(...event.errors.map(e => e.message));
                });
              },
            });
          },
        }),
      ],
    });
    const baseUrl = `http://localhost:${backend.server.port()}/api/catalog`;
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: {
          Authorization: mockCredentials.user.header(),
          'Content-Type': 'application/json',
          ...init.headers,
        },
      });
    return { backend, callers, call, processingErrors };
  }

  it('turns a registered slipway-app location into a Component', async () => {
    const { backend, callers, call } = await start();
    try {
      const created = await call('/locations', {
        method: 'POST',
        body: JSON.stringify({ type: 'slipway-app', target: 'hello' }),
      });
      expect(created.status).toBe(201);
      expect((await created.json()).location).toMatchObject({
        type: 'slipway-app',
        target: 'hello',
      });

      const entity = await until('the component', async () => {
        const res = await call('/entities/by-name/component/default/hello');
        return res.ok ? ((await res.json()) as Entity) : undefined;
      });

      expect(entity.metadata).toMatchObject({
        name: 'hello',
        namespace: 'default',
        description: 'Serves the hello page',
        tags: ['slipway'],
        links: [{ url: 'http://192.0.2.10:8080', title: 'hello on docker-1' }],
      });
      expect(entity.metadata.annotations).toMatchObject({
        'slipway/app-name': 'hello',
        'slipway/host': 'docker-1',
        'backstage.io/source-location':
          'url:https://github.com/acme/hello-static/',
        'backstage.io/managed-by-location': 'slipway-app:hello',
        'backstage.io/managed-by-origin-location': 'slipway-app:hello',
      });
      expect(entity.spec).toEqual({
        type: 'service',
        lifecycle: 'production',
        owner: 'group:default/platform-team',
      });
      expect(entity.relations).toContainEqual({
        type: 'ownedBy',
        targetRef: 'group:default/platform-team',
      });
      // The catalog called the fake backend with its own service credentials.
      expect(callers).toContain('plugin:catalog');
      expect(new Set(callers)).toEqual(new Set(['plugin:catalog']));
    } finally {
      await backend.stop();
    }
  });

  it('reports a missing app as a processing error of its location', async () => {
    const { backend, call, processingErrors } = await start();
    try {
      const created = await call('/locations', {
        method: 'POST',
        body: JSON.stringify({ type: 'slipway-app', target: 'ghost' }),
      });
      expect(created.status).toBe(201);

      const messages = await until('the processing error', async () =>
        processingErrors.length ? processingErrors : undefined,
      );

      expect(messages).toContainEqual(
        expect.stringContaining('Slipway has no app named "ghost"'),
      );
      const component = await call('/entities/by-name/component/default/ghost');
      expect(component.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('reads the app at once in a dry run, as the catalog import page does', async () => {
    const { backend, call } = await start();
    try {
      const found = await call('/locations?dryRun=true', {
        method: 'POST',
        body: JSON.stringify({ type: 'slipway-app', target: 'hello' }),
      });
      expect(found.status).toBe(201);
      const { entities } = (await found.json()) as { entities: Entity[] };
      expect(entities.map(e => e.kind)).toEqual(['Location', 'Component']);
      expect(entities[1].metadata.annotations).toMatchObject({
        'slipway/app-name': 'hello',
      });

      const missing = await call('/locations?dryRun=true', {
        method: 'POST',
        body: JSON.stringify({ type: 'slipway-app', target: 'ghost' }),
      });
      expect(missing.status).toBe(400);
      expect((await missing.json()).error.message).toContain(
        'Slipway has no app named "ghost"',
      );
    } finally {
      await backend.stop();
    }
  });

  it('allows url and slipway-app locations but not file ones, and still reads file locations from config', async () => {
    const dir = createMockDirectory({
      content: {
        'catalog-info.yaml': [
          'apiVersion: backstage.io/v1alpha1',
          'kind: Component',
          'metadata: { name: from-config }',
          'spec: { type: service, lifecycle: production, owner: group:default/platform-team }',
        ].join('\n'),
      },
    });
    const { backend, call } = await start({
      catalog: {
        locations: [{ type: 'file', target: dir.resolve('catalog-info.yaml') }],
      },
    });
    try {
      const file = await call('/locations', {
        method: 'POST',
        body: JSON.stringify({ type: 'file', target: '/etc/passwd' }),
      });
      expect(file.status).toBe(400);
      expect((await file.json()).error.message).toContain(
        'Registered locations must be of an allowed type ["url","slipway-app"]',
      );

      const url = await call('/locations?dryRun=true', {
        method: 'POST',
        body: JSON.stringify({
          type: 'url',
          target: 'https://example.com/catalog-info.yaml',
        }),
      });
      // Past the type check, the test backend may not read example.com.
      expect((await url.json()).error.message).toContain('Unable to read url');

      // Config locations are not registered through the API, so `file` ones keep working.
      const fromConfig = await until('the component from config', async () => {
        const res = await call(
          '/entities/by-name/component/default/from-config',
        );
        return res.ok ? ((await res.json()) as Entity) : undefined;
      });
      expect(fromConfig.spec?.owner).toBe('group:default/platform-team');
    } finally {
      await backend.stop();
    }
  });
});
