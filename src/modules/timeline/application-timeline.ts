import type { Knex } from 'knex';
import type { Actor } from '../audit/events.js';
import type { ApplicationStatus, Step } from '../applications/state-machine.js';

// The application's trace (办理轨迹): an append-only list of what happened to it and when, shown
// with the application. This module owns the table: the applications workflow, grants (a grant
// ends), the deadline sweeps and webhook delivery (the provider had the push) append through
// addTimeline, in the transaction of the change they record. It sits below applications and
// grants so both can write it without importing each other.

export interface TimelineRow {
  id: number;
  application_id: string;
  at: Date;
  action: string;
  from_status: ApplicationStatus | null;
  to_status: ApplicationStatus | null;
  actor_kind: string;
  actor_id: string | null;
  actor_department: string | null;
  decision: string | null;
  reason: string | null;
  step: Step | null;
  due_at: Date | null;
  due_provisional: boolean | null;
  deadline_met: boolean | null;
  next_due_at: Date | null;
  next_due_provisional: boolean | null;
  details: Record<string, unknown>;
}

type Db = Knex | Knex.Transaction;

export async function timelineOf(db: Db, id: string): Promise<TimelineRow[]> {
  return db('application_timeline').where('application_id', id).orderBy('id');
}

export interface TimelineEntry {
  applicationId: string;
  at: Date;
  action: string;
  from?: ApplicationStatus | null;
  to?: ApplicationStatus | null;
  actor: Actor;
  decision?: string | null;
  reason?: string | null;
  step?: Step | null;
  dueAt?: Date | null;
  /** Whether dueAt was counted on a provisional calendar (DOMAIN.md §5). */
  dueProvisional?: boolean | null;
  deadlineMet?: boolean | null;
  nextDueAt?: Date | null;
  nextDueProvisional?: boolean | null;
  details?: Record<string, unknown>;
}

export async function addTimeline(trx: Db, e: TimelineEntry): Promise<void> {
  await trx('application_timeline').insert({
    application_id: e.applicationId,
    at: e.at,
    action: e.action,
    from_status: e.from ?? null,
    to_status: e.to ?? null,
    actor_kind: e.actor.kind,
    actor_id: 'userId' in e.actor ? e.actor.userId : 'systemId' in e.actor ? e.actor.systemId : null,
    actor_department: 'departmentCode' in e.actor ? e.actor.departmentCode : null,
    decision: e.decision ?? null,
    reason: e.reason ?? null,
    step: e.step ?? null,
    due_at: e.dueAt ?? null,
    due_provisional: e.dueAt ? (e.dueProvisional ?? false) : null,
    deadline_met: e.deadlineMet ?? null,
    next_due_at: e.nextDueAt ?? null,
    next_due_provisional: e.nextDueAt ? (e.nextDueProvisional ?? false) : null,
    details: JSON.stringify(e.details ?? {}),
  });
}
