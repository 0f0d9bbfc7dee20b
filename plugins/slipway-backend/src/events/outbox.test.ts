import { TestDatabases } from '@backstage/backend-test-utils';
import {
  eventSubject,
  isSlipwayEvent,
  SlipwayEvent,
} from '@slipway/plugin-slipway-common';
import {
  NatsServer,
  slipwayTestDatabaseIds,
  startNatsServer,
  TEST_POSTGRES_ID,
} from '@slipway/test-harness';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../database/migrations';
import { InfraStore } from '../database/InfraStore';
import { createSlipwayStores } from '../database/SlipwayStores';
import {
  createApps,
  EventServices,
  startEventServices,
} from '../__testUtils__/eventServices';
import {
  readStream,
  StreamCollector,
  streamState,
} from '../__testUtils__/jetstream';
import { JetStreamTransport } from './JetStreamTransport';
import { OutboxWriter } from '../changes/StoreChange';

jest.setTimeout(120_000);

/** The outbox rows of a database, in id order. */
async function outboxRows(knex: Knex) {
  const rows = await knex('slipway_outbox').orderBy('id');
  return rows.map(r => ({
    id: Number(r.id),
    eventId: r.event_id as string,
    subject: r.subject as string,
    type: r.type as string,
    app: r.app as string | null,
    payload: r.payload as string,
    sent: r.sent_at !== null,
  }));
}

/** For each app, the ids of its events in the order given. */
function perApp(events: SlipwayEvent[]) {
  const byApp = new Map<string, string[]>();
  for (const e of events) {
    const key = e.app ?? `host:${e.host}`;
    byApp.set(key, [...(byApp.get(key) ?? []), e.id]);
  }
  return Object.fromEntries(byApp);
}

describe('the transactional outbox', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });

  it.each(databases.eachSupportedId())(
    'stores no change without its event, nor an event without its change, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      let failAppend = false;
      const appended: string[] = [];
      // Stands in for the outbox: fails on demand inside the write's transaction.
      const outbox: OutboxWriter = {
        async append(trx, event) {
          if (failAppend) throw new Error('the outbox insert failed');
          await trx('slipway_outbox').insert({
            event_id: event.id,
            subject: eventSubject(event),
            type: event.type,
            app: event.app ?? null,
            payload: JSON.stringify(event),
            created_at: new Date().toISOString(),
          });
          appended.push(event.type);
        },
        committed: () => undefined,
      };
      const store = createSlipwayStores(knex, { outbox });
      await new InfraStore(knex).syncConfiguredHosts([
        { name: 'local', address: null, sshPort: null, user: null },
      ]);
      await createApps(store, ['atomic']);
      await store.apps.transitionApp('atomic', 'running', 'healthy');

      failAppend = true;
      await expect(
        store.apps.transitionApp('atomic', 'unhealthy', 'probe failed'),
      ).rejects.toThrow('the outbox insert failed');
      await expect(
        store.deployments.createDeployment({
          app: 'atomic',
          kind: 'deploy',
          initiator: null,
          request: {},
        }),
      ).rejects.toThrow('the outbox insert failed');
      await expect(
        store.health.recordHealthSample('atomic', {
          ok: false,
          latencyMs: null,
          httpStatus: null,
          error: 'refused',
        }),
      ).rejects.toThrow('the outbox insert failed');
      // The failed writes left nothing behind: not the state, not the history, not the rows.
      expect((await store.apps.requireApp('atomic')).state).toBe('running');
      expect(await store.apps.listTransitions('atomic')).toHaveLength(2);
      expect(await store.deployments.listDeployments('atomic')).toEqual([]);
      expect(await store.health.listHealthSamples('atomic')).toEqual([]);

      failAppend = false;
      // An impossible transition throws before anything is written: no event either.
      await expect(
        store.apps
          .transitionApp('atomic', 'pending', 'x')
          .then(() =>
            store.apps.transitionApp('atomic', 'unhealthy', 'not from pending'),
          ),
      ).rejects.toThrow(/cannot go from pending to unhealthy/);
      // Already in that state: nothing stored, no event.
      expect(await store.apps.transitionApp('atomic', 'pending', 'again')).toBe(
        false,
      );
      const rows = await outboxRows(knex);
      expect(rows.map(r => [r.type, JSON.parse(r.payload).data.to])).toEqual([
        ['app.state', 'pending'],
        ['app.state', 'running'],
        ['app.state', 'pending'],
      ]);
      expect(appended).toEqual(['app.state', 'app.state', 'app.state']);
    },
  );
});

describe('events through the outbox and NATS JetStream', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });
  let nats: NatsServer;
  const running: EventServices[] = [];
  const start = async (knex: Knex, opts: { relayLeaseTtlMs?: number } = {}) => {
    const services = await startEventServices(knex, {
      natsUrl: nats.url,
      ...opts,
    });
    running.push(services);
    return services;
  };

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterEach(async () => {
    for (const services of running.splice(0)) await services.dispose();
  });
  afterAll(async () => {
    await nats?.close();
  });

  it.each(databases.eachSupportedId())(
    'publishes every kind of write to the SLIPWAY stream, under its subject, with the event id as Nats-Msg-Id, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const before = await streamState(nats.url).catch(() => undefined);
      const services = await start(knex);
      const { store, infra } = services;
      const app = `pub-${databaseId.toLowerCase().replace('_', '')}`;
      await createApps(store, [app]);
      const deployment = await store.deployments.createDeployment({
        app,
        kind: 'deploy',
        initiator: 'user:default/jane',
        request: {},
      });
      await store.deployments.setDeploymentStatus(deployment.id, 'in_progress');
      await store.deployments.appendLog(deployment.id, 'system', 'Cloning');
      await store.deployments.setDeploymentStatus(deployment.id, 'succeeded');
      await store.apps.transitionApp(app, 'running', 'healthy', deployment.id);
      await store.health.recordHealthSample(app, {
        ok: true,
        latencyMs: 2,
        httpStatus: 200,
        error: null,
      });
      const host = `${app}-host`;
      await infra.claimForProvisioning(host, 'group:default/team');
      const job = await infra.createJob({
        host,
        kind: 'provision',
        initiator: null,
        request: {},
      });
      await infra.setJobStatus(job.id, 'failed', 'apply failed');
      await services.pipeline.relay!.drain();

      const rows = await outboxRows(knex);
      expect(rows.map(r => r.type)).toEqual([
        'app.state',
        'deployment.status',
        'deployment.status',
        'deployment.log',
        'deployment.status',
        'app.state',
        'health.sample',
        'infra.job',
        'infra.job',
      ]);
      expect(rows.every(r => r.sent)).toBe(true);

      const messages = (await readStream(nats.url)).slice(
        before?.messages ?? 0,
      );
      // The app's events and the host's go out side by side: order holds per app and per host.
      expect(perApp(messages.map(m => m.event!))).toEqual(
        perApp(rows.map(r => JSON.parse(r.payload))),
      );
      const rowOf = new Map(rows.map(r => [r.eventId, r]));
      for (const m of messages) {
        const row = rowOf.get(m.msgId!)!;
        // Byte for byte what the transaction stored, valid against the common schema.
        expect(m.raw).toBe(row.payload);
        expect(isSlipwayEvent(JSON.parse(m.raw))).toBe(true);
        expect(m.subject).toBe(eventSubject(m.event!));
        expect(m.subject).toBe(row.subject);
        expect(m.event!.id).toBe(m.msgId);
      }
      messages.sort(
        (a, b) => rowOf.get(a.msgId!)!.id - rowOf.get(b.msgId!)!.id,
      );
      expect(messages.map(m => m.subject)).toEqual([
        `slipway.apps.${app}.state`,
        `slipway.deployments.${deployment.id}.status`,
        `slipway.deployments.${deployment.id}.status`,
        `slipway.deployments.${deployment.id}.log`,
        `slipway.deployments.${deployment.id}.status`,
        `slipway.apps.${app}.state`,
        `slipway.apps.${app}.health`,
        `slipway.infra.${host}.state`,
        `slipway.infra.${host}.state`,
      ]);
      expect(messages[5].event).toMatchObject({
        type: 'app.state',
        app,
        data: { from: 'pending', to: 'running', deploymentId: deployment.id },
      });
    },
  );

  it("brings an existing stream to Slipway's settings, keeping an operator's limits", async () => {
    const knex = await databases.init('SQLITE_3');
    await start(knex);
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const { config } = await jsm.streams.info('SLIPWAY');
      await jsm.streams.update('SLIPWAY', {
        ...config,
        max_age: 3600 * 1e9,
        duplicate_window: 10 * 1e9,
        max_msgs: 1_000_000,
      });
      for (const s of running.splice(0)) await s.dispose();
      await start(await databases.init('SQLITE_3'));
      const after = (await jsm.streams.info('SLIPWAY')).config;
      expect(after).toMatchObject({
        subjects: ['slipway.>'],
        max_age: 7 * 24 * 3600 * 1e9,
        duplicate_window: 120 * 1e9,
        storage: 'file',
        max_msgs: 1_000_000,
      });
    } finally {
      await nc.close();
    }
  });

  it('feeds the replica event bus from the stream, each event once', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    const services = await start(knex);
    const seen: SlipwayEvent[] = [];
    services.events.subscribe(e => void seen.push(e));
    await createApps(services.store, ['bus-a']);
    await services.store.apps.transitionApp('bus-a', 'running', 'healthy');
    await services.store.apps.transitionApp('bus-a', 'failed', 'exited');
    const rows = await outboxRows(knex);
    await waitForLength(seen, rows.length);
    expect(seen.map(e => e.id)).toEqual(rows.map(r => r.eventId));
    // Nothing came straight from the store: the stream is the bus's only source.
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(seen).toHaveLength(rows.length);
  });

  it('stores each event once when the relay publishes a batch again (a crash after the ack, before marking it sent)', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    const first = await start(knex);
    const before = (await streamState(nats.url)).messages;
    const markSent = jest
      .spyOn(first.pipeline.outbox!, 'markSent')
      .mockRejectedValueOnce(new Error('connection lost before the commit'));
    const published = jest.spyOn(first.pipeline.transport!, 'publish');
    await createApps(first.store, ['dedupe-a', 'dedupe-b']);
    for (let i = 0; i < 5; i++) {
      await first.store.apps.transitionApp('dedupe-a', 'running', `up ${i}`);
      await first.store.apps.transitionApp('dedupe-b', 'running', `up ${i}`);
      await first.store.apps.transitionApp(
        'dedupe-a',
        'unhealthy',
        `down ${i}`,
      );
      await first.store.apps.transitionApp(
        'dedupe-b',
        'unhealthy',
        `down ${i}`,
      );
    }
    await first.pipeline.relay!.drain();
    const rows = await outboxRows(knex);
    expect(rows).toHaveLength(22);
    expect(rows.every(r => r.sent)).toBe(true);
    expect(markSent.mock.calls.length).toBeGreaterThanOrEqual(2);
    // Some rows went out twice: the batch whose marking failed was published again.
    const acks = await Promise.all(
      published.mock.results.map(
        r => r.value as Promise<{ duplicate: boolean }>,
      ),
    );
    expect(acks.filter(a => a.duplicate).length).toBeGreaterThan(0);
    expect(published.mock.calls.length).toBe(
      rows.length + acks.filter(a => a.duplicate).length,
    );

    // A crash of the whole replica: no row marked, another instance relays them all again.
    await first.dispose();
    await knex('slipway_outbox').update({ sent_at: null });
    // On the prototype: the new instance relays from its first moment.
    const republished = jest.spyOn(JetStreamTransport.prototype, 'publish');
    const second = await start(knex);
    await second.pipeline.relay!.drain();
    const again = await Promise.all(
      republished.mock.results.map(
        r => r.value as Promise<{ duplicate: boolean }>,
      ),
    );
    republished.mockRestore();
    expect(again).toHaveLength(rows.length);
    expect(again.every(a => a.duplicate)).toBe(true);

    expect((await streamState(nats.url)).messages).toBe(before + rows.length);
    const messages = (await readStream(nats.url)).slice(before);
    expect(messages.map(m => m.msgId)).toEqual(rows.map(r => r.eventId));
  });

  it('publishes each app in commit order while apps interleave', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    const services = await start(knex);
    const collector = await StreamCollector.start(nats.url);
    const skip = (await streamState(nats.url)).messages;
    try {
      const apps = ['order-a', 'order-b', 'order-c', 'order-d'];
      await createApps(services.store, apps);
      // Each app's writes in sequence, the apps side by side: deployments, log lines,
      // health samples and transitions of all four interleave in the outbox.
      await Promise.all(
        apps.map(async app => {
          const { store } = services;
          for (let round = 0; round < 5; round++) {
            const d = await store.deployments.createDeployment({
              app,
              kind: 'deploy',
              initiator: null,
              request: { round },
            });
            await store.deployments.setDeploymentStatus(d.id, 'in_progress');
            for (let line = 0; line < 3; line++)
              await store.deployments.appendLog(
                d.id,
                'stdout',
                `${app} ${round}.${line}`,
              );
            await store.deployments.setDeploymentStatus(d.id, 'succeeded');
            await store.apps.transitionApp(
              app,
              'running',
              `round ${round}`,
              d.id,
            );
            await store.health.recordHealthSample(app, {
              ok: false,
              latencyMs: null,
              httpStatus: null,
              error: 'refused',
            });
            await store.apps.transitionApp(app, 'unhealthy', `round ${round}`);
          }
        }),
      );
      const rows = await outboxRows(knex);
      await collector.waitForCount(skip + rows.length);
      const events = collector.messages.slice(skip).map(m => m.event!);
      const stored = rows.map(r => JSON.parse(r.payload) as SlipwayEvent);
      // Interleaved across apps...
      expect(events.map(e => e.app)).not.toEqual(
        [...events.map(e => e.app)].sort(),
      );
      // ...and, per app, exactly the committed order.
      expect(perApp(events)).toEqual(perApp(stored));
      for (const app of apps) {
        expect(
          events
            .filter(e => e.app === app && e.type === 'app.state')
            .map(e => e.type === 'app.state' && e.data.reason),
        ).toEqual(
          (await services.store.apps.listTransitions(app, 100))
            .reverse()
            .map(t => t.reason),
        );
      }
    } finally {
      await collector.close();
    }
  });
});

async function waitForLength(list: unknown[], length: number) {
  const deadline = Date.now() + 20_000;
  while (list.length < length) {
    if (Date.now() > deadline)
      throw new Error(`waited for ${length} items, have ${list.length}`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
