import type { Knex } from 'knex';

// 全程留痕: every step of an application — each transition, yellow warning, red card and
// delivery — with who, when, the decision and reason, and the deadline of the step it closes
// and whether that deadline was met. Written in the transaction that makes the change.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('application_timeline', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('application_id').notNullable().references('id').inTable('applications').onDelete('CASCADE');
    t.timestamp('at', { useTz: true }).notNullable();
    t.string('action', 32).notNullable();
    t.string('from_status', 24);
    t.string('to_status', 24);
    t.string('actor_kind', 16).notNullable();
    t.string('actor_id', 64);
    t.string('actor_department', 18);
    t.string('decision', 16);
    t.text('reason');
    t.string('step', 24);
    t.timestamp('due_at', { useTz: true });
    t.boolean('deadline_met');
    t.timestamp('next_due_at', { useTz: true });
    t.jsonb('details').notNullable().defaultTo('{}');
    t.index(['application_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('application_timeline');
}
