import type { Knex } from 'knex';
import { settledAccessEvents, type SettledAccessEvent } from '../audit/access-event-reader.js';
import type { Context } from '../context.js';

// Hourly roll-ups of the data exchange per resource, consumer system (with its department) and
// hour, counted incrementally from the data-access events: each run reads the events after its
// watermark (by event id), adds them to their hours' rows and moves the watermark, all in one
// transaction that holds the watermark row — so runs on several workers take turns and an event
// is counted exactly once. The per-call work stays in the request path's group commit; nothing
// here runs there.

/** Upper bounds of the latency buckets, in ms; a last slot counts calls above the highest. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000] as const;

const WATERMARK = 'access_rollups';
/** Events read and added per statement. */
const BATCH = 5_000;

interface RollupRow {
  resource_id: string;
  system_id: string;
  consumer_code: string;
  hour: Date;
  calls: number;
  errors: number;
  errors_by_code: Record<string, number>;
  latency_buckets: number[];
  latency_sum_ms: number;
}

export function latencySlot(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

const HOUR_MS = 3_600_000;

function aggregate(events: SettledAccessEvent[]): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const e of events) {
    const hour = new Date(Math.floor(e.occurredAt.getTime() / HOUR_MS) * HOUR_MS);
    const key = `${e.resourceId} ${e.systemId} ${hour.getTime()}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        resource_id: e.resourceId, system_id: e.systemId, consumer_code: e.departmentCode, hour,
        calls: 0, errors: 0, errors_by_code: {}, latency_buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), latency_sum_ms: 0,
      };
      rows.set(key, row);
    }
    row.calls++;
    if (e.outcome === 'failure') {
      row.errors++;
      const code = e.reason ?? 'UNKNOWN';
      row.errors_by_code[code] = (row.errors_by_code[code] ?? 0) + 1;
    }
    const latency = e.latencyMs ?? 0;
    row.latency_buckets[latencySlot(latency)]!++;
    row.latency_sum_ms += latency;
  }
  return [...rows.values()];
}

async function addRows(trx: Knex.Transaction, rows: RollupRow[]) {
  if (!rows.length) return;
  await trx('access_rollups')
    .insert(rows.map((r) => ({ ...r, errors_by_code: JSON.stringify(r.errors_by_code) })))
    .onConflict(['resource_id', 'system_id', 'hour'])
    .merge({
      calls: trx.raw('access_rollups.calls + excluded.calls'),
      errors: trx.raw('access_rollups.errors + excluded.errors'),
      latency_sum_ms: trx.raw('access_rollups.latency_sum_ms + excluded.latency_sum_ms'),
      latency_buckets: trx.raw(`(select array_agg(a + b order by i)
        from unnest(access_rollups.latency_buckets, excluded.latency_buckets) with ordinality as t(a, b, i))`),
      errors_by_code: trx.raw(`(select coalesce(jsonb_object_agg(k, n), '{}'::jsonb)
        from (select k, sum(v::int) as n
                from (select * from jsonb_each_text(access_rollups.errors_by_code)
                      union all select * from jsonb_each_text(excluded.errors_by_code)) e(k, v)
               group by k) s)`),
    });
}

/**
 * Adds the settled data-access events after the watermark to the roll-ups. `settleSeconds`:
 * events younger than this are left for the next run (see settledAccessEvents). Returns how
 * many events were counted and the new watermark.
 */
export async function refreshAccessRollups(ctx: Context, opts: { settleSeconds: number }): Promise<{ events: number; watermark: string }> {
  return ctx.db.transaction(async (trx) => {
    await trx('supervision_watermarks').insert({ name: WATERMARK, last_event_id: 0, updated_at: ctx.now }).onConflict('name').ignore();
    const mark: { last_event_id: string } = await trx('supervision_watermarks').where('name', WATERMARK).forUpdate().first('last_event_id');
    let watermark = String(mark.last_event_id);
    const settledBefore = new Date(ctx.now.getTime() - opts.settleSeconds * 1000);
    let counted = 0;
    for (;;) {
      const events = await settledAccessEvents(trx, { afterId: watermark, settledBefore, limit: BATCH });
      if (!events.length) break;
      await addRows(trx, aggregate(events));
      counted += events.length;
      watermark = events.at(-1)!.id;
      if (events.length < BATCH) break;
    }
    await trx('supervision_watermarks').where('name', WATERMARK).update({ last_event_id: watermark, updated_at: ctx.now });
    return { events: counted, watermark };
  });
}

/**
 * The latency (ms) below which a share `q` of calls fell, from bucket counts, interpolating
 * linearly inside the bucket as Prometheus' histogram_quantile does; calls above the highest
 * bound count as the highest bound. Null without calls.
 */
export function latencyQuantile(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i]!;
    if (count > 0 && below + count >= rank) {
      if (i === LATENCY_BUCKETS_MS.length) return LATENCY_BUCKETS_MS.at(-1)!;
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      const upper = LATENCY_BUCKETS_MS[i]!;
      return Math.round((lower + ((upper - lower) * (rank - below)) / count) * 10) / 10;
    }
    below += count;
  }
  return LATENCY_BUCKETS_MS.at(-1)!;
}
