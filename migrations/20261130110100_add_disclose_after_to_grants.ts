import type { Knex } from 'knex';

// Discretion (issue 11 §6): a grant whose purpose requires discretion (an investigation) carries
// the date from which its accesses are disclosed to the data subjects; until then a subject's
// access log shows each such access as a counted, sealed entry. Set at approval; null = disclosed.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('grants', (t) => {
    t.timestamp('disclose_after', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('grants', (t) => {
    t.dropColumn('disclose_after');
  });
}
