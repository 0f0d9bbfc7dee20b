import { mockCredentials } from '@backstage/backend-test-utils';
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
  taskLog,
} from '../__testUtils__/slipwayBackend';
import { createDeployAppAction, DRY_RUN_ID } from './deployApp';
import { createDestroyAppAction } from './destroyApp';
import { examples } from './destroyApp.examples';

const EXAMPLES = path.resolve(__dirname, '../../../../examples');
jest.setTimeout(120_000);

describe('slipway:destroy-app', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const name = `gone-${suffix}`;
  let backend: Awaited<ReturnType<typeof startSlipwayBackend>>;
  let git: Awaited<ReturnType<typeof startGitServer>>;

  beforeAll(async () => {
    backend = await startSlipwayBackend();
    git = await startGitServer();
  });
  afterAll(async () => {
    await git?.close();
    await backend?.stop([name]);
  });

  it('dry run needs the app to exist; a real run stops it, frees the port and keeps the history', async () => {
    const destroy = createDestroyAppAction({ client: backend.client });
    const missing = contextWithCheckpoints({ name }, new Map(), {
      isDryRun: true,
    });
    await expect(destroy.handler(missing as any)).rejects.toMatchObject({
      name: 'NotFoundError',
    });

    const repo = await createTestRepo(
      git,
      `src-${suffix}`,
      path.join(EXAMPLES, 'hello-static'),
    );
    const port = await freePort();
    await createDeployAppAction({ client: backend.client }).handler(
      contextWithCheckpoints({
        name,
        repo: repo.url,
        host: 'docker-1',
        port,
        container_port: 8080,
        health_path: '/health',
      }) as any,
    );
    expect(
      (await fetch(`http://${backend.harness.ssh.host}:${port}/health`)).status,
    ).toBe(200);

    const dry = contextWithCheckpoints({ name }, new Map(), { isDryRun: true });
    await destroy.handler(dry as any);
    expect(dry.output).toHaveBeenCalledWith('deploymentId', DRY_RUN_ID);
    expect(
      (await fetch(`http://${backend.harness.ssh.host}:${port}/health`)).status,
    ).toBe(200);

    const ctx = contextWithCheckpoints({ name });
    const log = taskLog(ctx);
    await destroy.handler(ctx as any);
    expect(log.map(l => l.message).pop()).toMatch(
      /is destroyed; its history is kept/,
    );
    await expect(
      fetch(`http://${backend.harness.ssh.host}:${port}/health`),
    ).rejects.toThrow();
    const history = await backend.client.request<{ items: { kind: string }[] }>(
      mockCredentials.user(),
      'GET',
      `/apps/${name}/deployments`,
    );
    expect(history.items.map(d => d.kind)).toEqual(['destroy', 'deploy']);
  });

  it('refuses a name that is not a DNS label', async () => {
    const ctx = contextWithCheckpoints({ name: '../../etc' });
    await expect(
      createDestroyAppAction({ client: backend.client }).handler(ctx as any),
    ).rejects.toThrow(/name: name must be a DNS label/);
  });

  it('has examples with valid input', () => {
    for (const example of examples) {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('slipway:destroy-app');
      expect(step.input.name).toMatch(/^[a-z0-9-]+$/);
    }
  });
});
