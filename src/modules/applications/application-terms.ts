import { AppError, type FieldProblem } from '../../lib/errors.js';
import { shanghaiDay, startOfDay } from '../../lib/working-days.js';
import type { ApplicationRow } from './applications-repository.js';
import type { ResourceVersionRow } from './published-resources.js';
import type { WorkflowSettings } from './settings.js';

// What an application asks for (fields, validity) and how a decision may narrow it: checks that
// JSON Schema cannot express, each problem named by its JSON pointer.

const DAY_MS = 86_400_000;

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

// The date-time format admits a leap second (23:59:60Z), which a JavaScript Date cannot hold:
// it parses to NaN, and NaN would slip past every comparison into PostgreSQL or date arithmetic.
const UNREADABLE_TIME = 'is not a date-time the hub can represent (a leap second, :60, is not accepted)';

/** `appliedAt` is the first submission: a resubmission keeps the validity start it was allowed then. */
export function termProblems(terms: ApplicationTerms, version: ResourceVersionRow, now: Date, settings: WorkflowSettings, appliedAt = now): FieldProblem[] {
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

/** All the problems found, in one 400 that names each field. */
export function throwProblems(problems: FieldProblem[]) {
  if (problems.length) {
    throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.pointer}: ${p.message}`).join('; '), { errors: problems });
  }
}

export interface Narrowing {
  fields?: string[];
  conditions?: string;
  validTo?: string;
  /** Not a narrowing but part of the same decision: the grant serves plain (unmasked) values. */
  plainValues?: boolean;
  /** Discretion (investigations): accesses under the grant are shown to data subjects only from this time. */
  discloseAfter?: string;
}

/** A decision (provider or coordination) may only narrow: fewer fields, an earlier end. */
export function narrowingProblems(app: ApplicationRow, n: Narrowing, now: Date): FieldProblem[] {
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
  if (n.discloseAfter !== undefined && Number.isNaN(new Date(n.discloseAfter).getTime())) {
    problems.push({ pointer: '/body/discloseAfter', message: UNREADABLE_TIME });
  }
  return problems;
}
