import { AddLocationRequest, Location } from '@backstage/catalog-client';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createTestRepo,
  freePort,
  startGitServer,
} from '@slipway/test-harness';
import path from 'node:path';
import yaml from 'yaml';
import {
  contextWithCheckpoints,
  startSlipwayBackend,
} from '../__testUtils__/slipwayBackend';
import { createDeployAppAction } from './deployApp';
import {
  createRegisterAppAction,
  SLIPWAY_APP_LOCATION_TYPE,
} from './registerApp';
import { examples } from './registerApp.examples';

const EXAMPLES = path.resolve(__dirname, '../../../../examples');
jest.setTimeout(120_000);

describe('slipway:register-app', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const name = `reg-${suffix}`;
  let backend: Awaited<ReturnType<typeof startSlipwayBackend>>;
  let git: Awaited<ReturnType<typeof startGitServer>>;

  beforeAll(async () => {
    backend = await startSlipwayBackend();
    git = await startGitServer();
    const repo = await createTestRepo(
      git,
      `src-${suffix}`,
      path.join(EXAMPLES, 'hello-static'),
    );
    await createDeployAppAction({ client: backend.client }).handler(
      contextWithCheckpoints({
        name,
        repo: repo.url,
        host: 'docker-1',
        port: await freePort(),
        container_port: 8080,
        health_path: '/health',
        owner: 'group:platform-team',
      }) as any,
    );
  });
  afterAll(async () => {
    await git?.close();
    await backend?.stop([name]);
  });

  it('adds a slipway-app location as the initiator and outputs the entity ref', async () => {
    const catalog = catalogServiceMock.mock({
      addLocation: jest.fn(async (location: AddLocationRequest) => ({
        location: {
          id: 'loc-1',
          type: location.type ?? 'url',
          target: location.target,
          entityRef: 'location:default/generated-1',
        },
        entities: [],
      })),
    });
    const ctx = contextWithCheckpoints({ name });
    await createRegisterAppAction({ client: backend.client, catalog }).handler(
      ctx as any,
    );
    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: SLIPWAY_APP_LOCATION_TYPE, target: name },
      { credentials: mockCredentials.user() },
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      `component:default/${name}`,
    );
    expect(ctx.output).toHaveBeenCalledWith('locationId', 'loc-1');
  });

  it('is harmless when the app was registered already', async () => {
    const catalog = catalogServiceMock.mock({
      addLocation: jest.fn(async () => {
        throw new ConflictError(`Location slipway-app:${name} already exists`);
      }),
      getLocationByRef: jest.fn(
        async (_ref: string): Promise<Location | undefined> => ({
          id: 'loc-0',
          type: SLIPWAY_APP_LOCATION_TYPE,
          target: name,
          entityRef: 'location:default/generated-0',
        }),
      ),
    });
    const ctx = contextWithCheckpoints({ name });
    await createRegisterAppAction({ client: backend.client, catalog }).handler(
      ctx as any,
    );
    expect(catalog.getLocationByRef).toHaveBeenCalledWith(
      `slipway-app:${name}`,
      {
        credentials: mockCredentials.user(),
      },
    );
    expect(ctx.output).toHaveBeenCalledWith('locationId', 'loc-0');
  });

  it('refuses an app Slipway does not know, without touching the catalog', async () => {
    const catalog = catalogServiceMock.mock();
    const ctx = contextWithCheckpoints({ name: `nope-${suffix}` });
    await expect(
      createRegisterAppAction({ client: backend.client, catalog }).handler(
        ctx as any,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('dry run changes nothing and outputs the entity ref it would register', async () => {
    const catalog = catalogServiceMock.mock();
    const ctx = contextWithCheckpoints(
      { name: 'not-yet-deployed' },
      new Map(),
      {
        isDryRun: true,
      },
    );
    await createRegisterAppAction({ client: backend.client, catalog }).handler(
      ctx as any,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/not-yet-deployed',
    );
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('has examples that reference a deploy step output', () => {
    for (const example of examples) {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('slipway:register-app');
      expect(step.input.name).toContain('steps.deploy.output.appName');
    }
  });
});
