import type { Knex } from 'knex';
import type { Sm2KeyPair } from '../../lib/sm2.js';
import { LEAF_EVENT_COLUMNS, leafHash, type LeafEvent } from './leaf.js';
import { signTreeHead, type SignedTreeHead } from './tree-head.js';
import { loadFrontier } from './tree-store.js';

// The sealer: one round extends the audit tree with the events committed since the last round and
// signs a tree head. It runs as the BullMQ job `audit-seal` (queue `audit`, concurrency 1), and
// under a PostgreSQL advisory lock, so across replicas exactly one round runs at a time.
//
// Gap-free sequencing in commit order, without skipping a late commit. An event's id (bigserial)
// is handed out when its transaction inserts it, not when it commits, so ids do not arrive in
// order. Each row carries insert_xid, its top-level transaction. A round reads, in ONE statement
// (one snapshot):
//   - xmin = pg_snapshot_xmin(pg_current_snapshot()): every transaction below it has finished;
//     any transaction that may still commit an event has an xid ≥ xmin (xids are assigned in
//     order, and a transaction that has not written yet will get a larger one);
//   - every *visible* (so committed) event with insert_xid ≥ the stored watermark that has no
//     leaf yet.
// It appends them to the tree in id order, after everything sealed before — so the sequence is the
// order in which the sealer saw events commit — and stores xmin as the new watermark. An event of
// a transaction that was still running has insert_xid ≥ xmin ≥ the new watermark, so a later round
// still finds it: nothing is skipped, and nothing is sealed twice (event_leaves.event_id is unique).
// When a round is cut at AUDIT_SEAL_MAX_EVENTS the watermark stays where it was.

/** pg advisory lock key of the sealer ('SHAUDIT' in ASCII). */
export const SEALER_LOCK_KEY = 0x53_48_41_55_44_49_54n;

export interface SealOptions {
  signer: Sm2KeyPair;
  origin: string;
  /** The head's time. */
  now: Date;
  maxEvents: number;
}

export type SealResult =
  | { status: 'sealed'; sealed: number; head: SignedTreeHead }
  | { status: 'idle'; size: number }
  | { status: 'busy' };

type Candidate = LeafEvent & { xmin: string; subjectHashBytes: Buffer | null };

export async function sealRound(db: Knex, opts: SealOptions): Promise<SealResult> {
  return db.transaction(async (trx) => {
    const { rows: [lock] } = await trx.raw('select pg_try_advisory_xact_lock(?::bigint) as locked', [SEALER_LOCK_KEY.toString()]);
    if (!lock.locked) return { status: 'busy' } as const;

    const last: { size: number; watermark: string } | undefined = await trx('tree_heads').orderBy('size', 'desc')
      .first('size', trx.raw('watermark::text as watermark'));
    const size = Number(last?.size ?? 0);
    const watermark = last?.watermark ?? '0';

    const { rows } = await trx.raw(`
      select s.xmin::text as xmin, c.*
      from (select pg_snapshot_xmin(pg_current_snapshot()) as xmin) s
      left join (
        select ${LEAF_EVENT_COLUMNS}, e.subject_hash as "subjectHashBytes"
        from events e
        where e.insert_xid >= ?::xid8 and not exists (select 1 from event_leaves l where l.event_id = e.id)
        order by e.id
        limit ?
      ) c on true
      order by c.id`, [watermark, opts.maxEvents]) as { rows: (Candidate | (Partial<Candidate> & { xmin: string; id: null }))[] };
    const events = rows.filter((r): r is Candidate => r.id !== null);
    if (events.length === 0) return { status: 'idle', size } as const;
    const xmin = rows[0]!.xmin;
    const newWatermark = events.length < opts.maxEvents && BigInt(xmin) > BigInt(watermark) ? xmin : watermark;

    // Per-subject counters continue from the last one sealed for each subject.
    const subjects = [...new Map(events.filter((e) => e.subjectHashBytes).map((e) => [e.subjectHash!, e.subjectHashBytes!])).values()];
    const counters = new Map<string, number>();
    if (subjects.length) {
      const { rows: last } = await trx.raw(
        'select encode(subject_hash, \'hex\') as h, max(subject_seq) as n from event_leaves where subject_hash = any(?::bytea[]) group by subject_hash',
        [subjects],
      ) as { rows: { h: string; n: number }[] };
      for (const r of last) counters.set(r.h, Number(r.n));
    }

    const frontier = await loadFrontier(trx, size);
    const seqs: number[] = [];
    const eventIds: number[] = [];
    const hashes: Buffer[] = [];
    const subjectHashes: (Buffer | null)[] = [];
    const subjectSeqs: (number | null)[] = [];
    const levels: number[] = [];
    const indexes: number[] = [];
    const nodeHashes: Buffer[] = [];
    events.forEach((row, i) => {
      const seq = size + i;
      let subjectSeq: number | null = null;
      if (row.subjectHash) {
        subjectSeq = (counters.get(row.subjectHash) ?? 0) + 1;
        counters.set(row.subjectHash, subjectSeq);
      }
      const hash = leafHash({ seq, subjectSeq, event: row });
      seqs.push(seq);
      eventIds.push(Number(row.id));
      hashes.push(hash);
      subjectHashes.push(row.subjectHashBytes);
      subjectSeqs.push(subjectSeq);
      for (const node of frontier.append(hash)) {
        if (node.level === 0) continue;
        levels.push(node.level);
        indexes.push(node.index);
        nodeHashes.push(node.hash);
      }
    });

    await trx.raw(`insert into event_leaves (seq, event_id, leaf_hash, subject_hash, subject_seq)
      select * from unnest(?::bigint[], ?::bigint[], ?::bytea[], ?::bytea[], ?::int[])`, [seqs, eventIds, hashes, subjectHashes, subjectSeqs] as unknown as Knex.RawBinding[]);
    if (levels.length) {
      await trx.raw('insert into audit_nodes (level, idx, hash) select * from unnest(?::smallint[], ?::bigint[], ?::bytea[])', [levels, indexes, nodeHashes] as unknown as Knex.RawBinding[]);
    }
    const head = signTreeHead(opts.origin, { size: frontier.size, root: frontier.root(), signedAt: opts.now }, opts.signer);
    await trx('tree_heads').insert({
      size: head.size, root: head.root, signed_at: head.signedAt, public_key: head.publicKey, signature: head.signature, watermark: newWatermark,
    });
    return { status: 'sealed', sealed: events.length, head } as const;
  });
}
