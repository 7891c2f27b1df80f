import type { Knex } from 'knex';

// A deadline counted over a year whose holiday notice has not been entered is provisional: it
// was computed on the statutory holidays alone and is recomputed when the notice arrives.
// Deadlines set before this column existed counted such years Monday–Friday; they are marked
// provisional here (in SQL, the migration imports no app code), so entering the year fixes them.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.boolean('due_provisional').notNullable().defaultTo(false);
  });
  await knex.raw(`
    update applications a
       set due_provisional = true
     where a.due_at is not null
       and exists (
         select 1
           from generate_series(
                  extract(year from coalesce(a.step_started_at, a.submitted_at) at time zone 'Asia/Shanghai')::int,
                  extract(year from a.due_at at time zone 'Asia/Shanghai')::int) as y(year)
          where not exists (select 1 from calendar_years c where c.year = y.year))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.dropColumn('due_provisional');
  });
}
