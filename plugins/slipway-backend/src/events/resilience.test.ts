import { TestDatabases } from '@backstage/backend-test-utils';
import { AppState, SlipwayEvent } from '@slipway/plugin-slipway-common';
import {
  NatsServer,
  slipwayTestDatabaseIds,
  startNatsServer,
  TEST_POSTGRES_ID,
  waitFor,
} from '@slipway/test-harness';
import { Knex } from 'knex';
import {
  createApps,
  EventServices,
  startEventServices,
} from '../__testUtils__/eventServices';
import { readStream, StreamCollector } from '../__testUtils__/jetstream';
import { Lease } from './Lease';

/**
 * Nothing lost, nothing twice, in order per app: 1,000 transitions through the store's one
 * transition function while nats-server stops and starts, or while the backend restarts.
 */
jest.setTimeout(180_000);

const APPS = ['burst-a', 'burst-b', 'burst-c', 'burst-d', 'burst-e'];
const TRANSITIONS = 1000;
const PER_APP = TRANSITIONS / APPS.length;

/** The i-th transition of an app: up first (the app is pending), then down and up in turn. */
const target = (i: number): AppState => (i % 2 === 0 ? 'running' : 'unhealthy');

/**
 * Runs the burst: each app's transitions in sequence, the apps side by side, through whatever
 * store `current()` is at the moment. `at(n)` runs when the n-th transition starts, while the
 * other apps' transitions continue (or, with `pause`, while they wait for it).
 */
async function burst(
  current: () => EventServices,
  at: Record<number, { pause?: boolean; run: () => Promise<void> }>,
) {
  let started = 0;
  let gate: Promise<void> = Promise.resolve();
  await Promise.all(
    APPS.map(async app => {
      for (let i = 0; i < PER_APP; i++) {
        await gate;
        const step = at[started++];
        if (step) {
          const done = step.run();
          if (step.pause) gate = done;
          await done;
        }
        await current().store.apps.transitionApp(
          app,
          target(i),
          `${app} #${i}`,
        );
      }
    }),
  );
}

/** The app.state events each app's transitions must have produced, in order. */
async function expectedReasons(knex: Knex) {
  const rows = await knex('slipway_app_transitions')
    .whereIn('app', APPS)
    .orderBy('id');
  const byApp: Record<string, string[]> = {};
  for (const row of rows) (byApp[row.app] ??= []).push(row.reason);
  return byApp;
}

function reasonsPerApp(events: SlipwayEvent[]) {
  const byApp: Record<string, string[]> = {};
  for (const e of events)
    if (e.type === 'app.state') (byApp[e.app!] ??= []).push(e.data.reason);
  return byApp;
}

describe('events under failure', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });
  let nats: NatsServer;
  let collector: StreamCollector | undefined;
  const running: EventServices[] = [];

  beforeEach(async () => {
    nats = await startNatsServer();
  });
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    for (const s of running.splice(0)) await s.dispose();
    await nats.close();
  });

  /** `seenByBackend`: what a replica's bus (its SSE clients) received, when it ran throughout. */
  async function expectAllOnceInOrder(
    knex: Knex,
    seenByBackend?: SlipwayEvent[],
  ) {
    const expected = await expectedReasons(knex);
    expect(Object.values(expected).flat()).toHaveLength(
      TRANSITIONS + APPS.length,
    );
    // A consumer that was there all along (through the outage) receives everything.
    await collector!.waitForCount(TRANSITIONS + APPS.length);
    const live = collector!.events('app.state');
    expect(new Set(live.map(e => e.id)).size).toBe(live.length);
    expect(reasonsPerApp(live)).toEqual(expected);

    // The stream itself holds each event once, in order per app.
    const stored = await readStream(nats.url);
    expect(stored).toHaveLength(TRANSITIONS + APPS.length);
    expect(new Set(stored.map(m => m.msgId)).size).toBe(stored.length);
    expect(reasonsPerApp(stored.map(m => m.event!))).toEqual(expected);

    const unsent = await knex('slipway_outbox')
      .whereNull('sent_at')
      .count({ n: '*' });
    expect(Number(unsent[0].n)).toBe(0);

    if (!seenByBackend) return;
    // And the backend's own SSE feed, from its stream consumer.
    await waitFor(
      'the backend bus to have every event',
      async () =>
        seenByBackend.length >= TRANSITIONS + APPS.length ? true : undefined,
      30_000,
      50,
    );
    expect(new Set(seenByBackend.map(e => e.id)).size).toBe(
      seenByBackend.length,
    );
    expect(reasonsPerApp(seenByBackend)).toEqual(expected);
  }

  const countUnsent = async (knex: Knex) =>
    Number(
      (await knex('slipway_outbox').whereNull('sent_at').count({ n: '*' }))[0]
        .n,
    );

  it('loses nothing when nats-server stops during a burst of 1,000 transitions and starts again', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    const services = await startEventServices(knex, { natsUrl: nats.url });
    running.push(services);
    const seen: SlipwayEvent[] = [];
    services.events.subscribe(e => void seen.push(e));
    await createApps(services.store, APPS);
    collector = await StreamCollector.start(nats.url);

    let unsentDuringOutage = 0;
    await burst(() => services, {
      300: { run: () => nats.stop() },
      700: {
        run: async () => {
          unsentDuringOutage = await countUnsent(knex);
          await nats.start();
        },
      },
    });
    // The outbox held what happened while NATS was down.
    expect(unsentDuringOutage).toBeGreaterThan(100);

    await expectAllOnceInOrder(knex, seen);
    // One warning for the outage, with the number waiting, and one line when it is over.
    const warnings = services.logger.warn.mock.calls
      .map(c => String(c[0]))
      .filter(m => m.includes('wait in the outbox'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/\d+ events wait in the outbox/);
    expect(
      services.logger.info.mock.calls.some(c =>
        String(c[0]).includes('published again'),
      ),
    ).toBe(true);
  });

  it('loses nothing when the backend restarts in the middle of a burst', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    let services = await startEventServices(knex, { natsUrl: nats.url });
    running.push(services);
    await createApps(services.store, APPS);
    collector = await StreamCollector.start(nats.url);
    const first = services;

    await burst(() => services, {
      500: {
        pause: true,
        run: async () => {
          // The shutdown hooks run while the relay is still busy with the burst.
          await services.dispose();
          services = await startEventServices(knex, { natsUrl: nats.url });
          running.push(services);
        },
      },
    });

    // SSE clients of a restarted backend reconnect and reload; a JetStream consumer misses
    // nothing.
    await expectAllOnceInOrder(knex);
    // The new instance took the relay over (the old one gave the lease up at shutdown).
    expect(services).not.toBe(first);
    expect(services.pipeline.relay!.isRelaying()).toBe(true);
    expect(first.pipeline.relay!.isRelaying()).toBe(false);
  });

  it('starts without NATS, keeps the events, and publishes them in order once NATS is up', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    await nats.stop();
    const services = await startEventServices(knex, {
      natsUrl: nats.url,
      waitForReady: false,
    });
    running.push(services);
    await createApps(services.store, ['early-a', 'early-b']);
    for (let i = 0; i < 5; i++) {
      await services.store.apps.transitionApp('early-a', target(i), `a #${i}`);
      await services.store.apps.transitionApp('early-b', target(i), `b #${i}`);
    }
    expect(await countUnsent(knex)).toBe(12);
    await new Promise(resolve => setTimeout(resolve, 1000));
    expect(await countUnsent(knex)).toBe(12);

    await nats.start();
    await services.pipeline.ready;
    await waitFor(
      'the outbox to be published',
      async () => ((await countUnsent(knex)) === 0 ? true : undefined),
      30_000,
      50,
    );
    const stored = await readStream(nats.url);
    expect(stored).toHaveLength(12);
    expect(reasonsPerApp(stored.map(m => m.event!))).toEqual({
      'early-a': [
        'first deploy requested',
        ...[0, 1, 2, 3, 4].map(i => `a #${i}`),
      ],
      'early-b': [
        'first deploy requested',
        ...[0, 1, 2, 3, 4].map(i => `b #${i}`),
      ],
    });
    expect(
      services.logger.warn.mock.calls.some(c =>
        String(c[0]).includes('cannot connect to NATS'),
      ),
    ).toBe(true);
  });

  it('moves the relay to another replica when the relaying one dies without giving its lease up', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    const ttl = { relayLeaseTtlMs: 1500 };
    const a = await startEventServices(knex, { natsUrl: nats.url, ...ttl });
    running.push(a);
    const b = await startEventServices(knex, { natsUrl: nats.url, ...ttl });
    running.push(b);
    expect(a.pipeline.relay!.isRelaying()).toBe(true);
    collector = await StreamCollector.start(nats.url);
    await createApps(b.store, ['orphaned']);
    await collector.waitForCount(1);

    // A dies: it stops relaying but its lease row stays until it lapses.
    jest.spyOn(Lease.prototype, 'release').mockResolvedValueOnce(undefined);
    await a.dispose();
    await b.store.apps.transitionApp(
      'orphaned',
      'running',
      'while nobody relays',
    );
    await b.store.apps.transitionApp('orphaned', 'failed', 'still nobody');
    // The lease has not lapsed yet: B cannot relay, the rows wait.
    await b.pipeline.relay!.drain();
    expect(b.pipeline.relay!.isRelaying()).toBe(false);
    expect(collector.messages).toHaveLength(1);
    // B's scheduler task, every few seconds in the plugin; here every 100 ms.
    await waitFor(
      'replica B to take the relay over',
      async () => {
        await b.pipeline.tick();
        await b.pipeline.relay!.drain();
        return b.pipeline.relay!.isRelaying() ? true : undefined;
      },
      10_000,
      100,
    );
    await collector.waitForCount(3);
    expect(
      collector
        .events('app.state')
        .map(e => e.type === 'app.state' && e.data.to),
    ).toEqual(['pending', 'running', 'failed']);
  });
});
