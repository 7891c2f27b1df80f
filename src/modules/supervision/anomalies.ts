import type { Config } from '../../config.js';
import { addDays, shanghaiDay, startOfDay } from '../../lib/working-days.js';
import { platformDepartmentCode } from '../departments/departments-service.js';
import { recordEvent } from '../audit/events.js';
import type { Context } from '../context.js';
import { addWebhook } from '../outbox/outbox-service.js';

// Anomaly alerts from the hourly roll-ups (never from the trail):
// - volume: a system's calls to a resource today (Asia/Shanghai) exceed `volumeMultiple` times
//   its median daily calls over the 14 days before (days without calls count as 0), and are at
//   least `minCalls` — so a quiet system's first busy morning is not an alarm;
// - enumeration: a system's SUBJECT_NOT_FOUND answers from a resource today reach
//   `notFoundRate` of at least `enumerationMinCalls` calls: it is trying ids, not looking up cases.
// Each alert is an event on the trail and a notification to the provider and the platform, once
// per kind, day, resource and system.

export const BASELINE_DAYS = 14;

export interface AnomalySettings {
  volumeMultiple: number;
  minCalls: number;
  notFoundRate: number;
  enumerationMinCalls: number;
}

export const anomalySettings = (c: Config): AnomalySettings => ({
  volumeMultiple: c.ANOMALY_VOLUME_MULTIPLE,
  minCalls: c.ANOMALY_MIN_CALLS,
  notFoundRate: c.ANOMALY_NOT_FOUND_RATE,
  enumerationMinCalls: c.ANOMALY_ENUMERATION_MIN_CALLS,
});

export interface Alert {
  id: string;
  kind: 'volume' | 'enumeration';
  resourceId: string;
  systemId: string;
  consumerCode: string;
  observed: number;
  baseline: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Scans today's roll-ups; returns the alerts raised by this run (not those raised before). */
export async function detectAnomalies(ctx: Context, settings: AnomalySettings): Promise<Alert[]> {
  const { db, now } = ctx;
  const day = shanghaiDay(now);
  const todayStart = startOfDay(day);
  const baselineStart = startOfDay(addDays(day, -BASELINE_DAYS));

  const today: { resource_id: string; system_id: string; consumer_code: string; calls: number; not_found: number }[] = await db('access_rollups')
    .where('hour', '>=', todayStart).where('hour', '<', startOfDay(addDays(day, 1)))
    .groupBy('resource_id', 'system_id', 'consumer_code')
    .select('resource_id', 'system_id', 'consumer_code', db.raw('sum(calls)::int as calls'),
      db.raw(`sum(coalesce((errors_by_code->>'SUBJECT_NOT_FOUND')::int, 0))::int as not_found`));
  if (!today.length) return [];
  const history: { resource_id: string; system_id: string; day: string; calls: number }[] = await db('access_rollups')
    .where('hour', '>=', baselineStart).where('hour', '<', todayStart)
    .groupBy('resource_id', 'system_id', 'day')
    .select('resource_id', 'system_id', db.raw(`to_char(hour at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day`), db.raw('sum(calls)::int as calls'));
  const daily = new Map<string, number[]>();
  for (const h of history) {
    const key = `${h.resource_id} ${h.system_id}`;
    daily.set(key, [...(daily.get(key) ?? []), h.calls]);
  }

  const candidates: Omit<Alert, 'id'>[] = [];
  for (const t of today) {
    const days = daily.get(`${t.resource_id} ${t.system_id}`) ?? [];
    const baseline = median([...days, ...new Array<number>(BASELINE_DAYS - days.length).fill(0)]);
    const who = { resourceId: t.resource_id, systemId: t.system_id, consumerCode: t.consumer_code };
    if (t.calls >= settings.minCalls && t.calls > settings.volumeMultiple * baseline) {
      candidates.push({ kind: 'volume', ...who, observed: t.calls, baseline });
    }
    if (t.calls >= settings.enumerationMinCalls && t.not_found >= settings.notFoundRate * t.calls) {
      candidates.push({ kind: 'enumeration', ...who, observed: t.not_found, baseline: t.calls });
    }
  }
  if (!candidates.length) return [];

  return db.transaction(async (trx) => {
    const platform = await platformDepartmentCode(trx);
    const providers = new Map((await trx('resources').whereIn('id', [...new Set(candidates.map((c) => c.resourceId))]).select('id', 'provider_code') as { id: string; provider_code: string }[])
      .map((r) => [r.id, r.provider_code]));
    const raised: Alert[] = [];
    for (const c of candidates) {
      const provider = providers.get(c.resourceId);
      if (!provider) continue;
      const [row] = await trx('anomaly_alerts')
        .insert({ kind: c.kind, day, resource_id: c.resourceId, system_id: c.systemId, consumer_code: c.consumerCode, provider_code: provider,
          observed: c.observed, baseline: c.baseline, created_at: now })
        .onConflict(['kind', 'day', 'resource_id', 'system_id'])
        .ignore()
        .returning('id');
      if (!row) continue;
      const alert: Alert = { id: row.id, ...c };
      const data = { alertId: alert.id, kind: c.kind, day, resourceId: c.resourceId, systemId: c.systemId, consumerCode: c.consumerCode, observed: c.observed, baseline: c.baseline };
      await recordEvent(trx, { actor: ctx.actor, entityType: 'resource', entityId: c.resourceId, action: `supervision.anomaly_${c.kind}`, details: data });
      for (const departmentCode of new Set([provider, platform])) {
        await addWebhook(trx, { type: 'supervision.anomaly', departmentCode, now, data });
      }
      raised.push(alert);
    }
    return raised;
  });
}
