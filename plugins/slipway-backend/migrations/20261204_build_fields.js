// @ts-check

/**
 * Per-app build and resource settings from the deploy request: the build context and
 * Dockerfile of a monorepo, and the container's memory and CPU limits. Null means Docker's
 * default (the repo root, its Dockerfile, no limit), so existing apps keep what they had.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('slipway_apps', table => {
    table
      .string('build_context', 255)
      .nullable()
      .comment('docker build context, relative to the repo root');
    table
      .string('dockerfile', 255)
      .nullable()
      .comment('Dockerfile path, relative to the repo root');
    table
      .string('memory', 16)
      .nullable()
      .comment('docker run --memory, e.g. 256m');
    // Hundredths of a CPU, exactly: a float would turn 0.1 into 0.100000001 on PostgreSQL.
    table
      .decimal('cpus', 8, 2)
      .nullable()
      .comment('docker run --cpus, e.g. 0.5');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('slipway_apps', table => {
    table.dropColumn('build_context');
    table.dropColumn('dockerfile');
    table.dropColumn('memory');
    table.dropColumn('cpus');
  });
};
