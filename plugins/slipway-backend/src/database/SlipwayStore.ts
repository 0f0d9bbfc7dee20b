import { Knex } from 'knex';
import { currentMigration } from './migrations';

/** Slipway's persistence. Later issues add apps, deployments, logs and health samples. */
export class SlipwayStore {
  constructor(private readonly knex: Knex) {}

  /** Whether the database answers, and at which migration it is. */
  async ping(): Promise<{ ok: boolean; migration?: string; error?: string }> {
    try {
      await this.knex.raw('select 1');
      return { ok: true, migration: await currentMigration(this.knex) };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
}
