import type { Knex } from 'knex';

// Facts about this installation that every process must agree on, e.g. the fingerprint of the
// master secret the database's sealed values were written with.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('hub_settings', (t) => {
    t.string('key', 64).primary();
    t.text('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('hub_settings');
}
