import type { Knex } from 'knex';
import { OPEN_STATUSES, type ApplicationStatus, type Step } from './state-machine.js';
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
  /** The platform's Route A acceptance allowed plain values; the grant, issued now or by the provision job, takes them. */
  decided_plain_values: boolean;
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

/** What the provision job needs of an application: whether it still waits, and the version it pins. */
export async function provisioningState(db: Db, id: string): Promise<Pick<ApplicationRow, 'status' | 'resource_id' | 'resource_version' | 'system_id'> | undefined> {
  return db('applications').where('id', id).first('status', 'resource_id', 'resource_version', 'system_id');
}

/** Applications waiting in provisioning (Route A on a provider-served resource). */
export async function idsInProvisioning(db: Db): Promise<string[]> {
  const rows: { id: string }[] = await db('applications').where('status', 'provisioning').select('id');
  return rows.map((r) => r.id);
}

/**
 * Open steps carrying a yellow warning or a red card, counted by step and colour, and by the
 * department responsible: for /metrics (without the department: no label names one) and the
 * supervision figures.
 */
export async function openCards(db: Db): Promise<{ step: Step; sla: 'warning' | 'overdue'; responsible_code: string; count: number }[]> {
  return db('applications')
    .whereIn('status', OPEN_STATUSES)
    .whereIn('sla', ['warning', 'overdue'])
    .groupBy('step', 'sla', 'responsible_code')
    .select('step', 'sla', 'responsible_code', db.raw('count(*)::int as count'));
}
