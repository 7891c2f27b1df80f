import type { Knex } from 'knex';

// 督办 for 纠错 objections (issue 12): an objection's red card opens a supervision case like a
// workflow step's. A case now watches either an application's step or an objection, never both;
// one case per objection and deadline (the sweep may run again).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('supervision_cases', (t) => {
    t.setNullable('application_id');
    t.uuid('objection_id').references('id').inTable('objections').onDelete('CASCADE');
    t.unique(['objection_id', 'due_at']);
  });
  await knex.raw('alter table supervision_cases add constraint supervision_cases_one_subject check (num_nonnulls(application_id, objection_id) = 1)');
  await knex.raw('create index supervision_cases_open_objection on supervision_cases (objection_id) where closed_at is null and objection_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  // Irreversible for objection cases: they have no application, so they are dropped.
  await knex('supervision_cases').whereNotNull('objection_id').delete();
  await knex.raw('drop index supervision_cases_open_objection');
  await knex.raw('alter table supervision_cases drop constraint supervision_cases_one_subject');
  await knex.schema.alterTable('supervision_cases', (t) => {
    t.dropUnique(['objection_id', 'due_at']);
    t.dropColumn('objection_id');
    t.dropNullable('application_id');
  });
}
