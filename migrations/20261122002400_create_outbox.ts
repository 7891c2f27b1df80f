import type { Knex } from 'knex';

// Transactional outbox: a state change writes the messages it causes in the same transaction;
// a relay moves them to the queues afterwards, so nothing is sent before the commit and nothing
// is lost while Redis is down. Webhook rows double as each department's notification list.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.uuid('id').primary();
    t.string('kind', 16).notNullable().checkIn(['webhook', 'job'], 'outbox_kind_check');
    // webhook: the event type (application.pending_provider …); job: the job name
    t.string('type', 64).notNullable();
    t.string('department_code', 18).references('code').inTable('departments').onDelete('RESTRICT');
    t.uuid('application_id');
    t.uuid('grant_id');
    // What the recipient is told: ids and decisions only, never personal data.
    t.jsonb('data').notNullable().defaultTo('{}');
    t.string('job_name', 64).notNullable();
    // BullMQ job id from the business key, without ':'; a duplicate add converges on one job.
    t.string('job_id', 160).notNullable();
    t.jsonb('job_payload').notNullable();
    t.string('status', 16).notNullable().defaultTo('pending')
      .checkIn(['pending', 'queued', 'delivered', 'no_webhook', 'dead', 'done'], 'outbox_status_check');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('redrives').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('queued_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('dead_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['department_code', 'created_at']);
    t.index(['application_id']);
  });
  await knex.raw(`create index outbox_to_relay on outbox (created_at) where status in ('pending', 'queued')`);
  await knex.raw(`create index outbox_dead on outbox (dead_at) where status = 'dead'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox');
}
