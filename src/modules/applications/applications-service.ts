import type { Knex } from 'knex';
import { AppError, illegalState, invalidField, notFound, otherDepartment } from '../../lib/errors.js';
import type { WorkingDayCalendar } from '../../lib/working-days.js';
import type { Principal } from '../identity/principal.js';
import { recordEvent, type Actor } from '../audit/events.js';
import { loadCalendar } from '../calendar/calendar-service.js';
import { issueGrant } from '../grants/grants-service.js';
import { jobId } from '../../jobs/registry.js';
import { addJob, addWebhook, type WebhookType } from '../outbox/outbox-service.js';
import { narrowingProblems, termProblems, throwProblems, type ApplicationTerms, type Narrowing, type NewApplication } from './application-terms.js';
import { isParty } from '../identity/party-filter.js';
import { applicationDetail } from './application-views.js';
import { addTimeline } from '../timeline/application-timeline.js';
import { closeSupervisionCases } from '../supervision/cases.js';
import { lockApplication, type ApplicationRow } from './applications-repository.js';
import { platformDepartmentCode } from '../departments/departments-service.js';
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

// The authorization workflow's use cases (统一受理、平台授权): each runs in one transaction that
// changes the application, writes its timeline and audit event, and its outbox messages.
// Reads are in application-views.ts, checks of the terms applied for in application-terms.ts.

// ---------------------------------------------------------------------------------------------
// Checks on the resource and the system applied for

function notSharedDetail(resource: ResourceRow, version: ResourceVersionRow): string {
  const basis = version.legal_basis ? ` on the basis of ${version.legal_basis}` : '';
  return `resource ${resource.code} (${version.name}) is share type 3, 不予共享 (not shared)${basis}. ` +
    `If your department needs this data to perform its duties, negotiate with the providing department ${resource.provider_code}; ` +
    `failing agreement, ask the platform's competent department (共享主管部门) to coordinate (协调), as 国发〔2016〕51号 provides.`;
}

/** At a decision: the resource turned 不予共享 after the application was made. */
function notSharedNowDetail(resource: ResourceRow, version: ResourceVersionRow, routedVersion: number, action: string, instead: string): string {
  const basis = version.legal_basis ? ` on the basis of ${version.legal_basis}` : '';
  return `resource ${resource.code} (${version.name}) is share type 3, 不予共享 (not shared), since version ${version.version}${basis}; ` +
    `the application (on version ${routedVersion}) cannot be ${action}: ${instead} it with a reason`;
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

/**
 * The version of the application's resource in force now — the published one, which every
 * decision routes and grants on (the version pinned at submission may have been superseded).
 * The resource row stays held (FOR SHARE) until the decision commits.
 */
async function versionInForce(trx: Knex.Transaction, app: ApplicationRow) {
  const resource = (await findResource(trx, app.resource_id, { forShare: true }))!;
  if (resource.published_version === null) {
    throw new AppError('RESOURCE_NOT_PUBLISHED', `resource ${resource.code} has no published version; the application can only be withdrawn or refused`);
  }
  return { resource, version: await getVersion(trx, resource.id, resource.published_version) };
}

/** The fields among `fields` that are not data items of `version`. */
const missingFields = (fields: readonly string[], version: ResourceVersionRow) => {
  const items = new Set(version.data_items.map((i) => i.key));
  return fields.filter((f) => !items.has(f));
};

const quoted = (fields: readonly string[]) => fields.map((f) => `'${f}'`).join(', ');

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
function enterStep(status: ApplicationStatus, app: Pick<ApplicationRow, 'consumer_code' | 'provider_code'>, env: StepEnv, ctx: WorkflowContext<Actor>) {
  const step = STEP_OF[status];
  const noDeadline = { due_at: null, due_provisional: false, due_working_days: null, warn_at: null, sla: null };
  if (!step) return { step: null, responsible_code: null, step_started_at: null, ...noDeadline };
  const responsible = step === 'provider_decision' ? app.provider_code : step === 'correction' ? app.consumer_code : env.platformCode;
  const days = workingDaysFor(step, ctx.settings);
  if (days === undefined) return { step, responsible_code: responsible, step_started_at: ctx.now, ...noDeadline };
  // Provisional when it counts a day of a year whose notice is not entered (DOMAIN.md §5).
  const { due, provisional } = env.calendar.deadlineOf(ctx.now, days);
  return {
    step,
    responsible_code: responsible,
    step_started_at: ctx.now,
    due_at: due,
    due_provisional: provisional,
    due_working_days: days,
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
async function move(trx: Knex.Transaction, ctx: WorkflowContext<Actor>, env: StepEnv, app: ApplicationRow, m: Move): Promise<ApplicationRow> {
  assertTransition(m.action, app.status, m.to);
  const next = enterStep(m.to, app, env, ctx);
  const [row] = await trx('applications')
    .where('id', app.id)
    .update({ status: m.to, ...next, ...m.patch, updated_at: ctx.now })
    .returning('*');
  const deadlineMet = app.due_at ? ctx.now.getTime() <= app.due_at.getTime() : null;
  // The step is done: a supervision case (督办) its red card opened closes with it.
  if (app.sla === 'overdue') {
    await closeSupervisionCases(trx, { applicationId: app.id, reason: m.action === 'withdraw' ? 'withdrawn' : 'decided', now: ctx.now, actor: m.actor, requestId: ctx.requestId });
  }
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
    dueProvisional: app.due_provisional,
    deadlineMet,
    nextDueAt: next.due_at,
    nextDueProvisional: next.due_provisional,
    details: m.details,
  });
  await recordEvent(trx, {
    actor: m.actor,
    entityType: 'application',
    entityId: app.id,
    entityVersion: (row as ApplicationRow).resource_version,
    action: `application.${m.action}`,
    reason: m.reason,
    requestId: ctx.requestId,
    details: { from: app.status, to: m.to, step: app.step, dueAt: app.due_at?.toISOString() ?? null, deadlineMet, ...m.details },
  });
  return row as ApplicationRow;
}

/** Tells a department about an application, through the outbox: ids and decisions only. */
function notify(trx: Knex.Transaction, ctx: WorkflowContext<Actor>, type: WebhookType, departmentCode: string, app: ApplicationRow, extra: Record<string, unknown> = {}) {
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

/**
 * The application, locked. A department that is neither its applicant nor its provider cannot
 * see it, so for that caller it is as unknown as a missing id (no existence oracle): same 404.
 */
async function load(trx: Knex.Transaction, id: string, actor: Principal): Promise<ApplicationRow> {
  const app = await lockApplication(trx, id);
  if (!app || !isParty(actor, app)) throw notFound('application');
  return app;
}


/** The application after the use case's change, as the API shows it: read in the same transaction. */
const finish = (trx: Knex.Transaction, ctx: WorkflowContext<Actor>, id: string) => applicationDetail(trx, id, ctx.now);

/** Runs a use case in one transaction; a race on the one-open index is the same 409 as the check. */
async function inTransaction<T>(ctx: WorkflowContext<Actor>, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
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
export async function submitApplication(ctx: WorkflowContext, input: NewApplication) {
  const { actor } = ctx;
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
    await addTimeline(trx, { applicationId: app.id, at: ctx.now, action: 'submit', to: 'pending_review', actor, nextDueAt: app.due_at, nextDueProvisional: app.due_provisional });
    await recordEvent(trx, {
      actor, entityType: 'application', entityId: app.id, entityVersion: app.resource_version, action: 'application.submit', requestId: ctx.requestId,
      details: { resourceId: app.resource_id, systemId: app.system_id, fields: input.fields, dueAt: app.due_at?.toISOString() },
    });
    return finish(trx, ctx, app.id);
  });
}

/** The applicant corrects a returned application; a new review deadline starts. */
export async function resubmitApplication(ctx: WorkflowContext, id: string, changes: Partial<ApplicationTerms>) {
  const { actor } = ctx;
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id, actor);
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
  id: string,
  input: { decision: 'accept' | 'reject' | 'return'; reason?: string; plainValues?: boolean },
) {
  const { actor } = ctx;
  if (input.decision !== 'accept' && !input.reason?.trim()) throw invalidField('/body/reason', `is required to ${input.decision} an application`);
  const plainValues = input.plainValues === true;
  if (plainValues && input.decision !== 'accept') throw invalidField('/body/plainValues', 'applies to an acceptance only (a decision that grants)');
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id, actor);
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
    const { resource, version } = await versionInForce(trx, app);
    if (resource.status === 'deprecated') throw deprecated(resource);
    if (resource.status !== 'published') throw illegalState(`resource ${resource.code}`, resource.status, 'accept an application for');
    // The sharing rule applies as the resource is published now, not as it was at submission:
    // a provider that has since made it 不予共享, conditional or guarded by control parameters
    // must not see it granted on Route A from a superseded version.
    if (version.share_type === 3) {
      throw new AppError('SHARE_TYPE_NOT_SHARED', notSharedNowDetail(resource, version, app.resource_version, 'accepted', 'reject'));
    }
    const missing = missingFields(app.fields, version);
    if (missing.length) {
      // Fields dropped by the current version: only the applicant can choose what to ask for
      // instead, so the application goes back to it (returned), naming them.
      const because = `the fields ${quoted(missing)} are no longer data items of resource ${resource.code} (version ${version.version}, ` +
        `published after the application was made on version ${app.resource_version}); correct the fields and resubmit`;
      const moved = await move(trx, ctx, env, app, {
        action: 'return', to: 'returned', actor, decision: 'return', reason: because,
        details: { missingFields: missing, resourceVersion: version.version },
      });
      await notify(trx, ctx, 'application.returned', app.consumer_code, moved, { decision: 'return' });
      return finish(trx, ctx, id);
    }
    const route = routeOf(version);
    if (route === 'B' && plainValues) {
      throw invalidField('/body/plainValues', 'applies to a Route A acceptance only: on Route B the providing department decides, when it approves');
    }
    // The decision pins the version it was made on; the grant will pin it too, with plain values
    // if the platform allowed them (a provider-served resource is granted later, by the job).
    const pinned = { route, resource_version: version.version, decided_plain_values: plainValues };
    const routed = { route, resourceVersion: version.version, ...(plainValues ? { plainValues } : {}) };
    if (route === 'B') {
      const moved = await move(trx, ctx, env, app, { action: 'accept', to: 'pending_provider', actor, decision: 'accept', reason, patch: pinned, details: routed });
      await notify(trx, ctx, 'application.accepted', app.consumer_code, moved, { decision: 'accept', route });
      // The push: the provider's inbox shows it at once; the webhook is best effort, retried.
      await notify(trx, ctx, 'application.pending_provider', app.provider_code, moved, { route });
      return finish(trx, ctx, id);
    }
    const moved = await move(trx, ctx, env, app, { action: 'accept', to: 'provisioning', actor, decision: 'accept', reason, patch: pinned, details: routed });
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

/** Issues the grant and moves the application to granted, in the caller's transaction. */
async function grantApplication(
  trx: Knex.Transaction,
  ctx: WorkflowContext<Actor>,
  env: StepEnv,
  app: ApplicationRow,
  m: {
    action: 'provision' | 'approve' | 'coordination_grant';
    actor: Actor;
    reason?: string | null;
    narrowing?: Narrowing;
    /** The resource version the grant is decided on; by default the one the application is pinned to. */
    resourceVersion?: number;
  },
) {
  const resourceVersion = m.resourceVersion ?? app.resource_version;
  // A provider's or coordination decision says it now; a Route A acceptance said it before.
  const plainValues = m.narrowing ? m.narrowing.plainValues === true : app.decided_plain_values;
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
    resourceVersion,
    fields,
    purpose: app.purpose,
    legalBasis: app.legal_basis,
    serviceItemCode: app.service_item_code,
    conditions,
    validFrom: app.valid_from,
    validTo,
    dailyQuota: app.expected_daily_calls,
    plainValues,
    discloseAfter: m.narrowing?.discloseAfter ? new Date(m.narrowing.discloseAfter) : null,
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
      resource_version: resourceVersion,
      decided_fields: m.narrowing?.fields ? JSON.stringify(fields) : null,
      decided_valid_to: m.narrowing?.validTo ? validTo : null,
      decided_plain_values: plainValues,
      conditions,
    },
    details: { grantId: grant.id, resourceVersion, narrowed: Boolean(m.narrowing?.fields || m.narrowing?.validTo), ...(plainValues ? { plainValues } : {}) },
  });
  await notify(trx, ctx, 'application.granted', app.consumer_code, moved, { decision });
  return moved;
}

/** Route A, provider-served: called by the provision job once the endpoint answers. Idempotent. */
export async function completeProvisioning(ctx: WorkflowContext<Actor>, id: string): Promise<'granted' | 'not_provisioning'> {
  const { actor } = ctx;
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
  id: string,
  input: { decision: 'approve' | 'deny'; reason?: string } & Narrowing,
) {
  const { actor } = ctx;
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id, actor);
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
    const extra: string[] = (['fields', 'conditions', 'validTo'] as const).filter((k) => input[k] !== undefined);
    if (input.plainValues === true) extra.push('plainValues');
    throwProblems(extra.map((k) => ({ pointer: `/body/${k}`, message: 'applies to a grant only' })));
  }
  throwProblems(narrowingProblems(app, input, ctx.now));
  const resourceVersion = granting ? await grantableVersion(trx, app, outcome, input) : undefined;
  const env = await stepEnv(trx);
  const moved = granting
    ? await grantApplication(trx, ctx, env, app, { action: outcome, actor, reason: input.reason ?? null, narrowing: input, resourceVersion })
    : await move(trx, ctx, env, app, { action: outcome, to: 'denied', actor, decision: 'deny', reason: input.reason });
  if (!granting) await notify(trx, ctx, 'application.denied', app.consumer_code, moved, { decision: 'deny' });
  if (outcome === 'coordination_grant' || outcome === 'coordination_deny') {
    await notify(trx, ctx, 'application.coordination_decided', app.provider_code, moved, { decision: granting ? 'grant' : 'deny' });
  }
  return finish(trx, ctx, app.id);
}

/**
 * A grant after acceptance (provider approval, coordination) is decided on the version in force
 * now, like the acceptance. A decision cannot move the application back to its applicant (the
 * state machine has no such edge, and the provider or platform holds the step), so a change that
 * rules the grant out is refused and the decider denies or narrows instead:
 * - type 3 now: 403 SHARE_TYPE_NOT_SHARED — deny it with a reason;
 * - narrowed `fields` that the version no longer has: 400 naming each;
 * - no narrowing, and fields applied for that the version no longer has: 409
 *   FIELDS_NOT_PUBLISHED naming them — narrow `fields` to what is left, or deny.
 * Returns the version the grant pins.
 */
async function grantableVersion(trx: Knex.Transaction, app: ApplicationRow, outcome: 'approve' | 'coordination_grant', input: Narrowing) {
  const { resource, version } = await versionInForce(trx, app);
  const action = outcome === 'approve' ? 'approved' : 'granted after coordination';
  if (version.share_type === 3) throw new AppError('SHARE_TYPE_NOT_SHARED', notSharedNowDetail(resource, version, app.resource_version, action, 'deny'));
  const items = new Set(version.data_items.map((i) => i.key));
  throwProblems((input.fields ?? []).flatMap((f, i) => items.has(f) ? [] : [{
    pointer: `/body/fields/${i}`, message: `'${f}' is no longer a data item of resource ${resource.code} (version ${version.version})`,
  }]));
  const missing = input.fields ? [] : missingFields(app.fields, version);
  if (missing.length) {
    throw new AppError('FIELDS_NOT_PUBLISHED',
      `the fields ${quoted(missing)} applied for are no longer data items of resource ${resource.code} (version ${version.version}); ` +
      `the application cannot be ${action} as applied for: narrow 'fields' to the data items of version ${version.version}, or deny it with a reason`);
  }
  return version.version;
}

/** After a denial the applicant may ask the platform to coordinate (协调), once. */
export async function requestCoordination(ctx: WorkflowContext, id: string, input: { reason: string }) {
  const { actor } = ctx;
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id, actor);
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
  id: string,
  input: { decision: 'grant' | 'deny'; reason?: string } & Narrowing,
) {
  const { actor } = ctx;
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id, actor);
    const outcome = input.decision === 'grant' ? 'coordination_grant' : 'coordination_deny';
    assertCan(outcome, app.status);
    return decideWith(trx, ctx, app, actor, outcome, input);
  });
}

/** The applicant withdraws an open application; a provider already asked is told. */
export async function withdrawApplication(ctx: WorkflowContext, id: string, input: { reason?: string }) {
  const { actor } = ctx;
  return inTransaction(ctx, async (trx) => {
    const app = await load(trx, id, actor);
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
