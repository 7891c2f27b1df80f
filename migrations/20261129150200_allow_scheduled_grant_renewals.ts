import type { Knex } from 'knex';

// A renewal whose validity starts later is issued while the current grant still serves (issue 9:
// no gap). So a system may hold two active grants of one resource — the one serving and the one
// starting later, with disjoint validities — and the unique "one active" index becomes one active
// grant per start. The data path picks the grant whose validity contains the request's time.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop index grants_one_active');
  await knex.raw(`create unique index grants_one_active_per_start on grants (system_id, resource_id, valid_from) where status = 'active'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index grants_one_active_per_start');
  await knex.raw(`create unique index grants_one_active on grants (system_id, resource_id) where status = 'active'`);
}
