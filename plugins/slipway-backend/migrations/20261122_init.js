// @ts-check

/**
 * Slipway's schema: hosts, apps, their deployments with log lines, health samples, the history
 * of every app state transition, and job locks. Timestamps are written by the application as
 * ISO strings (see src/database/rows.ts), so SQLite and PostgreSQL hold the same values.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('slipway_hosts', table => {
    table.comment(
      'Docker hosts: from app-config (source=config) or registered by provisioning',
    );
    table.string('name', 63).primary();
    table.string('source', 16).notNullable();
    table.string('state', 32).notNullable();
    table.string('address', 255).nullable();
    table.integer('ssh_port').nullable();
    table.string('ssh_user', 64).nullable();
    table.text('host_key').nullable().comment('pinned SSH host public key');
    table.string('owner', 255).nullable();
    table.text('outputs').nullable().comment('JSON outputs of the IaC tool');
    table.text('plan_summary').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('slipway_apps', table => {
    table.comment('Apps deployed by Slipway, one row per app name');
    table.string('name', 63).primary();
    table
      .string('host', 63)
      .notNullable()
      .references('name')
      .inTable('slipway_hosts');
    table.string('state', 16).notNullable();
    table.string('state_reason', 1024).nullable();
    table.text('repo').notNullable();
    table.string('ref', 255).nullable();
    table.integer('port').notNullable();
    table.integer('container_port').notNullable();
    table.string('health_path', 512).notNullable();
    table
      .text('env_names')
      .notNullable()
      .comment('JSON array of env var names; values are never stored');
    table.string('current_deployment_id', 36).nullable();
    table.integer('consecutive_failures').notNullable().defaultTo(0);
    table.string('initiator', 255).nullable();
    table.timestamp('state_changed_at', { useTz: true }).notNullable();
    table
      .timestamp('destroyed_at', { useTz: true })
      .nullable()
      .comment('set by destroy: containers gone, port free, history kept');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  // One live app per host port; a destroyed app frees its port and keeps its history.
  // Partial indexes exist in both SQLite and PostgreSQL.
  await knex.raw(
    'CREATE UNIQUE INDEX slipway_apps_host_port_uniq ON slipway_apps (host, port) WHERE destroyed_at IS NULL',
  );

  await knex.schema.createTable('slipway_deployments', table => {
    table.comment(
      'One row per deploy, rollback, restart or destroy job of an app',
    );
    table.string('id', 36).primary();
    table
      .string('app', 63)
      .notNullable()
      .references('name')
      .inTable('slipway_apps')
      .onDelete('CASCADE');
    table.string('kind', 16).notNullable();
    table.string('status', 16).notNullable();
    table.string('commit_sha', 64).nullable();
    table.string('image', 255).nullable();
    table.string('container', 255).nullable();
    table.string('initiator', 255).nullable();
    table.text('diagnosis').nullable();
    table
      .text('request')
      .notNullable()
      .comment('JSON request, env values removed');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['app', 'created_at'], 'slipway_deployments_app_idx');
    table.index(['status'], 'slipway_deployments_status_idx');
  });

  await knex.schema.createTable('slipway_deployment_logs', table => {
    table.comment('Log lines of deployments, in order');
    table.bigIncrements('id').primary();
    table
      .string('deployment_id', 36)
      .notNullable()
      .references('id')
      .inTable('slipway_deployments')
      .onDelete('CASCADE');
    table.string('stream', 8).notNullable();
    table.text('line').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(
      ['deployment_id', 'id'],
      'slipway_deployment_logs_deployment_idx',
    );
  });

  await knex.schema.createTable('slipway_health_samples', table => {
    table.comment('Results of health probes, pruned after a retention period');
    table.bigIncrements('id').primary();
    table
      .string('app', 63)
      .notNullable()
      .references('name')
      .inTable('slipway_apps')
      .onDelete('CASCADE');
    table.boolean('ok').notNullable();
    table.integer('latency_ms').nullable();
    table.integer('http_status').nullable();
    table.string('error', 1024).nullable();
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table.index(['app', 'checked_at'], 'slipway_health_samples_app_idx');
  });

  await knex.schema.createTable('slipway_app_transitions', table => {
    table.comment('Every app state transition with its time and reason');
    table.bigIncrements('id').primary();
    table
      .string('app', 63)
      .notNullable()
      .references('name')
      .inTable('slipway_apps')
      .onDelete('CASCADE');
    table.string('from_state', 16).nullable();
    table.string('to_state', 16).notNullable();
    table.string('reason', 1024).notNullable();
    table.string('deployment_id', 36).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['app', 'id'], 'slipway_app_transitions_app_idx');
  });

  await knex.schema.createTable('slipway_locks', table => {
    table.comment(
      'Job locks (per app, per host): a row exists while a job holds the lock',
    );
    table.string('name', 128).primary();
    table.string('holder', 64).notNullable();
    table.timestamp('acquired_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('slipway_locks');
  await knex.schema.dropTable('slipway_app_transitions');
  await knex.schema.dropTable('slipway_health_samples');
  await knex.schema.dropTable('slipway_deployment_logs');
  await knex.schema.dropTable('slipway_deployments');
  await knex.schema.dropTable('slipway_apps');
  await knex.schema.dropTable('slipway_hosts');
};
