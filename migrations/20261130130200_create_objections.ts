import type { Knex } from 'knex';

// 纠错 (issue 10): a consumer's objection to one field of one subject's record, routed to the
// providing department with a working-day deadline (yellow/red like the workflow's steps), decided
// by the provider: corrected (a new value, written through the record path with its history) or
// rejected with a reason. The subject is the records' HMAC and its masked form; neither the
// objected value nor a new one is stored here.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('objections', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('resource_id').notNullable();
    t.string('item_key', 64).notNullable();
    t.binary('subject_hash').notNullable();
    t.string('subject_masked', 18).notNullable();
    t.text('reason').notNullable();
    t.string('consumer_code', 18).notNullable();
    t.string('provider_code', 18).notNullable();
    // Who raised it: a system (uuid) or a user (uuid), by kind.
    t.string('raised_by_kind', 8).notNullable();
    t.uuid('raised_by').notNullable();
    t.string('status', 16).notNullable().defaultTo('open');
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.boolean('due_provisional').notNullable().defaultTo(false);
    t.timestamp('warn_at', { useTz: true }).notNullable();
    t.string('sla', 16).notNullable().defaultTo('on_time');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('decided_at', { useTz: true });
    t.uuid('decided_by');
    t.text('decision_reason');
    // Consumer systems told of the correction (from the data-access events of the last 90 days).
    t.integer('notified_systems');
    t.index(['provider_code', 'status', 'created_at'], 'objections_provider_idx');
    t.index(['consumer_code', 'status', 'created_at'], 'objections_consumer_idx');
  });
  await knex.raw("alter table objections add constraint objections_status_check check (status in ('open', 'corrected', 'rejected'))");
  await knex.raw("alter table objections add constraint objections_sla_check check (sla in ('on_time', 'warning', 'overdue'))");
  // The deadline sweep looks only at open objections.
  await knex.raw("create index objections_open_due_idx on objections (due_at) where status = 'open'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('objections');
}
