import type { Knex } from 'knex';

// password_changed_at: tokens issued before it are refused, so a password change (a reset after
// a compromise above all) ends every session. failed_logins/last_failed_login_at/locked_until:
// login throttling per user, reset by a successful sign-in or a password change.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.timestamp('password_changed_at', { useTz: true });
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('last_failed_login_at', { useTz: true });
    t.timestamp('locked_until', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('locked_until');
    t.dropColumn('last_failed_login_at');
    t.dropColumn('failed_logins');
    t.dropColumn('password_changed_at');
  });
}
