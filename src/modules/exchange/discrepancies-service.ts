// 一数一源、多元校核: the discrepancies the loads' cross-checks record (cross-check.ts), as the two
// departments see them. The source department answers for them: it checks its value (correcting
// its own records if they are wrong) and closes the discrepancy with a note; a later load of the
// copy that agrees with the source resolves it by itself ('agreed').
import { AppError, illegalState, notFound, otherDepartment } from '../../lib/errors.js';
import { paginate } from '../../lib/paginate.js';
import { recordEvent } from '../audit/events.js';
import type { RequestContext } from '../context.js';
import { readsEverything, type Principal } from '../identity/principal.js';

export interface DiscrepancyRow {
  id: string;
  resource_id: string;
  item_key: string;
  copy_code: string;
  source_resource_id: string;
  source_item_key: string;
  source_code: string;
  subject_masked: string;
  status: 'open' | 'resolved';
  occurrences: number;
  detected_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  resolution: 'agreed' | 'closed' | null;
  resolved_by: string | null;
  note: string | null;
}

export const toDiscrepancy = (r: DiscrepancyRow) => ({
  id: r.id,
  resourceId: r.resource_id,
  itemKey: r.item_key,
  copyDepartmentCode: r.copy_code,
  sourceResourceId: r.source_resource_id,
  sourceItemKey: r.source_item_key,
  sourceDepartmentCode: r.source_code,
  subjectId: r.subject_masked,
  status: r.status,
  occurrences: r.occurrences,
  detectedAt: r.detected_at.toISOString(),
  lastSeenAt: r.last_seen_at.toISOString(),
  resolvedAt: r.resolved_at?.toISOString() ?? null,
  resolution: r.resolution,
  note: r.note,
});

const COLUMNS = ['id', 'resource_id', 'item_key', 'copy_code', 'source_resource_id', 'source_item_key', 'source_code', 'subject_masked', 'status',
  'occurrences', 'detected_at', 'last_seen_at', 'resolved_at', 'resolution', 'resolved_by', 'note'];

const isParty = (viewer: Principal, r: Pick<DiscrepancyRow, 'copy_code' | 'source_code'>) =>
  readsEverything(viewer) || viewer.departmentCode === r.copy_code || viewer.departmentCode === r.source_code;

/** Both departments see a discrepancy (the source's first); the platform and the auditors see all. */
export async function listDiscrepancies(ctx: RequestContext, q: { side?: 'source' | 'copy' | 'all'; status?: 'open' | 'resolved'; resourceId?: string; limit: number; offset: number }) {
  const { actor: viewer } = ctx;
  const base = ctx.db('discrepancies').select(COLUMNS).modify((b) => {
    if (!readsEverything(viewer)) {
      const dept = viewer.departmentCode;
      if (q.side === 'source') b.where('source_code', dept);
      else if (q.side === 'copy') b.where('copy_code', dept);
      else b.where((w) => w.where('source_code', dept).orWhere('copy_code', dept));
    }
    if (q.status) b.where('status', q.status);
    if (q.resourceId) b.where((w) => w.where('resource_id', q.resourceId!).orWhere('source_resource_id', q.resourceId!));
  }).orderBy([{ column: 'detected_at', order: 'desc' }, { column: 'id' }]);
  const { rows, total } = await paginate<DiscrepancyRow>(base, q);
  return { items: rows.map(toDiscrepancy), total };
}

/** The source department (or the platform) closes an open discrepancy with what it found. */
export async function closeDiscrepancy(ctx: RequestContext, id: string, note: string) {
  const { actor } = ctx;
  return ctx.db.transaction(async (trx) => {
    const row: DiscrepancyRow | undefined = await trx('discrepancies').where('id', id).forUpdate().first(COLUMNS);
    if (!row || !isParty(actor, row)) throw notFound('discrepancy');
    // The copy's department sees it, so refusing it hides nothing: the source answers for its value.
    if (actor.role !== 'platform_admin' && actor.departmentCode !== row.source_code) throw otherDepartment('the discrepancy');
    if (row.status !== 'open') throw illegalState('the discrepancy', row.status, 'close');
    const [closed] = await trx('discrepancies').where('id', id)
      .update({ status: 'resolved', resolution: 'closed', resolved_at: ctx.now, resolved_by: 'userId' in actor ? actor.userId : null, note })
      .returning(COLUMNS) as DiscrepancyRow[];
    await recordEvent(trx, {
      actor, requestId: ctx.requestId, entityType: 'resource', entityId: row.source_resource_id, action: 'discrepancy.closed',
      details: { discrepancyId: id, resourceId: row.resource_id, itemKey: row.item_key, sourceItemKey: row.source_item_key },
    });
    if (!closed) throw new AppError('INTERNAL', 'the discrepancy vanished while it was closed');
    return toDiscrepancy(closed);
  });
}
