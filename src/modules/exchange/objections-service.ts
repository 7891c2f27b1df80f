// 纠错: a consumer objects to one field of a subject's record, with a reason. The objection reaches
// the providing department through the outbox (`objection.raised`) with a deadline of
// OBJECTION_WORKING_DAYS working days, and turns yellow / red like every step of the workflow
// (`deadline.warning` / `deadline.overdue` with `step: 'objection'`). The provider's system decides:
// `reject` with a reason, or `correct` — for a hosted resource with the new value, written through
// the record path (the old values go to history); for a provider-served one it has corrected its
// own system. On a correction every consumer system that received the field of that subject in the
// last 90 days (the data-access events) is told (`record.corrected`, with its own receipts).
// Payloads and rows carry ids, decisions and the masked subject — never a value.
import type { Knex } from 'knex';
import { AppError, illegalState, invalidField, notFound, otherDepartment } from '../../lib/errors.js';
import { paginate } from '../../lib/paginate.js';
import { dataRecipients } from '../audit/data-recipients.js';
import { recordEvent } from '../audit/events.js';
import { loadCalendar } from '../calendar/calendar-service.js';
import { publishedVersions } from '../catalog/catalog-rows.js';
import type { DataItem, SubjectType } from '../catalog/resource-validation.js';
import type { Context, RequestContext } from '../context.js';
import { whereParty } from '../identity/party-filter.js';
import { readsEverything, type Principal } from '../identity/principal.js';
import { addWebhook } from '../outbox/outbox-service.js';
import { closeObjectionCases, OBJECTION_STEP, openObjectionCase } from '../supervision/cases.js';
import { subjectHash, type RecordKeyring } from './record-keys.js';
import { compileRecordValidator, type RecordValue } from './record-validation.js';
import { checkWrittenRecord } from './cross-check.js';
import { getRecord, getRecordByHash, upsertRecord } from './records-repository.js';
import { maskSubjectId, normaliseSubjectId } from './subject-id.js';

export interface ObjectionSettings {
  workingDays: number;
  warningWorkingDays: number;
}

/** How far back the trail is read for the systems that received a corrected value. */
export const RECIPIENTS_WINDOW_DAYS = 90;
/** Receipts listed per department in one `record.corrected` message. */
const MAX_RECEIPTS = 100;

export interface ObjectionRow {
  id: string;
  resource_id: string;
  item_key: string;
  subject_hash: Buffer;
  subject_masked: string;
  reason: string;
  consumer_code: string;
  provider_code: string;
  status: 'open' | 'corrected' | 'rejected';
  due_at: Date;
  due_provisional: boolean;
  warn_at: Date;
  sla: 'on_time' | 'warning' | 'overdue';
  warned_at: Date | null;
  overdue_at: Date | null;
  created_at: Date;
  decided_at: Date | null;
  decision_reason: string | null;
  notified_systems: number | null;
}

export const toObjection = (r: ObjectionRow) => ({
  id: r.id,
  resourceId: r.resource_id,
  itemKey: r.item_key,
  subjectId: r.subject_masked,
  reason: r.reason,
  consumerDepartmentCode: r.consumer_code,
  providerDepartmentCode: r.provider_code,
  status: r.status,
  dueAt: r.due_at.toISOString(),
  dueProvisional: r.due_provisional,
  sla: r.sla,
  createdAt: r.created_at.toISOString(),
  decidedAt: r.decided_at?.toISOString() ?? null,
  decisionReason: r.decision_reason,
  notifiedSystems: r.notified_systems,
});

type Published = { id: string; code: string; provider_code: string; version: number; data_items: DataItem[]; subject_type: SubjectType; subject_key: string | null; delivery: { mode: string } };

/** The published version of a resource (a read-only look at the catalog's tables). */
async function published(db: Knex | Knex.Transaction, resourceId: string): Promise<Published | undefined> {
  return publishedVersions(db)
    .where('r.id', resourceId)
    .first('r.id', 'r.code', 'r.provider_code', 'v.version', 'v.data_items', 'v.subject_type', 'v.subject_key', 'v.delivery');
}

/** A consumer's objection to one field of one subject's record. */
export async function raiseObjection(
  ctx: RequestContext,
  keyring: RecordKeyring,
  settings: ObjectionSettings,
  input: { resourceId: string; subjectId: string; field: string; reason: string },
) {
  const { actor } = ctx;
  return ctx.db.transaction(async (trx) => {
    const resource = await published(trx, input.resourceId);
    if (!resource || resource.subject_type === 'none' || resource.subject_key === null) throw notFound(`resource ${input.resourceId}`);
    if (resource.provider_code === actor.departmentCode) {
      throw new AppError('FORBIDDEN', 'a department corrects its own records directly (PUT …/records/{subjectId})');
    }
    const item = resource.data_items.find((i) => i.key === input.field);
    if (!item || item.key === resource.subject_key) throw invalidField('/body/field', 'is not a data item that can be corrected (the subject key cannot)');
    // The objecting party must hold the field: its system's grant, or a grant of its department.
    const grant = await trx('grants')
      .where({ resource_id: resource.id, status: 'active' })
      .whereRaw('fields @> ?::jsonb', [JSON.stringify([input.field])])
      .modify((q) => (actor.kind === 'system' ? q.where('system_id', actor.systemId) : q.where('consumer_code', actor.departmentCode)))
      .first('id');
    if (!grant) throw new AppError('FIELD_NOT_GRANTED', `no active grant of the caller covers ${input.field}: only a recipient of the field objects to it`);
    const id = normaliseSubjectId(resource.subject_type, input.subjectId, ctx.now);
    if (!id.ok) throw new AppError('INVALID_SUBJECT_ID', id.reason);
    if (resource.delivery.mode === 'hosted' && !(await getRecord(trx, keyring, resource.id, resource.subject_key, id.id))) {
      throw new AppError('SUBJECT_NOT_FOUND', 'this resource holds no record of the subject');
    }
    const calendar = await loadCalendar(trx);
    const { due, provisional } = calendar.deadlineOf(ctx.now, settings.workingDays);
    const [row] = await trx('objections').insert({
      resource_id: resource.id,
      item_key: input.field,
      subject_hash: subjectHash(keyring.current, id.id),
      subject_masked: maskSubjectId(id.id),
      reason: input.reason,
      consumer_code: actor.departmentCode,
      provider_code: resource.provider_code,
      raised_by_kind: actor.kind === 'system' ? 'system' : 'user',
      raised_by: actor.kind === 'system' ? actor.systemId : actor.userId,
      due_at: due,
      due_provisional: provisional,
      warn_at: calendar.warningStart(due, settings.warningWorkingDays),
      created_at: ctx.now,
    }).returning('*') as ObjectionRow[];
    await recordEvent(trx, {
      actor, requestId: ctx.requestId, entityType: 'resource', entityId: resource.id, action: 'objection.raised',
      details: { objectionId: row!.id, itemKey: input.field, providerCode: resource.provider_code, dueAt: due.toISOString() },
    });
    await addWebhook(trx, {
      type: 'objection.raised', departmentCode: resource.provider_code, now: ctx.now,
      data: { objectionId: row!.id, resourceId: resource.id, itemKey: input.field, dueAt: due.toISOString() },
    });
    return toObjection(row!);
  });
}

/** Both departments see an objection; the platform and the auditors see all. */
export async function listObjections(ctx: RequestContext, q: { side?: 'consumer' | 'provider' | 'all'; status?: ObjectionRow['status']; resourceId?: string; limit: number; offset: number }) {
  const base = ctx.db('objections').select('*').modify((b) => {
    whereParty(b, ctx.actor, q.side);
    if (q.status) b.where('status', q.status);
    if (q.resourceId) b.where('resource_id', q.resourceId);
  }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]);
  const { rows, total } = await paginate<ObjectionRow>(base, q);
  return { items: rows.map(toObjection), total };
}

export type Decision = { decision: 'correct'; reason: string; value?: RecordValue } | { decision: 'reject'; reason: string; value?: undefined };

/** The provider's system decides an open objection (see the top of this file). */
export async function decideObjection(ctx: Context<Principal>, keyring: RecordKeyring, id: string, input: Decision) {
  const { actor } = ctx;
  if (actor.kind !== 'system') throw new AppError('FORBIDDEN', "objections are decided by the provider's systems");
  return ctx.db.transaction(async (trx) => {
    const row: ObjectionRow | undefined = await trx('objections').where('id', id).forUpdate().first();
    const party = row && (readsEverything(actor) || actor.departmentCode === row.consumer_code || actor.departmentCode === row.provider_code);
    if (!row || !party) throw notFound('objection');
    if (actor.departmentCode !== row.provider_code) throw otherDepartment('the objection');
    if (row.status !== 'open') throw illegalState('the objection', row.status, 'decide');
    const resource = (await published(trx, row.resource_id))!;
    let notified = 0;
    if (input.decision === 'correct') {
      if (resource.delivery.mode === 'hosted') {
        if (input.value === undefined) throw invalidField('/body/value', 'is required to correct a hosted record: the new value');
        notified = await correctHosted(trx, ctx, keyring, resource, row, input.value);
      } else if (input.value !== undefined) {
        throw invalidField('/body/value', 'must be absent for a provider-served resource: the provider corrects its own system');
      } else {
        notified = await notifyRecipients(trx, ctx, row, [row.subject_hash]);
      }
    } else if (input.value !== undefined) {
      throw invalidField('/body/value', 'must be absent when rejecting');
    }
    const status = input.decision === 'correct' ? 'corrected' : 'rejected';
    const [decided] = await trx('objections').where('id', id).update({
      status, decided_at: ctx.now, decided_by: actor.systemId, decision_reason: input.reason,
      notified_systems: input.decision === 'correct' ? notified : null,
    }).returning('*') as ObjectionRow[];
    // 督办: a case its red card opened closes with the decision.
    await closeObjectionCases(trx, { objectionId: id, resourceId: row.resource_id, decision: status, now: ctx.now, actor, requestId: ctx.requestId });
    await recordEvent(trx, {
      actor, requestId: ctx.requestId, entityType: 'resource', entityId: row.resource_id, action: `objection.${status}`,
      details: { objectionId: id, itemKey: row.item_key, deadlineMet: ctx.now.getTime() <= row.due_at.getTime(), notifiedSystems: notified },
    });
    await addWebhook(trx, {
      type: 'objection.decided', departmentCode: row.consumer_code, now: ctx.now,
      data: { objectionId: id, resourceId: row.resource_id, itemKey: row.item_key, decision: status },
    });
    return toObjection(decided!);
  });
}

async function correctHosted(trx: Knex.Transaction, ctx: Context<Principal>, keyring: RecordKeyring, resource: Published, row: ObjectionRow, value: RecordValue) {
  const subjectKey = resource.subject_key!;
  const stored = await getRecordByHash(trx, keyring, resource.id, subjectKey, row.subject_hash);
  if (!stored) throw illegalState('the objection', 'open', 'correct', 'the record is no longer there (deleted)');
  const shape = { dataItems: resource.data_items, subjectType: resource.subject_type as 'person' | 'legal_entity', subjectKey };
  const check = compileRecordValidator(shape, () => ctx.now)({ ...stored.record, [row.item_key]: value }, { subjectId: stored.subjectId });
  if (!check.ok) {
    throw new AppError('VALIDATION_FAILED', check.problems.map((p) => `/body/value: ${p.problem}`).join('; '), {
      errors: check.problems.map((p) => ({ pointer: '/body/value', message: p.problem })),
    });
  }
  const writer = { systemId: (ctx.actor as { systemId: string }).systemId, now: ctx.now };
  await upsertRecord(trx, keyring, { resourceId: resource.id, resourceVersion: resource.version, shape }, writer, stored.subjectId, check.record);
  // A correction is a load of one record: cross-checked against its sources, re-checking what it is the source of.
  await checkWrittenRecord(trx, keyring, { resourceId: resource.id, providerCode: resource.provider_code, shape }, stored.subjectId, check.record, ctx.now);
  await recordEvent(trx, {
    actor: ctx.actor, requestId: ctx.requestId, entityType: 'resource', entityId: resource.id, entityVersion: resource.version,
    action: 'records.upsert', details: { outcome: 'corrected', objectionId: row.id, subject: row.subject_hash.toString('hex') },
  });
  return notifyRecipients(trx, ctx, row, [row.subject_hash]);
}

/** Tells each consumer department whose systems received the field of the subject in the window; returns how many systems. */
async function notifyRecipients(trx: Knex.Transaction, ctx: Context<Principal>, row: ObjectionRow, hashes: Buffer[]) {
  const recipients = await dataRecipients(trx, {
    resourceId: row.resource_id, subjectHashes: hashes, field: row.item_key,
    since: new Date(ctx.now.getTime() - RECIPIENTS_WINDOW_DAYS * 86_400_000), until: ctx.now,
  });
  const byDepartment = new Map<string, typeof recipients>();
  for (const r of recipients) byDepartment.set(r.departmentCode, [...(byDepartment.get(r.departmentCode) ?? []), r]);
  for (const [departmentCode, systems] of byDepartment) {
    await addWebhook(trx, {
      type: 'record.corrected', departmentCode, now: ctx.now,
      // The receipts of the reads are the department's own (it holds them with its cases): no subject id is sent.
      data: {
        objectionId: row.id, resourceId: row.resource_id, itemKey: row.item_key,
        systemIds: systems.map((s) => s.systemId), receipts: systems.flatMap((s) => s.eventIds).slice(-MAX_RECEIPTS),
      },
    });
  }
  return recipients.length;
}

/**
 * Yellow warnings and red cards for open objections, each recorded once (the UPDATE's own condition
 * claims a row for one sweep, as in applications/deadline-sweep.ts), sent to the provider; a red
 * card also opens a 督办 case (supervision/cases.ts), which the decision closes.
 */
export async function sweepObjectionDeadlines(ctx: Context): Promise<{ warned: string[]; overdue: string[] }> {
  const { db, now, actor } = ctx;
  return db.transaction(async (trx) => {
    const mark = (colour: 'warning' | 'overdue'): Promise<ObjectionRow[]> => trx('objections')
      .where('status', 'open')
      .modify((q) => {
        if (colour === 'overdue') q.where('due_at', '<', now).andWhere('sla', '<>', 'overdue');
        else q.where('sla', 'on_time').andWhere('warn_at', '<=', now).andWhere('due_at', '>=', now);
      })
      .update(colour === 'overdue' ? { sla: colour, overdue_at: now } : { sla: colour, warned_at: now })
      .returning('*');
    const overdue = await mark('overdue');
    const warned = await mark('warning');
    for (const [colour, rows] of [['overdue', overdue], ['warning', warned]] as const) {
      for (const o of rows) {
        await recordEvent(trx, {
          actor, entityType: 'resource', entityId: o.resource_id, action: colour === 'overdue' ? 'objection.supervise' : 'objection.warn',
          details: { objectionId: o.id, dueAt: o.due_at.toISOString(), responsibleDepartment: o.provider_code },
        });
        // 督办: a red card opens a supervision case for the platform, as a workflow step's does.
        if (colour === 'overdue') {
          await openObjectionCase(trx, { objectionId: o.id, resourceId: o.resource_id, responsibleCode: o.provider_code, dueAt: o.due_at, now, actor });
        }
        await addWebhook(trx, {
          type: colour === 'overdue' ? 'deadline.overdue' : 'deadline.warning', departmentCode: o.provider_code, now,
          data: { objectionId: o.id, step: OBJECTION_STEP, status: o.status, dueAt: o.due_at.toISOString(), sla: colour },
        });
      }
    }
    return { warned: warned.map((o) => o.id), overdue: overdue.map((o) => o.id) };
  });
}
