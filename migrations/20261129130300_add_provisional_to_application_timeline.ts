import type { Knex } from 'knex';

// Whether the deadlines a timeline entry names (due_at: the step it closes or concerns;
// next_due_at: the step it opens) were counted on a provisional calendar. Null where the entry
// names no deadline, and for entries written before this column.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application_timeline', (t) => {
    t.boolean('due_provisional');
    t.boolean('next_due_provisional');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application_timeline', (t) => {
    t.dropColumn('due_provisional');
    t.dropColumn('next_due_provisional');
  });
}
