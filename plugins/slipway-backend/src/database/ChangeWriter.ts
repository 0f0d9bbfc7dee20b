import { Knex } from 'knex';
import { eventOfChange } from '../changes/events';
import type {
  OutboxWriter,
  StoreChange,
  StoreChangeListener,
} from '../changes/StoreChange';

/** What a write stored, and the change it announces (if any). */
export type Written<T> = { value: T; change?: StoreChange };

export function isUniqueViolation(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error);
  return /unique|duplicate key/i.test(text);
}

/**
 * The one way the stores write something that makes an event. With an outbox (NATS
 * configured), the event's row is stored in the same transaction as the change, so neither
 * exists without the other; listeners hear of the change once it is committed.
 */
export class ChangeWriter {
  private readonly listeners = new Set<StoreChangeListener>();
  /** PostgreSQL knows `FOR UPDATE`; SQLite serializes writers anyway. */
  readonly postgres: boolean;

  constructor(readonly knex: Knex, private readonly outbox?: OutboxWriter) {
    this.postgres = knex.client.config.client === 'pg';
  }

  /** Whether anyone hears of changes: when nobody does, a store can skip reading for them. */
  get announcing(): boolean {
    return Boolean(this.outbox) || this.listeners.size > 0;
  }

  /**
   * Runs a write that announces at most one change. In a transaction when there is an outbox
   * (or the write asks for one), with the change's event appended last; listeners and the
   * outbox's relay hear of it after the commit. Inside `work`, only `db` may be used: SQLite
   * has one connection, and it belongs to the transaction.
   */
  async write<T>(
    work: (db: Knex | Knex.Transaction) => Promise<Written<T>>,
    options: { transaction?: boolean } = {},
  ): Promise<T> {
    const outbox = this.outbox;
    const run = async (db: Knex | Knex.Transaction) => {
      const written = await work(db);
      if (outbox && written.change)
        await outbox.append(
          db as Knex.Transaction,
          eventOfChange(written.change),
        );
      return written;
    };
    const written =
      outbox || options.transaction
        ? await this.knex.transaction(run)
        : await run(this.knex);
    if (written.change) {
      this.announce(written.change);
      outbox?.committed();
    }
    return written.value;
  }

  /** Called after each announced write has committed; returns the way to stop listening. */
  onChange(listener: StoreChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(change: StoreChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure must not undo, or fail, a stored write.
      }
    }
  }
}
