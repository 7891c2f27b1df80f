import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('departments', (t) => {
    // 统一社会信用代码 of the agency; checksum validated by the API before insert.
    t.string('code', 18).primary();
    t.text('name').notNullable();
    t.string('level', 16).notNullable().checkIn(['province', 'city', 'district'], 'departments_level_check');
    t.string('parent_code', 18).references('code').inTable('departments').onDelete('RESTRICT');
    t.boolean('is_platform').notNullable().defaultTo(false);
    t.text('webhook_url');
    // SM4-sealed; never returned after creation.
    t.text('webhook_secret_sealed');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Exactly one platform department (共享主管部门) holds the admins and auditors.
  await knex.raw('create unique index departments_one_platform on departments (is_platform) where is_platform');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('departments');
}
