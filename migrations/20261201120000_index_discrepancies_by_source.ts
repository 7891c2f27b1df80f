import type { Knex } from 'knex';

// A load of an authoritative source re-checks the open discrepancies of the subjects it loads
// (exchange/cross-check.ts, recheckDiscrepancies): found by source resource and subject.
export async function up(knex: Knex): Promise<void> {
  await knex.raw("create index discrepancies_source_subject_idx on discrepancies (source_resource_id, subject_hash) where status = 'open'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index discrepancies_source_subject_idx');
}
