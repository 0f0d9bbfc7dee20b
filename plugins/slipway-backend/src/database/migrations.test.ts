import { TestDatabases } from '@backstage/backend-test-utils';
import { slipwayTestDatabaseIds } from '@slipway/test-harness';
import { Knex } from 'knex';
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
  'slipway_locks',
  'slipway_infra_jobs',
  'slipway_infra_job_logs',
  'slipway_outbox',
  'slipway_leases',
  'slipway_notifications_sent',
];

function insertApp(knex: Knex, name: string, port: number, at: string) {
  return knex('slipway_apps').insert({
    name,
    host: 'local',
    state: 'pending',
    repo: `https://example.com/${name}.git`,
    port,
    container_port: 8080,
    health_path: '/health',
    env_names: '[]',
    state_changed_at: at,
    created_at: at,
    updated_at: at,
  });
}

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
      expect(await currentMigration(knex)).toBe('20261204');

      const at = new Date().toISOString();
      await knex('slipway_hosts').insert({
        name: 'local',
        source: 'config',
        state: 'ready',
        created_at: at,
        updated_at: at,
      });
      await insertApp(knex, 'hello', 8080, at);
      await knex('slipway_apps')
        .where({ name: 'hello' })
        .update({ owner: 'group:default/platform-team', description: 'Hi' });
      expect(
        await knex('slipway_apps').where({ name: 'hello' }).first(),
      ).toMatchObject({
        owner: 'group:default/platform-team',
        description: 'Hi',
      });

      // One live app per host port...
      const duplicatePort = await insertApp(knex, 'other', 8080, at).then(
        () => 'inserted',
        (error: Error) => error.message,
      );
      expect(duplicatePort).toMatch(/unique|duplicate/i);
      // ...and a destroyed app frees its port.
      await knex('slipway_apps')
        .where({ name: 'hello' })
        .update({ destroyed_at: at });
      await insertApp(knex, 'other', 8080, at);

      await knex('slipway_deployments').insert({
        id: 'd-1',
        app: 'hello',
        kind: 'deploy',
        status: 'queued',
        request: '{}',
        created_at: at,
      });
      await knex('slipway_deployment_logs').insert([
        {
          deployment_id: 'd-1',
          stream: 'system',
          line: 'first',
          created_at: at,
        },
        {
          deployment_id: 'd-1',
          stream: 'stdout',
          line: 'second',
          created_at: at,
        },
      ]);
      const lines = await knex('slipway_deployment_logs')
        .where({ deployment_id: 'd-1' })
        .orderBy('id')
        .pluck('line');
      expect(lines).toEqual(['first', 'second']);

      // The outbox: ids in insert order, one row per event id, unsent rows found by the
      // relay's query.
      const outboxRow = (eventId: string) => ({
        event_id: eventId,
        subject: 'slipway.apps.other.state',
        type: 'app.state',
        app: 'other',
        payload: '{}',
        created_at: at,
      });
      await knex('slipway_outbox').insert([outboxRow('e-1'), outboxRow('e-2')]);
      const duplicateEvent = await knex('slipway_outbox')
        .insert(outboxRow('e-1'))
        .then(
          () => 'inserted',
          (error: Error) => error.message,
        );
      expect(duplicateEvent).toMatch(/unique|duplicate/i);
      await knex('slipway_outbox')
        .where({ event_id: 'e-1' })
        .update({ sent_at: at });
      expect(
        await knex('slipway_outbox')
          .whereNull('sent_at')
          .orderBy('id')
          .pluck('event_id'),
      ).toEqual(['e-2']);
      await knex('slipway_leases').insert({
        name: 'relay',
        holder: 'a',
        expires_at: at,
      });
      await knex('slipway_notifications_sent').insert({
        event_id: 'e-1',
        created_at: at,
      });
      const secondClaim = await knex('slipway_notifications_sent')
        .insert({ event_id: 'e-1', created_at: at })
        .then(
          () => 'inserted',
          (error: Error) => error.message,
        );
      expect(secondClaim).toMatch(/unique|duplicate/i);

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
