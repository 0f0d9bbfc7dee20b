import { TestDatabases } from '@backstage/backend-test-utils';
import { slipwayTestDatabaseIds } from '@slipway/test-harness';
import {
  applyDatabaseMigrations,
  currentMigration,
  rollbackAllMigrations,
} from './migrations';

const TABLES = [
  'slipway_hosts',
  'slipway_apps',
  'slipway_deployments',
  'slipway_deployment_logs',
  'slipway_health_samples',
  'slipway_app_transitions',
];

describe('migrations', () => {
  const databases = TestDatabases.create({ ids: slipwayTestDatabaseIds() });

  it.each(databases.eachSupportedId())(
    'apply, hold data and roll back on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      expect(await currentMigration(knex)).toBe('20261122');

      await knex('slipway_hosts').insert({
        name: 'local',
        source: 'config',
        state: 'ready',
      });
      await knex('slipway_apps').insert({
        name: 'hello',
        host: 'local',
        state: 'pending',
        repo: 'https://example.com/hello.git',
        port: 8080,
        container_port: 8080,
        health_path: '/health',
        env_names: '[]',
      });
      // One app per host port.
      const duplicatePort = await knex('slipway_apps')
        .insert({
          name: 'other',
          host: 'local',
          state: 'pending',
          repo: 'https://example.com/other.git',
          port: 8080,
          container_port: 80,
          health_path: '/',
          env_names: '[]',
        })
        .then(
          () => 'inserted',
          (error: Error) => error.message,
        );
      expect(duplicatePort).toMatch(/unique|duplicate/i);

      await knex('slipway_deployments').insert({
        id: 'd-1',
        app: 'hello',
        kind: 'deploy',
        status: 'queued',
        request: '{}',
      });
      await knex('slipway_deployment_logs').insert([
        { deployment_id: 'd-1', stream: 'system', line: 'first' },
        { deployment_id: 'd-1', stream: 'stdout', line: 'second' },
      ]);
      const lines = await knex('slipway_deployment_logs')
        .where({ deployment_id: 'd-1' })
        .orderBy('id')
        .pluck('line');
      expect(lines).toEqual(['first', 'second']);

      // Running again is a no-op, as on every backend start.
      await applyDatabaseMigrations(knex);
      await rollbackAllMigrations(knex);
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
    },
    60_000,
  );
});
