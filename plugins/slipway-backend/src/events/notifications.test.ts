import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { AppState } from '@slipway/plugin-slipway-common';
import {
  NatsServer,
  slipwayTestDatabaseIds,
  startNatsServer,
  TEST_POSTGRES_ID,
  waitFor,
} from '@slipway/test-harness';
import { applyDatabaseMigrations } from '../database/migrations';
import {
  createApps,
  EventServices,
  startEventServices,
} from '../__testUtils__/eventServices';
import { AppStateNotifier, notificationFor } from './AppStateNotifier';
import { appStateEvent } from '../changes/events';

jest.setTimeout(120_000);

function recordingNotifications() {
  const sent: NotificationSendOptions[] = [];
  const service: NotificationService = {
    send: jest.fn(async (options: NotificationSendOptions) => {
      sent.push(options);
    }),
  };
  return { service, sent };
}

const transition = (from: AppState | null, to: AppState, reason = 'why') =>
  appStateEvent({
    app: 'hello-static',
    from,
    to,
    reason,
    deploymentId: null,
    at: new Date().toISOString(),
  });

describe('notificationFor', () => {
  it.each([
    ['running', 'unhealthy', 'hello-static is unhealthy', 'normal'],
    ['running', 'failed', 'hello-static is failing', 'high'],
    ['unhealthy', 'failed', 'hello-static is failing', 'high'],
    ['pending', 'failed', 'hello-static is failing', 'high'],
    ['unhealthy', 'running', 'hello-static recovered', 'low'],
    ['failed', 'running', 'hello-static recovered', 'low'],
  ] as const)('%s -> %s: "%s", %s', (from, to, title, severity) => {
    expect(
      notificationFor(transition(from, to, 'GET /health refused'), null),
    ).toEqual({
      recipients: {
        type: 'entity',
        entityRef: 'component:default/hello-static',
      },
      payload: {
        title,
        description: 'GET /health refused',
        link: '/catalog/default/component/hello-static',
        severity,
        topic: 'slipway',
        scope: 'slipway:app:hello-static',
      },
    });
  });

  it.each([
    [null, 'pending'],
    ['pending', 'running'],
    ['running', 'pending'],
    ['unhealthy', 'pending'],
    ['failed', 'pending'],
  ] as const)('%s -> %s: none', (from, to) => {
    expect(notificationFor(transition(from, to), 'group:default/a')).toBe(
      undefined,
    );
  });

  it("goes to the app's owner when it has one", () => {
    expect(
      notificationFor(transition('running', 'failed'), 'group:default/team-a')
        ?.recipients,
    ).toEqual({ type: 'entity', entityRef: 'group:default/team-a' });
  });
});

describe('app state notifications', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });
  let nats: NatsServer;
  const running: EventServices[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await s.dispose();
  });
  afterAll(async () => {
    await nats?.close();
  });

  /** A life with every kind of transition; the comments say what each one notifies. */
  async function life(services: EventServices) {
    const { store } = services;
    await createApps(store, ['owned', 'orphan'], {
      owner: name => (name === 'owned' ? 'group:default/team-a' : undefined),
    });
    await store.apps.transitionApp('owned', 'running', 'deployed'); // none
    await store.apps.transitionApp('owned', 'unhealthy', '3 failed checks'); // normal
    await store.apps.transitionApp('owned', 'running', 'check passed'); // low
    await store.apps.transitionApp('owned', 'failed', 'container exited'); // high
    await store.apps.transitionApp('owned', 'running', 'restarted'); // low
    await store.apps.transitionApp('owned', 'pending', 'redeploy'); // none
    await store.apps.transitionApp('orphan', 'failed', 'build failed'); // high
  }

  const summary = (sent: NotificationSendOptions[]) =>
    sent.map(n => [
      n.recipients.type === 'entity' && n.recipients.entityRef,
      n.payload.title,
      n.payload.severity,
      n.payload.description,
    ]);

  const EXPECTED = [
    ['group:default/team-a', 'owned is unhealthy', 'normal', '3 failed checks'],
    ['group:default/team-a', 'owned recovered', 'low', 'check passed'],
    ['group:default/team-a', 'owned is failing', 'high', 'container exited'],
    ['group:default/team-a', 'owned recovered', 'low', 'restarted'],
    ['component:default/orphan', 'orphan is failing', 'high', 'build failed'],
  ];

  it('sends one per transition, to the owners, from the relay; none again when rows are published again', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    const notifications = recordingNotifications();
    const services = await startEventServices(knex, {
      natsUrl: nats.url,
      notifications: notifications.service,
    });
    running.push(services);
    await life(services);
    await services.pipeline.relay!.drain();
    await services.pipeline.notifier!.flush();
    expect(summary(notifications.sent)).toEqual(EXPECTED);

    // Every row published again (a relay that crashed before marking them): no second one.
    await knex('slipway_outbox').update({ sent_at: null });
    await services.pipeline.relay!.drain();
    await services.pipeline.notifier!.flush();
    expect(
      Number(
        (await knex('slipway_outbox').whereNull('sent_at').count({ n: '*' }))[0]
          .n,
      ),
    ).toBe(0);
    expect(notifications.sent).toHaveLength(EXPECTED.length);
  });

  it('sends none twice with two replicas, the relaying one sending', async () => {
    const knex = await databases.init(TEST_POSTGRES_ID);
    const first = recordingNotifications();
    const second = recordingNotifications();
    const a = await startEventServices(knex, {
      natsUrl: nats.url,
      notifications: first.service,
    });
    running.push(a);
    const b = await startEventServices(knex, {
      natsUrl: nats.url,
      notifications: second.service,
    });
    running.push(b);
    // Changes through the replica that does not relay.
    await life(b);
    await waitFor(
      'every notification',
      async () =>
        first.sent.length + second.sent.length >= EXPECTED.length
          ? true
          : undefined,
      20_000,
      50,
    );
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(summary(first.sent)).toEqual(EXPECTED);
    expect(second.sent).toEqual([]);
  });

  it.each(databases.eachSupportedId())(
    'lets only one of two notifiers claim an event, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const logger = mockServices.logger.mock();
      const one = recordingNotifications();
      const two = recordingNotifications();
      const notifiers = [one, two].map(
        n => new AppStateNotifier({ knex, notifications: n.service, logger }),
      );
      const events = [
        transition('running', 'failed'),
        transition('failed', 'running'),
        transition('pending', 'running'),
      ];
      // Both at once, as two relays during a lease handover would.
      await Promise.all(notifiers.map(n => n.notify(events)));
      await Promise.all(notifiers.map(n => n.notify(events)));
      await Promise.all(notifiers.map(n => n.flush()));
      const titles = [...one.sent, ...two.sent].map(n => n.payload.title);
      expect(titles.sort()).toEqual([
        'hello-static is failing',
        'hello-static recovered',
      ]);
    },
  );

  it('retries a failed send, then gives up with an error', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    const logger = mockServices.logger.mock();
    const send = jest
      .fn()
      .mockRejectedValueOnce(new Error('503 from notifications'))
      .mockResolvedValueOnce(undefined)
      .mockRejectedValue(new Error('still down'));
    const notifier = new AppStateNotifier({
      knex,
      notifications: { send },
      logger,
      retryDelaysMs: [10, 10],
    });
    await notifier.notify([transition('running', 'failed')]);
    await notifier.notify([transition('running', 'unhealthy')]);
    await notifier.flush();
    // One failure then success; then three failures and an error logged.
    expect(send).toHaveBeenCalledTimes(5);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(String(logger.error.mock.calls[0][0])).toMatch(/still down/);
  });

  it('sends them in-process too (no NATS configured)', async () => {
    const knex = await databases.init('SQLITE_3');
    const notifications = recordingNotifications();
    const services = await startEventServices(knex, {
      notifications: notifications.service,
    });
    running.push(services);
    expect(services.pipeline.mode).toBe('in-process');
    await life(services);
    await waitFor(
      'every notification',
      async () =>
        notifications.sent.length >= EXPECTED.length ? true : undefined,
      10_000,
      20,
    );
    await services.pipeline.notifier!.flush();
    expect(summary(notifications.sent)).toEqual(EXPECTED);
    // No outbox in-process: the stores publish straight to the bus.
    expect(await knex('slipway_outbox').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
