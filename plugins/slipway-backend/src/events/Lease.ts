import { Knex } from 'knex';

/**
 * A named lease in `slipway_leases`, held by at most one holder at a time and taken over by
 * another once it lapses. The row's expiry guards against other replicas; locally the holder
 * also counts the lease's time on its own monotonic clock from before the renewal was sent, so
 * it stops acting as the holder before the other replicas can consider the lease free.
 *
 * On PostgreSQL the expiry is the database's clock, so replicas' clocks need not agree. SQLite
 * means one process on one file, where the process's clock is the only clock.
 *
 * With a `now` option (tests), that one clock is the only clock: the holder's term and the rows'
 * expiry (on PostgreSQL too) are counted on it, so a test moves time instead of sleeping.
 */
export class Lease {
  private validUntil = 0;
  private readonly postgres: boolean;
  /** The holder's own clock: monotonic by default. */
  private readonly localNow: () => number;
  /** The clock of the rows' expiry, where the database's clock is not used: wall time. */
  private readonly wallNow: () => number;
  /** Whether the rows' expiry comes from `wallNow` on PostgreSQL too (a `now` was given). */
  private readonly appClockOnly: boolean;

  constructor(
    private readonly knex: Knex,
    readonly name: string,
    readonly holder: string,
    readonly ttlMs: number,
    options: {
      /**
       * The clock, in milliseconds since the epoch, used for everything the lease times (the
       * holder's term and the rows' expiry, in place of the database's clock on PostgreSQL).
       * By default the term is counted on `performance.now()` and the rows on the database's
       * clock (PostgreSQL) or `Date.now()` (SQLite).
       */
      now?: () => number;
    } = {},
  ) {
    this.postgres = knex.client.config.client === 'pg';
    this.appClockOnly = options.now !== undefined;
    this.localNow = options.now ?? (() => performance.now());
    this.wallNow = options.now ?? Date.now;
  }

  /** Whether this holder has the lease now (by its own clock; no database round trip). */
  isHeld(): boolean {
    return this.validUntil > this.localNow();
  }

  /**
   * Whether this holder has the lease, renewing it once half its time has passed (or taking it
   * if it is free). Renewing early leaves a slow database half the lease to answer.
   */
  async hold(): Promise<boolean> {
    if (this.validUntil - this.localNow() > this.ttlMs / 2) return true;
    return this.acquire();
  }

  /** Takes or renews the lease; false while another holder's lease runs. */
  async acquire(): Promise<boolean> {
    const sentAt = this.localNow();
    let rows: unknown[];
    if (this.postgres) {
      // The database's clock (null: now()) unless the lease was given one.
      const at = this.appClockOnly
        ? new Date(this.wallNow()).toISOString()
        : null;
      const result = await this.knex.raw(
        `insert into slipway_leases (name, holder, expires_at)
         values (?, ?, coalesce(?::timestamptz, now()) + make_interval(secs => ?))
         on conflict (name) do update
           set holder = excluded.holder, expires_at = excluded.expires_at
           where slipway_leases.holder = excluded.holder
              or slipway_leases.expires_at < coalesce(?::timestamptz, now())
         returning holder`,
        [this.name, this.holder, at, this.ttlMs / 1000, at],
      );
      rows = result.rows;
    } else {
      const at = this.wallNow();
      rows = await this.knex.raw(
        `insert into slipway_leases (name, holder, expires_at)
         values (?, ?, ?)
         on conflict (name) do update
           set holder = excluded.holder, expires_at = excluded.expires_at
           where slipway_leases.holder = excluded.holder
              or slipway_leases.expires_at < ?
         returning holder`,
        [
          this.name,
          this.holder,
          new Date(at + this.ttlMs).toISOString(),
          new Date(at).toISOString(),
        ],
      );
    }
    const acquired = rows.length > 0;
    this.validUntil = acquired ? sentAt + this.ttlMs : 0;
    return acquired;
  }

  /** Gives the lease up at once (a graceful shutdown), so another replica need not wait. */
  async release(): Promise<void> {
    this.validUntil = 0;
    await this.knex('slipway_leases')
      .where({ name: this.name, holder: this.holder })
      .delete();
  }

  /** The current holder, if the lease has not lapsed (for logs and tests). */
  async currentHolder(): Promise<string | undefined> {
    const row = await this.knex('slipway_leases')
      .where({ name: this.name })
      .first();
    if (!row) return undefined;
    const expires =
      row.expires_at instanceof Date
        ? row.expires_at.getTime()
        : Date.parse(row.expires_at);
    return expires > this.wallNow() ? row.holder : undefined;
  }
}
