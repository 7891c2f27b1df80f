import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('systems', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('department_code', 18).notNullable().references('code').inTable('departments').onDelete('RESTRICT');
    t.text('name').notNullable();
    t.text('description');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['department_code', 'name']);
  });
  await knex.schema.createTable('system_keys', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('system_id').notNullable().references('id').inTable('systems').onDelete('CASCADE');
    // SHA-256 of the whole key: keys are 256-bit random, so a fast hash is enough; the key itself
    // is shown once and never stored.
    t.string('key_hash', 64).notNullable().unique();
    t.string('key_prefix', 12).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.index(['system_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('system_keys');
  await knex.schema.dropTable('systems');
}
