import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('username', 64).notNullable().unique();
    t.text('display_name').notNullable();
    // One role per user: nobody holds both administrator and auditor (三员分立).
    t.string('role', 16).notNullable()
      .checkIn(['platform_admin', 'auditor', 'dept_admin', 'dept_operator'], 'users_role_check');
    t.string('department_code', 18).notNullable().references('code').inTable('departments').onDelete('RESTRICT');
    t.text('password_hash');
    t.string('status', 16).notNullable().defaultTo('active').checkIn(['active', 'disabled'], 'users_status_check');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['department_code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
