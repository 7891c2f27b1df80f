import type { Knex } from 'knex';

// One append-only trail of everything that changes: catalog, applications, grants, identities.
// Later sealed into an SM3 hash chain (the hash columns are filled by the audit sealer).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('events', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('actor_kind', 16).notNullable().checkIn(['user', 'system', 'scheduler', 'worker', 'cli'], 'events_actor_kind_check');
    t.string('actor_id', 64);
    t.string('actor_department', 18);
    t.string('entity_type', 32).notNullable();
    t.string('entity_id', 64).notNullable();
    t.integer('entity_version');
    t.string('action', 64).notNullable();
    t.string('outcome', 16).notNullable().defaultTo('success');
    t.text('reason');
    t.string('request_id', 64);
    t.jsonb('details').notNullable().defaultTo('{}');
    t.string('hash', 64);
    t.index(['entity_type', 'entity_id', 'id']);
    t.index(['occurred_at']);
  });
  await knex.raw(`
    create function events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'events are append-only (% refused)', tg_op using errcode = '42501';
    end $$;
    create trigger events_no_update before update or delete on events
      for each row execute function events_append_only();
    create trigger events_no_truncate before truncate on events
      for each statement execute function events_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('events');
  await knex.raw('drop function if exists events_append_only()');
}
