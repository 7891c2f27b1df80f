import type { Knex } from 'knex';

// Who received a field of a subject's record: a narrow read of the data-access events
// (access-events.ts) for the exchange's 纠错 notifications, so that callers need not know the
// trail's columns. Successful reads and batch reads only (a verify never returns a value).

export interface DataRecipient {
  systemId: string;
  departmentCode: string;
  /** The access events (receipts) of those reads, oldest first. */
  eventIds: string[];
}

export async function dataRecipients(
  db: Knex | Knex.Transaction,
  q: { resourceId: string; subjectHashes: readonly Buffer[]; field: string; since: Date; until: Date },
): Promise<DataRecipient[]> {
  if (q.subjectHashes.length === 0) return [];
  const rows: { system_id: string; department_code: string; event_ids: string[] }[] = await db('events')
    .where('resource_id', q.resourceId)
    .whereIn('subject_hash', [...q.subjectHashes])
    .whereIn('action', ['record.read', 'record.batch_read'])
    .where('outcome', 'success')
    .whereRaw('fields @> ?::jsonb', [JSON.stringify([q.field])])
    .where('occurred_at', '>=', q.since)
    .where('occurred_at', '<=', q.until)
    .groupBy('actor_id', 'actor_department')
    .select({ system_id: 'actor_id', department_code: 'actor_department' })
    .select(db.raw('array_agg(id::text order by id) as event_ids'))
    .orderBy('actor_id');
  return rows.map((r) => ({ systemId: r.system_id, departmentCode: r.department_code, eventIds: r.event_ids }));
}
