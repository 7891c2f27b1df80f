import type { Knex } from 'knex';

// 一数一源、多元校核 (issue 10): a loaded copy of a data item that disagrees with its authoritative
// source (the item's `authoritativeSource` in the catalog) for the same subject. One open row per
// (copy resource, item, subject): a later load that disagrees again counts an occurrence, one
// that agrees resolves it. Values are never stored, only where and for whom they differ; the
// subject is the records' HMAC (subject_hash) and its masked form.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('discrepancies', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // The loaded copy: resource, item and its department (the copy's provider).
    t.uuid('resource_id').notNullable();
    t.string('item_key', 64).notNullable();
    t.string('copy_code', 18).notNullable();
    // The authoritative source: resource, item and the department that answers for it.
    t.uuid('source_resource_id').notNullable();
    t.string('source_item_key', 64).notNullable();
    t.string('source_code', 18).notNullable();
    t.binary('subject_hash').notNullable();
    t.string('subject_masked', 18).notNullable();
    t.string('status', 16).notNullable().defaultTo('open');
    t.integer('occurrences').notNullable().defaultTo(1);
    t.timestamp('detected_at', { useTz: true }).notNullable();
    t.timestamp('last_seen_at', { useTz: true }).notNullable();
    t.timestamp('resolved_at', { useTz: true });
    // 'agreed' (a later load matched the source) or 'closed' (the source department closed it, with a note).
    t.string('resolution', 16);
    t.uuid('resolved_by');
    t.text('note');
    t.index(['source_code', 'status', 'detected_at'], 'discrepancies_source_idx');
    t.index(['copy_code', 'status', 'detected_at'], 'discrepancies_copy_idx');
  });
  await knex.raw("alter table discrepancies add constraint discrepancies_status_check check (status in ('open', 'resolved'))");
  await knex.raw("create unique index discrepancies_open_idx on discrepancies (resource_id, item_key, subject_hash) where status = 'open'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('discrepancies');
}
