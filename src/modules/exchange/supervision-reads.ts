import type { Knex } from 'knex';

// Read-only counts of the exchange's 纠错 objections and 一数一源 discrepancies, for the
// supervision figures (supervision/department-figures.ts, resource-figures.ts) and /metrics:
// the tables stay this module's, and no id or value leaves here but resource ids and department codes.

type Db = Knex | Knex.Transaction;

/** The objection step of a period ([from, to)), by the providing department that answers for it. */
export async function objectionStepRows(db: Db, period: { from: Date; to: Date }) {
  const within = (column: string) => (q: Knex.QueryBuilder) => q.where(column, '>=', period.from).where(column, '<', period.to);
  const [received, decided, cards] = await Promise.all([
    db('objections').modify(within('created_at')).groupBy('provider_code').select('provider_code', db.raw('count(*)::int as n')),
    db('objections').modify(within('decided_at')).select('provider_code', 'created_at', 'decided_at', 'due_at'),
    db('objections')
      .where((q) => q.where((w) => within('warned_at')(w)).orWhere((w) => within('overdue_at')(w)))
      .groupBy('provider_code')
      .select('provider_code',
        db.raw('(count(*) filter (where warned_at >= ? and warned_at < ?))::int as warnings', [period.from, period.to]),
        db.raw('(count(*) filter (where overdue_at >= ? and overdue_at < ?))::int as red_cards', [period.from, period.to])),
  ]);
  return {
    received: received as { provider_code: string; n: number }[],
    decided: decided as { provider_code: string; created_at: Date; decided_at: Date; due_at: Date }[],
    cards: cards as { provider_code: string; warnings: number; red_cards: number }[],
  };
}

/** Open objections by providing department and colour (yellow: warning, red: overdue; on_time too). */
export async function openObjectionsBySla(db: Db): Promise<{ provider_code: string; sla: 'on_time' | 'warning' | 'overdue'; count: number }[]> {
  return db('objections').where('status', 'open').groupBy('provider_code', 'sla')
    .select('provider_code', 'sla', db.raw('count(*)::int as count'));
}

/** Open objections per resource: all, yellow, red. */
export async function openObjectionsByResource(db: Db): Promise<{ resource_id: string; open: number; warnings: number; red_cards: number }[]> {
  return db('objections').where('status', 'open').groupBy('resource_id')
    .select('resource_id', db.raw('count(*)::int as open'),
      db.raw("(count(*) filter (where sla = 'warning'))::int as warnings"),
      db.raw("(count(*) filter (where sla = 'overdue'))::int as red_cards"));
}

/**
 * Open discrepancies per resource, on either side: as the authoritative source (its department
 * answers for them) and as the loaded copy that disagrees.
 */
export async function openDiscrepanciesByResource(db: Db): Promise<{ resource_id: string; as_source: number; as_copy: number }[]> {
  return db.from(db('discrepancies').where('status', 'open')
    .select({ resource_id: 'source_resource_id' }, db.raw('1 as as_source'), db.raw('0 as as_copy'))
    .unionAll((u) => u.from('discrepancies').where('status', 'open').select('resource_id', db.raw('0'), db.raw('1')))
    .as('d'))
    .groupBy('resource_id')
    .select('resource_id', db.raw('sum(as_source)::int as as_source'), db.raw('sum(as_copy)::int as as_copy'));
}

/** Open discrepancies, for /metrics. */
export async function openDiscrepancyCount(db: Db): Promise<number> {
  const row = await db('discrepancies').where('status', 'open').first(db.raw('count(*)::int as n'));
  return (row as { n: number }).n;
}
