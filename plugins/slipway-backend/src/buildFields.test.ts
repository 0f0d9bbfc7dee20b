import { TestDatabases } from '@backstage/backend-test-utils';
import {
  createTestRepo,
  freePort,
  GitServer,
  run,
  startGitServer,
  TestRepo,
} from '@slipway/test-harness';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  createSlipwayFixture,
  finished,
  uniqueSuffix,
} from './__testUtils__/fixture';

/**
 * Monorepo builds and resource limits, end to end against the harness's sshd and Docker:
 * `examples/hello-static` deployed from a repository holding this repo's whole `examples/`
 * tree, limits read back with `docker inspect` through redeploy, rollback and restart, and the
 * policy's bounds. The steps build on each other.
 */
const EXAMPLES = path.resolve(__dirname, '../../../examples');
const MIB = 1024 * 1024;
jest.setTimeout(240_000);

describe('context, dockerfile, memory and cpus', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const suffix = uniqueSuffix();
  const name = `monorepo-${suffix}`;
  let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
  let git: GitServer;
  let repo: TestRepo;
  let source: string;
  let port: number;

  const body = (overrides: object = {}) => ({
    name,
    repo: repo.url,
    ref: 'main',
    port,
    container_port: 8080,
    health_path: '/health',
    host: 'test',
    context: 'examples/hello-static',
    memory: '256m',
    cpus: 0.5,
    ...overrides,
  });

  async function deploy(overrides: object = {}) {
    const res = await request(fixture.app)
      .post('/api/slipway/apps/deploy')
      .send(body(overrides));
    expect(res.status).toBe(202);
    return finished(fixture, res.body.deployment.id);
  }

  async function operate(action: string, payload: object = {}) {
    const res = await request(fixture.app)
      .post(`/api/slipway/apps/${name}/${action}`)
      .send(payload);
    expect(res.status).toBe(202);
    return finished(fixture, res.body.deployment.id);
  }

  /** The running container's limits, as Docker applied them. */
  async function limits() {
    const ids = (
      await run('docker', ['ps', '-q', '--filter', `label=slipway.app=${name}`])
    )
      .split('\n')
      .filter(Boolean);
    expect(ids).toHaveLength(1);
    const [memory, nanoCpus] = (
      await run('docker', [
        'inspect',
        '--format',
        '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}',
        ids[0],
      ])
    )
      .trim()
      .split(' ')
      .map(Number);
    return { memory, nanoCpus };
  }

  const page = (p = '/') =>
    fetch(`http://127.0.0.1:${port}${p}`).then(async r => ({
      status: r.status,
      text: await r.text(),
    }));

  beforeAll(async () => {
    fixture = await createSlipwayFixture(await databases.init('SQLITE_3'), {
      config: { policy: { maxMemory: '512m', maxCpus: 1 } },
    });
    git = await startGitServer();
    // A monorepo: this repository's examples/ folder below the root, plus a Dockerfile kept
    // apart from its context and a symlink that leads out of the clone.
    source = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-monorepo-'));
    fs.cpSync(EXAMPLES, path.join(source, 'examples'), { recursive: true });
    fs.mkdirSync(path.join(source, 'docker'));
    fs.writeFileSync(
      path.join(source, 'docker', 'alt.Dockerfile'),
      'FROM busybox:1.35\nCOPY public/ /www/\nUSER nobody\nCMD ["httpd", "-f", "-p", "9090", "-h", "/www"]\n',
    );
    fs.symlinkSync('/etc', path.join(source, 'outside'));
    repo = await createTestRepo(git, name, source);
    port = await freePort();
  });

  afterAll(async () => {
    await fixture?.cleanup([name]);
    await git?.close();
    if (source) fs.rmSync(source, { recursive: true, force: true });
  });

  it('builds examples/hello-static from the monorepo with the limits applied', async () => {
    const deployment = await deploy();
    expect(deployment).toMatchObject({ status: 'succeeded' });
    expect(await page()).toMatchObject({
      status: 200,
      text: expect.stringContaining('Hello from Slipway'),
    });
    expect(await limits()).toEqual({ memory: 256 * MIB, nanoCpus: 5e8 });
    const status = await request(fixture.app).get(
      `/api/slipway/apps/${name}/status`,
    );
    expect(status.body.app).toMatchObject({
      context: 'examples/hello-static',
      dockerfile: null,
      memory: '256m',
      cpus: 0.5,
    });
  });

  it('keeps the settings through redeploy, rollback and restart', async () => {
    expect(await operate('redeploy')).toMatchObject({
      status: 'succeeded',
      diagnosis: null,
    });
    expect(await limits()).toEqual({ memory: 256 * MIB, nanoCpus: 5e8 });
    expect(await operate('rollback')).toMatchObject({
      status: 'succeeded',
      diagnosis: null,
    });
    expect(await limits()).toEqual({ memory: 256 * MIB, nanoCpus: 5e8 });
    expect(await operate('restart')).toMatchObject({
      status: 'succeeded',
      diagnosis: null,
    });
    expect(await limits()).toEqual({ memory: 256 * MIB, nanoCpus: 5e8 });
    expect((await page('/health')).status).toBe(200);
  });

  it('reads dockerfile from the repository root, as docker build -f does', async () => {
    const deployment = await deploy({
      dockerfile: 'docker/alt.Dockerfile',
      container_port: 9090,
      memory: '128m',
      cpus: 1,
    });
    // Only docker/alt.Dockerfile serves on 9090; the context's own Dockerfile serves on 8080.
    expect(deployment).toMatchObject({ status: 'succeeded' });
    expect((await page('/health')).status).toBe(200);
    expect(await limits()).toEqual({ memory: 128 * MIB, nanoCpus: 1e9 });
  });

  it('refuses limits over the policy bounds with a 400, changing nothing', async () => {
    const before = await fixture.store.apps.getApp(name);
    for (const [overrides, rule] of [
      [{ memory: '513m' }, 'resources.max-memory'],
      [{ memory: '1g' }, 'resources.max-memory'],
      [{ cpus: 1.5 }, 'resources.max-cpus'],
      [{ memory: undefined }, 'resources.max-memory'],
    ] as const) {
      const res = await request(fixture.app)
        .post('/api/slipway/apps/deploy')
        .send(body(overrides));
      expect({
        status: res.status,
        rules: res.body.error?.violations?.map((v: { rule: string }) => v.rule),
      }).toEqual({ status: 400, rules: [rule] });
    }
    expect(await fixture.store.apps.getApp(name)).toEqual(before);
    expect(await limits()).toEqual({ memory: 128 * MIB, nanoCpus: 1e9 });
  });

  it('fails a build whose context leads out of the clone through a symlink; the app keeps serving', async () => {
    const deployment = await deploy({ context: 'outside' });
    expect(deployment.status).toBe('failed');
    expect(deployment.diagnosis).toContain(
      'outside: leads outside the repository',
    );
    expect((await page('/health')).status).toBe(200);
  });
});
