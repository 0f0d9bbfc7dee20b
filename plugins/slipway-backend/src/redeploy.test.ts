import { TestDatabases } from '@backstage/backend-test-utils';
import {
  createTestRepo,
  freePort,
  GitServer,
  run,
  startGitServer,
  TestRepo,
} from '@slipway/test-harness';
import path from 'node:path';
import request from 'supertest';
import {
  createSlipwayFixture,
  finished,
  uniqueSuffix,
} from './__testUtils__/fixture';

/**
 * `POST /apps/:name/redeploy` against the harness's sshd and Docker Engine: the recorded
 * settings deployed again, the env values carried over from the running container without
 * being logged or stored. The steps build on each other.
 */
const EXAMPLES = path.resolve(__dirname, '../../../examples');
jest.setTimeout(180_000);

describe('redeploy', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const suffix = uniqueSuffix();
  const name = `redeploy-${suffix}`;
  const SECRET = 'redeploy-secret-value';
  const OTHER_SECRET = 'second-secret-value';
  let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
  let git: GitServer;
  let repo: TestRepo;
  let port: number;
  let firstCommit: string;

  const page = () => fetch(`http://127.0.0.1:${port}/`).then(r => r.text());

  async function containerEnv() {
    const ids = (
      await run('docker', ['ps', '-q', '--filter', `label=slipway.app=${name}`])
    )
      .split('\n')
      .filter(Boolean);
    expect(ids).toHaveLength(1);
    return JSON.parse(
      await run('docker', [
        'inspect',
        '--format',
        '{{json .Config.Env}}',
        ids[0],
      ]),
    ) as string[];
  }

  async function logOf(id: string) {
    const res = await request(fixture.app).get(
      `/api/slipway/deployments/${id}`,
    );
    return (res.body.log as { line: string }[]).map(l => l.line).join('\n');
  }

  async function redeploy(body?: object) {
    const res = await request(fixture.app)
      .post(`/api/slipway/apps/${name}/redeploy`)
      .send(body);
    if (res.status !== 202)
      throw new Error(
        `redeploy answered ${res.status}: ${JSON.stringify(res.body)}`,
      );
    return finished(fixture, res.body.deployment.id);
  }

  beforeAll(async () => {
    fixture = await createSlipwayFixture(await databases.init('SQLITE_3'));
    git = await startGitServer();
    repo = await createTestRepo(git, name, path.join(EXAMPLES, 'hello-static'));
    firstCommit = await repo.head();
    port = await freePort();
  });

  afterAll(async () => {
    await fixture?.cleanup([name]);
    await git?.close();
  });

  it('deploys the app with env vars (the starting point)', async () => {
    const res = await request(fixture.app)
      .post('/api/slipway/apps/deploy')
      .send({
        name,
        repo: repo.url,
        ref: 'main',
        port,
        container_port: 8080,
        health_path: '/health',
        host: 'test',
        env: { GREETING: SECRET, TOKEN: OTHER_SECRET },
        owner: 'group:default/team-a',
      });
    expect(res.status).toBe(202);
    expect((await finished(fixture, res.body.deployment.id)).status).toBe(
      'succeeded',
    );
  });

  it('deploys the recorded ref again, carrying the env over without logging it', async () => {
    const commit = await repo.commit('version two', {
      'public/index.html': '<h1>version two</h1>\n',
    });
    const before = (await fixture.store.apps.getApp(name))!;
    const deployment = await redeploy();
    expect(deployment).toMatchObject({
      status: 'succeeded',
      kind: 'deploy',
      commitSha: commit,
      initiator: 'user:default/mock',
    });
    expect(await page()).toContain('version two');
    expect(await containerEnv()).toEqual(
      expect.arrayContaining([`GREETING=${SECRET}`, `TOKEN=${OTHER_SECRET}`]),
    );
    const log = await logOf(deployment.id);
    expect(log).toContain('Carrying 2 env var(s) over from container');
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(OTHER_SECRET);

    const app = (await fixture.store.apps.getApp(name))!;
    expect(app).toMatchObject({
      state: 'running',
      currentDeploymentId: deployment.id,
      ref: 'main',
      port: before.port,
      healthPath: '/health',
      envNames: ['GREETING', 'TOKEN'],
      // A redeploy names no owner: the catalog data stays.
      owner: 'group:default/team-a',
    });
    // Neither the database nor the API has the values.
    const dump = JSON.stringify(
      await fixture.store.deployments.listDeployments(name),
    ).concat(
      JSON.stringify(
        (await request(fixture.app).get(`/api/slipway/apps/${name}/status`))
          .body,
      ),
    );
    expect(dump).not.toContain(SECRET);
  });

  it('redeploys another ref and records it as the app ref', async () => {
    const bare = path.join(git.root, `${name}.git`);
    await run('git', ['-C', bare, 'tag', 'v1', firstCommit]);
    await run('git', ['-C', bare, 'update-server-info']);
    const deployment = await redeploy({ ref: 'v1' });
    expect(deployment).toMatchObject({
      status: 'succeeded',
      commitSha: firstCommit,
    });
    expect(await page()).not.toContain('version two');
    expect(await containerEnv()).toContain(`GREETING=${SECRET}`);
    expect((await fixture.store.apps.getApp(name))!.ref).toBe('v1');
    expect(await logOf(deployment.id)).not.toContain(SECRET);
  });

  it('answers 409 while a job of the app runs', async () => {
    const [a, b] = await Promise.all([
      request(fixture.app).post(`/api/slipway/apps/${name}/redeploy`),
      request(fixture.app).post(`/api/slipway/apps/${name}/redeploy`),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const accepted = a.status === 202 ? a : b;
    const refused = a.status === 202 ? b : a;
    expect(refused.body.error.message).toContain(accepted.body.deployment.id);
    expect((await finished(fixture, accepted.body.deployment.id)).status).toBe(
      'succeeded',
    );
  });

  it('answers 404 for an unknown app and 400 for a bad body', async () => {
    const unknown = await request(fixture.app).post(
      `/api/slipway/apps/nosuch-${suffix}/redeploy`,
    );
    expect(unknown.status).toBe(404);
    const badRef = await request(fixture.app)
      .post(`/api/slipway/apps/${name}/redeploy`)
      .send({ ref: '--upload-pack=touch /tmp/x' });
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.message).toMatch(
      /^ref: ref must not start with "-"/,
    );
    const extra = await request(fixture.app)
      .post(`/api/slipway/apps/${name}/redeploy`)
      .send({ ref: 'main', env: { GREETING: 'x' } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toBe('(request): unknown field(s): env');
  });

  it('refuses to redeploy without a container to carry the env from', async () => {
    const ids = (
      await run('docker', [
        'ps',
        '-aq',
        '--filter',
        `label=slipway.app=${name}`,
      ])
    )
      .split('\n')
      .filter(Boolean);
    await run('docker', ['rm', '-f', ...ids]);
    const deployment = await redeploy();
    expect(deployment.status).toBe('failed');
    expect(deployment.diagnosis).toBe(
      `no container of app ${name} on host test to carry its env vars (GREETING, TOKEN) over from; deploy it with its env instead`,
    );
  });
});
