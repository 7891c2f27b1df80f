import type { Knex } from 'knex';

// Previous values of hosted records: one row per replaced or tombstoned version, written in the
// same statement as the change. Sealed like `records`; only a key rotation rewrites the key-bound
// columns (subject_hash, key_id, sealed), which the trigger below enforces.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('record_history', (t) => {
    t.bigIncrements('id').primary();
    // No foreign keys, as in records: written only by the exchange repository, in bulk.
    t.uuid('resource_id').notNullable();
    t.binary('subject_hash').notNullable();
    t.string('key_id', 16).notNullable();
    t.string('subject_masked', 18).notNullable();
    t.jsonb('data').notNullable();
    t.text('sealed').notNullable();
    t.integer('resource_version').notNullable();
    // Who loaded these values and when (the version as it was).
    t.uuid('loaded_by').notNullable();
    t.timestamp('loaded_at', { useTz: true }).notNullable();
    // What ended them: replaced by a new load, or deleted (tombstone).
    t.string('change', 16).notNullable().checkIn(['replaced', 'deleted'], 'record_history_change_check');
    t.uuid('changed_by').notNullable();
    t.timestamp('changed_at', { useTz: true }).notNullable();
    t.index(['resource_id', 'subject_hash', 'id']);
  });
  await knex.raw(`
    create function record_history_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'record_history is append-only' using errcode = 'P0001';
      end if;
      if (new.id, new.resource_id, new.subject_masked, new.data, new.resource_version, new.loaded_by, new.loaded_at,
          new.change, new.changed_by, new.changed_at)
         is distinct from
         (old.id, old.resource_id, old.subject_masked, old.data, old.resource_version, old.loaded_by, old.loaded_at,
          old.change, old.changed_by, old.changed_at) then
        raise exception 'record_history is append-only (only a key rotation re-seals it)' using errcode = 'P0001';
      end if;
      return new;
    end $$`);
  await knex.raw(`create trigger record_history_append_only before update or delete on record_history
    for each row execute function record_history_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('record_history');
  await knex.raw('drop function record_history_append_only()');
}
