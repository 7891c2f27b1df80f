import type { Knex } from 'knex';

// The working-day calendar (办事工作日制度), one row per year: the State Council General Office
// publishes each year's holidays and make-up working days every November, and an administrator
// enters them. Days are 'YYYY-MM-DD' strings in Asia/Shanghai, so no driver turns them into
// instants in some other zone.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendar_years', (t) => {
    t.integer('year').primary();
    t.jsonb('holidays').notNullable().defaultTo('[]');
    t.jsonb('makeup_workdays').notNullable().defaultTo('[]');
    t.text('source');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('updated_by');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('calendar_years');
}
