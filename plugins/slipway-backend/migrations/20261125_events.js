// @ts-check

/**
 * Events: the transactional outbox (an event row is written in the transaction of the change it
 * describes, and a relay publishes it to NATS JetStream), the leases that choose the one
 * relaying replica, and the notifications already sent, so a relay that retries or a second
 * replica never notifies twice.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('slipway_outbox', table => {
    table.comment(
      'Events written with the state change they describe, until published to NATS JetStream',
    );
    // The id is the publishing order: the relay reads unsent rows by id.
    table.bigIncrements('id').primary();
    table
      .string('event_id', 64)
      .notNullable()
      .unique()
      .comment('the event id: the SSE id and the JetStream Nats-Msg-Id');
    table.string('subject', 255).notNullable();
    table.string('type', 32).notNullable();
    table
      .string('app', 63)
      .nullable()
      .comment('the app the event is about; null for infrastructure events');
    table.text('payload').notNullable().comment('the event as JSON');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table
      .timestamp('sent_at', { useTz: true })
      .nullable()
      .comment('when JetStream acknowledged it; null while it waits');
    table.index(['sent_at'], 'slipway_outbox_sent_idx');
  });
  // The relay's query, "unsent rows in id order", reads only this (small) index; partial indexes
  // exist in both SQLite and PostgreSQL.
  await knex.raw(
    'CREATE INDEX slipway_outbox_unsent_idx ON slipway_outbox (id) WHERE sent_at IS NULL',
  );

  await knex.schema.createTable('slipway_leases', table => {
    table.comment(
      'Leases held by one backend replica at a time (e.g. the outbox relay), renewed before they expire',
    );
    table.string('name', 128).primary();
    table.string('holder', 128).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('slipway_notifications_sent', table => {
    table.comment(
      'Events a notification was sent for: whoever inserts the row sends it, once',
    );
    table.string('event_id', 64).primary();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['created_at'], 'slipway_notifications_sent_created_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('slipway_notifications_sent');
  await knex.schema.dropTable('slipway_leases');
  await knex.schema.dropTable('slipway_outbox');
};
