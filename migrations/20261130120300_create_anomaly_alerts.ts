import type { Knex } from 'knex';

// Anomaly alerts of the data exchange: a system reading a resource far above its usual volume,
// or a consumer whose share of SUBJECT_NOT_FOUND answers suggests it is enumerating subjects.
// One alert per kind, Asia/Shanghai day, resource and system: the unique key is the claim, so
// scans on several workers, or one run again, alert once.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('anomaly_alerts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('kind', 16).notNullable().checkIn(['volume', 'enumeration'], 'anomaly_alerts_kind_check');
    t.string('day', 10).notNullable();
    t.uuid('resource_id').notNullable();
    t.uuid('system_id').notNullable();
    t.string('consumer_code', 18).notNullable();
    t.string('provider_code', 18).notNullable();
    // volume: calls today and the 14-day median; enumeration: calls and SUBJECT_NOT_FOUND answers today
    t.integer('observed').notNullable();
    t.double('baseline').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['kind', 'day', 'resource_id', 'system_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('anomaly_alerts');
}
