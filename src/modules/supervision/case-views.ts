import type { FromSchema } from 'json-schema-to-ts';
import type { supervisionCaseSchema } from '../../../schemas/supervision.js';
import { illegalState, notFound } from '../../lib/errors.js';
import { recordEvent } from '../audit/events.js';
import { loadCalendar } from '../calendar/calendar-service.js';
import type { RequestContext } from '../context.js';
import { readsEverything } from '../identity/principal.js';
import { addWebhook } from '../outbox/outbox-service.js';

// 督办 cases as the platform works them: listed with how late the step is (working days past
// its deadline, until now or until it closed), and the platform's actions on them. A case watches
// an application's step (applicationId) or a 纠错 objection (objectionId, step 'objection').

export type SupervisionCase = FromSchema<typeof supervisionCaseSchema>;
export const CASE_ACTIONS = ['reminder', 'interview', 'report'] as const;

type CaseRow = { id: string; application_id: string | null; objection_id: string | null; step: string; responsible_code: string; due_at: Date; opened_at: Date; closed_at: Date | null; close_reason: 'decided' | 'withdrawn' | null };

async function views(ctx: RequestContext, rows: CaseRow[]): Promise<SupervisionCase[]> {
  const calendar = await loadCalendar(ctx.db);
  const actions: { case_id: string; kind: (typeof CASE_ACTIONS)[number]; note: string; at: Date }[] = rows.length
    ? await ctx.db('supervision_actions').whereIn('case_id', rows.map((r) => r.id)).orderBy('id').select('case_id', 'kind', 'note', 'at')
    : [];
  return rows.map((r) => ({
    id: r.id,
    applicationId: r.application_id,
    objectionId: r.objection_id,
    step: r.step,
    responsibleCode: r.responsible_code,
    dueAt: r.due_at.toISOString(),
    openedAt: r.opened_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
    workingDaysLate: Math.max(0, calendar.countWorkingDays(r.due_at, r.closed_at ?? ctx.now)),
    actions: actions.filter((a) => a.case_id === r.id).map((a) => ({ kind: a.kind, note: a.note, at: a.at.toISOString() })),
  }));
}

/** The platform and auditors see every case; a department the cases against itself. */
/** At most this many cases, newest first. */
export const CASES_LISTED = 200;

export async function listCases(ctx: RequestContext, q: { status?: 'open' | 'closed' }): Promise<SupervisionCase[]> {
  const rows: CaseRow[] = await ctx.db('supervision_cases')
    .modify((b) => {
      if (!readsEverything(ctx.actor)) b.where('responsible_code', ctx.actor.departmentCode);
      if (q.status === 'open') b.whereNull('closed_at');
      if (q.status === 'closed') b.whereNotNull('closed_at');
    })
    .orderBy([{ column: 'opened_at', order: 'desc' }, { column: 'id' }])
    .limit(CASES_LISTED);
  return views(ctx, rows);
}

/** The platform records what it did about a case; a reminder also goes to the department responsible. */
export async function addCaseAction(ctx: RequestContext, id: string, input: { kind: (typeof CASE_ACTIONS)[number]; note: string }): Promise<SupervisionCase> {
  const row = await ctx.db.transaction(async (trx) => {
    const c: CaseRow | undefined = await trx('supervision_cases').where('id', id).forUpdate().first();
    if (!c) throw notFound('supervision case');
    if (c.closed_at) throw illegalState('the supervision case', 'closed', `record a ${input.kind} for`, 'its step is done');
    await trx('supervision_actions').insert({ case_id: id, kind: input.kind, note: input.note, actor_id: ctx.actor.kind === 'user' ? ctx.actor.userId : null, at: ctx.now });
    // On the trail of what the case watches: the application, or the objection's resource (as its own events are).
    const entity = c.application_id
      ? { entityType: 'application' as const, entityId: c.application_id }
      : { entityType: 'resource' as const, entityId: (await trx('objections').where('id', c.objection_id).first('resource_id') as { resource_id: string }).resource_id };
    await recordEvent(trx, {
      actor: ctx.actor, ...entity, action: 'supervision.case_action', requestId: ctx.requestId,
      details: { caseId: id, kind: input.kind, step: c.step, ...(c.objection_id ? { objectionId: c.objection_id } : {}) },
    });
    if (input.kind === 'reminder') {
      const watched = c.application_id ? { applicationId: c.application_id } : { objectionId: c.objection_id };
      await addWebhook(trx, {
        type: 'supervision.reminder', departmentCode: c.responsible_code, applicationId: c.application_id ?? undefined, now: ctx.now,
        data: { caseId: id, ...watched, step: c.step, dueAt: c.due_at.toISOString() },
      });
    }
    return c;
  });
  return (await views(ctx, [row]))[0]!;
}
