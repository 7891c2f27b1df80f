import type { Knex } from 'knex';

// Idempotency of bulk loads: one row per (system, resource, Idempotency-Key), written in the
// same transaction as the records, so a load either happened with its reply stored or not at all.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bulk_loads', (t) => {
    t.uuid('system_id').notNullable().references('id').inTable('systems').onDelete('RESTRICT');
    t.uuid('resource_id').notNullable().references('id').inTable('resources').onDelete('RESTRICT');
    t.string('idempotency_key', 128).notNullable();
    t.primary(['system_id', 'resource_id', 'idempotency_key']);
    // SHA-256 of the body's bytes: a retry must send the very same body.
    t.string('body_sha256', 64).notNullable();
    // The reply of the first load (counts and per-line errors; never a value of a record).
    t.jsonb('reply').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('bulk_loads');
}
