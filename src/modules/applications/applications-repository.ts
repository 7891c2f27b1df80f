import type { Knex } from 'knex';
import type { Actor } from '../audit/events.js';
import type { ApplicationStatus, Step } from './state-machine.js';
import type { Route } from './routing.js';

export type Sla = 'on_time' | 'warning' | 'overdue';

export interface ApplicationRow {
  id: string;
  consumer_code: string;
  provider_code: string;
  resource_id: string;
  resource_version: number;
  system_id: string;
  fields: string[];
  purpose: string;
  legal_basis: string;
  service_item_code: string;
  valid_from: Date;
  valid_to: Date;
  expected_daily_calls: number;
  status: ApplicationStatus;
  route: Route | null;
  step: Step | null;
  responsible_code: string | null;
  step_started_at: Date | null;
  due_at: Date | null;
  /** The deadline counts a day of a year whose holiday notice is not entered yet. */
  due_provisional: boolean;
  /** How many working days after step_started_at the deadline counts. */
  due_working_days: number | null;
  warn_at: Date | null;
  sla: Sla | null;
  decided_fields: string[] | null;
  decided_valid_to: Date | null;
  conditions: string | null;
  coordination_requested_at: Date | null;
  grant_id: string | null;
  created_by: string | null;
  submitted_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface ApplicationViewRow extends ApplicationRow {
  resource_code: string;
  resource_name: string;
}

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

/** Applications with the name and code of the resource version they pin. */
export const applicationsView = (db: Db) =>
  db('applications as a')
    .join('resources as r', 'r.id', 'a.resource_id')
    .join('resource_versions as v', (j) => j.on('v.resource_id', 'a.resource_id').andOn('v.version', 'a.resource_version'))
    .select('a.*', 'r.code as resource_code', 'v.name as resource_name');

export async function findView(db: Db, id: string): Promise<ApplicationViewRow | undefined> {
  return applicationsView(db).where('a.id', id).first();
}

/** The row, locked until the transaction ends: one decision at a time per application. */
export async function lockApplication(trx: Knex.Transaction, id: string): Promise<ApplicationRow | undefined> {
  return trx('applications').where('id', id).forUpdate().first();
}

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

export async function platformDepartmentCode(db: Db): Promise<string> {
  const row = await db('departments').where('is_platform', true).first('code');
  if (!row) throw new Error('the platform department is missing; run the bootstrap');
  return row.code as string;
}
