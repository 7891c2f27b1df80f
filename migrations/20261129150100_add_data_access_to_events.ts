import type { Knex } from 'knex';

// Data access events (issue 9): every read of hosted records by a consumer system is one row of the
// trail, with what an auditor or the data subject needs to find and read it. The subject is never
// stored plain: subject_hash is HMAC-SM3 under the hub's `subject` key (the same index as records),
// subject_masked its display form. actor_id / actor_department hold the system and its department.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.uuid('resource_id');
    t.uuid('grant_id');
    t.binary('subject_hash');
    t.string('subject_masked', 18);
    t.jsonb('fields');
    t.string('service_item_code', 64);
    t.string('case_id', 128);
    t.string('operator_id', 128);
    t.integer('latency_ms');
    // "Who read my records": the subject's own access log is a lookup by hash.
    t.index(['subject_hash', 'id'], 'events_subject_hash_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.dropIndex(['subject_hash', 'id'], 'events_subject_hash_idx');
    t.dropColumns('resource_id', 'grant_id', 'subject_hash', 'subject_masked', 'fields', 'service_item_code', 'case_id', 'operator_id', 'latency_ms');
  });
}
