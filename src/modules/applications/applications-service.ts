import type { Knex } from 'knex';
import { AppError, illegalState, invalidField, notFound, otherDepartment, type FieldProblem } from '../../lib/errors.js';
import { paginate, type Page } from '../../lib/paginate.js';
import { shanghaiDay, startOfDay, type WorkingDayCalendar } from '../../lib/working-days.js';
import { readsEverything, type Principal } from '../../plugins/auth.js';
import { recordEvent, type Actor } from '../audit/events.js';
import { loadCalendar } from '../calendar/calendar-service.js';
import { issueGrant } from '../grants/grants-service.js';
import { jobId } from '../outbox/job-types.js';
import { addJob, addWebhook, type WebhookType } from '../outbox/outbox-service.js';
import {
  addTimeline,
  applicationsView,
  findView,
  lockApplication,
  platformDepartmentCode,
  timelineOf,
  type ApplicationRow,
  type ApplicationViewRow,
  type Sla,
  type TimelineRow,
} from './applications-repository.js';
import { findResource, getVersion, type ResourceRow, type ResourceVersionRow } from './published-resources.js';
import { routeOf } from './routing.js';
import type { WorkflowContext, WorkflowSettings } from './settings.js';
import {
  assertCan,
  assertTransition,
  OPEN_STATUSES,
  STEP_OF,
  type ApplicationAction,
  type ApplicationStatus,
  type Step,
} from './state-machine.js';

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Views

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
    deadlineMet: row.deadline_met,
    nextDueAt: row.next_due_at?.toISOString() ?? null,
  };
}

function assertParty(viewer: Principal, row: Pick<ApplicationRow, 'consumer_code' | 'provider_code'>) {
  if (readsEverything(viewer)) return;
  if (viewer.departmentCode !== row.consumer_code && viewer.departmentCode !== row.provider_code) throw otherDepartment('the application');
}

export async function getApplication(ctx: WorkflowContext, viewer: Principal, id: string) {
  const row = await findView(ctx.db, id);
  if (!row) throw notFound('application');
  assertParty(viewer, row);
  const timeline = await timelineOf(ctx.db, id);
  return { ...toApplication(row, ctx.now), timeline: timeline.map(toTimelineEntry) };
}

export interface ListQuery extends Page {
  status?: ApplicationStatus;
  side?: 'consumer' | 'provider' | 'all';
  sla?: Sla;
  resourceId?: string;
}

/** Departments see applications they made or whose resource they provide; admin and auditor all. */
export async function listApplications(ctx: WorkflowContext, viewer: Principal, q: ListQuery) {
  const now = ctx.now;
  const base = applicationsView(ctx.db).modify((b) => {
    if (!readsEverything(viewer)) {
      const dept = viewer.departmentCode;
      if (q.side === 'consumer') b.where('a.consumer_code', dept);
      else if (q.side === 'provider') b.where('a.provider_code', dept);
      else b.where((w) => w.where('a.consumer_code', dept).orWhere('a.provider_code', dept));
    }
    if (q.status) b.where('a.status', q.status);
    if (q.resourceId) b.where('a.resource_id', q.resourceId);
    if (q.sla === 'overdue') b.where('a.due_at', '<', now);
    else if (q.sla === 'warning') b.where('a.due_at', '>=', now).andWhere('a.warn_at', '<=', now);
    else if (q.sla === 'on_time') b.where('a.warn_at', '>', now);
  });
  const { rows, total } = await paginate<ApplicationViewRow>(base.orderBy([{ column: 'a.submitted_at', order: 'desc' }, { column: 'a.id' }]), q);
  return { items: rows.map((r) => toApplication(r, now)), total };
}

/** 收件箱: Route B applications waiting for the caller's department, the most urgent first. */
export async function listInbox(ctx: WorkflowContext, viewer: Principal, page: Page) {
  const inbox = applicationsView(ctx.db)
    .where('a.provider_code', viewer.departmentCode)
    .andWhere('a.status', 'pending_provider')
    .orderBy([{ column: 'a.due_at' }, { column: 'a.id' }]);
  const { rows, total } = await paginate<ApplicationViewRow>(inbox, page);
  return { items: rows.map((r) => toApplication(r, ctx.now)), total };
}

// ---------------------------------------------------------------------------------------------
// Validation of what is applied for

export interface ApplicationTerms {
  fields: string[];
  purpose: string;
  legalBasis: string;
  serviceItemCode: string;
  validFrom: string;
  validTo: string;
  expectedDailyCalls: number;
}

export interface NewApplication extends ApplicationTerms {
  resourceId: string;
  systemId: string;
}

function notSharedDetail(resource: ResourceRow, version: ResourceVersionRow): string {
  const basis = version.legal_basis ? ` on the basis of ${version.legal_basis}` : '';
  return `resource ${resource.code} (${version.name}) is share type 3, 不予共享 (not shared)${basis}. ` +
    `If your department needs this data to perform its duties, negotiate with the providing department ${resource.provider_code}; ` +
    `failing agreement, ask the platform's competent department (共享主管部门) to coordinate (协调), as 国发〔2016〕51号 provides.`;
}

const deprecated = (resource: Pick<ResourceRow, 'code'>) =>
  new AppError('RESOURCE_DEPRECATED', `resource ${resource.code} is deprecated and takes no new applications; existing grants run to expiry`, {
    extra: { currentState: 'deprecated' },
  });

/**
 * The resource's published version, if it takes applications; the resource row stays held (FOR
 * SHARE). `unpublished` is the caller's answer for a resource that is not (or no longer) published.
 */
async function applicableVersion(trx: Knex.Transaction, resourceId: string, unpublished: () => AppError) {
  const resource = await findResource(trx, resourceId, { forShare: true });
  if (!resource || resource.published_version === null || (resource.status !== 'published' && resource.status !== 'deprecated')) throw unpublished();
  if (resource.status === 'deprecated') throw deprecated(resource);
  const version = await getVersion(trx, resource.id, resource.published_version);
  if (version.share_type === 3) throw new AppError('SHARE_TYPE_NOT_SHARED', notSharedDetail(resource, version));
  return { resource, version };
}

// The date-time format admits a leap second (23:59:60Z), which a JavaScript Date cannot hold:
// it parses to NaN, and NaN would slip past every comparison into PostgreSQL or date arithmetic.
const UNREADABLE_TIME = 'is not a date-time the hub can represent (a leap second, :60, is not accepted)';

/** `appliedAt` is the first submission: a resubmission keeps the validity start it was allowed then. */
function termProblems(terms: ApplicationTerms, version: ResourceVersionRow, now: Date, settings: WorkflowSettings, appliedAt = now): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const items = new Set(version.data_items.map((i) => i.key));
  terms.fields.forEach((f, i) => {
    if (!items.has(f)) problems.push({ pointer: `/body/fields/${i}`, message: `'${f}' is not a data item of resource version ${version.version}` });
  });
  const from = new Date(terms.validFrom);
  const to = new Date(terms.validTo);
  // A NaN bound fails every comparison below, so only its own problem is reported.
  if (Number.isNaN(from.getTime())) problems.push({ pointer: '/body/validFrom', message: UNREADABLE_TIME });
  else if (from.getTime() < startOfDay(shanghaiDay(appliedAt)).getTime()) {
    problems.push({ pointer: '/body/validFrom', message: 'must not be before the day of the application' });
  }
  if (Number.isNaN(to.getTime())) problems.push({ pointer: '/body/validTo', message: UNREADABLE_TIME });
  else if (to.getTime() <= from.getTime()) problems.push({ pointer: '/body/validTo', message: 'must be after validFrom' });
  else if (to.getTime() <= now.getTime()) problems.push({ pointer: '/body/validTo', message: 'must be in the future' });
  else if (to.getTime() - from.getTime() > settings.maxValidityDays * DAY_MS) {
    problems.push({ pointer: '/body/validTo', message: `must be within ${settings.maxValidityDays} days of validFrom` });
  }
  return problems;
}

function throwProblems(problems: FieldProblem[]) {
  if (problems.length) {
    throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.pointer}: ${p.message}`).join('; '), { errors: problems });
  }
}

async function assertOwnSystem(db: Knex | Knex.Transaction, consumerCode: string, systemId: string) {
  const system = await db('systems').where('id', systemId).first('department_code');
  // A system of another department is answered like an unknown one: nothing leaks about it.
  if (!system || system.department_code !== consumerCode) throw invalidField('/body/systemId', 'names no system of your department');
}

async function assertNoOpenApplication(trx: Knex.Transaction, systemId: string, resourceId: string, except?: string) {
  const open = await trx('applications')
    .where({ system_id: systemId, resource_id: resourceId })
    .whereIn('status', OPEN_STATUSES)
    .modify((q) => { if (except) q.whereNot('id', except); })
    .first('id', 'status');
  if (open) throw alreadyOpen(open.id);
}

const alreadyOpen = (id?: string) =>
  new AppError('APPLICATION_ALREADY_OPEN', `the system already has an open application for this resource${id ? ` (${id})` : ''}; withdraw it or wait for its decision`);

const isOneOpenViolation = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505' &&
  (err as { constraint?: string }).constraint === 'applications_one_open';

// ---------------------------------------------------------------------------------------------
// Transitions

interface StepEnv {
  calendar: WorkingDayCalendar;
  platformCode: string;
}

async function stepEnv(trx: Knex.Transaction): Promise<StepEnv> {
  const [calendar, platformCode] = await Promise.all([loadCalendar(trx), platformDepartmentCode(trx)]);
  return { calendar, platformCode };
}

function workingDaysFor(step: Step, s: WorkflowSettings): number | undefined {
  switch (step) {
    case 'review': return s.reviewWorkingDays;
    case 'provision': return s.provisionWorkingDays;
    case 'provider_decision': return s.providerDecisionWorkingDays;
    case 'coordination': return s.coordinationWorkingDays;
    case 'correction': return undefined; // the applicant's turn: the hub sets it no deadline
  }
}

/** The step an application enters with `status`: who must act and by when. */
function enterStep(status: ApplicationStatus, app: Pick<ApplicationRow, 'consumer_code' | 'provider_code'>, env: StepEnv, ctx: WorkflowContext) {
  const step = STEP_OF[status];
  if (!step) return { step: null, responsible_code: null, step_started_at: null, due_at: null, warn_at: null, sla: null };
  const responsible = step === 'provider_decision' ? app.provider_code : step === 'correction' ? app.consumer_code : env.platformCode;
  const days = workingDaysFor(step, ctx.settings);
  if (days === undefined) return { step, responsible_code: responsible, step_started_at: ctx.now, due_at: null, warn_at: null, sla: null };
  const due = env.calendar.deadline(ctx.now, days);
  return {
    step,
    responsible_code: responsible,
    step_started_at: ctx.now,
    due_at: due,
    warn_at: env.calendar.warningStart(due, ctx.settings.warningWorkingDays),
    sla: 'on_time' as const,
  };
}

interface Move {
  action: ApplicationAction;
  to: ApplicationStatus;
  actor: Actor;
  decision?: string;
  reason?: string | null;
  patch?: Record<string, unknown>;
  details?: Record<string, unknown>;
}

/**
 * One transition: the row, the timeline entry closing the step with its deadline met or missed,
 * and the audit event, all in the caller's transaction. `app` was read under the row lock
 * (lockApplication), so its status is the current one.
 */
async function move(trx: Knex.Transaction, ctx: WorkflowContext, env: StepEnv, app: ApplicationRow, m: Move): Promise<ApplicationRow> {
  assertTransition(m.action, app.status, m.to);
  const next = enterStep(m.to, app, env, ctx);
  const [row] = await trx('applications')
    .where('id', app.id)
    .update({ status: m.to, ...next, ...m.patch, updated_at: ctx.now })
    .returning('*');
  const deadlineMet = app.due_at ? ctx.now.getTime() <= app.due_at.getTime() : null;
  await addTimeline(trx, {
    applicationId: app.id,
    at: ctx.now,
    action: m.action,
    from: app.status,
    to: m.to,
    actor: m.actor,
    decision: m.decision,
    reason: m.reason,
    step: app.step,
    dueAt: app.due_at,
    deadlineMet,
    nextDueAt: next.due_at,
    details: m.details,
  });
  await recordEvent(trx, {
    actor: m.actor,
    entityType: 'application',
    entityId: app.id,
    entityVersion: app.resource_version,
    action: `application.${m.action}`,
    reason: m.reason,
    requestId: ctx.requestId,
    details: { from: app.status, to: m.to, step: app.step, dueAt: app.due_at?.toISOString() ?? null, deadlineMet, ...m.details },
  });
  return row as ApplicationRow;
}

/** Tells a department about an application, through the outbox: ids and decisions only. */
function notify(trx: Knex.Transaction, ctx: WorkflowContext, type: WebhookType, departmentCode: string, app: ApplicationRow, extra: Record<string, unknown> = {}) {
  return addWebhook(trx, {
    type,
    departmentCode,
    applicationId: app.id,
    grantId: app.grant_id ?? undefined,
    now: ctx.now,
    data: {
      applicationId: app.id,
      resourceId: app.resource_id,
      resourceVersion: app.resource_version,
      consumerCode: app.consumer_code,
      providerCode: app.provider_code,
      status: app.status,
      dueAt: app.due_at?.toISOString() ?? null,
      ...(app.grant_id ? { grantId: app.grant_id } : {}),
      ...extra,
    },
  });
}

async function load(trx: Knex.Transaction, id: string): Promise<ApplicationRow> {
  const app = await lockApplication(trx, id);
  if (!app) throw notFound('application');
  return app;
}

async function finish(trx: Knex.Transaction, ctx: WorkflowContext, id: string) {
  const row = await findView(trx, id);
  const timeline = await timelineOf(trx, id);
  return { ...toApplication(row!, ctx.now), timeline: timeline.map(toTimelineEntry) };
}

/** Runs a use case in one transaction; a race on the one-open index is the same 409 as the check. */
async function inTransaction<T>(ctx: WorkflowContext, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction(work);
  } catch (err) {
    if (isOneOpenViolation(err)) throw alreadyOpen();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Use cases

/** 统一受理: a department applies; the platform's review deadline starts now. */
export async function submitApplication(ctx: WorkflowContext, actor: Principal, input: NewApplication) {
  const consumer = actor.departmentCode;
  return inTransaction(ctx, async (trx) => {
    // Checked inside the transaction that inserts, with the resource held: a deprecation racing
    // this submission waits for it, and the platform's acceptance checks the resource again.
    // Drafts and resources under review are not visible to other departments: same answer as unknown.
    const { resource, version } = await applicableVersion(trx, input.resourceId, () => invalidField('/body/resourceId', 'names no published resource'));
    if (resource.provider_code === consumer) throw invalidField('/body/resourceId', "is your own department's resource; no application is needed");
    throwProblems(termProblems(input, version, ctx.now, ctx.settings));
    await assertOwnSystem(trx, consumer, input.systemId);
    await assertNoOpenApplication(trx, input.systemId, resource.id);
    const env = await stepEnv(trx);
    const parties = { consumer_code: consumer, provider_code: resource.provider_code };
    const step = enterStep('pending_review', parties, env, ctx);
    const [row] = await trx('applications')
      .insert({
        ...parties,
        resource_id: resource.id,
        resource_version: version.version,
        system_id: input.systemId,
        fields: JSON.stringify(input.fields),
        purpose: input.purpose,
        legal_basis: input.legalBasis,
        service_item_code: input.serviceItemCode,
        valid_from: new Date(input.validFrom),
        valid_to: new Date(input.validTo),
        expected_daily_calls: input.expectedDailyCalls,
        status: 'pending_review',
        ...step,
        created_by: actor.kind === 'user' ? actor.userId : null,
        submitted_at: ctx.now,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .returning('*');
    const app = row as ApplicationRow;
    await addTimeline(trx, { applicationId: app.id, at: ctx.now, action: 'submit', to: 'pending_review', actor, nextDueAt: app.due_at });
    await recordEvent(trx, {
      actor, entityType: 'application', entityId: app.id, entityVersion: app.resource_version, action: 'application.submit', requestId: ctx.requestId,
      details: { resourceId: app.resource_id, systemId: app.system_id, fields: input.fields, dueAt: app.due_at?.toISOString() },
    });
    return finish(trx, ctx, app.id);
  });
}

/** The applicant corrects a returned application; a new review deadline starts. */
export async function resubmitApplication(ctx: WorkflowContext, actor: Principal, id: string, changes: Partial<ApplicationTerms>) {
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id);
    if (app.consumer_code !== actor.departmentCode) throw otherDepartment('the application');
    assertCan('resubmit', app.status);
    // A resubmission is a new submission: it pins the version published now and is checked again.
    const { version } = await applicableVersion(trx, app.resource_id, () =>
      new AppError('RESOURCE_NOT_PUBLISHED', 'the resource of this application is no longer published; the application can only be withdrawn'));
    const terms: ApplicationTerms = {
      fields: changes.fields ?? app.fields,
      purpose: changes.purpose ?? app.purpose,
      legalBasis: changes.legalBasis ?? app.legal_basis,
      serviceItemCode: changes.serviceItemCode ?? app.service_item_code,
      validFrom: changes.validFrom ?? app.valid_from.toISOString(),
      validTo: changes.validTo ?? app.valid_to.toISOString(),
      expectedDailyCalls: changes.expectedDailyCalls ?? app.expected_daily_calls,
    };
    throwProblems(termProblems(terms, version, ctx.now, ctx.settings, app.created_at));
    const env = await stepEnv(trx);
    await move(trx, ctx, env, app, {
      action: 'resubmit',
      to: 'pending_review',
      actor,
      patch: {
        resource_version: version.version,
        fields: JSON.stringify(terms.fields),
        purpose: terms.purpose,
        legal_basis: terms.legalBasis,
        service_item_code: terms.serviceItemCode,
        valid_from: new Date(terms.validFrom),
        valid_to: new Date(terms.validTo),
        expected_daily_calls: terms.expectedDailyCalls,
        submitted_at: ctx.now,
      },
      details: { resourceVersion: version.version, changed: Object.keys(changes) },
    });
    return finish(trx, ctx, id);
  });
}

/**
 * 规范性审查: the platform accepts, rejects or returns an application. Acceptance routes it:
 * Route A → provisioning (granted at once for a hosted resource); Route B → pending_provider,
 * with the push to the provider written to the outbox in the same transaction.
 */
export async function reviewApplication(
  ctx: WorkflowContext,
  actor: Principal,
  id: string,
  input: { decision: 'accept' | 'reject' | 'return'; reason?: string },
) {
  if (input.decision !== 'accept' && !input.reason?.trim()) throw invalidField('/body/reason', `is required to ${input.decision} an application`);
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id);
    assertCan(input.decision, app.status);
    const env = await stepEnv(trx);
    const reason = input.reason ?? null;
    if (input.decision === 'reject' || input.decision === 'return') {
      const to = input.decision === 'reject' ? 'rejected' : 'returned';
      const moved = await move(trx, ctx, env, app, { action: input.decision, to, actor, decision: input.decision, reason });
      await notify(trx, ctx, input.decision === 'reject' ? 'application.rejected' : 'application.returned', app.consumer_code, moved, { decision: input.decision });
      return finish(trx, ctx, id);
    }
    // The resource may have been deprecated since submission: it then takes no new grants either.
    const resource = (await findResource(trx, app.resource_id, { forShare: true }))!;
    if (resource.status === 'deprecated') throw deprecated(resource);
    if (resource.status !== 'published') throw illegalState(`resource ${resource.code}`, resource.status, 'accept an application for');
    const version = await getVersion(trx, app.resource_id, app.resource_version);
    const route = routeOf(version);
    if (route === 'B') {
      const moved = await move(trx, ctx, env, app, { action: 'accept', to: 'pending_provider', actor, decision: 'accept', reason, patch: { route }, details: { route } });
      await notify(trx, ctx, 'application.accepted', app.consumer_code, moved, { decision: 'accept', route });
      // The push: the provider's inbox shows it at once; the webhook is best effort, retried.
      await notify(trx, ctx, 'application.pending_provider', app.provider_code, moved, { route });
      return finish(trx, ctx, id);
    }
    const moved = await move(trx, ctx, env, app, { action: 'accept', to: 'provisioning', actor, decision: 'accept', reason, patch: { route }, details: { route } });
    await notify(trx, ctx, 'application.accepted', app.consumer_code, moved, { decision: 'accept', route });
    if (version.delivery.mode === 'hosted') {
      await grantApplication(trx, ctx, env, moved, { action: 'provision', actor });
    } else {
      // A provider-served resource is granted once its endpoint answers; the job retries until then.
      await addJob(trx, { name: 'provision', payload: { applicationId: id }, jobId: jobId('provision', id), applicationId: id, now: ctx.now });
    }
    return finish(trx, ctx, id);
  });
}

interface Narrowing {
  fields?: string[];
  conditions?: string;
  validTo?: string;
}

function narrowingProblems(app: ApplicationRow, n: Narrowing, now: Date): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const applied = new Set(app.fields);
  n.fields?.forEach((f, i) => {
    if (!applied.has(f)) problems.push({ pointer: `/body/fields/${i}`, message: `'${f}' was not applied for; a decision may only narrow the fields` });
  });
  if (n.validTo !== undefined) {
    const to = new Date(n.validTo);
    if (Number.isNaN(to.getTime())) problems.push({ pointer: '/body/validTo', message: UNREADABLE_TIME });
    else if (to.getTime() > app.valid_to.getTime()) problems.push({ pointer: '/body/validTo', message: 'may only shorten the validity applied for' });
    else if (to.getTime() <= Math.max(app.valid_from.getTime(), now.getTime())) problems.push({ pointer: '/body/validTo', message: 'must be after validFrom and in the future' });
  }
  return problems;
}

/** Issues the grant and moves the application to granted, in the caller's transaction. */
async function grantApplication(
  trx: Knex.Transaction,
  ctx: WorkflowContext,
  env: StepEnv,
  app: ApplicationRow,
  m: { action: 'provision' | 'approve' | 'coordination_grant'; actor: Actor; reason?: string | null; narrowing?: Narrowing },
) {
  const fields = m.narrowing?.fields ?? app.fields;
  const validTo = m.narrowing?.validTo ? new Date(m.narrowing.validTo) : app.valid_to;
  const conditions = m.narrowing?.conditions ?? app.conditions;
  // A decision can come after the validity applied for has run out; a grant issued then would be
  // active with nothing left to allow. The applicant corrects it (after a return) or applies again.
  if (validTo.getTime() <= ctx.now.getTime()) {
    throw new AppError('VALIDITY_EXPIRED',
      `the validity applied for ended at ${validTo.toISOString()}; no grant can be issued for it. ` +
      'The application can be returned for a new validity, or withdrawn and made again');
  }
  const grant = await issueGrant(trx, {
    applicationId: app.id,
    consumerCode: app.consumer_code,
    providerCode: app.provider_code,
    systemId: app.system_id,
    resourceId: app.resource_id,
    resourceVersion: app.resource_version,
    fields,
    purpose: app.purpose,
    legalBasis: app.legal_basis,
    serviceItemCode: app.service_item_code,
    conditions,
    validFrom: app.valid_from,
    validTo,
    dailyQuota: app.expected_daily_calls,
  }, { actor: m.actor, now: ctx.now, settings: ctx.settings, calendar: env.calendar, requestId: ctx.requestId });
  const decision = m.action === 'approve' ? 'approve' : 'grant';
  const moved = await move(trx, ctx, env, app, {
    action: m.action,
    to: 'granted',
    actor: m.actor,
    decision,
    reason: m.reason,
    patch: {
      grant_id: grant.id,
      decided_fields: m.narrowing?.fields ? JSON.stringify(fields) : null,
      decided_valid_to: m.narrowing?.validTo ? validTo : null,
      conditions,
    },
    details: { grantId: grant.id, narrowed: Boolean(m.narrowing?.fields || m.narrowing?.validTo) },
  });
  await notify(trx, ctx, 'application.granted', app.consumer_code, moved, { decision });
  return moved;
}

/** Route A, provider-served: called by the provision job once the endpoint answers. Idempotent. */
export async function completeProvisioning(ctx: WorkflowContext, id: string, actor: Actor = { kind: 'worker' }): Promise<'granted' | 'not_provisioning'> {
  return ctx.db.transaction(async (trx) => {
    const app = await lockApplication(trx, id);
    if (!app || app.status !== 'provisioning') return 'not_provisioning';
    await grantApplication(trx, ctx, await stepEnv(trx), app, { action: 'provision', actor });
    return 'granted';
  });
}

/** Route B: the providing department's admin approves (possibly narrowing) or denies with a reason. */
export async function decideApplication(
  ctx: WorkflowContext,
  actor: Principal,
  id: string,
  input: { decision: 'approve' | 'deny'; reason?: string } & Narrowing,
) {
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id);
    if (app.provider_code !== actor.departmentCode) throw otherDepartment('the resource of this application');
    assertCan(input.decision, app.status);
    return decideWith(trx, ctx, app, actor, input.decision === 'approve' ? 'approve' : 'deny', input);
  });
}

async function decideWith(
  trx: Knex.Transaction,
  ctx: WorkflowContext,
  app: ApplicationRow,
  actor: Principal,
  outcome: 'approve' | 'deny' | 'coordination_grant' | 'coordination_deny',
  input: { reason?: string } & Narrowing,
) {
  const granting = outcome === 'approve' || outcome === 'coordination_grant';
  if (!granting) {
    if (!input.reason?.trim()) throw invalidField('/body/reason', 'is required to deny an application');
    const extra = (['fields', 'conditions', 'validTo'] as const).filter((k) => input[k] !== undefined);
    throwProblems(extra.map((k) => ({ pointer: `/body/${k}`, message: 'applies to a grant only' })));
  }
  throwProblems(narrowingProblems(app, input, ctx.now));
  const env = await stepEnv(trx);
  const moved = granting
    ? await grantApplication(trx, ctx, env, app, { action: outcome, actor, reason: input.reason ?? null, narrowing: input })
    : await move(trx, ctx, env, app, { action: outcome, to: 'denied', actor, decision: 'deny', reason: input.reason });
  if (!granting) await notify(trx, ctx, 'application.denied', app.consumer_code, moved, { decision: 'deny' });
  if (outcome === 'coordination_grant' || outcome === 'coordination_deny') {
    await notify(trx, ctx, 'application.coordination_decided', app.provider_code, moved, { decision: granting ? 'grant' : 'deny' });
  }
  return finish(trx, ctx, app.id);
}

/** After a denial the applicant may ask the platform to coordinate (协调), once. */
export async function requestCoordination(ctx: WorkflowContext, actor: Principal, id: string, input: { reason: string }) {
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id);
    if (app.consumer_code !== actor.departmentCode) throw otherDepartment('the application');
    assertCan('request_coordination', app.status);
    if (app.coordination_requested_at) throw illegalState('the application', app.status, 'ask coordination for', 'the platform has already coordinated it');
    const env = await stepEnv(trx);
    const moved = await move(trx, ctx, env, app, {
      action: 'request_coordination', to: 'in_coordination', actor, reason: input.reason, patch: { coordination_requested_at: ctx.now },
    });
    await notify(trx, ctx, 'application.coordination_requested', app.provider_code, moved);
    // 协调 is the platform's step now, against the coordination deadline: it hears of it like any push.
    await notify(trx, ctx, 'application.coordination_requested', env.platformCode, moved);
    return finish(trx, ctx, id);
  });
}

/** The platform's coordination outcome: grant (possibly narrowed) or deny with a reason. */
export async function decideCoordination(
  ctx: WorkflowContext,
  actor: Principal,
  id: string,
  input: { decision: 'grant' | 'deny'; reason?: string } & Narrowing,
) {
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id);
    const outcome = input.decision === 'grant' ? 'coordination_grant' : 'coordination_deny';
    assertCan(outcome, app.status);
    return decideWith(trx, ctx, app, actor, outcome, input);
  });
}

/** The applicant withdraws an open application; a provider already asked is told. */
export async function withdrawApplication(ctx: WorkflowContext, actor: Principal, id: string, input: { reason?: string }) {
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id);
    if (app.consumer_code !== actor.departmentCode) throw otherDepartment('the application');
    assertCan('withdraw', app.status);
    const env = await stepEnv(trx);
    const moved = await move(trx, ctx, env, app, { action: 'withdraw', to: 'withdrawn', actor, reason: input.reason ?? null });
    if (app.status === 'pending_provider' || app.status === 'in_coordination') {
      await notify(trx, ctx, 'application.withdrawn', app.provider_code, moved);
    }
    return finish(trx, ctx, id);
  });
}
