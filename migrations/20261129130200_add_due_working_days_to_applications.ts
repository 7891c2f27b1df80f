import type { Knex } from 'knex';

// How many working days the open step's deadline counts from step_started_at, so that a
// deadline recomputed after a calendar change keeps its length whatever the configuration says
// by then. Rows written before this column get the count their deadline was computed with:
// the working days after the day the step started up to its due day (Asia/Shanghai), on the
// calendar as it stood, where a year without a row counted Monday–Friday.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.integer('due_working_days');
  });
  await knex.raw(`
    update applications a
       set due_working_days = (
         select count(*)
           from generate_series((a.step_started_at at time zone 'Asia/Shanghai')::date + 1,
                                (a.due_at at time zone 'Asia/Shanghai')::date, interval '1 day') as g(d)
           left join calendar_years c on c.year = extract(year from g.d)::int
          where case
                  when c.makeup_workdays @> to_jsonb(to_char(g.d, 'YYYY-MM-DD')) then true
                  when c.holidays @> to_jsonb(to_char(g.d, 'YYYY-MM-DD')) then false
                  else extract(isodow from g.d) < 6
                end)
     where a.due_at is not null and a.step_started_at is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.dropColumn('due_working_days');
  });
}
