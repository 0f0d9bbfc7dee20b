import { LoggerService } from '@backstage/backend-plugin-api';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { NotificationSeverity } from '@backstage/plugin-notifications-common';
import { SlipwayEvent } from '@slipway/plugin-slipway-common';
import { Knex } from 'knex';
import { now } from '../database/rows';

/** The notifications' topic: users can mute Slipway's in their notification settings. */
export const NOTIFICATION_TOPIC = 'slipway';

type Notice = { title: string; severity: NotificationSeverity };

/**
 * What an event tells the app's owners, if anything: that it became failed or unhealthy, or
 * that it recovered from either. A deploy that turns a pending app running is not news.
 */
export function noticeFor(event: SlipwayEvent): Notice | undefined {
  if (event.type !== 'app.state' || !event.app) return undefined;
  const { from, to } = event.data;
  if (to === 'failed')
    return { title: `${event.app} is failing`, severity: 'high' };
  if (to === 'unhealthy')
    return { title: `${event.app} is unhealthy`, severity: 'normal' };
  if (to === 'running' && (from === 'failed' || from === 'unhealthy'))
    return { title: `${event.app} recovered`, severity: 'low' };
  return undefined;
}

/**
 * The notification for an event, or undefined. Recipients are the app's owner, else its catalog
 * component: the notifications backend resolves a group to its members and a component to its
 * owner. One scope per app, so a later notification of the app replaces the earlier one in the
 * notifications list instead of stacking up next to it.
 */
export function notificationFor(
  event: SlipwayEvent,
  owner: string | null,
): NotificationSendOptions | undefined {
  const notice = noticeFor(event);
  if (!notice || event.type !== 'app.state') return undefined;
  const app = event.app!;
  return {
    recipients: {
      type: 'entity',
      entityRef: owner ?? `component:default/${app}`,
    },
    payload: {
      title: notice.title,
      description: event.data.reason,
      link: `/catalog/default/component/${app}`,
      severity: notice.severity,
      topic: NOTIFICATION_TOPIC,
      scope: `slipway:app:${app}`,
    },
  };
}

const DEFAULT_RETRY_DELAYS_MS = [1000, 5000];

/**
 * Sends the notifications app state changes warrant, at most once per transition. A row in
 * `slipway_notifications_sent` claims an event before it is sent: whoever inserts it sends, so
 * a relay that publishes a row again, or a second replica, does not notify twice. A crash
 * between the claim and the send loses that notification rather than risking a second one.
 *
 * Sending happens in the background, one at a time: a slow notifications backend never holds
 * up the events themselves.
 */
export class AppStateNotifier {
  private pending: Promise<void> = Promise.resolve();
  private readonly retryDelaysMs: number[];

  constructor(
    private readonly options: {
      knex: Knex;
      notifications: NotificationService;
      logger: LoggerService;
      retryDelaysMs?: number[];
    },
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /**
   * Claims the events that warrant a notification and queues their sending. Resolves once they
   * are claimed (not sent); rejects if the claim could not be stored, so the caller retries.
   */
  async notify(events: SlipwayEvent[]): Promise<void> {
    const candidates = events.filter(e => noticeFor(e));
    if (!candidates.length) return;
    for (const event of await this.claim(candidates)) {
      this.pending = this.pending.then(() => this.send(event));
    }
  }

  /** Resolves once everything queued so far has been sent or given up on. */
  flush(): Promise<void> {
    return this.pending;
  }

  /** Removes claims older than `olderThan`: by then their events are long published. */
  async prune(olderThan: Date): Promise<number> {
    return this.options
      .knex('slipway_notifications_sent')
      .where('created_at', '<', olderThan.toISOString())
      .delete();
  }

  private async claim(events: SlipwayEvent[]): Promise<SlipwayEvent[]> {
    const inserted: Array<string | { event_id: string }> = await this.options
      .knex('slipway_notifications_sent')
      .insert(events.map(e => ({ event_id: e.id, created_at: now() })))
      .onConflict('event_id')
      .ignore()
      .returning('event_id');
    const claimed = new Set(
      inserted.map(r => (typeof r === 'string' ? r : r.event_id)),
    );
    return events.filter(e => claimed.has(e.id));
  }

  private async send(event: SlipwayEvent): Promise<void> {
    const { knex, notifications, logger } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        const app = await knex('slipway_apps')
          .where({ name: event.app })
          .first('owner');
        const options = notificationFor(event, app?.owner ?? null);
        if (options) await notifications.send(options);
        return;
      } catch (error) {
        if (attempt >= this.retryDelaysMs.length) {
          logger.error(
            `Could not send the notification of ${event.app} (${event.type} ${event.id}): ${error}`,
          );
          return;
        }
        await new Promise(resolve =>
          setTimeout(resolve, this.retryDelaysMs[attempt]),
        );
      }
    }
  }
}
