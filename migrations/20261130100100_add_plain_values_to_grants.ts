import type { Knex } from 'knex';

// A grant may allow plain (unmasked) values (issue 9 point 2: "masking per data item unless the
// grant allows plain values"). Decided by the party whose decision issues the grant; false by
// default, so every existing grant keeps serving masked values. The application keeps what the
// platform decided at a Route A acceptance until the grant is issued (a provider-served resource
// is granted later, by the provision job).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('grants', (t) => {
    t.boolean('plain_values').notNullable().defaultTo(false);
  });
  await knex.schema.alterTable('applications', (t) => {
    t.boolean('decided_plain_values').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.dropColumn('decided_plain_values');
  });
  await knex.schema.alterTable('grants', (t) => {
    t.dropColumn('plain_values');
  });
}
