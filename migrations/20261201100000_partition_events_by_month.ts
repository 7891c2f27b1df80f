import type { Knex } from 'knex';

// Retention (issue 11 §7): the audit trail's events are partitioned by month (declarative range
// partitioning on occurred_at, months in UTC), so that a month older than the retention can be
// dropped whole once every event in it is sealed under a signed tree head — without DELETE, which
// the app role lacks and the append-only triggers refuse. The tree keeps what proofs need
// (event_leaves.leaf_hash, audit_nodes), so it still verifies and proves afterwards.
//
// - Partitions `events_YYYY_MM` cover [first of the month, first of the next) UTC. Created ahead
//   by the owner (src/modules/audit/retention.ts, at every start and by the retention job); here
//   from the oldest event's month to three months ahead.
// - `events_default` takes any event outside the monthly partitions; retention never drops it.
// - The primary key must hold the partition key: (id, occurred_at). ids still come from the same
//   sequence, so they stay unique; nothing references events by a foreign key.
// - The append-only triggers are declared on the parent, which clones them onto each partition.
// - audit_retention_drops: each dropped month, the positions (seq) of its events in the tree,
//   the head that covered them, and the hub's SM2 signature over that record (append-only).
//
// The rows are copied into the new table in this migration (one statement).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter sequence events_id_seq owned by none;
    create table events_partitioned (like events including defaults) partition by range (occurred_at);
    create table events_default partition of events_partitioned default;
  `);
  const { rows: [span] } = await knex.raw(`
    select to_char(date_trunc('month', coalesce(min(occurred_at), now()) at time zone 'UTC'), 'YYYY-MM-DD') as first,
      to_char(date_trunc('month', now() at time zone 'UTC') + interval '3 months', 'YYYY-MM-DD') as last
    from events`) as { rows: { first: string; last: string }[] };
  for (let month = new Date(`${span!.first}T00:00:00Z`); month <= new Date(`${span!.last}T00:00:00Z`);) {
    const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
    const name = `events_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
    await knex.raw(`create table ${name} partition of events_partitioned for values from ('${month.toISOString()}') to ('${next.toISOString()}')`);
    month = next;
  }
  // The actor-kind check as it stands (with NOT VALID if it is), added after the copy.
  const { rows: [check] } = await knex.raw(`select pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = 'events'::regclass and conname = 'events_actor_kind_check'`) as { rows: { def: string }[] };
  await knex.raw(`
    insert into events_partitioned select * from events;
    drop table events;
    alter table events_partitioned rename to events;
    alter sequence events_id_seq owned by events.id;
    alter table events add constraint events_pkey primary key (id, occurred_at);
    alter table events add constraint events_actor_kind_check ${check!.def};
    create index events_entity_type_entity_id_id_index on events (entity_type, entity_id, id);
    create index events_insert_xid_idx on events (insert_xid);
    create index events_occurred_at_index on events (occurred_at);
    create index events_subject_hash_idx on events (subject_hash, id);
    create trigger events_no_update before update or delete on events for each row execute function events_append_only();
    create trigger events_no_truncate before truncate on events for each statement execute function events_append_only();

    create table audit_retention_drops (
      partition varchar(63) primary key,
      range_from timestamptz not null,
      range_to timestamptz not null check (range_to > range_from),
      events integer not null check (events >= 0),
      seq_ranges int8multirange not null,
      head_size bigint not null references tree_heads (size),
      dropped_at timestamptz not null,
      public_key text not null,
      signature bytea not null check (length(signature) = 64)
    );
    create trigger audit_retention_drops_no_update before update or delete on audit_retention_drops for each row execute function audit_append_only();
    create trigger audit_retention_drops_no_truncate before truncate on audit_retention_drops for each statement execute function audit_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  // Back to one table (events of dropped months stay gone: their leaves remain in the tree).
  await knex.raw(`
    drop table audit_retention_drops;
    alter sequence events_id_seq owned by none;
    create table events_plain (like events including defaults);
    insert into events_plain select * from events;
    drop table events;
    alter table events_plain rename to events;
    alter sequence events_id_seq owned by events.id;
    alter table events add constraint events_pkey primary key (id);
    -- not valid: rows written under a later constraint (a data subject's reads) stay as they are.
    alter table events add constraint events_actor_kind_check check (actor_kind in ('user', 'system', 'scheduler', 'worker', 'cli')) not valid;
    create index events_entity_type_entity_id_id_index on events (entity_type, entity_id, id);
    create index events_insert_xid_idx on events (insert_xid);
    create index events_occurred_at_index on events (occurred_at);
    create index events_subject_hash_idx on events (subject_hash, id);
    create trigger events_no_update before update or delete on events for each row execute function events_append_only();
    create trigger events_no_truncate before truncate on events for each statement execute function events_append_only();
  `);
}
