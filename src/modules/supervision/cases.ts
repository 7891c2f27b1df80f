import type { Knex } from 'knex';
import { recordEvent, type Actor } from '../audit/events.js';

// 督办 cases: opened by the deadline sweep with a red card, closed by the transition that ends
// the step, each in the transaction of the change that causes it. A case watches an
// application's step or a 纠错 objection (step 'objection'). This file writes the cases;
// case-views.ts reads them and records the platform's actions.

type Db = Knex | Knex.Transaction;

/** The step name of a 纠错 objection, in cases, figures and messages. */
export const OBJECTION_STEP = 'objection';

/** A red card's case, once per application, step and deadline (the sweep may run again). */
export async function openSupervisionCase(trx: Db, c: { applicationId: string; step: string; responsibleCode: string; dueAt: Date; now: Date; actor: Actor }): Promise<string | undefined> {
  const [row] = await trx('supervision_cases')
    .insert({ application_id: c.applicationId, step: c.step, responsible_code: c.responsibleCode, due_at: c.dueAt, opened_at: c.now })
    .onConflict(['application_id', 'step', 'due_at'])
    .ignore()
    .returning('id');
  if (!row) return undefined;
  await recordEvent(trx, {
    actor: c.actor, entityType: 'application', entityId: c.applicationId, action: 'supervision.case_open',
    details: { caseId: row.id, step: c.step, responsibleDepartment: c.responsibleCode, dueAt: c.dueAt.toISOString() },
  });
  return row.id as string;
}

/** The step the cases of an application watch is done (decided or withdrawn): they close. */
export async function closeSupervisionCases(trx: Db, c: { applicationId: string; reason: 'decided' | 'withdrawn'; now: Date; actor: Actor; requestId?: string }): Promise<void> {
  const closed: { id: string; step: string }[] = await trx('supervision_cases')
    .where('application_id', c.applicationId)
    .whereNull('closed_at')
    .update({ closed_at: c.now, close_reason: c.reason })
    .returning(['id', 'step']);
  for (const row of closed) {
    await recordEvent(trx, {
      actor: c.actor, entityType: 'application', entityId: c.applicationId, action: 'supervision.case_close', requestId: c.requestId,
      details: { caseId: row.id, step: row.step, reason: c.reason },
    });
  }
}

/**
 * An objection's red card (纠错, the provider did not decide within OBJECTION_WORKING_DAYS): its
 * case, once per objection and deadline, on the trail of the objection's resource as the
 * objection's own events are.
 */
export async function openObjectionCase(trx: Db, c: { objectionId: string; resourceId: string; responsibleCode: string; dueAt: Date; now: Date; actor: Actor }): Promise<string | undefined> {
  const [row] = await trx('supervision_cases')
    .insert({ objection_id: c.objectionId, step: OBJECTION_STEP, responsible_code: c.responsibleCode, due_at: c.dueAt, opened_at: c.now })
    .onConflict(['objection_id', 'due_at'])
    .ignore()
    .returning('id');
  if (!row) return undefined;
  await recordEvent(trx, {
    actor: c.actor, entityType: 'resource', entityId: c.resourceId, action: 'supervision.case_open',
    details: { caseId: row.id, step: OBJECTION_STEP, objectionId: c.objectionId, responsibleDepartment: c.responsibleCode, dueAt: c.dueAt.toISOString() },
  });
  return row.id as string;
}

/** The provider corrected or rejected the objection: its open case closes. */
export async function closeObjectionCases(trx: Db, c: { objectionId: string; resourceId: string; decision: 'corrected' | 'rejected'; now: Date; actor: Actor; requestId?: string }): Promise<void> {
  const closed: { id: string }[] = await trx('supervision_cases')
    .where('objection_id', c.objectionId)
    .whereNull('closed_at')
    .update({ closed_at: c.now, close_reason: 'decided' })
    .returning(['id']);
  for (const row of closed) {
    await recordEvent(trx, {
      actor: c.actor, entityType: 'resource', entityId: c.resourceId, action: 'supervision.case_close', requestId: c.requestId,
      details: { caseId: row.id, step: OBJECTION_STEP, objectionId: c.objectionId, reason: 'decided', decision: c.decision },
    });
  }
}

/** Cases still open, for /metrics. */
export async function openCaseCount(db: Db): Promise<number> {
  const row = await db('supervision_cases').whereNull('closed_at').first(db.raw('count(*)::int as n'));
  return (row as { n: number }).n;
}
