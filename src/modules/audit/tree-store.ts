import type { Knex } from 'knex';
import { MerkleFrontier, planRoot, type MerkleNodeFetcher } from '../../lib/merkle.js';
import type { SignedTreeHead } from './tree-head.js';

// Reads of the stored tree: leaves (event_leaves, level 0) and perfect interior nodes
// (audit_nodes, level ≥ 1). Written only by the sealer (sealer.ts).

/** Fetches perfect nodes from the database, two queries at most, in the order asked. */
export function dbNodeFetcher(db: Knex | Knex.Transaction): MerkleNodeFetcher {
  return async (ids) => {
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const inner = ids.filter((id) => id.level > 0);
    const found = new Map<string, Buffer>();
    if (leaves.length) {
      const rows: { seq: number; leaf_hash: Buffer }[] = await db('event_leaves').whereIn('seq', leaves).select('seq', 'leaf_hash');
      for (const r of rows) found.set(`0:${r.seq}`, r.leaf_hash);
    }
    if (inner.length) {
      const { rows } = await db.raw(
        'select n.level, n.idx, n.hash from unnest(?::smallint[], ?::bigint[]) q(level, idx) join audit_nodes n using (level, idx)',
        [inner.map((id) => id.level), inner.map((id) => id.index)],
      ) as { rows: { level: number; idx: number; hash: Buffer }[] };
      for (const r of rows) found.set(`${r.level}:${r.idx}`, r.hash);
    }
    return ids.map((id) => {
      const hash = found.get(`${id.level}:${id.index}`);
      if (!hash) throw new Error(`tree node ${id.level}:${id.index} is not stored`);
      return hash;
    });
  };
}

/** The frontier of the stored tree of `size` leaves. */
export async function loadFrontier(db: Knex | Knex.Transaction, size: number): Promise<MerkleFrontier> {
  const plan = planRoot(size);
  const nodes = plan.length ? await dbNodeFetcher(db)(plan) : [];
  return MerkleFrontier.restore(size, nodes);
}

interface HeadRow { size: number; root: Buffer; signed_at: Date; public_key: string; signature: Buffer }

const toHead = (r: HeadRow): SignedTreeHead => ({ size: Number(r.size), root: r.root, signedAt: r.signed_at, publicKey: r.public_key, signature: r.signature });

export async function latestHead(db: Knex | Knex.Transaction): Promise<SignedTreeHead | undefined> {
  const row: HeadRow | undefined = await db('tree_heads').orderBy('size', 'desc').first();
  return row && toHead(row);
}

export async function headOfSize(db: Knex | Knex.Transaction, size: number): Promise<SignedTreeHead | undefined> {
  const row: HeadRow | undefined = await db('tree_heads').where('size', size).first();
  return row && toHead(row);
}

export interface Cosignature {
  witness: string;
  publicKey: string;
  signature: Buffer;
  receivedAt: Date;
}

export async function cosignaturesOf(db: Knex | Knex.Transaction, sizes: number[]): Promise<Map<number, Cosignature[]>> {
  const rows: { size: number; witness: string; public_key: string; signature: Buffer; received_at: Date }[] = sizes.length
    ? await db('tree_head_cosignatures').whereIn('size', sizes).orderBy(['size', 'received_at'])
    : [];
  const bySize = new Map<number, Cosignature[]>();
  for (const r of rows) {
    const list = bySize.get(Number(r.size)) ?? [];
    list.push({ witness: r.witness, publicKey: r.public_key, signature: r.signature, receivedAt: r.received_at });
    bySize.set(Number(r.size), list);
  }
  return bySize;
}

/** The leaf at `seq` with its event id. */
export async function leafOf(db: Knex | Knex.Transaction, where: { seq: number } | { eventId: number }) {
  const row: { seq: number; event_id: number; leaf_hash: Buffer; subject_seq: number | null } | undefined = await db('event_leaves')
    .where('seq' in where ? { seq: where.seq } : { event_id: where.eventId }).first('seq', 'event_id', 'leaf_hash', 'subject_seq');
  return row && { seq: Number(row.seq), eventId: Number(row.event_id), leafHash: row.leaf_hash, subjectSeq: row.subject_seq };
}

/**
 * How far the sealer lags behind the trail, for /metrics: committed events not yet in a leaf (only
 * those at or past the last head's watermark can be: older ones are all sealed) and the seconds
 * since the latest head was signed. Undefined before the first head.
 */
export async function sealerLag(db: Knex, now: Date): Promise<{ events: number; seconds: number } | undefined> {
  const head: { watermark: string; signed_at: Date } | undefined = await db('tree_heads').orderBy('size', 'desc')
    .first(db.raw('watermark::text as watermark'), 'signed_at');
  if (!head) return undefined;
  const [row] = await db('events as e')
    .where('e.insert_xid', '>=', db.raw('?::xid8', [head.watermark]))
    .whereNotExists((q) => q.select(db.raw('1')).from('event_leaves as l').whereRaw('l.event_id = e.id'))
    .count<{ n: string }[]>({ n: '*' });
  return { events: Number(row?.n ?? 0), seconds: Math.max(0, (now.getTime() - head.signed_at.getTime()) / 1000) };
}
