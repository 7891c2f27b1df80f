import type { Knex } from 'knex';

// Hosted records (issue 9): the rows a provider's systems load for a resource with
// delivery.mode = hosted. Found by a keyed HMAC-SM3 of the subject id, never by the id itself:
// a dump without the master secret does not say who is in it. See src/modules/exchange/README.md
// ("Hosted records at rest") for what each column holds and how keys rotate.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('records', (t) => {
    // No foreign keys here: a per-row RI trigger on resource_id and loaded_by cost a quarter of the
    // bulk-load time (issue 9 asks for ≥ 20,000 records/s). The exchange repository is the only
    // writer, and resources and systems are never deleted (their own FKs say RESTRICT).
    t.uuid('resource_id').notNullable();
    // HMAC-SM3(subject key of key_id, normalised subject id): 32 bytes.
    t.binary('subject_hash').notNullable();
    t.primary(['resource_id', 'subject_hash']);
    // Which master key the hash, the sealed part and content_hash were made with (rotation).
    t.string('key_id', 16).notNullable();
    // Display form (first 6 and last 4 characters), for audit and receipts.
    t.string('subject_masked', 18).notNullable();
    // Items below the highest sensitivity, in the clear: { key: value }.
    t.jsonb('data').notNullable();
    // SM4 seal of { r: resource id, s: subject id, v: { highly_sensitive items } }: the subject id
    // is recoverable (needed to re-index after a key rotation), but only with the key.
    t.text('sealed').notNullable();
    // Keyed HMAC-SM3 of the whole normalised record: a reload of the same values is "unchanged"
    // without unsealing anything, and adds no history.
    t.binary('content_hash').notNullable();
    t.integer('resource_version').notNullable();
    t.uuid('loaded_by').notNullable();
    t.timestamp('loaded_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    // Tombstone: the record is gone for consumers; the row and its history stay.
    t.timestamp('deleted_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('records');
}
