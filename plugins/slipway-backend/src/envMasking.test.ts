import { TestDatabases } from '@backstage/backend-test-utils';
import { connect, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  createTestRepo,
  freePort,
  GitServer,
  NatsServer,
  startGitServer,
  startNatsServer,
  TestRepo,
  waitFor,
} from '@slipway/test-harness';
import { Knex } from 'knex';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  createSlipwayFixture,
  finished,
  uniqueSuffix,
} from './__testUtils__/fixture';
import { StreamCollector } from './__testUtils__/jetstream';
import { listen, SseClient, stop } from './__testUtils__/sseClient';

/**
 * An app that prints its env at every start, deployed with a secret env value, then failing its
 * health gate three times and rolled back each time: a deploy with the env, a redeploy and a
 * requested rollback that carry it over from the running container. The secret must show
 * nowhere a user,
 * an operator or another system can read (deployment logs, diagnoses, app state reasons,
 * container logs, SSE, every NATS message, the database, the backend's own log), while the
 * container log shows the masked line, so an empty log cannot pass for a masked one.
 */
jest.setTimeout(240_000);

const MASKED = '***';

/** BusyBox httpd; its start prints the environment, then `MODE=broken` drops /health. */
const HONOURS_MODE = [
  'FROM busybox:1.35',
  'COPY public/ /www/',
  'EXPOSE 8080',
  // `env` first, so the values are in the container's output before any probe.
  'CMD ["sh", "-c", "env; if [ \\"$MODE\\" = broken ]; then rm /www/health; fi; exec httpd -f -v -p 8080 -h /www"]',
  '',
].join('\n');
/** The same, healthy whatever MODE says. */
const IGNORES_MODE = [
  'FROM busybox:1.35',
  'COPY public/ /www/',
  'EXPOSE 8080',
  'CMD ["sh", "-c", "env; exec httpd -f -v -p 8080 -h /www"]',
  '',
].join('\n');

function writeApp(dir: string) {
  fs.mkdirSync(path.join(dir, 'public'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'public/index.html'), '<h1>env app</h1>\n');
  fs.writeFileSync(path.join(dir, 'public/health'), 'ok\n');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), HONOURS_MODE);
}

describe('env values are masked end to end', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const suffix = uniqueSuffix();
  const name = `envmask-${suffix}`;
  // Random, so no other test's output can contain it by chance.
  const SECRET = `tok-${crypto.randomBytes(12).toString('hex')}`;
  const srcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-envmask-'));
  let knex: Knex;
  let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
  let git: GitServer;
  let repo: TestRepo;
  let nats: NatsServer;
  let server: http.Server;
  let sse: SseClient;
  let stream: StreamCollector;
  let natsConn: NatsConnection;
  let everything: Subscription;
  /** Every message on the NATS server, any subject, as raw text. */
  const natsRaw: { subject: string; data: string }[] = [];
  const deploymentIds: string[] = [];
  let port: number;

  beforeAll(async () => {
    nats = await startNatsServer();
    knex = await databases.init('SQLITE_3');
    fixture = await createSlipwayFixture(knex, {
      config: {
        nats: { servers: nats.url },
        // Every image stays, so the requested rollback can return to v1's.
        deploy: { healthGate: { deadlineSeconds: 5 }, keepImages: 10 },
      },
    });
    await fixture.pipeline.ready;
    // A core subscription to every subject: JetStream publishes, wake-ups, anything else.
    natsConn = await connect({ servers: nats.url });
    everything = natsConn.subscribe('>');
    void (async () => {
      for await (const m of everything)
        natsRaw.push({ subject: m.subject, data: m.string() });
    })();
    stream = await StreamCollector.start(nats.url);
    server = await listen(fixture.app);
    sse = await SseClient.connect(server, '/api/slipway/events');
    await sse.until('ready', c => c.messages.length > 0);

    writeApp(srcDir);
    git = await startGitServer();
    repo = await createTestRepo(git, name, srcDir);
    port = await freePort();
  });

  afterAll(async () => {
    sse?.close();
    await stop(server);
    await stream?.close();
    everything?.unsubscribe();
    await natsConn?.close();
    await fixture?.cleanup([name]);
    await git?.close();
    await nats?.close();
    fs.rmSync(srcDir, { recursive: true, force: true });
  });

  async function started(res: request.Response) {
    if (res.status !== 202)
      throw new Error(`answered ${res.status}: ${JSON.stringify(res.body)}`);
    deploymentIds.push(res.body.deployment.id);
    return finished(fixture, res.body.deployment.id);
  }

  const deploy = (mode: 'ok' | 'broken') =>
    request(fixture.app)
      .post('/api/slipway/apps/deploy')
      .send({
        name,
        repo: repo.url,
        ref: 'main',
        port,
        container_port: 8080,
        health_path: '/health',
        host: 'test',
        env: { SECRET_TOKEN: SECRET, MODE: mode },
      })
      .then(started);

  async function logOf(id: string): Promise<string> {
    const res = await request(fixture.app).get(
      `/api/slipway/deployments/${id}`,
    );
    expect(res.status).toBe(200);
    return JSON.stringify(res.body);
  }

  /**
   * A failed gate puts the container's last output, its env, in the diagnosis: masked. The
   * diagnosis is shown whole when it is not what it should be.
   */
  const gateOutcome = (d: { status: string; diagnosis?: string | null }) => ({
    status: d.status,
    diagnosis:
      d.diagnosis?.includes(`SECRET_TOKEN=${MASKED}`) &&
      !d.diagnosis.includes(SECRET)
        ? 'masked env'
        : d.diagnosis,
  });
  const ROLLED_BACK_MASKED = { status: 'rolled_back', diagnosis: 'masked env' };

  it('deploys v1 with the secret env, healthy', async () => {
    const v1 = await deploy('ok');
    expect(v1.status).toBe('succeeded');
  });

  it('rolls back a v2 deploy that prints its env and fails the gate', async () => {
    await repo.commit('v2: no health', { 'public/health': null });
    expect(gateOutcome(await deploy('ok'))).toEqual(ROLLED_BACK_MASKED);
  });

  it('rolls back a redeploy that carries the env over and fails the gate', async () => {
    const redeploy = await started(
      await request(fixture.app)
        .post(`/api/slipway/apps/${name}/redeploy`)
        .send({}),
    );
    expect(gateOutcome(redeploy)).toEqual(ROLLED_BACK_MASKED);
    expect(await logOf(redeploy.id)).toContain('Carrying 2 env var(s) over');
  });

  it('rolls back a requested rollback that carries the env over and fails the gate', async () => {
    // v3 is healthy with MODE=broken; v1's image, given v3's env by the rollback, is not.
    await repo.commit('v3: health again, MODE ignored', {
      'public/health': 'ok\n',
      Dockerfile: IGNORES_MODE,
    });
    expect((await deploy('broken')).status).toBe('succeeded');
    const rollback = await started(
      await request(fixture.app)
        .post(`/api/slipway/apps/${name}/rollback`)
        .send({ deploymentId: deploymentIds[0] }),
    );
    expect(rollback.kind).toBe('rollback');
    expect(gateOutcome(rollback)).toEqual(ROLLED_BACK_MASKED);
    // The previous version serves again (supertest: no keep-alive socket outlives the test).
    expect(
      (await request(`http://127.0.0.1:${port}`).get('/health')).status,
    ).toBe(200);
  });

  it('shows the masked env in the container log, never the value', async () => {
    const res = await request(fixture.app).get(
      `/api/slipway/apps/${name}/logs?tail=1000`,
    );
    expect(res.status).toBe(200);
    expect(res.body.lines).toContain(`SECRET_TOKEN=${MASKED}`);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it('leaves the secret in no deployment log, diagnosis, status, event or message', async () => {
    // Every event of the app stored in the outbox has reached both consumers.
    const stored = async () =>
      Number(
        (await knex('slipway_outbox').where({ app: name }).count({ n: '*' }))[0]
          .n,
      );
    const expected = await stored();
    expect(expected).toBeGreaterThan(20);
    const ofApp = (events: { app?: string }[]) =>
      events.filter(e => e.app === name).length;
    await waitFor(
      `${expected} events on SSE and in the stream`,
      async () =>
        ofApp(sse.events()) >= expected && ofApp(stream.events()) >= expected
          ? true
          : undefined,
      60_000,
      50,
    );
    expect(await stored()).toBe(expected);

    const logs = await Promise.all(deploymentIds.map(logOf));
    const status = await request(fixture.app).get(
      `/api/slipway/apps/${name}/status`,
    );
    const history = await request(fixture.app).get(
      `/api/slipway/apps/${name}/deployments`,
    );
    const tables = (
      await knex('sqlite_master').where({ type: 'table' }).select('name')
    ).map(t => t.name as string);
    const database = await Promise.all(
      tables.map(async t => JSON.stringify(await knex(t).select())),
    );
    const sources = {
      deploymentLogs: logs.join('\n'),
      status: JSON.stringify(status.body),
      history: JSON.stringify(history.body),
      sse: sse.body,
      jetstream: stream.messages.map(m => m.raw).join('\n'),
      nats: natsRaw.map(m => m.data).join('\n'),
      database: database.join('\n'),
      backendLog: JSON.stringify(
        Object.values(fixture.logger)
          .filter(f => jest.isMockFunction(f))
          .map(f => (f as jest.Mock).mock.calls),
      ),
    };
    // No source holds the secret, and each one but the backend's log (which may rightly say
    // nothing) saw the run, so a silent one cannot pass for a clean one.
    const { backendLog, ...seenRun } = sources;
    expect({
      leaks: Object.keys(sources).filter(k =>
        sources[k as keyof typeof sources].includes(SECRET),
      ),
      empty: Object.keys(seenRun).filter(
        k => seenRun[k as keyof typeof seenRun].length < 100,
      ),
      backendLogChecked: typeof backendLog,
    }).toEqual({ leaks: [], empty: [], backendLogChecked: 'string' });
    // The failed gates' container output did travel (masked) through the log, SSE and NATS.
    for (const text of [sources.deploymentLogs, sources.sse, sources.jetstream])
      expect(text).toContain(`SECRET_TOKEN=${MASKED}`);
    expect(status.status).toBe(200);
    expect(deploymentIds).toHaveLength(5);
  });
});
