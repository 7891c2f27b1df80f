import type { Knex } from 'knex';

// The one way other modules read data-access events (access-events.ts writes them): a narrow,
// read-only view for the supervision roll-ups, so the trail's layout can change behind it.

export interface SettledAccessEvent {
  id: string;
  occurredAt: Date;
  systemId: string;
  departmentCode: string;
  resourceId: string;
  outcome: 'success' | 'failure';
  /** The problem code of a refusal or a per-subject result (SUBJECT_NOT_FOUND …); null on success. */
  reason: string | null;
  latencyMs: number | null;
}

/**
 * Data-access events after `afterId`, in id order, up to `limit`, stopping before the first one
 * that is not yet settled (occurred at or after `settledBefore`).
 *
 * Why the stop: ids are taken when an event is inserted, after the request has run, so a slow
 * call can hold a higher id than a quick one that started after it, and replicas commit their
 * batches independently. A reader that advanced its watermark past an id whose neighbours were
 * still in flight would skip them for good. Events older than the settle time have long been
 * committed (a reply waits for its event), so every id below the first unsettled one is final.
 */
export async function settledAccessEvents(db: Knex | Knex.Transaction, q: { afterId: string; settledBefore: Date; limit: number }): Promise<SettledAccessEvent[]> {
  const unsettled: { id: string } | undefined = await db('events')
    .where('id', '>', q.afterId)
    .whereNotNull('resource_id')
    .where('occurred_at', '>=', q.settledBefore)
    .orderBy('id')
    .first('id');
  const rows: { id: string; occurred_at: Date; actor_id: string; actor_department: string; resource_id: string; outcome: 'success' | 'failure'; reason: string | null; latency_ms: number | null }[] =
    await db('events')
      .where('id', '>', q.afterId)
      .modify((b) => { if (unsettled) b.where('id', '<', unsettled.id); })
      .whereNotNull('resource_id')
      .where('actor_kind', 'system')
      .orderBy('id')
      .limit(q.limit)
      .select('id', 'occurred_at', 'actor_id', 'actor_department', 'resource_id', 'outcome', 'reason', 'latency_ms');
  return rows.map((r) => ({
    id: String(r.id), occurredAt: r.occurred_at, systemId: r.actor_id, departmentCode: r.actor_department, resourceId: r.resource_id,
    outcome: r.outcome, reason: r.reason, latencyMs: r.latency_ms,
  }));
}
