// @ts-check

/**
 * An app's owner as the catalog knows it: the `spec.owner` of the Component registered for
 * the app (annotated `slipway/app-name`, living in the app's repository). When set, it wins
 * over `owner`, the one recorded at first deploy; the catalog sync keeps it current.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('slipway_apps', table => {
    table
      .string('catalog_owner', 255)
      .nullable()
      .comment('spec.owner of the app’s catalog Component; wins over owner');
    table
      .string('catalog_entity', 255)
      .nullable()
      .comment('Entity ref of the Component that catalog_owner comes from');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('slipway_apps', table => {
    table.dropColumn('catalog_owner');
    table.dropColumn('catalog_entity');
  });
};
