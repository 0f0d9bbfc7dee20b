import { Knex } from 'knex';
import type { OutboxWriter } from '../changes/StoreChange';
import { AppStore } from './AppStore';
import { ChangeWriter } from './ChangeWriter';
import { DeploymentStore } from './DeploymentStore';
import { HealthStore } from './HealthStore';
import { LockStore } from './LockStore';
import { currentMigration } from './migrations';

/**
 * Slipway's stores of apps and their jobs, one per concern, sharing one change writer.
 *
 * @alpha
 */
export type SlipwayStores = {
  /** Where committed changes are announced (`changes.onChange`). */
  changes: ChangeWriter;
  locks: LockStore;
  apps: AppStore;
  deployments: DeploymentStore;
  health: HealthStore;
};

/**
 * The stores over a migrated database. With `outbox`, every write that makes an event also
 * writes the event's outbox row in its transaction (what `slipway.nats.servers` turns on).
 *
 * @alpha
 */
export function createSlipwayStores(
  knex: Knex,
  options: { outbox?: OutboxWriter } = {},
): SlipwayStores {
  const changes = new ChangeWriter(knex, options.outbox);
  return {
    changes,
    locks: new LockStore(knex),
    apps: new AppStore(changes),
    deployments: new DeploymentStore(changes),
    health: new HealthStore(changes),
  };
}

/** Whether the database answers, and at which migration it is. */
export async function pingDatabase(
  knex: Knex,
): Promise<{ ok: boolean; migration?: string; error?: string }> {
  try {
    await knex.raw('select 1');
    return { ok: true, migration: await currentMigration(knex) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
