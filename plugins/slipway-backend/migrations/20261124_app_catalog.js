// @ts-check

/**
 * An app's catalog owner and description, so a deployed app can be registered in the catalog
 * (the `slipway-app` location type) and filtered by owner without a catalog round trip.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('slipway_apps', table => {
    table
      .string('owner', 255)
      .nullable()
      .comment('Entity ref of the owner, e.g. group:default/platform-team');
    table.string('description', 280).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('slipway_apps', table => {
    table.dropColumn('owner');
    table.dropColumn('description');
  });
};
