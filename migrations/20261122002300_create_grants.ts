import type { Knex } from 'knex';

// Grants (授权): what a consumer system may read — fields of one pinned resource version, for a
// purpose and a service item, within a validity and a daily quota. active → revoked | expired.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('grants', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('application_id').notNullable().unique().references('id').inTable('applications').onDelete('RESTRICT');
    t.string('consumer_code', 18).notNullable().references('code').inTable('departments').onDelete('RESTRICT');
    t.string('provider_code', 18).notNullable().references('code').inTable('departments').onDelete('RESTRICT');
    t.uuid('system_id').notNullable().references('id').inTable('systems').onDelete('RESTRICT');
    t.uuid('resource_id').notNullable();
    t.integer('resource_version').notNullable();
    t.foreign(['resource_id', 'resource_version']).references(['resource_id', 'version']).inTable('resource_versions').onDelete('RESTRICT');
    t.jsonb('fields').notNullable();
    t.text('purpose').notNullable();
    t.text('legal_basis').notNullable();
    t.string('service_item_code', 64).notNullable();
    t.text('conditions');
    t.timestamp('valid_from', { useTz: true }).notNullable();
    t.timestamp('valid_to', { useTz: true }).notNullable();
    t.integer('daily_quota').notNullable();
    t.string('status', 16).notNullable().defaultTo('active').checkIn(['active', 'revoked', 'expired'], 'grants_status_check');
    // When the consumer is told the grant runs out (ten working days before, by default).
    t.timestamp('expiry_notice_at', { useTz: true }).notNullable();
    t.timestamp('expiry_notified_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.string('revoked_by', 64);
    t.text('revoke_reason');
    t.timestamp('expired_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The data-exchange path looks a grant up by system and resource on every call.
    t.index(['system_id', 'resource_id', 'status']);
    t.index(['consumer_code']);
    t.index(['provider_code']);
  });
  await knex.raw(`create index grants_active_valid_to on grants (valid_to) where status = 'active'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('grants');
}
