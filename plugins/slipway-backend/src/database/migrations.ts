import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@slipway/plugin-slipway-backend',
  'migrations',
);

/** Brings the Slipway tables up to date (SQLite and PostgreSQL). */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: migrationsDir,
    tableName: 'slipway_knex_migrations',
  });
}

export async function rollbackAllMigrations(knex: Knex): Promise<void> {
  await knex.migrate.rollback(
    { directory: migrationsDir, tableName: 'slipway_knex_migrations' },
    true,
  );
}

export async function currentMigration(knex: Knex): Promise<string> {
  return knex.migrate.currentVersion({
    directory: migrationsDir,
    tableName: 'slipway_knex_migrations',
  });
}
