import { TestDatabases } from '@backstage/backend-test-utils';
import {
  createTestRepo,
  freePort,
  GitServer,
  NatsServer,
  slipwayTestDatabaseIds,
  startGitServer,
  startNatsServer,
  TEST_POSTGRES_ID,
} from '@slipway/test-harness';
import http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import {
  createSlipwayFixture,
  finished,
  uniqueSuffix,
} from './__testUtils__/fixture';
import { createApps } from './__testUtils__/eventServices';
import { listen, SseClient, stop } from './__testUtils__/sseClient';

/**
 * Two backend replicas on one database and one NATS, each with its router on its own port: a
 * browser connected to one sees what happens through the other. That a replica's reconcile
 * leaves the other's running jobs alone (their lock leases are renewed) is tested in
 * lockLeases.test.ts.
 */
jest.setTimeout(120_000);

type Fixture = Awaited<ReturnType<typeof createSlipwayFixture>>;

describe('two backend replicas', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });
  let nats: NatsServer;
  let git: GitServer | undefined;
  const deployed: string[] = [];
  const fixtures: Fixture[] = [];
  const servers: http.Server[] = [];
  const clients: SseClient[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    for (const server of servers) await stop(server);
    for (const fixture of fixtures) await fixture.cleanup(deployed);
    await git?.close();
    await nats?.close();
  });

  async function replica(knex: Awaited<ReturnType<typeof databases.init>>) {
    const fixture = await createSlipwayFixture(knex, {
      config: { nats: { servers: nats.url } },
    });
    fixtures.push(fixture);
    await fixture.pipeline.ready;
    const server = await listen(fixture.app);
    servers.push(server);
    return { fixture, server };
  }

  async function watch(server: http.Server, app: string) {
    const client = await SseClient.connect(
      server,
      `/api/slipway/events?app=${app}`,
    );
    clients.push(client);
    await client.until('ready', c => c.messages.length > 0);
    return client;
  }

  const states = (client: SseClient) =>
    client
      .events()
      .flatMap(e => (e.type === 'app.state' ? [[e.id, e.data.to]] : []));

  it('delivers a transition made through one replica to the SSE clients of both, once each', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    const a = await replica(knex);
    const b = await replica(knex);
    // A started first and relays; B's commits reach A's relay through a NATS wake-up.
    expect(a.fixture.pipeline.relay!.isRelaying()).toBe(true);
    expect(b.fixture.pipeline.relay!.isRelaying()).toBe(false);

    const app = `replica-${uniqueSuffix()}`;
    const onA = await watch(a.server, app);
    const onB = await watch(b.server, app);

    // Through A (the relaying replica): B's client learns of it from the stream.
    await createApps(a.fixture.store, [app], { host: 'test' });
    await a.fixture.store.apps.transitionApp(app, 'failed', 'container exited');
    // Through B (not relaying): its row is published by A, and reaches both.
    await b.fixture.store.apps.transitionApp(
      app,
      'running',
      'health check passed',
    );

    for (const client of [onA, onB]) {
      await client.until('three state events', c => states(c).length >= 3);
    }
    // A little longer: a second delivery would have arrived by now.
    await new Promise(resolve => setTimeout(resolve, 500));
    const stored = await knex('slipway_outbox')
      .where({ app, type: 'app.state' })
      .orderBy('id');
    const expected = stored.map(r => [
      r.event_id,
      JSON.parse(r.payload).data.to,
    ]);
    expect(expected.map(e => e[1])).toEqual(['pending', 'failed', 'running']);
    expect(states(onB)).toEqual(expected);
    expect(states(onA)).toEqual(expected);
    // The SSE contract is the same as in-process: ids and types on each message.
    expect(onB.messages[0]).toMatchObject({ retry: 3000, event: 'ready' });
  });

  it('shows a deploy run by one replica to a browser connected to the other', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    const a = await replica(knex);
    const b = await replica(knex);
    git = await startGitServer();
    const app = `replica-deploy-${uniqueSuffix()}`;
    deployed.push(app);
    const onA = await watch(a.server, app);

    const repo = await createTestRepo(
      git,
      app,
      path.resolve(__dirname, '../../../examples/hello-static'),
    );
    const res = await request(b.fixture.app)
      .post('/api/slipway/apps/deploy')
      .send({
        name: app,
        repo: repo.url,
        ref: 'main',
        port: await freePort(),
        container_port: 8080,
        health_path: '/health',
        host: 'test',
      });
    expect(res.status).toBe(202);
    const id = res.body.deployment.id;
    expect((await finished(b.fixture, id)).status).toBe('succeeded');
    const log = (
      await request(b.fixture.app).get(`/api/slipway/deployments/${id}`)
    ).body.log;

    await onA.until(
      'the whole deploy',
      c =>
        c
          .events()
          .some(e => e.type === 'app.state' && e.data.to === 'running') &&
        c.events().filter(e => e.type === 'deployment.log').length ===
          log.length,
    );
    const events = onA.events();
    expect(new Set(events.map(e => e.id)).size).toBe(events.length);
    expect(
      events.flatMap(e =>
        e.type === 'deployment.status' ? [e.data.deployment.status] : [],
      ),
    ).toEqual(['queued', 'in_progress', 'succeeded']);
    expect(
      events.flatMap(e => (e.type === 'deployment.log' ? [e.data.line] : [])),
    ).toEqual(log);
    expect(
      events.flatMap(e => (e.type === 'app.state' ? [e.data.to] : [])),
    ).toEqual(['pending', 'running']);
  });
});
