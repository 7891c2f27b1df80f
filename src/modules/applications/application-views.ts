import type { Knex } from 'knex';
import { notFound } from '../../lib/errors.js';
import { keysetPaginate, paginate, type CursorPage, type Page, type SortColumn } from '../../lib/paginate.js';
import { isParty, whereParty, type Side } from '../identity/party-filter.js';
import { timelineOf, type TimelineRow } from '../timeline/application-timeline.js';
import { applicationsView, findView, type ApplicationRow, type ApplicationViewRow, type Sla } from './applications-repository.js';
import type { WorkflowContext } from './settings.js';
import type { ApplicationStatus } from './state-machine.js';

// The read side of applications: what the API shows of one (with its timeline) and the lists,
// scoped to the departments concerned.

/** The colour of the open step at `now`: red past the deadline, yellow inside the warning window. */
export function slaAt(row: Pick<ApplicationRow, 'due_at' | 'warn_at'>, now: Date): Sla | null {
  if (!row.due_at) return null;
  if (now.getTime() > row.due_at.getTime()) return 'overdue';
  if (row.warn_at && now.getTime() >= row.warn_at.getTime()) return 'warning';
  return 'on_time';
}

export function toApplication(row: ApplicationViewRow, now: Date) {
  return {
    id: row.id,
    status: row.status,
    route: row.route,
    resourceId: row.resource_id,
    resourceCode: row.resource_code,
    resourceName: row.resource_name,
    resourceVersion: row.resource_version,
    providerCode: row.provider_code,
    consumerCode: row.consumer_code,
    systemId: row.system_id,
    fields: row.fields,
    purpose: row.purpose,
    legalBasis: row.legal_basis,
    serviceItemCode: row.service_item_code,
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to.toISOString(),
    expectedDailyCalls: row.expected_daily_calls,
    decidedFields: row.decided_fields,
    decidedValidTo: row.decided_valid_to?.toISOString() ?? null,
    conditions: row.conditions,
    grantId: row.grant_id,
    step: row.step,
    responsibleDepartment: row.responsible_code,
    stepStartedAt: row.step_started_at?.toISOString() ?? null,
    dueAt: row.due_at?.toISOString() ?? null,
    dueProvisional: row.due_at ? row.due_provisional : null,
    sla: slaAt(row, now),
    submittedAt: row.submitted_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toTimelineEntry(row: TimelineRow) {
  return {
    at: row.at.toISOString(),
    action: row.action,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    actor: { kind: row.actor_kind, id: row.actor_id, departmentCode: row.actor_department },
    decision: row.decision,
    reason: row.reason,
    step: row.step,
    dueAt: row.due_at?.toISOString() ?? null,
    dueProvisional: row.due_provisional,
    deadlineMet: row.deadline_met,
    nextDueAt: row.next_due_at?.toISOString() ?? null,
    nextDueProvisional: row.next_due_provisional,
  };
}

async function withTimeline(db: Knex | Knex.Transaction, row: ApplicationViewRow, now: Date) {
  const timeline = await timelineOf(db, row.id);
  return { ...toApplication(row, now), timeline: timeline.map(toTimelineEntry) };
}

/** An application with its timeline, for one of its parties, the platform or an auditor. */
export async function getApplication(ctx: WorkflowContext, id: string) {
  const viewer = ctx.actor;
  const row = await findView(ctx.db, id);
  // Anyone else is answered as for an unknown id: a 403 would confirm that the id exists.
  if (!row || !isParty(viewer, row)) throw notFound('application');
  return withTimeline(ctx.db, row, ctx.now);
}

/** An application known to exist, read in `db` (a use case's transaction sees its own change). */
export async function applicationDetail(db: Knex | Knex.Transaction, id: string, now: Date) {
  return withTimeline(db, (await findView(db, id))!, now);
}

export interface ListQuery extends CursorPage {
  offset?: number;
  status?: ApplicationStatus;
  side?: Side;
  sla?: Sla;
  resourceId?: string;
}

/** Newest first; the id breaks ties (a keyset needs a unique order). */
const APPLICATION_ORDER: SortColumn[] = [{ column: 'a.submitted_at', order: 'desc', type: 'timestamp' }, { column: 'a.id', order: 'asc', type: 'uuid' }];

/** Departments see applications they made or whose resource they provide; admin and auditor all. */
export async function listApplications(ctx: WorkflowContext, q: ListQuery) {
  const viewer = ctx.actor;
  const now = ctx.now;
  const base = applicationsView(ctx.db).modify((b) => {
    whereParty(b, viewer, q.side, 'a');
    if (q.status) b.where('a.status', q.status);
    if (q.resourceId) b.where('a.resource_id', q.resourceId);
    if (q.sla === 'overdue') b.where('a.due_at', '<', now);
    else if (q.sla === 'warning') b.where('a.due_at', '>=', now).andWhere('a.warn_at', '<=', now);
    else if (q.sla === 'on_time') b.where('a.warn_at', '>', now);
  });
  const { rows, ...page } = await keysetPaginate<ApplicationViewRow>(base, q, APPLICATION_ORDER);
  return { items: rows.map((r) => toApplication(r, now)), ...page };
}

/** 收件箱: Route B applications waiting for the caller's department, the most urgent first. */
export async function listInbox(ctx: WorkflowContext, page: Page) {
  const viewer = ctx.actor;
  const inbox = applicationsView(ctx.db)
    .where('a.provider_code', viewer.departmentCode)
    .andWhere('a.status', 'pending_provider')
    .orderBy([{ column: 'a.due_at' }, { column: 'a.id' }]);
  const { rows, total } = await paginate<ApplicationViewRow>(inbox, page);
  return { items: rows.map((r) => toApplication(r, ctx.now)), total };
}
