import { TestDatabases } from '@backstage/backend-test-utils';
import { SlipwayEvent } from '@slipway/plugin-slipway-common';
import {
  createTestRepo,
  GitServer,
  startGitServer,
  TEST_POSTGRES_ID,
  slipwayTestDatabaseIds,
  freePort,
  waitFor,
} from '@slipway/test-harness';
import http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import {
  createSlipwayFixture,
  finished,
  uniqueSuffix,
} from './__testUtils__/fixture';
import { listen, SseClient, stop } from './__testUtils__/sseClient';

/**
 * `GET /events` as a browser's fetch sees it: a plain HTTP client on a listening server reads
 * the stream while real deploys run against the harness's sshd and Docker Engine.
 */
const EXAMPLES = path.resolve(__dirname, '../../../examples');
jest.setTimeout(180_000);

describe('live events over SSE', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });
  const suffix = uniqueSuffix();
  const watched = `watched-${suffix}`;
  const other = `other-${suffix}`;
  const SECRET = 'sse-secret-value';
  let fixture: Awaited<ReturnType<typeof createSlipwayFixture>>;
  let server: http.Server;
  let git: GitServer;
  const clients: SseClient[] = [];
  const connect = async (p: string) => {
    const client = await SseClient.connect(server, p);
    clients.push(client);
    return client;
  };
  let watching: SseClient;
  let everything: SseClient;
  let deployments: Record<string, string>;

  beforeAll(async () => {
    fixture = await createSlipwayFixture(
      await databases.init(TEST_POSTGRES_ID),
      { eventsPingMs: 200 },
    );
    server = await listen(fixture.app);
    git = await startGitServer();
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await stop(server);
    await fixture?.cleanup([watched, other]);
    await git?.close();
  });

  it('opens with the retry delay and a ready event, then pings', async () => {
    const client = await connect('/api/slipway/events');
    expect(client.status).toBe(200);
    expect(client.headers).toMatchObject({
      'content-type': 'text/event-stream',
      'cache-control': expect.stringMatching(/^no-cache\b/),
      'x-accel-buffering': 'no',
    });
    const ready = await client.until('the ready event', c => c.messages[0]);
    expect(ready).toEqual({
      retry: 3000,
      event: 'ready',
      data: JSON.stringify({ v: 1, app: null }),
      comments: [],
    });
    await client.until('a ping', c =>
      c.messages.some(m => m.comments.includes('ping')),
    );
    // Pings are comments: an EventSource or fetch parser passes them over.
    expect(client.events()).toEqual([]);
    client.close();
  });

  it("streams one app's deploy in order (statuses, log lines, state) and nothing of another app", async () => {
    watching = await connect(`/api/slipway/events?app=${watched}`);
    everything = await connect('/api/slipway/events');
    await watching.until('ready', c => c.messages.length > 0);
    await everything.until('ready', c => c.messages.length > 0);
    expect(watching.messages[0].data).toBe(
      JSON.stringify({ v: 1, app: watched }),
    );

    const bodies = await Promise.all(
      [watched, other].map(async name => ({
        name,
        repo: (
          await createTestRepo(git, name, path.join(EXAMPLES, 'hello-static'))
        ).url,
        ref: 'main',
        port: await freePort(),
        container_port: 8080,
        health_path: '/health',
        host: 'test',
        env: { GREETING: SECRET },
        owner: name === watched ? 'group:default/team-watched' : undefined,
      })),
    );
    const accepted = await Promise.all(
      bodies.map(body =>
        request(fixture.app).post('/api/slipway/apps/deploy').send(body),
      ),
    );
    expect(accepted.map(r => r.status)).toEqual([202, 202]);
    deployments = {
      [watched]: accepted[0].body.deployment.id,
      [other]: accepted[1].body.deployment.id,
    };
    for (const id of Object.values(deployments)) {
      expect((await finished(fixture, id)).status).toBe('succeeded');
    }
    const stored = (
      await request(fixture.app).get(
        `/api/slipway/deployments/${deployments[watched]}`,
      )
    ).body.log;

    // Every stored line has been streamed once the job's last write is over.
    await watching.until(
      'every log line of the deploy',
      c =>
        c.events().filter(e => e.type === 'deployment.log').length ===
        stored.length,
    );
    const events = watching.events();
    expect(events.every(e => e.app === watched)).toBe(true);
    expect(
      events
        .filter(e => e.type === 'deployment.log')
        .map(e => e.type === 'deployment.log' && e.data.line),
    ).toEqual(stored);
    expect(
      events.flatMap(e =>
        e.type === 'deployment.status' ? [e.data.deployment.status] : [],
      ),
    ).toEqual(['queued', 'in_progress', 'succeeded']);

    const position = (what: string, test: (e: SlipwayEvent) => boolean) => {
      const index = events.findIndex(test);
      if (index < 0) throw new Error(`no ${what} in the stream`);
      return index;
    };
    const isStatus = (s: string) => (e: SlipwayEvent) =>
      e.type === 'deployment.status' && e.data.deployment.status === s;
    const isState = (s: string) => (e: SlipwayEvent) =>
      e.type === 'app.state' && e.data.to === s;
    const isLog = (text: string) => (e: SlipwayEvent) =>
      e.type === 'deployment.log' && e.data.line.line.startsWith(text);
    const order = [
      position('pending state', isState('pending')),
      position('queued status', isStatus('queued')),
      position('in_progress status', isStatus('in_progress')),
      position('the first log line', e => e.type === 'deployment.log'),
      position('the health gate line', isLog('Health gate')),
      position('the Succeeded line', isLog('Succeeded')),
      position('succeeded status', isStatus('succeeded')),
      position('running state', isState('running')),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(events[order[7]].data).toMatchObject({
      from: 'pending',
      to: 'running',
      deploymentId: deployments[watched],
    });

    // The unfiltered stream had the other app's deploy: the filter, not chance, kept it out.
    expect(
      everything
        .events()
        .some(
          e =>
            e.type === 'deployment.status' &&
            e.data.deployment.id === deployments[other],
        ),
    ).toBe(true);
    // The env value reached the container only, not the stream.
    expect(watching.body + everything.body).not.toContain(SECRET);
  });

  it('streams health samples and reports uptime over 24 hours with the status', async () => {
    await fixture.monitor.checkAll();
    const sample = await watching.until('a health sample', c =>
      c.events().find(e => e.type === 'health.sample'),
    );
    expect(sample).toMatchObject({
      app: watched,
      data: { sample: { ok: true, httpStatus: 200 } },
    });
    await everything.until("the other app's sample", c =>
      c.events().some(e => e.type === 'health.sample' && e.app === other),
    );
    expect(
      watching.events().filter(e => e.type === 'health.sample'),
    ).toHaveLength(1);

    await fixture.monitor.checkAll();
    const status = await request(fixture.app).get(
      `/api/slipway/apps/${watched}/status`,
    );
    expect(status.status).toBe(200);
    expect(status.body.uptime24h).toEqual({ ratio: 1, samples: 2 });
    expect(status.body.url).toMatch(/^http:\/\//);
    const times = status.body.health.map((s: { checkedAt: string }) =>
      Date.parse(s.checkedAt),
    );
    expect(times).toHaveLength(2);
    // Oldest first.
    expect(times[0]).toBeLessThanOrEqual(times[1]);
  });

  it('lists the apps of one owner', async () => {
    for (const owner of [
      'group:default/team-watched',
      'group:team-watched',
      'group:Team-Watched',
    ]) {
      const res = await request(fixture.app)
        .get('/api/slipway/apps')
        .query({ owner });
      expect(res.body.items.map((a: { name: string }) => a.name)).toEqual([
        watched,
      ]);
    }
    const none = await request(fixture.app)
      .get('/api/slipway/apps')
      .query({ owner: 'group:default/nobody' });
    expect(none.body.items).toEqual([]);
  });

  it('unsubscribes when the client goes away', async () => {
    for (const client of clients) client.close();
    await waitFor(
      'every stream to unsubscribe',
      async () => (fixture.events.subscriberCount === 0 ? true : undefined),
      10_000,
      25,
    );
    const client = await connect(`/api/slipway/events?app=${watched}`);
    await client.until('ready', c => c.messages.length > 0);
    expect(fixture.events.subscriberCount).toBe(1);
    client.close();
    await waitFor(
      'the stream to unsubscribe',
      async () => (fixture.events.subscriberCount === 0 ? true : undefined),
      10_000,
      25,
    );
    expect(fixture.events.subscriberCount).toBe(0);
  });

  it('refuses an app that is not a DNS label, before streaming', async () => {
    const res = await request(fixture.app).get(
      '/api/slipway/events?app=Not_A_Label',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^app: app must be a DNS label/);
    expect(fixture.events.subscriberCount).toBe(0);
  });

  it('answers 403 to a caller without the read permission', async () => {
    const denied = await createSlipwayFixture(
      await databases.init('SQLITE_3'),
      { deny: true },
    );
    const deniedServer = await listen(denied.app);
    try {
      const client = await SseClient.connect(
        deniedServer,
        '/api/slipway/events',
      );
      await waitFor(
        'the error body',
        async () => (client.body.endsWith('}') ? true : undefined),
        10_000,
        25,
      );
      expect(client.status).toBe(403);
      expect(client.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(client.body).error.name).toBe('NotAllowedError');
      expect(denied.events.subscriberCount).toBe(0);
    } finally {
      await stop(deniedServer);
      await denied.cleanup([]);
    }
  });
});
