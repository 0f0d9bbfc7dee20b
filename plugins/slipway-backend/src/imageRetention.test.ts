import { TestDatabases } from '@backstage/backend-test-utils';
import { Deployment } from '@slipway/plugin-slipway-common';
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
import { removeFailedImage } from './deploy/cleanup';
import { JobLog } from './jobs/JobLog';

/**
 * Image retention against the harness's sshd and Docker Engine: a failed release removes the
 * image it built, and `keepImages` counts succeeded releases only, so a run of failed deploys
 * never pushes the last good rollback targets off the host. The steps build on each other.
 */
const EXAMPLES = path.resolve(__dirname, '../../../examples');
jest.setTimeout(240_000);

describe('image retention', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const name = `retain-${uniqueSuffix()}`;
  let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
  let git: GitServer;
  let repo: TestRepo;
  let port: number;
  let dockerfile: string;
  const good: Deployment[] = [];
  const failed: Deployment[] = [];

  const page = () => fetch(`http://127.0.0.1:${port}/`).then(r => r.text());

  /** Whether the harness's Docker still has the image, asked of Docker itself. */
  const onHost = (image: string | null) =>
    run('docker', ['image', 'inspect', '--format', '{{.Id}}', image!]).then(
      () => true,
      () => false,
    );

  async function logOf(id: string) {
    const res = await request(fixture.app).get(
      `/api/slipway/deployments/${id}`,
    );
    return (res.body.log as { line: string }[]).map(l => l.line).join('\n');
  }

  async function deploy() {
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
      });
    if (res.status !== 202)
      throw new Error(
        `deploy answered ${res.status}: ${JSON.stringify(res.body)}`,
      );
    return finished(fixture, res.body.deployment.id);
  }

  async function rollback(deploymentId: string) {
    const res = await request(fixture.app)
      .post(`/api/slipway/apps/${name}/rollback`)
      .send({ deploymentId });
    expect(res.status).toBe(202);
    return finished(fixture, res.body.deployment.id);
  }

  beforeAll(async () => {
    fixture = await createSlipwayFixture(await databases.init('SQLITE_3'), {
      // A short gate: the 404 release below waits for its deadline.
      config: { deploy: { keepImages: 2, healthGate: { deadlineSeconds: 4 } } },
    });
    git = await startGitServer();
    repo = await createTestRepo(git, name, path.join(EXAMPLES, 'hello-static'));
    dockerfile = await run('git', [
      '-C',
      path.join(git.root, `${name}.git`),
      'show',
      'main:Dockerfile',
    ]);
    port = await freePort();
  });

  afterAll(async () => {
    await fixture?.cleanup([name]);
    await git?.close();
  });

  it('deploys v1 and v2', async () => {
    good.push(await deploy());
    await repo.commit('v2', { 'public/index.html': '<h1>v2</h1>\n' });
    good.push(await deploy());
    expect(good.map(d => d.status)).toEqual(['succeeded', 'succeeded']);
    expect(await page()).toContain('v2');
  });

  it('removes the images of three releases that fail their health gate', async () => {
    await repo.commit('v3: no health path', { 'public/health': null });
    failed.push(await deploy());
    await repo.commit('v4: exits at start', {
      'public/health': 'ok\n',
      Dockerfile: `${dockerfile}\nCMD ["sh", "-c", "echo v4 crashing; exit 1"]\n`,
    });
    failed.push(await deploy());
    await repo.commit('v5: exits at start too', {
      Dockerfile: `${dockerfile}\nCMD ["sh", "-c", "echo v5 crashing; exit 2"]\n`,
    });
    failed.push(await deploy());

    expect(failed.map(d => d.status)).toEqual([
      'rolled_back',
      'rolled_back',
      'rolled_back',
    ]);
    expect(failed[0].diagnosis).toContain('GET /health returned 404');
    expect(failed[1].diagnosis).toMatch(/exit(ed|ing) with code 1/);
    expect(failed[2].diagnosis).toMatch(/exit(ed|ing) with code 2/);
    for (const d of failed) {
      expect(d.image).toBeTruthy();
      expect(await onHost(d.image)).toBe(false);
      expect(await logOf(d.id)).toContain(
        `Cleanup: removing the image ${d.image} of this failed release`,
      );
    }
    for (const d of good) expect(await onHost(d.image)).toBe(true);
    expect(await page()).toContain('v2');
    expect((await fixture.store.apps.getApp(name))!.currentDeploymentId).toBe(
      good[1].id,
    );
  });

  it('rolls back to v1 and keeps v2, the other succeeded release in the window', async () => {
    const back = await rollback(good[0].id);
    expect(back).toMatchObject({
      status: 'succeeded',
      kind: 'rollback',
      image: good[0].image,
    });
    expect(await page()).not.toContain('v2');
    expect(await onHost(good[0].image)).toBe(true);
    expect(await onHost(good[1].image)).toBe(true);
  });

  it('keeps the image of a failed job when a succeeded deployment has it too', async () => {
    // A rollback to v2 (or a redeploy of a commit already built) that fails: its image is
    // v2's, which must stay for the next try.
    const { deployments } = fixture.store;
    const retry = await deployments.createDeployment({
      app: name,
      kind: 'rollback',
      initiator: null,
      request: { rollbackTo: good[1].id },
      image: good[1].image,
    });
    await deployments.setDeploymentStatus(retry.id, 'in_progress');
    await deployments.setDeploymentStatus(retry.id, 'rolled_back', 'test');
    const conn = await fixture.hosts.connect('test');
    const log = new JobLog(deployments, retry.id, []);
    try {
      await removeFailedImage({ store: fixture.store, conn, log }, retry.id);
    } finally {
      await log.flush();
      await conn.close();
    }
    expect(await onHost(good[1].image)).toBe(true);
    expect(await logOf(retry.id)).toContain(
      `Cleanup: keeping the image ${good[1].image}: deployment ${good[1].id} (succeeded) has it too`,
    );
  });

  it('prunes by succeeded releases: a new deploy keeps itself and the rollback to v1', async () => {
    await repo.commit('v6', {
      Dockerfile: dockerfile,
      'public/index.html': '<h1>v6</h1>\n',
    });
    const v6 = await deploy();
    expect(v6.status).toBe('succeeded');
    expect(await page()).toContain('v6');
    expect(await onHost(v6.image)).toBe(true);
    expect(await onHost(good[0].image)).toBe(true);
    expect(await onHost(good[1].image)).toBe(false);
  });
});
