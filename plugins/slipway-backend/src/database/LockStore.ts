import { Knex } from 'knex';
import { isUniqueViolation } from './ChangeWriter';
import { now, toIso } from './rows';

/**
 * Named locks held by jobs (`app:<name>`, `host:<name>`), as leases: the holder's backend
 * renews them while the job runs, so a lock whose lease lapsed belongs to a dead backend.
 * Taking one is atomic through the primary key, so replicas agree on who holds it.
 */
export class LockStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Takes a named lock as a lease of `ttlMs`; false when someone else holds it, live or lapsed
   * (a lapsed lock is freed by reconcile once its job is settled, not taken over here).
   */
  async tryLock(name: string, holder: string, ttlMs: number): Promise<boolean> {
    try {
      await this.knex('slipway_locks').insert({
        name,
        holder,
        acquired_at: now(),
        expires_at: new Date(Date.now() + ttlMs).toISOString(),
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Extends the leases of the locks held by these jobs (the running jobs of one backend). */
  async renewLocks(holders: string[], ttlMs: number): Promise<void> {
    if (!holders.length) return;
    await this.knex('slipway_locks')
      .whereIn('holder', holders)
      .update({ expires_at: new Date(Date.now() + ttlMs).toISOString() });
  }

  async lockHolder(name: string): Promise<string | undefined> {
    const row = await this.knex('slipway_locks').where({ name }).first();
    return row?.holder;
  }

  /** True while `holder` holds `name` and its backend keeps renewing it. */
  async holdsLiveLock(name: string, holder: string): Promise<boolean> {
    const row = await this.knex('slipway_locks')
      .where({ name, holder })
      .first();
    return Boolean(
      row?.expires_at && new Date(toIso(row.expires_at)).getTime() > Date.now(),
    );
  }

  async unlock(name: string, holder: string): Promise<void> {
    await this.knex('slipway_locks').where({ name, holder }).delete();
  }

  /**
   * Locks left by a backend that died: their lease lapsed. Called by reconcile after it has
   * settled the jobs of its own kind, so the `prefix` names the locks it may free
   * (deployments' `app:` or provisioning jobs' `host:`).
   */
  async releaseLapsedLocks(prefix: string): Promise<number> {
    return this.knex('slipway_locks')
      .where('name', 'like', `${prefix}%`)
      .andWhere(q =>
        q.whereNull('expires_at').orWhere('expires_at', '<', now()),
      )
      .delete();
  }
}
