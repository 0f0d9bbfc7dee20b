import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SlipwayEvent } from '@slipway/plugin-slipway-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { ChangeWriter } from '../database/ChangeWriter';
import { AppStateNotifier } from './AppStateNotifier';
import { appStateEvent } from '../changes/events';
import { JetStreamTransport } from './JetStreamTransport';
import { Lease } from './Lease';
import { Outbox } from './Outbox';
import { OutboxRelay, OutboxTransport, RELAY_LEASE } from './OutboxRelay';
import { publishStoreEvents } from './publishStoreEvents';
import { EventSettings } from './settings';
import { InProcessEventBus } from './SlipwayEventBus';
import type { SlipwayInstrumentation } from '../instrumentation';

export const RELAY_LEASE_TTL_MS = 15_000;

/**
 * How Slipway's events travel, chosen by config:
 *
 * - `nats` (`slipway.nats.servers` set): the stores write each event into the outbox in the
 *   write's transaction; the relaying replica publishes the outbox to JetStream; every replica
 *   feeds its bus (its SSE clients) from the stream; the relay sends the notifications.
 * - `in-process` (the embedded default): the stores' committed changes go straight to this
 *   process's bus, and to the notifier; no outbox rows are written.
 */
export class EventPipeline {
  readonly mode: 'nats' | 'in-process';
  /** Set in `nats` mode: the stores write into it. */
  readonly outbox?: Outbox;
  readonly relay?: OutboxRelay;
  readonly transport?: JetStreamTransport;
  readonly notifier?: AppStateNotifier;
  /**
   * Resolves once events flow: at once in-process; with NATS once the stream exists with
   * Slipway's settings and this replica's consumer runs.
   */
  readonly ready: Promise<void>;
  private stopped = false;

  constructor(
    private readonly options: {
      settings: EventSettings;
      knex: Knex;
      logger: LoggerService;
      bus: InProcessEventBus;
      notifications?: NotificationService;
      /** This replica's name in the relay lease; default host, pid and a random suffix. */
      holder?: string;
      leaseTtlMs?: number;
      /** Told of each event JetStream acknowledged (instrumentation); default none. */
      onEventPublished?: SlipwayInstrumentation['onEventPublished'];
    },
  ) {
    const { settings, knex, logger, bus, notifications } = options;
    this.notifier =
      notifications && settings.notifications
        ? new AppStateNotifier({ knex, notifications, logger })
        : undefined;
    if (!settings.nats) {
      this.mode = 'in-process';
      this.ready = Promise.resolve();
      return;
    }
    this.mode = 'nats';
    const outbox = new Outbox(knex);
    const transport = new JetStreamTransport(settings.nats, logger, bus, {
      onWake: () => this.relay?.wake(),
      onAvailable: () => this.relay?.retryNow(),
    });
    const notifier = this.notifier;
    const relay = new OutboxRelay({
      outbox,
      lease: new Lease(
        knex,
        RELAY_LEASE,
        options.holder ??
          `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        options.leaseTtlMs ?? RELAY_LEASE_TTL_MS,
      ),
      transport: options.onEventPublished
        ? withPublishedHook(transport, options.onEventPublished)
        : transport,
      logger,
      onPublished: notifier ? events => notifier.notify(events) : undefined,
      wakeLeader: () => transport.wakeLeader(),
    });
    outbox.onCommitted(() => relay.poke());
    this.outbox = outbox;
    this.transport = transport;
    this.relay = relay;
    this.ready = transport.ready;
  }

  /** Connects the store's committed changes to the bus and the notifier (in-process mode). */
  attach(changes: ChangeWriter): void {
    if (this.mode !== 'in-process') return;
    publishStoreEvents(changes, this.options.bus);
    const notifier = this.notifier;
    if (!notifier) return;
    // One claim after the other, so an app's notifications are sent in the order of its
    // transitions (each replaces the previous one of the app in the notifications list).
    let claims = Promise.resolve();
    changes.onChange(change => {
      if (change.kind !== 'app.transition') return;
      const event = appStateEvent(change.transition);
      claims = claims
        .then(() => notifier.notify([event]))
        .catch(error =>
          this.options.logger.error(
            `Could not record the notification of ${event.app}: ${error}`,
          ),
        );
    });
  }

  /** Starts connecting to NATS (in the background) and relaying. */
  start(): void {
    if (this.mode === 'in-process') {
      this.options.logger.info(
        'Slipway events: in-process (no slipway.nats.servers configured)',
      );
      return;
    }
    this.transport!.start();
    this.relay!.poke();
  }

  /**
   * Schedules the pipeline's periodic work. With NATS, every replica runs the relay's
   * catch-up: it renews the relay lease while it holds it, takes it over when it lapses, and
   * relays rows whose wake-up was lost (pokes after each commit give the latency; this gives
   * the guarantee). One replica prunes what was sent.
   */
  async schedule(scheduler: SchedulerService): Promise<void> {
    if (this.mode === 'nats') {
      await scheduler.scheduleTask({
        id: 'slipway-events-relay',
        scope: 'local',
        frequency: { seconds: 3 },
        timeout: { seconds: 30 },
        fn: () => this.tick(),
      });
    }
    await scheduler.scheduleTask({
      id: 'slipway-events-prune',
      scope: 'global',
      frequency: { minutes: 15 },
      timeout: { minutes: 5 },
      initialDelay: { minutes: 1 },
      fn: () => this.prune(),
    });
  }

  /** The periodic catch-up: lease renewal and relaying what waits (the scheduler's task). */
  async tick(): Promise<void> {
    await this.relay?.tick();
  }

  /** Removes sent outbox rows and notification claims older than the retention period. */
  async prune(): Promise<void> {
    const olderThan = new Date(
      Date.now() - this.options.settings.outboxRetentionHours * 3600_000,
    );
    await this.outbox?.pruneSent(olderThan);
    await this.notifier?.prune(olderThan);
  }

  /** Stops relaying (giving the lease up), the consumer and the connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.relay?.stop();
    await this.transport?.close();
    await this.notifier?.flush();
  }
}

/** The transport, telling `onEventPublished` of each row JetStream acknowledged. */
function withPublishedHook(
  transport: OutboxTransport,
  onEventPublished: (event: SlipwayEvent) => void,
): OutboxTransport {
  return {
    async publish(row) {
      const ack = await transport.publish(row);
      onEventPublished(JSON.parse(row.payload));
      return ack;
    },
  };
}
