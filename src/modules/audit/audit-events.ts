import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Knex } from 'knex';
import type { HubKeys } from '../../lib/crypto.js';
import { decodeCursorValues, encodeCursor } from '../../lib/paginate.js';
import type { RequestContext } from '../context.js';
import { recordEvent } from './events.js';

// The auditors' view of the trail (GET /v1/audit/events). Auditors see everything; platform
// admins see share-request events (applications, grants) and data-access events (records read by
// systems) — never the auditors' own reads of the trail (三员分立). Newest first, keyset paged by
// id; `format=csv` streams every match in pages of CSV_PAGE rows, never holding them all. Reading
// the trail is itself an event. There is no route that changes or deletes an event.

export interface EventFilters {
  from?: string;
  to?: string;
  department?: string;
  system?: string;
  resource?: string;
  action?: string;
  outcome?: 'success' | 'failure';
  subjectId?: string;
  caseId?: string;
}

const CSV_PAGE = 1_000;

const COLUMNS = `e.id, l.seq, e.occurred_at as "occurredAt", e.actor_kind as "actorKind", e.actor_id as "actorId",
  e.actor_department as "actorDepartment", e.entity_type as "entityType", e.entity_id as "entityId", e.action, e.outcome, e.reason,
  e.request_id as "requestId", e.details, e.resource_id as "resourceId", e.grant_id as "grantId", e.subject_masked as "subjectMasked",
  e.fields, e.service_item_code as "serviceItemCode", e.case_id as "caseId", e.operator_id as "operatorId", e.latency_ms as "latencyMs"`;

export type AuditEventRow = {
  id: number; seq: number | null; occurredAt: Date; actorKind: string; actorId: string | null; actorDepartment: string | null;
  entityType: string; entityId: string; action: string; outcome: string; reason: string | null; requestId: string | null;
  details: Record<string, unknown>; resourceId: string | null; grantId: string | null; subjectMasked: string | null; fields: string[] | null;
  serviceItemCode: string | null; caseId: string | null; operatorId: string | null; latencyMs: number | null;
};

/**
 * The subject's keyed hashes, under the current master key and the previous ones (events sealed
 * before a rotation keep their hash). Normalised as the exchange does: ASCII letters upper-cased.
 */
export function subjectSearchHashes(keys: readonly Pick<HubKeys, 'subject'>[], subjectId: string): Buffer[] {
  const id = subjectId.replace(/[a-z]/g, (c) => c.toUpperCase());
  return keys.map((k) => createHmac('sm3', k.subject).update(id).digest());
}

function baseQuery(ctx: RequestContext, filters: EventFilters, subjectKeys: readonly Pick<HubKeys, 'subject'>[]): Knex.QueryBuilder {
  const q = ctx.db('events as e').leftJoin('event_leaves as l', 'l.event_id', 'e.id').select(ctx.db.raw(COLUMNS));
  if (ctx.actor.role === 'platform_admin') {
    q.where((w) => w.whereIn('e.entity_type', ['application', 'grant']).orWhere('e.action', 'like', 'record.%'));
  }
  if (filters.from) q.where('e.occurred_at', '>=', filters.from);
  if (filters.to) q.where('e.occurred_at', '<', filters.to);
  if (filters.department) q.where('e.actor_department', filters.department);
  if (filters.system) q.where({ 'e.actor_kind': 'system', 'e.actor_id': filters.system });
  if (filters.resource) q.where((w) => w.where('e.resource_id', filters.resource!).orWhere({ 'e.entity_type': 'resource', 'e.entity_id': filters.resource! }));
  if (filters.action) q.where('e.action', filters.action);
  if (filters.outcome) q.where('e.outcome', filters.outcome);
  if (filters.subjectId) q.whereIn('e.subject_hash', subjectSearchHashes(subjectKeys, filters.subjectId));
  if (filters.caseId) q.where('e.case_id', filters.caseId);
  return q.orderBy('e.id', 'desc');
}

const cursorId = (cursor: string) => Number(decodeCursorValues(cursor, [/^[1-9]\d{0,15}$/])[0]);

/** What the read itself leaves on the trail: which filters were used, never the subject id. */
async function noteRead(ctx: RequestContext, filters: EventFilters, format: string) {
  const { subjectId, ...rest } = filters;
  await recordEvent(ctx.db, {
    actor: ctx.actor, entityType: 'audit', entityId: 'events', action: 'audit.events_read', requestId: ctx.requestId,
    details: { format, filters: { ...rest, ...(subjectId ? { subjectId: 'given' } : {}) } },
  });
}

export async function listAuditEvents(ctx: RequestContext, filters: EventFilters, page: { limit: number; cursor?: string },
  subjectKeys: readonly Pick<HubKeys, 'subject'>[]) {
  const q = baseQuery(ctx, filters, subjectKeys);
  if (page.cursor !== undefined) q.where('e.id', '<', cursorId(page.cursor));
  const rows: AuditEventRow[] = await q.limit(page.limit + 1);
  await noteRead(ctx, filters, 'json');
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  return { items: items.map(toAuditEvent), nextCursor: more ? encodeCursor([String(items.at(-1)!.id)]) : null };
}

export const toAuditEvent = (r: AuditEventRow) => ({
  ...r, id: Number(r.id), seq: r.seq === null ? null : Number(r.seq), occurredAt: r.occurredAt.toISOString(),
});

const CSV_HEADER = ['id', 'seq', 'occurredAt', 'actorKind', 'actorId', 'actorDepartment', 'entityType', 'entityId', 'action', 'outcome', 'reason',
  'requestId', 'resourceId', 'grantId', 'subjectMasked', 'fields', 'serviceItemCode', 'caseId', 'operatorId', 'latencyMs', 'details'] as const;

/** Every matching event as CSV (RFC 4180, csv-stringify), fetched page by page as the client reads. */
export async function streamAuditEventsCsv(ctx: RequestContext, filters: EventFilters, subjectKeys: readonly Pick<HubKeys, 'subject'>[]): Promise<Readable> {
  await noteRead(ctx, filters, 'csv');
  async function* rows() {
    let before: number | undefined;
    for (;;) {
      const q = baseQuery(ctx, filters, subjectKeys);
      if (before !== undefined) q.where('e.id', '<', before);
      const page: AuditEventRow[] = await q.limit(CSV_PAGE);
      for (const r of page) {
        const e = toAuditEvent(r);
        yield CSV_HEADER.map((k) => (k === 'details' || k === 'fields' ? (e[k] === null ? '' : JSON.stringify(e[k])) : e[k] ?? ''));
      }
      if (page.length < CSV_PAGE) return;
      before = Number(page.at(-1)!.id);
    }
  }
  return Readable.from(rows()).pipe(stringify({ header: true, columns: [...CSV_HEADER] }));
}
