import type { Knex } from 'knex';

// The verifiable audit log (issue 11): events get a gap-free sequence in commit order from the
// sealer, which writes the Merkle tree beside them. Events themselves stay immutable.
//
// - events.insert_xid: the top-level transaction that inserted the row (pg_current_xact_id()).
//   The sealer sequences an event only once its transaction has committed, and advances its
//   watermark only to the oldest transaction still running (pg_snapshot_xmin), so an event whose
//   transaction commits late is sealed late, never skipped (a bigserial id is handed out before
//   commit, so "seal every id up to the largest seen" would skip it).
// - event_leaves: seq (0, 1, 2 … without gaps) → event, its leaf hash SM3(0x00 || canonical form),
//   and the per-subject counter of data-access events. Written only by the sealer.
// - audit_nodes: every perfect interior node of the tree (level ≥ 1), for proofs; leaves are in
//   event_leaves. Kept when old event partitions are dropped: proofs never need the events.
// - tree_heads: each signed tree head (size, SM3 root, time, SM2 signature, the watermark).
// - tree_head_cosignatures: a witness's SM2 signature over the same head.
// All append-only (trigger here; the application's role also lacks UPDATE/DELETE/TRUNCATE grants,
// see src/runtime/db-roles.ts).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table events add column insert_xid xid8 not null default pg_current_xact_id();
    create index events_insert_xid_idx on events (insert_xid);

    create table event_leaves (
      seq bigint primary key check (seq >= 0),
      event_id bigint not null unique,
      leaf_hash bytea not null check (length(leaf_hash) = 32),
      subject_hash bytea,
      subject_seq integer check (subject_seq >= 1),
      check ((subject_hash is null) = (subject_seq is null))
    );
    create unique index event_leaves_subject_idx on event_leaves (subject_hash, subject_seq) where subject_hash is not null;

    create table audit_nodes (
      level smallint not null check (level >= 1),
      idx bigint not null check (idx >= 0),
      hash bytea not null check (length(hash) = 32),
      primary key (level, idx)
    );

    create table tree_heads (
      size bigint primary key check (size >= 0),
      root bytea not null check (length(root) = 32),
      signed_at timestamptz not null,
      public_key text not null,
      signature bytea not null check (length(signature) = 64),
      watermark xid8 not null
    );

    create table tree_head_cosignatures (
      size bigint not null references tree_heads (size),
      witness varchar(64) not null,
      public_key text not null,
      signature bytea not null check (length(signature) = 64),
      received_at timestamptz not null,
      primary key (size, public_key)
    );

    create function audit_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only (% refused)', tg_table_name, tg_op using errcode = '42501';
    end $$;
  `);
  for (const table of ['event_leaves', 'audit_nodes', 'tree_heads', 'tree_head_cosignatures']) {
    await knex.raw(`
      create trigger ${table}_no_update before update or delete on ${table} for each row execute function audit_append_only();
      create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function audit_append_only();
    `);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table tree_head_cosignatures;
    drop table tree_heads;
    drop table audit_nodes;
    drop table event_leaves;
    drop function audit_append_only();
    drop index events_insert_xid_idx;
  `);
  // Dropping a column is an ALTER, not an UPDATE: the append-only triggers do not refuse it.
  await knex.raw('alter table events drop column insert_xid');
}
