import type { Knex } from 'knex';

// Share applications (共享申请): a consumer department asks for fields of one published resource
// version for one of its systems. The state machine lives in the application service; this table
// only refuses values outside it.
const STATUSES = ['pending_review', 'returned', 'rejected', 'provisioning', 'pending_provider', 'granted', 'denied',
  'in_coordination', 'withdrawn'];
// States in which the application is still open: at most one per system and resource.
const OPEN = `status in ('pending_review', 'returned', 'provisioning', 'pending_provider', 'in_coordination')`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('applications', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('consumer_code', 18).notNullable().references('code').inTable('departments').onDelete('RESTRICT');
    t.string('provider_code', 18).notNullable().references('code').inTable('departments').onDelete('RESTRICT');
    t.uuid('resource_id').notNullable();
    // The published version at (re)submission: fields, share type and routing come from it.
    t.integer('resource_version').notNullable();
    t.foreign(['resource_id', 'resource_version']).references(['resource_id', 'version']).inTable('resource_versions').onDelete('RESTRICT');
    t.uuid('system_id').notNullable().references('id').inTable('systems').onDelete('RESTRICT');
    t.jsonb('fields').notNullable();
    t.text('purpose').notNullable();
    t.text('legal_basis').notNullable();
    // 事项编码: the government-service item the data is used for
    t.string('service_item_code', 64).notNullable();
    t.timestamp('valid_from', { useTz: true }).notNullable();
    t.timestamp('valid_to', { useTz: true }).notNullable();
    t.integer('expected_daily_calls').notNullable();
    t.string('status', 24).notNullable().checkIn(STATUSES, 'applications_status_check');
    // Route A: the platform serves directly; Route B: the provider decides. Set at acceptance.
    t.string('route', 1).checkIn(['A', 'B'], 'applications_route_check');
    // The open step: who must act, since when, by when, and the colour recorded by the sweeps.
    t.string('step', 24);
    t.string('responsible_code', 18);
    t.timestamp('step_started_at', { useTz: true });
    t.timestamp('due_at', { useTz: true });
    t.timestamp('warn_at', { useTz: true });
    t.string('sla', 16).checkIn(['on_time', 'warning', 'overdue'], 'applications_sla_check');
    // What the decision granted, when it narrowed the request.
    t.jsonb('decided_fields');
    t.timestamp('decided_valid_to', { useTz: true });
    t.text('conditions');
    t.timestamp('coordination_requested_at', { useTz: true });
    t.uuid('grant_id');
    t.uuid('created_by');
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['consumer_code', 'submitted_at']);
    t.index(['provider_code', 'status']);
    t.index(['resource_id']);
  });
  await knex.raw(`create unique index applications_one_open on applications (system_id, resource_id) where ${OPEN}`);
  await knex.raw(`create index applications_open_due on applications (due_at) where ${OPEN}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('applications');
}
