import type { Knex } from 'knex';

// 效能监督 of the data exchange: hourly figures per resource, consumer system (and its department)
// and hour, rolled up incrementally from the data-access events of the audit trail, so that the
// supervision figures and anomaly alerts never scan the trail itself. latency_buckets counts calls
// per latency bucket (the bounds are the supervision module's; the last slot is "above all").
// supervision_watermarks holds the id of the last event each roll-up has counted.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('access_rollups', (t) => {
    t.uuid('resource_id').notNullable();
    t.uuid('system_id').notNullable();
    t.string('consumer_code', 18).notNullable();
    t.timestamp('hour', { useTz: true }).notNullable();
    t.integer('calls').notNullable();
    t.integer('errors').notNullable();
    // problem code → calls refused or failed with it (SUBJECT_NOT_FOUND, QUOTA_EXCEEDED …)
    t.jsonb('errors_by_code').notNullable().defaultTo('{}');
    t.specificType('latency_buckets', 'integer[]').notNullable();
    t.bigInteger('latency_sum_ms').notNullable();
    t.primary(['resource_id', 'system_id', 'hour']);
    t.index(['hour']);
  });
  await knex.schema.createTable('supervision_watermarks', (t) => {
    t.string('name', 32).primary();
    t.bigInteger('last_event_id').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('supervision_watermarks');
  await knex.schema.dropTable('access_rollups');
}
