import type { Knex } from 'knex';

// The platform is reminded at most once a day to enter a missing year's holiday notice: the
// primary key (year, day) is the claim, taken in the transaction that writes the notification,
// so sweeps on several replicas, or one run twice, remind once.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendar_reminders', (t) => {
    t.integer('year').notNullable();
    // The Asia/Shanghai day of the reminder, 'YYYY-MM-DD'.
    t.string('day', 10).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['year', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('calendar_reminders');
}
