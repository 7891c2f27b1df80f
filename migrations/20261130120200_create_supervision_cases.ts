import type { Knex } from 'knex';

// 督办: a red card opens a supervision case for the platform's competent department — who
// (responsible_code), which step, its deadline — once per step and deadline; the platform records
// what it does about it (reminder, interview, report); the case closes when the step is done.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('supervision_cases', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('application_id').notNullable().references('id').inTable('applications').onDelete('CASCADE');
    t.string('step', 24).notNullable();
    t.string('responsible_code', 18).notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.timestamp('opened_at', { useTz: true }).notNullable();
    t.timestamp('closed_at', { useTz: true });
    t.string('close_reason', 16).checkIn(['decided', 'withdrawn'], 'supervision_cases_close_reason_check');
    t.unique(['application_id', 'step', 'due_at']);
    t.index(['responsible_code', 'opened_at']);
  });
  await knex.raw('create index supervision_cases_open on supervision_cases (application_id) where closed_at is null');
  await knex.schema.createTable('supervision_actions', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('case_id').notNullable().references('id').inTable('supervision_cases').onDelete('CASCADE');
    t.string('kind', 16).notNullable().checkIn(['reminder', 'interview', 'report'], 'supervision_actions_kind_check');
    t.text('note').notNullable();
    t.uuid('actor_id');
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['case_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('supervision_actions');
  await knex.schema.dropTable('supervision_cases');
}
