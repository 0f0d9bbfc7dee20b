import { TestDatabases } from '@backstage/backend-test-utils';
import {
  createTestRepo,
  freePort,
  GitServer,
  run,
  startGitServer,
  TEST_POSTGRES_ID,
  slipwayTestDatabaseIds,
  TestRepo,
  waitFor,
} from '@slipway/test-harness';
import path from 'node:path';
import request from 'supertest';
import {
  createSlipwayFixture,
  finished,
  uniqueSuffix,
} from './__testUtils__/fixture';

/**
 * The deploy pipeline end to end, against the harness's sshd and Docker Engine, with the
 * examples served from a real Git remote, on PostgreSQL. The steps build on each other.
 */
const EXAMPLES = path.resolve(__dirname, '../../../examples');
jest.setTimeout(180_000);

describe('deploy pipeline', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });
  const suffix = uniqueSuffix();
  const name = `hello-${suffix}`;
  const slow = `slow-${suffix}`;
  let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
  let git: GitServer;
  let repo: TestRepo;
  let port: number;
  const deploymentIds: string[] = [];

  const http = (p: string) =>
    fetch(`http://127.0.0.1:${port}${p}`).then(async r => ({
      status: r.status,
      body: await r.text(),
    }));

  async function deploy(body: object) {
    const res = await request(fixture.app)
      .post('/api/slipway/apps/deploy')
      .send(body);
    if (res.status !== 202)
      throw new Error(
        `deploy answered ${res.status}: ${JSON.stringify(res.body)}`,
      );
    deploymentIds.push(res.body.deployment.id);
    return finished(fixture, res.body.deployment.id);
  }

  async function logOf(id: string) {
    const res = await request(fixture.app).get(
      `/api/slipway/deployments/${id}`,
    );
    return (res.body.log as { line: string }[]).map(l => l.line).join('\n');
  }

  async function containerOf(app: string) {
    const out = await run('docker', [
      'ps',
      '-a',
      '--filter',
      `label=slipway.app=${app}`,
      '--format',
      '{{.ID}} {{.State}} {{.Names}}',
    ]);
    return out
      .split('\n')
      .filter(Boolean)
      .map(l => {
        const [id, state, n] = l.split(' ');
        return { id, state, name: n };
      });
  }

  beforeAll(async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    fixture = await createSlipwayFixture(knex);
    git = await startGitServer();
    repo = await createTestRepo(git, name, path.join(EXAMPLES, 'hello-static'));
    port = await freePort();
  });

  afterAll(async () => {
    await fixture?.cleanup([name, slow]);
    await git?.close();
  });

  const request0 = () => ({
    name,
    repo: repo.url,
    ref: 'main',
    port,
    container_port: 8080,
    health_path: '/health',
    host: 'test',
    env: { GREETING: 'hello-secret-value' },
  });

  it('deploys hello-static and reports it running', async () => {
    const head = await repo.head();
    const deployment = await deploy(request0());
    expect(deployment).toMatchObject({
      status: 'succeeded',
      commitSha: head,
      kind: 'deploy',
      initiator: 'user:default/mock',
    });

    const status = await request(fixture.app).get(
      `/api/slipway/apps/${name}/status`,
    );
    expect(status.body.app).toMatchObject({
      state: 'running',
      envNames: ['GREETING'],
      currentDeploymentId: deployment.id,
    });
    expect(status.body.transitions.map((t: { to: string }) => t.to)).toEqual([
      'running',
      'pending',
    ]);
    expect((await http('/health')).body.trim()).toBe('ok');

    // The host's real state carries the labels and the restart policy.
    const [container] = await containerOf(name);
    const inspect = JSON.parse(
      await run('docker', ['inspect', container.id]),
    )[0];
    expect(inspect.Config.Labels).toMatchObject({
      'slipway.app': name,
      'slipway.deployment': deployment.id,
      'slipway.commit': head,
    });
    expect(inspect.HostConfig.RestartPolicy.Name).toBe('unless-stopped');
    expect(inspect.Config.Env).toContain('GREETING=hello-secret-value');

    const log = await logOf(deployment.id);
    for (const step of [
      'Cloning',
      'Resolved main of',
      'Building image',
      'Started',
      'Health gate',
      'Healthy after',
      'Succeeded',
    ]) {
      expect(log).toContain(step);
    }
    // The env value is in the container only: not in the log, the API or the database.
    expect(log).not.toContain('hello-secret-value');
    expect(JSON.stringify(status.body)).not.toContain('hello-secret-value');
  });

  it('follows a deployment log as NDJSON until the end', async () => {
    const res = await request(fixture.app).get(
      `/api/slipway/deployments/${deploymentIds[0]}?follow=true`,
    );
    const events = res.text
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    expect(events[0].type).toBe('deployment');
    expect(events.filter(e => e.type === 'log').length).toBeGreaterThan(5);
    expect(events[events.length - 1]).toMatchObject({
      type: 'end',
      deployment: { status: 'succeeded' },
    });
  });

  it('redeploys a new commit and swaps the container, keeping the old image', async () => {
    const before = await containerOf(name);
    const commit = await repo.commit('new page', {
      'public/index.html': '<h1>version two</h1>\n',
    });
    const deployment = await deploy(request0());
    expect(deployment).toMatchObject({
      status: 'succeeded',
      commitSha: commit,
    });
    expect((await http('/')).body).toContain('version two');
    const after = await containerOf(name);
    expect(after).toHaveLength(1);
    expect(after[0].id).not.toBe(before[0].id);
    const images = await run('docker', [
      'images',
      '--filter',
      `label=slipway.app=${name}`,
      '--format',
      '{{.Repository}}:{{.Tag}}',
    ]);
    expect(images.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('rolls back automatically when the new commit fails its health check', async () => {
    const good = (await fixture.store.apps.getApp(name))!.currentDeploymentId;
    await repo.commit('break health', { 'public/health': null });
    const deployment = await deploy(request0());
    expect(deployment.status).toBe('rolled_back');
    expect(deployment.diagnosis).toContain('GET /health returned 404');
    expect((await http('/')).body).toContain('version two');
    const app = (await fixture.store.apps.getApp(name))!;
    expect(app).toMatchObject({ state: 'running', currentDeploymentId: good });
    expect(await logOf(deployment.id)).toContain(
      'Rolling back: starting the previous container',
    );
    await repo.commit('fix health', { 'public/health': 'ok\n' });
  });

  it('fails a deploy whose build fails, leaving the current version serving', async () => {
    const good = (await fixture.store.apps.getApp(name))!.currentDeploymentId;
    const dockerfile = (
      await run('git', [
        '-C',
        path.join(git.root, `${name}.git`),
        'show',
        'main:Dockerfile',
      ])
    ).toString();
    await repo.commit('broken build', {
      Dockerfile: `${dockerfile}\nRUN exit 3\n`,
    });
    const deployment = await deploy(request0());
    expect(deployment.status).toBe('failed');
    expect(deployment.diagnosis).toMatch(
      /docker build failed on host test with exit code \d+/,
    );
    expect((await http('/')).body).toContain('version two');
    expect((await fixture.store.apps.getApp(name))!).toMatchObject({
      state: 'running',
      currentDeploymentId: good,
    });
    await repo.commit('fix build', { Dockerfile: dockerfile });
  });

  it('answers 409 naming the running deployment to a second deploy of the same app', async () => {
    const [a, b] = await Promise.all([
      request(fixture.app).post('/api/slipway/apps/deploy').send(request0()),
      request(fixture.app).post('/api/slipway/apps/deploy').send(request0()),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([202, 409]);
    const accepted = a.status === 202 ? a : b;
    const refused = a.status === 202 ? b : a;
    expect(refused.body.error.message).toContain(accepted.body.deployment.id);
    deploymentIds.push(accepted.body.deployment.id);
    expect((await finished(fixture, accepted.body.deployment.id)).status).toBe(
      'succeeded',
    );
  });

  it('lets the restart policy bring a killed container back', async () => {
    const [container] = await containerOf(name);
    const pid = (
      await run('docker', [
        'inspect',
        '--format',
        '{{.State.Pid}}',
        container.id,
      ])
    ).trim();
    process.kill(Number(pid), 'SIGKILL');
    await waitFor(
      'the container to be restarted',
      async () => {
        const count = Number(
          (
            await run('docker', [
              'inspect',
              '--format',
              '{{.RestartCount}}',
              container.id,
            ])
          ).trim(),
        );
        return count >= 1 &&
          (await http('/health').catch(() => ({ status: 0 }))).status === 200
          ? count
          : undefined;
      },
      30_000,
    );
    await fixture.monitor.checkAll();
    expect((await fixture.store.apps.getApp(name))!.state).toBe('running');
  });

  it('marks a stopped app unhealthy, then failed, and back to running when it recovers', async () => {
    const [container] = await containerOf(name);
    await run('docker', ['stop', container.id]);
    for (let i = 0; i < 3; i++) await fixture.monitor.checkAll();
    let app = (await fixture.store.apps.getApp(name))!;
    expect(app.state).toBe('unhealthy');
    expect(app.stateReason).toMatch(
      /3 consecutive failed health checks: connection refused on port/,
    );
    await fixture.monitor.checkAll();
    app = (await fixture.store.apps.getApp(name))!;
    expect(app.state).toBe('failed');
    expect(app.stateReason).toMatch(/container exited with code/);

    const restart = await request(fixture.app).post(
      `/api/slipway/apps/${name}/restart`,
    );
    expect(restart.status).toBe(202);
    expect((await finished(fixture, restart.body.deployment.id)).status).toBe(
      'succeeded',
    );
    expect((await fixture.store.apps.getApp(name))!.state).toBe('running');
    const samples = (
      await request(fixture.app).get(`/api/slipway/apps/${name}/status`)
    ).body.health;
    expect(samples.some((s: { ok: boolean }) => !s.ok)).toBe(true);
  });

  it('rolls back to a kept deployment on request, with the env carried over', async () => {
    const history = (
      await request(fixture.app).get(`/api/slipway/apps/${name}/deployments`)
    ).body.items;
    const first = history[history.length - 1];
    const res = await request(fixture.app)
      .post(`/api/slipway/apps/${name}/rollback`)
      .send({ deploymentId: deploymentIds[1] });
    expect(res.status).toBe(202);
    const rollback = await finished(fixture, res.body.deployment.id);
    expect(rollback).toMatchObject({ status: 'succeeded', kind: 'rollback' });
    expect((await http('/')).body).toContain('version two');
    const [container] = await containerOf(name);
    const env = JSON.parse(
      await run('docker', [
        'inspect',
        '--format',
        '{{json .Config.Env}}',
        container.id,
      ]),
    );
    expect(env).toContain('GREETING=hello-secret-value');
    // The first image was pruned (3 kept), so rolling back to it is refused clearly.
    const refused = await request(fixture.app)
      .post(`/api/slipway/apps/${name}/rollback`)
      .send({ deploymentId: first.id });
    expect(refused.status).toBe(202);
    const pruned = await finished(fixture, refused.body.deployment.id);
    expect(pruned.status).toBe('failed');
    expect(pruned.diagnosis).toMatch(/is no longer on host test/);
    expect((await http('/')).body).toContain('version two');
  });

  it('returns the container output through /logs with a bounded tail', async () => {
    await http('/');
    const res = await request(fixture.app).get(
      `/api/slipway/apps/${name}/logs?tail=5`,
    );
    expect(res.status).toBe(200);
    expect(res.body.lines.length).toBeGreaterThan(0);
    expect(res.body.lines.length).toBeLessThanOrEqual(5);
    expect(
      (
        await request(fixture.app).get(
          `/api/slipway/apps/${name}/logs?tail=100000`,
        )
      ).status,
    ).toBe(400);
  });

  it('keeps probing a slow app until it is healthy', async () => {
    const slowRepo = await createTestRepo(
      git,
      slow,
      path.join(EXAMPLES, 'slow-start'),
    );
    const slowPort = await freePort();
    const deployment = await deploy({
      name: slow,
      repo: slowRepo.url,
      port: slowPort,
      container_port: 8080,
      health_path: '/health',
      host: 'test',
      env: { START_DELAY: '3' },
    });
    expect(deployment.status).toBe('succeeded');
    const log = await logOf(deployment.id);
    expect(log).toMatch(/Probe \d+: connection (refused|reset)/);
    expect(log).toContain('Healthy after');
  });

  it('refuses a port that another app holds on the host', async () => {
    const res = await request(fixture.app)
      .post('/api/slipway/apps/deploy')
      .send({ ...request0(), name: `other-${suffix}` });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      `port ${port} on host test is already used by app "${name}"`,
    );
  });

  it('destroys an app: containers and images gone, port free, history kept', async () => {
    const res = await request(fixture.app).delete(`/api/slipway/apps/${name}`);
    expect(res.status).toBe(202);
    expect((await finished(fixture, res.body.deployment.id)).status).toBe(
      'succeeded',
    );
    expect(await containerOf(name)).toEqual([]);
    expect(
      (
        await run('docker', [
          'images',
          '-q',
          '--filter',
          `label=slipway.app=${name}`,
        ])
      ).trim(),
    ).toBe('');
    const history = (
      await request(fixture.app).get(`/api/slipway/apps/${name}/deployments`)
    ).body.items;
    expect(history.length).toBeGreaterThanOrEqual(6);
    expect(
      (await request(fixture.app).get('/api/slipway/apps')).body.items.map(
        (a: { name: string }) => a.name,
      ),
    ).not.toContain(name);
    // The port is free for another app.
    const reuse = await request(fixture.app)
      .post('/api/slipway/apps/deploy')
      .send({ ...request0(), name: `reuse-${suffix}`, env: {} });
    expect(reuse.status).toBe(202);
    await finished(fixture, reuse.body.deployment.id);
    await fixture.cleanup([`reuse-${suffix}`]);
  });
});
