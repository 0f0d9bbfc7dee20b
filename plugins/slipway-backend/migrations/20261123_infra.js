// @ts-check

/**
 * Provisioning: jobs that run the IaC tool for a host (the request, without secrets, is kept on
 * the job) and their log lines. A provisioned host is registered in slipway_hosts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('slipway_infra_jobs', table => {
    table.comment('Provision and destroy jobs of hosts');
    table.string('id', 36).primary();
    table.string('host', 63).notNullable();
    table.string('kind', 16).notNullable();
    table.string('status', 16).notNullable();
    table.text('plan_summary').nullable().comment('JSON {add, change, remove}');
    table.text('diagnosis').nullable();
    table.string('initiator', 255).nullable();
    table.text('request').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['host', 'created_at'], 'slipway_infra_jobs_host_idx');
  });

  await knex.schema.createTable('slipway_infra_job_logs', table => {
    table.comment('Log lines of provisioning jobs, in order');
    table.bigIncrements('id').primary();
    table
      .string('job_id', 36)
      .notNullable()
      .references('id')
      .inTable('slipway_infra_jobs')
      .onDelete('CASCADE');
    table.string('stream', 8).notNullable();
    table.text('line').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['job_id', 'id'], 'slipway_infra_job_logs_job_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('slipway_infra_job_logs');
  await knex.schema.dropTable('slipway_infra_jobs');
};
