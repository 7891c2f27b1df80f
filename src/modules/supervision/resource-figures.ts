import type { FromSchema } from 'json-schema-to-ts';
import type { resourceFiguresSchema } from '../../../schemas/supervision.js';
import type { Context } from '../context.js';
import { openDiscrepanciesByResource, openObjectionsByResource } from '../exchange/supervision-reads.js';
import type { Period } from './period.js';
import { LATENCY_BUCKETS_MS, latencyQuantile } from './rollups.js';

// Per-resource figures of the data exchange over a period, from the hourly roll-ups (never from
// the trail), with the resource's open 纠错 objections (and how many are yellow or red) and open
// 一数一源 discrepancies (as the source, as a copy) now, whatever the period: what is waiting on
// it is part of how a resource fares. A resource with open ones but no calls in the period is
// listed with zero calls.

/** How many consumer departments each resource lists, busiest first. */
export const TOP_CONSUMERS = 5;

export type ResourceFigures = FromSchema<typeof resourceFiguresSchema>;

type Figures = {
  calls: number; errors: number; codes: Record<string, number>; buckets: number[]; sum: number; consumers: Map<string, { calls: number; errors: number }>;
  objections: ResourceFigures['openObjections']; discrepancies: ResourceFigures['openDiscrepancies'];
};

export async function resourceFigures(ctx: Context, period: Period, opts: { limit: number; resourceId?: string }): Promise<ResourceFigures[]> {
  const { db } = ctx;
  // Summed in PostgreSQL: a month holds hours × resources × systems rows, the answer only
  // resources × consumer departments.
  const inPeriod = (q: ReturnType<typeof db>) => q.where('r.hour', '>=', period.from).where('r.hour', '<', period.to)
    .modify((b) => { if (opts.resourceId) b.where('r.resource_id', opts.resourceId); });
  const wanted = (r: { resource_id: string }) => !opts.resourceId || r.resource_id === opts.resourceId;
  const [perConsumer, perCode, perSlot, objections, discrepancies] = await Promise.all([
    inPeriod(db('access_rollups as r')).groupBy('r.resource_id', 'r.consumer_code')
      .select('r.resource_id', 'r.consumer_code', db.raw('sum(r.calls)::int as calls'), db.raw('sum(r.errors)::int as errors'), db.raw('sum(r.latency_sum_ms)::float8 as latency_sum_ms')),
    inPeriod(db('access_rollups as r').crossJoin(db.raw('jsonb_each_text(r.errors_by_code) as e(code, n)'))).groupBy('r.resource_id', 'e.code')
      .select('r.resource_id', 'e.code', db.raw('sum(e.n::int)::int as n')),
    inPeriod(db('access_rollups as r').crossJoin(db.raw('unnest(r.latency_buckets) with ordinality as b(n, slot)'))).groupBy('r.resource_id', 'b.slot')
      .select('r.resource_id', db.raw('b.slot::int as slot'), db.raw('sum(b.n)::int as n')),
    openObjectionsByResource(db),
    openDiscrepanciesByResource(db),
  ]) as [
    { resource_id: string; consumer_code: string; calls: number; errors: number; latency_sum_ms: number }[],
    { resource_id: string; code: string; n: number }[],
    { resource_id: string; slot: number; n: number }[],
    Awaited<ReturnType<typeof openObjectionsByResource>>,
    Awaited<ReturnType<typeof openDiscrepanciesByResource>>,
  ];
  const byResource = new Map<string, Figures>();
  const figuresOf = (id: string) => {
    let f = byResource.get(id);
    if (!f) {
      f = {
        calls: 0, errors: 0, codes: {}, buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), sum: 0, consumers: new Map(),
        objections: { open: 0, warnings: 0, redCards: 0 }, discrepancies: { asSource: 0, asCopy: 0 },
      };
      byResource.set(id, f);
    }
    return f;
  };
  for (const r of perConsumer) {
    const f = figuresOf(r.resource_id);
    f.calls += r.calls;
    f.errors += r.errors;
    f.sum += r.latency_sum_ms;
    f.consumers.set(r.consumer_code, { calls: r.calls, errors: r.errors });
  }
  for (const r of perCode) figuresOf(r.resource_id).codes[r.code] = r.n;
  for (const r of perSlot) figuresOf(r.resource_id).buckets[r.slot - 1] = r.n;
  for (const r of objections.filter(wanted)) figuresOf(r.resource_id).objections = { open: r.open, warnings: r.warnings, redCards: r.red_cards };
  for (const r of discrepancies.filter(wanted)) figuresOf(r.resource_id).discrepancies = { asSource: r.as_source, asCopy: r.as_copy };
  return [...byResource.entries()]
    .map(([id, f]): ResourceFigures => ({
      resourceId: id,
      calls: f.calls,
      errors: f.errors,
      errorsByCode: f.codes,
      quotaRefusals: f.codes.QUOTA_EXCEEDED ?? 0,
      latencyMs: {
        p50: latencyQuantile(f.buckets, 0.5),
        p95: latencyQuantile(f.buckets, 0.95),
        p99: latencyQuantile(f.buckets, 0.99),
      },
      topConsumers: [...f.consumers.entries()]
        .map(([departmentCode, c]) => ({ departmentCode, ...c }))
        .sort((a, b) => b.calls - a.calls || a.departmentCode.localeCompare(b.departmentCode))
        .slice(0, TOP_CONSUMERS),
      openObjections: f.objections,
      openDiscrepancies: f.discrepancies,
    }))
    .sort((a, b) => b.calls - a.calls || a.resourceId.localeCompare(b.resourceId))
    .slice(0, opts.limit);
}
