import type { Knex } from 'knex';
import { sm2Sign, sm2Verify, type Sm2KeyPair } from '../../lib/sm2.js';
import { recordEvent } from './events.js';
import { latestHead } from './tree-store.js';

// Retention of the audit trail (issue 11 §7). `events` is partitioned by month (UTC):
// `events_YYYY_MM` for [first of the month, first of the next), and `events_default` for anything
// outside them (migration 20261201100000). A month may be dropped when
//   - it ended at least AUDIT_RETENTION_MONTHS (≥ 6, 网络安全法 §21) before the clock's month, and
//   - every event in it is a leaf of the tree under the latest signed head.
// Dropping is DROP TABLE of the partition, which only its owner may do: the retention runs as the
// owner role (DATABASE_OWNER_URL, else DATABASE_URL's role) — the `audit-retention` job and
// `sharehub audit retention`. The app role owns nothing and cannot drop, detach or truncate.
//
// The tree keeps what proofs need: event_leaves (seq → leaf hash) and audit_nodes stay, so
// inclusion and consistency proofs are unchanged. Each drop is recorded, in the same transaction,
// in audit_retention_drops (append-only) with the positions its events held in the tree, as an
// int8multirange, and the hub's SM2 signature over that record; the verifier accepts a missing
// event only at a position a signed record names, and checks those leaves against the kept hashes
// only (the events are gone). The drop is also an event on the trail (`audit.retention_dropped`).

export const MIN_RETENTION_MONTHS = 6;
/** How many months ahead of the clock's month partitions are made. */
export const PARTITIONS_AHEAD = 3;

const PARTITION_NAME = /^events_(\d{4})_(\d{2})$/;

const monthStart = (year: number, month0: number) => new Date(Date.UTC(year, month0, 1));
const addMonths = (d: Date, n: number) => monthStart(d.getUTCFullYear(), d.getUTCMonth() + n);

export function partitionName(month: Date): string {
  return `events_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The months [from, to) of a partition from its name, or undefined for any other table. */
export function partitionMonth(name: string): { from: Date; to: Date } | undefined {
  const m = PARTITION_NAME.exec(name);
  if (!m) return undefined;
  const from = monthStart(Number(m[1]), Number(m[2]) - 1);
  return { from, to: addMonths(from, 1) };
}

/** The text the hub signs for one dropped month. */
export function retentionStatement(origin: string, d: { partition: string; rangeFrom: Date; rangeTo: Date; events: number; seqRanges: string; headSize: number }): string {
  return `sharehub retention v1\n${origin}\n${d.partition}\n${d.rangeFrom.toISOString()}\n${d.rangeTo.toISOString()}\n${d.events}\n${d.seqRanges}\n${d.headSize}\n`;
}

export async function eventPartitions(db: Knex | Knex.Transaction): Promise<string[]> {
  const { rows } = await db.raw(`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'public.events'::regclass order by c.relname`) as { rows: { name: string }[] };
  return rows.map((r) => r.name);
}

/**
 * Makes the monthly partitions of [from's month, through's month] that are missing (as the owner).
 * A month whose events already sit in events_default is skipped (PostgreSQL refuses a partition
 * that rows of the default one would belong to): those events stay in the default partition,
 * which retention never drops. Returns the partitions made and the months skipped.
 */
export async function ensureEventPartitions(owner: Knex, from: Date, through: Date): Promise<{ created: string[]; skipped: string[] }> {
  const existing = new Set(await eventPartitions(owner));
  const created: string[] = [];
  const skipped: string[] = [];
  for (let month = monthStart(from.getUTCFullYear(), from.getUTCMonth()); month <= through; month = addMonths(month, 1)) {
    const name = partitionName(month);
    if (existing.has(name)) continue;
    const next = addMonths(month, 1);
    const done = await owner.transaction(async (trx) => {
      await trx.raw("set local lock_timeout = '5s'");
      const { rows: [row] } = await trx.raw('select exists (select 1 from events_default where occurred_at >= ? and occurred_at < ?) as taken', [month, next]);
      if (row.taken) return false;
      await trx.raw(`create table ?? partition of events for values from ('${month.toISOString()}') to ('${next.toISOString()}')`, [name]);
      return true;
    });
    (done ? created : skipped).push(name);
  }
  return { created, skipped };
}

export interface RetentionOptions {
  /** Unset: nothing is dropped (partitions are still made ahead). */
  retentionMonths?: number;
  now: Date;
  origin: string;
  signer: Sm2KeyPair;
  dryRun?: boolean;
}

export type PartitionOutcome =
  | { partition: string; status: 'dropped' | 'would_drop'; events: number; seqRanges: string; headSize: number }
  | { partition: string; status: 'not_covered'; unsealed: number; headSize: number }
  | { partition: string; status: 'busy'; detail: string };

export interface RetentionReport {
  retentionMonths: number | null;
  /** Months that ended before this instant may be dropped. */
  cutoff: string | null;
  created: string[];
  skipped: string[];
  partitions: PartitionOutcome[];
}

export function retentionCutoff(now: Date, retentionMonths: number): Date {
  if (!Number.isInteger(retentionMonths) || retentionMonths < MIN_RETENTION_MONTHS) {
    throw new RangeError(`the audit retention must be at least ${MIN_RETENTION_MONTHS} months (got ${retentionMonths})`);
  }
  return addMonths(monthStart(now.getUTCFullYear(), now.getUTCMonth()), -retentionMonths);
}

/**
 * One retention run, as the owner role: makes partitions ahead, then drops every monthly
 * partition that ended before the cutoff and is fully covered by the latest signed head.
 */
export async function runRetention(owner: Knex, opts: RetentionOptions): Promise<RetentionReport> {
  const cutoff = opts.retentionMonths === undefined ? undefined : retentionCutoff(opts.now, opts.retentionMonths);
  const { created, skipped } = await ensureEventPartitions(owner, opts.now, addMonths(opts.now, PARTITIONS_AHEAD));
  const partitions: PartitionOutcome[] = [];
  if (cutoff) {
    for (const name of await eventPartitions(owner)) {
      const month = partitionMonth(name);
      if (!month || month.to > cutoff) continue;
      partitions.push(await dropPartition(owner, name, month, opts));
    }
  }
  return { retentionMonths: opts.retentionMonths ?? null, cutoff: cutoff?.toISOString() ?? null, created, skipped, partitions };
}

async function dropPartition(owner: Knex, name: string, month: { from: Date; to: Date }, opts: RetentionOptions): Promise<PartitionOutcome> {
  try {
    return await owner.transaction(async (trx) => {
      // The parent first, then the partition, as DROP TABLE of a partition locks them: no insert
      // slips in between the check and the drop. Inserts wait for the moment of the check (one
      // month's anti-join); lock_timeout keeps a busy trail from queueing behind us for long.
      await trx.raw("set local lock_timeout = '5s'");
      await trx.raw('lock table events in access exclusive mode');
      await trx.raw('lock table ?? in access exclusive mode', [name]);
      const head = await latestHead(trx);
      const headSize = head?.size ?? 0;
      const { rows: [cover] } = await trx.raw(`select count(*)::int as events,
          count(*) filter (where l.seq is null or l.seq >= ?)::int as unsealed,
          coalesce(range_agg(int8range(l.seq, l.seq, '[]')) filter (where l.seq < ?), '{}'::int8multirange)::text as ranges
        from ?? e left join event_leaves l on l.event_id = e.id`, [headSize, headSize, name]) as { rows: { events: number; unsealed: number; ranges: string }[] };
      if (cover!.unsealed > 0) return { partition: name, status: 'not_covered', unsealed: cover!.unsealed, headSize } as const;
      const drop = { partition: name, rangeFrom: month.from, rangeTo: month.to, events: cover!.events, seqRanges: cover!.ranges, headSize };
      if (opts.dryRun) return { partition: name, status: 'would_drop', events: drop.events, seqRanges: drop.seqRanges, headSize } as const;
      const signature = sm2Sign(retentionStatement(opts.origin, drop), opts.signer);
      await trx('audit_retention_drops').insert({
        partition: name, range_from: month.from, range_to: month.to, events: drop.events, seq_ranges: drop.seqRanges,
        head_size: headSize, dropped_at: opts.now, public_key: opts.signer.publicKey, signature,
      });
      await trx.raw('drop table ??', [name]);
      await recordEvent(trx, {
        actor: { kind: 'worker' }, entityType: 'audit', entityId: name, action: 'audit.retention_dropped',
        details: { partition: name, from: month.from.toISOString(), to: month.to.toISOString(), events: drop.events, seqRanges: drop.seqRanges, headSize },
      });
      return { partition: name, status: 'dropped', events: drop.events, seqRanges: drop.seqRanges, headSize } as const;
    });
  } catch (err) {
    // 55P03: lock_timeout; the next run tries again.
    if ((err as { code?: string }).code === '55P03') return { partition: name, status: 'busy', detail: (err as Error).message };
    throw err;
  }
}

export interface RetentionDrop {
  partition: string;
  rangeFrom: Date;
  rangeTo: Date;
  events: number;
  /** int8multirange text, e.g. `{[0,41),[45,90)}`. */
  seqRanges: string;
  headSize: number;
  publicKey: string;
  signature: Buffer;
  ranges: [number, number][];
}

/** `{[a,b),[c,d)}` → [[a, b), [c, d)] (PostgreSQL writes int8 ranges canonically, half-open). */
export function parseSeqRanges(text: string): [number, number][] {
  return [...text.matchAll(/\[(\d+),(\d+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

export async function retentionDrops(db: Knex | Knex.Transaction): Promise<RetentionDrop[]> {
  const rows: { partition: string; range_from: Date; range_to: Date; events: number; seq_ranges: string; head_size: string; public_key: string; signature: Buffer }[] =
    await db('audit_retention_drops').orderBy('range_from').select('partition', 'range_from', 'range_to', 'events', db.raw('seq_ranges::text as seq_ranges'), 'head_size', 'public_key', 'signature');
  return rows.map((r) => ({
    partition: r.partition, rangeFrom: r.range_from, rangeTo: r.range_to, events: r.events, seqRanges: r.seq_ranges, headSize: Number(r.head_size),
    publicKey: r.public_key, signature: r.signature, ranges: parseSeqRanges(r.seq_ranges),
  }));
}

export function verifyRetentionDrop(origin: string, d: RetentionDrop): boolean {
  return sm2Verify(retentionStatement(origin, d), d.signature, d.publicKey);
}
