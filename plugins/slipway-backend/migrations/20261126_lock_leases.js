// @ts-check

/**
 * Job locks become leases: the job's backend renews `expires_at` while the job runs, so another
 * replica can tell a job that is running elsewhere (live lease) from one whose backend died
 * (lapsed lease) and settle only the latter. Rows without a value count as lapsed.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('slipway_locks', table => {
    table
      .timestamp('expires_at', { useTz: true })
      .nullable()
      .comment('Renewed by the running job; lapsed means its backend is gone');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('slipway_locks', table => {
    table.dropColumn('expires_at');
  });
};
