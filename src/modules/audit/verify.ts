import type { Knex } from 'knex';
import { consistencyProof, MerkleFrontier, verifyConsistency } from '../../lib/merkle.js';
import { LEAF_EVENT_COLUMNS, leafEvent, leafHash } from './leaf.js';
import { verifyTreeHeadSignature } from './tree-head.js';
import { retentionDrops, verifyRetentionDrop, type RetentionDrop } from './retention.js';
import { dbNodeFetcher } from './tree-store.js';

// Verification of the whole log (`sharehub audit verify`, GET /v1/audit/verify): recomputes every
// leaf from the events as they are now, rebuilds the tree, and checks
//   - the sequence has no gap and every leaf's event exists;
//   - each recomputed leaf equals the leaf hash sealed for it (else the event was changed, or two
//     events were swapped);
//   - every signed head: its SM2 signature, by a trusted key, and its root equals the recomputed
//     tree's root at its size;
//   - consecutive heads are consistent (RFC 6962 proof from the stored nodes, RFC 9162 check);
//   - no event that the sealer must already have seen (its transaction finished before the last
//     round's watermark) is missing from the tree (else it was inserted afterwards, bypassing it).
// The first difference in log order is named: its position (seq) and event id.

export type Difference = {
  seq: number | null;
  eventId: number | null;
  kind: 'changed' | 'missing' | 'inserted' | 'leaf_missing' | 'head' | 'retention';
  detail: string;
};

export type VerifyReport = {
  ok: boolean;
  treeSize: number;
  eventsChecked: number;
  headsChecked: number;
  unsequenced: number;
  /** Leaves whose events were dropped by retention: checked against the kept leaf hashes only. */
  keptHashesOnly: number;
  /** The months dropped by retention, and the positions their events held. */
  retention: { partition: string; from: string; to: string; events: number; positions: string; headSize: number; detail: string }[];
  firstDifference: Difference | null;
  problems: string[];
};

const PAGE = 5_000;
const MAX_PROBLEMS = 100;

interface HeadRow { size: number; root: Buffer; signed_at: Date; public_key: string; signature: Buffer; watermark: string }

export async function verifyLog(db: Knex, opts: { origin: string; trustedKeys: readonly string[] }): Promise<VerifyReport> {
  const heads: HeadRow[] = (await db('tree_heads').orderBy('size').select('size', 'root', 'signed_at', 'public_key', 'signature',
    db.raw('watermark::text as watermark'))).map((h: HeadRow) => ({ ...h, size: Number(h.size) }));
  const differences: Difference[] = [];
  const problems: string[] = [];
  const report = (d: Difference) => {
    differences.push(d);
    if (problems.length < MAX_PROBLEMS) problems.push(d.detail);
  };

  // Heads: signatures and consistency with the one before.
  const trusted = new Set(opts.trustedKeys);
  for (const [i, h] of heads.entries()) {
    const head = { size: h.size, root: h.root, signedAt: h.signed_at };
    if (!trusted.has(h.public_key)) report({ seq: null, eventId: null, kind: 'head', detail: `head ${h.size}: signed by a key this hub does not trust (${h.public_key.slice(0, 16)}…)` });
    if (!verifyTreeHeadSignature(opts.origin, head, h.public_key, h.signature)) {
      report({ seq: null, eventId: null, kind: 'head', detail: `head ${h.size}: the SM2 signature does not verify` });
    }
    const before = heads[i - 1];
    if (before) {
      let consistent = false;
      try {
        const proof = await consistencyProof(before.size, h.size, dbNodeFetcher(db));
        consistent = verifyConsistency(before.size, h.size, before.root, h.root, proof);
      } catch {
        consistent = false;
      }
      if (!consistent) report({ seq: null, eventId: null, kind: 'head', detail: `heads ${before.size} → ${h.size}: not consistent (the log was not only appended to)` });
    }
  }

  // Months dropped by retention: each record signed by a trusted key; a missing event is accepted
  // only at a position one of them names.
  const drops = await retentionDrops(db);
  for (const d of drops) {
    if (!trusted.has(d.publicKey) || !verifyRetentionDrop(opts.origin, d)) {
      report({ seq: d.ranges[0]?.[0] ?? null, eventId: null, kind: 'retention', detail: `retention record of ${d.partition}: not signed by a key this hub trusts (not a drop the hub made)` });
    }
  }
  const validDrops = drops.filter((d) => trusted.has(d.publicKey) && verifyRetentionDrop(opts.origin, d));
  const dropOf = (seq: number): RetentionDrop | undefined => validDrops.find((d) => d.ranges.some(([a, b]) => seq >= a && seq < b));
  let keptHashesOnly = 0;

  // Leaves, recomputed from the events in log order.
  const treeSize = heads.at(-1)?.size ?? 0;
  const frontier = MerkleFrontier.empty();
  let nextHead = 0;
  let expected = 0;
  let eventsChecked = 0;
  for (;;) {
    const { rows } = await db.raw(`
      select l.seq, l.event_id as "leafEventId", l.leaf_hash as "leafHash", l.subject_seq as "subjectSeq", ${LEAF_EVENT_COLUMNS}
      from event_leaves l left join events e on e.id = l.event_id
      where l.seq >= ? order by l.seq limit ?`, [expected, PAGE]) as { rows: Record<string, unknown>[] };
    for (const row of rows) {
      const seq = Number(row.seq);
      const eventId = Number(row.leafEventId);
      if (seq !== expected) {
        report({ seq: expected, eventId: null, kind: 'leaf_missing', detail: `position ${expected}: no leaf (positions ${expected}–${seq - 1} are gone from the tree)` });
        // Carry on from the stored sequence; roots from here on will not match.
        expected = seq;
      }
      let hash = row.leafHash as Buffer;
      if (seq >= treeSize) {
        // Past the latest signed head: whatever it holds, the sealer did not put it there.
        if (seq === treeSize) report({ seq, eventId, kind: 'inserted', detail: `position ${seq}: a leaf (event ${eventId}) no signed head covers (added outside the sealer)` });
      } else if (row.id === null && dropOf(seq)) {
        // Dropped by retention: the kept leaf hash stands in for the event (the roots still check it).
        keptHashesOnly += 1;
      } else if (row.id === null) {
        report({ seq, eventId, kind: 'missing', detail: `position ${seq}: event ${eventId} is missing (deleted)` });
      } else {
        eventsChecked += 1;
        const recomputed = leafHash({ seq, subjectSeq: row.subjectSeq === null ? null : Number(row.subjectSeq), event: leafEvent(row) });
        if (!recomputed.equals(hash)) {
          report({ seq, eventId, kind: 'changed', detail: `position ${seq}: event ${eventId} differs from what was sealed (changed, or moved)` });
        }
        hash = recomputed;
      }
      frontier.append(hash);
      expected += 1;
      while (nextHead < heads.length && heads[nextHead]!.size === frontier.size) {
        const head = heads[nextHead]!;
        if (!frontier.root().equals(head.root)) {
          report({ seq: null, eventId: null, kind: 'head', detail: `head ${head.size}: the root recomputed from the events differs from the signed root` });
        }
        nextHead += 1;
      }
    }
    if (rows.length < PAGE) break;
  }
  if (frontier.size < treeSize) {
    report({ seq: frontier.size, eventId: null, kind: 'leaf_missing', detail: `positions ${frontier.size}–${treeSize - 1}: signed but gone from the tree` });
  }
  for (; nextHead < heads.length; nextHead += 1) {
    if (heads[nextHead]!.size === 0 && !frontier.root().equals(heads[nextHead]!.root)) report({ seq: null, eventId: null, kind: 'head', detail: 'head 0: not the empty root' });
  }

  // Events outside the tree: pending (the next round seals them) or inserted behind the sealer.
  const watermark = heads.at(-1)?.watermark ?? '0';
  const { rows: outside } = await db.raw(`
    select e.id, e.insert_xid < ?::xid8 as "belowWatermark" from events e
    where not exists (select 1 from event_leaves l where l.event_id = e.id) order by e.id`, [watermark]) as { rows: { id: number; belowWatermark: boolean }[] };
  let unsequenced = 0;
  for (const e of outside) {
    if (e.belowWatermark) {
      report({ seq: null, eventId: Number(e.id), kind: 'inserted', detail: `event ${e.id} is not in the tree although the sealer has passed its transaction (inserted behind it)` });
    } else {
      unsequenced += 1;
    }
  }

  const bySeq = differences.filter((d) => d.seq !== null).sort((a, b) => a.seq! - b.seq!);
  const firstDifference = bySeq[0] ?? differences.find((d) => d.kind === 'inserted') ?? differences[0] ?? null;
  const retention = drops.map((d) => ({
    partition: d.partition, from: d.rangeFrom.toISOString(), to: d.rangeTo.toISOString(), events: d.events, positions: d.seqRanges, headSize: d.headSize,
    detail: `${d.partition} (${d.rangeFrom.toISOString()} – ${d.rangeTo.toISOString()}) dropped by retention: ${d.events} events at positions ${d.seqRanges}; `
      + 'their leaves are checked against the kept leaf hashes only (the signed roots and consistency still cover them)',
  }));
  return { ok: differences.length === 0, treeSize, eventsChecked, headsChecked: heads.length, unsequenced, keptHashesOnly, retention, firstDifference, problems };
}
