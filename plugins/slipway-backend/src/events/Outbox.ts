import { eventSubject, SlipwayEvent } from '@slipway/plugin-slipway-common';
import { Knex } from 'knex';
import type { OutboxWriter } from '../changes/StoreChange';
import { now } from '../database/rows';

/** An outbox row as the relay publishes it. */
export type OutboxRow = {
  /** The global order. */
  id: number;
  /** The event's id: the JetStream message id. */
  eventId: string;
  subject: string;
  type: string;
  app: string | null;
  /** The event as JSON, published byte for byte. */
  payload: string;
};

/**
 * A namespace for the transaction-level advisory locks below (`SLPW`), so they cannot meet
 * the locks of other code that hashes small numbers.
 */
const ORDER_LOCK_CLASS = 0x534c5057;

/**
 * The key that orders events: per app (deployment events belong to an app too), per host for
 * infrastructure events. Consumers are promised order within a key, not across keys.
 */
export function orderKey(event: { app?: string | null; host?: string }) {
  return event.app ? `app:${event.app}` : `host:${event.host ?? ''}`;
}

/**
 * The transactional outbox, `slipway_outbox`: the stores append an event row in the same
 * transaction as the change it describes, so a change is never stored without its event nor
 * an event without its change; the relay publishes the rows in id order and marks them sent.
 *
 * @alpha
 */
export class Outbox implements OutboxWriter {
  private readonly listeners = new Set<() => void>();
  private readonly postgres: boolean;

  constructor(private readonly knex: Knex) {
    this.postgres = knex.client.config.client === 'pg';
  }

  async append(trx: Knex.Transaction, event: SlipwayEvent): Promise<void> {
    const row = {
      event_id: event.id,
      subject: eventSubject(event),
      type: event.type,
      app: event.app ?? null,
      payload: JSON.stringify(event),
      created_at: now(),
    };
    if (!this.postgres) {
      // SQLite has one writer at a time: id order is commit order already.
      await trx('slipway_outbox').insert(row);
      return;
    }
    // PostgreSQL hands out ids at insert time, not at commit, so two transactions of one app
    // could commit in the opposite order of their ids, and the relay would publish the later
    // event first. The transaction-level lock of the event's order key, taken by the insert
    // itself (one round trip) and held until the commit, makes id order the commit order within
    // an app. It is the transaction's last statement, so nobody waits for a row lock while
    // holding it.
    await trx.raw(
      `insert into slipway_outbox (event_id, subject, type, app, payload, created_at)
       select ?, ?, ?, ?, ?, ?
       from (select pg_advisory_xact_lock(?, hashtext(?))) as ordered`,
      [
        row.event_id,
        row.subject,
        row.type,
        row.app,
        row.payload,
        row.created_at,
        ORDER_LOCK_CLASS,
        orderKey(event),
      ],
    );
  }

  committed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Called after each commit that wrote rows; returns the way to stop listening. */
  onCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The oldest unsent rows, in id order, but for those in `except`. */
  async unsent(
    limit: number,
    except: ReadonlySet<number> = new Set(),
  ): Promise<OutboxRow[]> {
    const query = this.knex('slipway_outbox').whereNull('sent_at');
    if (except.size) query.whereNotIn('id', [...except]);
    const rows = await query
      .orderBy('id')
      .limit(limit)
      .select('id', 'event_id', 'subject', 'type', 'app', 'payload');
    return rows.map(r => ({
      id: Number(r.id),
      eventId: r.event_id,
      subject: r.subject,
      type: r.type,
      app: r.app,
      payload: r.payload,
    }));
  }

  async markSent(ids: number[]): Promise<void> {
    if (!ids.length) return;
    await this.knex('slipway_outbox')
      .whereIn('id', ids)
      .update({ sent_at: now() });
  }

  async countUnsent(): Promise<number> {
    const [row] = await this.knex('slipway_outbox')
      .whereNull('sent_at')
      .count({ n: '*' });
    return Number(row.n);
  }

  /** Removes rows sent before `olderThan`; unsent rows stay, however old. */
  async pruneSent(olderThan: Date): Promise<number> {
    return this.knex('slipway_outbox')
      .where('sent_at', '<', olderThan.toISOString())
      .delete();
  }
}
