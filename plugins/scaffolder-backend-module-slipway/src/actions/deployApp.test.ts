import { mockCredentials } from '@backstage/backend-test-utils';
import {
  freePort,
  createTestRepo,
  startGitServer,
  waitFor,
} from '@slipway/test-harness';
import path from 'node:path';
import yaml from 'yaml';
import {
  contextWithCheckpoints,
  startSlipwayBackend,
  taskLog,
} from '../__testUtils__/slipwayBackend';
import { createDeployAppAction, DRY_RUN_ID } from './deployApp';
import { examples } from './deployApp.examples';

const EXAMPLES = path.resolve(__dirname, '../../../../examples');
jest.setTimeout(180_000);

describe('slipway:deploy-app', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const apps = [`act-${suffix}`, `slow-${suffix}`, `ret-${suffix}`];
  let backend: Awaited<ReturnType<typeof startSlipwayBackend>>;
  let git: Awaited<ReturnType<typeof startGitServer>>;
  let helloRepo: string;
  let slowRepo: string;
  let action: ReturnType<typeof createDeployAppAction>;

  beforeAll(async () => {
    backend = await startSlipwayBackend();
    git = await startGitServer();
    helloRepo = (
      await createTestRepo(
        git,
        `hello-${suffix}`,
        path.join(EXAMPLES, 'hello-static'),
      )
    ).url;
    slowRepo = (
      await createTestRepo(
        git,
        `slow-${suffix}`,
        path.join(EXAMPLES, 'slow-start'),
      )
    ).url;
    action = createDeployAppAction({ client: backend.client });
  });

  afterAll(async () => {
    await git?.close();
    await backend?.stop(apps);
  });

  const deployments = async (name: string) =>
    backend.client
      .request<{ items: { id: string; status: string; initiator: string }[] }>(
        mockCredentials.user(),
        'GET',
        `/apps/${name}/deployments`,
      )
      .then(
        r => r.items,
        () => [],
      );

  it('deploys as the initiator, streams the log while the job runs, and outputs the app URL', async () => {
    const port = await freePort();
    const ctx = contextWithCheckpoints({
      name: apps[0],
      repo: helloRepo,
      host: 'docker-1',
      port,
      container_port: 8080,
      health_path: '/health',
      env: { GREETING: 'good-morning', API_TOKEN: 'do-not-log-this-value' },
      owner: 'group:platform-team',
    });
    const log = taskLog(ctx);
    await action.handler(ctx as any);

    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    expect(outputs).toEqual({
      appName: apps[0],
      deploymentId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      commitSha: expect.stringMatching(/^[0-9a-f]{40}$/),
      appUrl: `http://${backend.harness.ssh.host}:${port}`,
      host: 'docker-1',
    });
    const res = await fetch(`${outputs.appUrl}/health`);
    expect(res.status).toBe(200);

    // The job's own lines, in the backend's order: clone, build, run, health gate.
    const messages = log.map(l => l.message);
    const at = (pattern: RegExp) => messages.findIndex(m => pattern.test(m));
    const order = [
      /^Deploying /,
      /^Deployment .* started$/,
      /^Cloning at commit [0-9a-f]{40}/,
      /^Step 1\/\d+ : FROM/,
      /^Successfully built/,
      /^Health gate: GET/,
      /^Healthy after/,
    ].map(at);
    expect(order.every(i => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(messages[messages.length - 1]).toMatch(/is running at/);
    // Streamed, not dumped at the end: the first job line came well before the last.
    const first = log[at(/^Cloning at commit/)].at;
    const lastJobLine = log[messages.length - 2].at;
    expect(lastJobLine - first).toBeGreaterThan(200);
    expect(messages.join('\n')).not.toContain('do-not-log-this-value');
    expect(messages.join('\n')).toContain('API_TOKEN');

    const status = await backend.client.request<any>(
      mockCredentials.user(),
      'GET',
      `/apps/${apps[0]}/status`,
    );
    expect(status.app).toMatchObject({
      owner: 'group:platform-team',
      envNames: ['API_TOKEN', 'GREETING'],
    });
    expect(status.url).toBe(outputs.appUrl);
    expect(JSON.stringify(status)).not.toContain('do-not-log-this-value');
    const [recorded] = await deployments(apps[0]);
    expect(recorded).toMatchObject({
      id: outputs.deploymentId,
      status: 'succeeded',
      initiator: 'user:default/mock',
    });
  });

  it('resumes a retried task instead of deploying twice', async () => {
    const port = await freePort();
    const input = {
      name: apps[2],
      repo: helloRepo,
      host: 'docker-1',
      port,
      container_port: 8080,
      health_path: '/health',
    };
    const checkpoints = new Map();
    const first = contextWithCheckpoints(input, checkpoints);
    await action.handler(first as any);
    const retried = contextWithCheckpoints(input, checkpoints);
    const log = taskLog(retried);
    await action.handler(retried as any);

    const items = await deployments(apps[2]);
    expect(items).toHaveLength(1);
    expect(retried.output).toHaveBeenCalledWith('deploymentId', items[0].id);
    expect(log.map(l => l.message)).toContain(
      `Deployment ${items[0].id} started`,
    );
  });

  it('cancels the backend job when the task is cancelled', async () => {
    const controller = new AbortController();
    const ctx = contextWithCheckpoints(
      {
        name: apps[1],
        repo: slowRepo,
        host: 'docker-1',
        port: await freePort(),
        container_port: 8080,
        health_path: '/health',
      },
      new Map(),
      { signal: controller.signal },
    );
    const log = taskLog(ctx);
    const run = action.handler(ctx as any);
    await waitFor(
      'the job to start',
      async () => log.some(l => /started$/.test(l.message)) || undefined,
      60_000,
    );
    controller.abort();
    await expect(run).rejects.toThrow(/cancelled/);
    const [recorded] = await deployments(apps[1]);
    expect(recorded.status).toBe('cancelled');
    expect(log.map(l => l.message).join('\n')).toMatch(
      /Task cancelled: cancelling/,
    );
  });

  it('dry run: checks the request with the backend, changes nothing, outputs plausible values', async () => {
    const name = `dry-${suffix}`;
    const port = await freePort();
    const ctx = contextWithCheckpoints(
      { name, repo: helloRepo, host: 'docker-1', port, container_port: 8080 },
      new Map(),
      { isDryRun: true },
    );
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('deploymentId', DRY_RUN_ID);
    expect(ctx.output).toHaveBeenCalledWith(
      'appUrl',
      `http://${backend.harness.ssh.host}:${port}`,
    );
    expect(await deployments(name)).toEqual([]);

    const unknownHost = contextWithCheckpoints(
      { name, repo: helloRepo, host: 'nowhere', port, container_port: 8080 },
      new Map(),
      { isDryRun: true },
    );
    await expect(action.handler(unknownHost as any)).rejects.toThrow(
      /host: there is no Slipway host named "nowhere"/,
    );
  });

  it('fails naming each field and rule, and starts nothing', async () => {
    const name = `bad-${suffix}`;
    const ctx = contextWithCheckpoints({
      name,
      repo: 'file:///etc/passwd',
      ref: '--upload-pack=touch /tmp/pwned',
      host: 'docker-1',
      port: 22,
      container_port: 8080,
      owner: 'everyone',
    });
    const failure = action.handler(ctx as any);
    await expect(failure).rejects.toThrow(
      /repo: repo must use one of the schemes/,
    );
    await expect(failure).rejects.toThrow(/ref: ref must not start with "-"/);
    await expect(failure).rejects.toThrow(
      /port: port must be between 1024 and 65535/,
    );
    await expect(failure).rejects.toThrow(
      /owner: owner must be an entity reference/,
    );
    expect(ctx.output).not.toHaveBeenCalled();
    expect(await deployments(name)).toEqual([]);
  });

  it('refuses what the platform policy forbids, with the rule', async () => {
    const ctx = contextWithCheckpoints({
      name: `pol-${suffix}`,
      repo: 'https://evil.example.org/x/y.git',
      host: 'docker-1',
      port: await freePort(),
      container_port: 8080,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /Policy check failed: \[repo/,
    );
  });

  it.each(examples.map(e => [e.description, e]))(
    'example passes validation and policy in a dry run: %s',
    async (_d, example) => {
      const step = yaml.parse(example.example).steps[0];
      const ctx = contextWithCheckpoints(step.input, new Map(), {
        isDryRun: true,
      });
      await action.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith('appName', step.input.name);
      expect(ctx.output).toHaveBeenCalledWith('host', 'docker-1');
    },
  );
});

describe('slipway:deploy-app without permission', () => {
  it('is refused for a user the permission policy denies, and nothing starts', async () => {
    const backend = await startSlipwayBackend({ deny: true });
    try {
      const action = createDeployAppAction({ client: backend.client });
      const ctx = contextWithCheckpoints({
        name: 'denied',
        repo: 'http://127.0.0.1:1/x.git',
        host: 'docker-1',
        port: 8080,
        container_port: 8080,
      });
      await expect(action.handler(ctx as any)).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
    } finally {
      await backend.stop();
    }
  });
});
