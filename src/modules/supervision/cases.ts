import type { Knex } from 'knex';
import { recordEvent, type Actor } from '../audit/events.js';

// 督办 cases: opened by the deadline sweep with a red card, closed by the transition that ends
// the step, each in the transaction of the change that causes it. This file writes the cases;
// case-views.ts reads them and records the platform's actions.

type Db = Knex | Knex.Transaction;

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

/** Cases still open, for /metrics. */
export async function openCaseCount(db: Db): Promise<number> {
  const row = await db('supervision_cases').whereNull('closed_at').first(db.raw('count(*)::int as n'));
  return (row as { n: number }).n;
}
