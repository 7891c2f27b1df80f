// The provider side of hosted records (issue 9.1): a system of the providing department upserts,
// tombstones and bulk-loads the records of its own hosted, published resources. Access rules live
// here; storage (records-repository.ts, bulk-load.ts) takes plain values.
//
// Who may load (decision, following the README's existence parity): only a `system` principal of
// the resource's provider department. Another department's system gets what the catalog gives it
// for that resource: 404 NOT_FOUND for an unpublished one (it cannot see it), 403
// OTHER_DEPARTMENT for a published one (it sees it, but is not the party to act). An own resource
// without a published version is 409 RESOURCE_NOT_PUBLISHED; a provider_api one 409 NOT_HOSTED.
import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { previousSecretKeys, type Config } from '../../config.js';
import { deriveKeys } from '../../lib/crypto.js';
import { AppError, notFound, otherDepartment } from '../../lib/errors.js';
import { recordEvent } from '../audit/events.js';
import type { DataItem, SubjectType } from '../catalog/resource-validation.js';
import type { Context } from '../context.js';
import type { Principal } from '../identity/principal.js';
import { bulkLoadRecords, type BulkLoadOptions, type BulkLoadReply } from './bulk-load.js';
import { checkWrittenRecord, crossCheckPlan, hasOpenDiscrepancies, type CrossCheckPlan } from './cross-check.js';
import { recordKeyring, subjectHash, type RecordKeyring } from './record-keys.js';
import { compileRecordValidator, type RecordProblem } from './record-validation.js';
import { tombstoneRecord, upsertRecord, type RecordTarget, type UpsertOutcome } from './records-repository.js';
import { maskSubjectId, normaliseSubjectId } from './subject-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// One key ring per configuration object (per process): deriving keys costs an HMAC per key.
const keyrings = new WeakMap<object, RecordKeyring>();

/** The records key ring of a configuration: the current master key and the previous ones. */
export function recordKeyringOf(config: Pick<Config, 'SHAREHUB_SECRET_KEY' | 'SHAREHUB_PREVIOUS_SECRET_KEYS'>): RecordKeyring {
  let ring = keyrings.get(config);
  if (!ring) {
    ring = recordKeyring(deriveKeys(config.SHAREHUB_SECRET_KEY!), previousSecretKeys(config).map(deriveKeys));
    keyrings.set(config, ring);
  }
  return ring;
}

/** Who loads: the system whose records these become (loaded_by), with its department. */
export type Loader = { systemId: string; departmentCode: string };

export type LoadTarget = RecordTarget & { code: string; providerCode: string; subjectType: 'person' | 'legal_entity' };

type ResourceLookup = { id: string; code: string; provider_code: string; published_version: number | null };
type VersionLookup = { data_items: DataItem[]; subject_type: SubjectType; subject_key: string | null; delivery: { mode: string } };

/**
 * The resource version records of `idOrCode` are loaded against, for `loader`: the current
 * published version of a hosted resource of the loader's own department.
 */
export async function loadTarget(db: Knex, loader: Loader, idOrCode: string): Promise<LoadTarget> {
  const r: ResourceLookup | undefined = await db('resources')
    .where(UUID.test(idOrCode) ? 'id' : 'code', idOrCode)
    .first('id', 'code', 'provider_code', 'published_version');
  const own = r !== undefined && r.provider_code === loader.departmentCode;
  if (!r || (r.published_version === null && !own)) throw notFound(`resource ${idOrCode}`);
  if (!own) throw otherDepartment('the resource');
  if (r.published_version === null) {
    throw new AppError('RESOURCE_NOT_PUBLISHED', `resource ${r.code} has no published version: records are validated against the published data items`);
  }
  const v: VersionLookup = await db('resource_versions')
    .where({ resource_id: r.id, version: r.published_version })
    .first('data_items', 'subject_type', 'subject_key', 'delivery');
  if (v.delivery.mode !== 'hosted' || v.subject_type === 'none' || v.subject_key === null) {
    throw new AppError('NOT_HOSTED', `resource ${r.code} is served by its provider (delivery ${v.delivery.mode}); the hub holds no records of it`);
  }
  return {
    resourceId: r.id,
    resourceVersion: r.published_version,
    code: r.code,
    providerCode: r.provider_code,
    subjectType: v.subject_type,
    shape: { dataItems: v.data_items, subjectType: v.subject_type, subjectKey: v.subject_key },
  };
}

/** A system principal as a loader; users never load records (the route allows only systems). */
export function loaderOf(actor: Principal): Loader {
  if (actor.kind !== 'system') throw new AppError('FORBIDDEN', 'only client systems load records');
  return { systemId: actor.systemId, departmentCode: actor.departmentCode };
}

/** Items naming a source the load could not be checked against, with the reason: on the load's audit event. */
const notCrossChecked = (plan: CrossCheckPlan | undefined) => (plan && plan.notChecked.length > 0 ? { notCrossChecked: plan.notChecked } : {});

/** The subject as the audit trail names it: the keyed HMAC (searchable with the key), never the id. */
const auditSubject = (keyring: RecordKeyring, subjectId: string) => subjectHash(keyring.current, subjectId).toString('hex');

const pointerOf = (p: RecordProblem) => (p.field === '' ? '/body' : `/body/${p.field}`);

export type UpsertReply = {
  resourceId: string;
  resourceVersion: number;
  subjectMasked: string;
  outcome: UpsertOutcome;
  warnings: RecordProblem[];
};

function normalisedPathId(target: LoadTarget, raw: string, now: Date): string {
  const id = normaliseSubjectId(target.subjectType, raw, now);
  if (!id.ok) {
    throw new AppError('INVALID_SUBJECT_ID', `the subject id in the path ${id.reason}`, {
      errors: [{ pointer: '/params/subjectId', message: id.reason }],
    });
  }
  return id.id;
}

/** PUT …/records/{subjectId}: validates the record against the published data items and upserts it; the reply holds no value. */
export async function putRecord(ctx: Context<Principal>, keyring: RecordKeyring, idOrCode: string, rawSubjectId: string, body: unknown): Promise<UpsertReply> {
  const loader = loaderOf(ctx.actor);
  return ctx.db.transaction(async (trx) => {
    const target = await loadTarget(trx, loader, idOrCode);
    const subjectId = normalisedPathId(target, rawSubjectId, ctx.now);
    const check = compileRecordValidator(target.shape, () => ctx.now)(body, { subjectId });
    if (!check.ok) {
      throw new AppError('VALIDATION_FAILED', check.problems.map((p) => `${pointerOf(p)}: ${p.problem}`).join('; '), {
        errors: check.problems.map((p) => ({ pointer: pointerOf(p), message: p.problem })),
      });
    }
    const outcome = await upsertRecord(trx, keyring, target, { systemId: loader.systemId, now: ctx.now }, subjectId, check.record);
    const plan = await checkWrittenRecord(trx, keyring, target, subjectId, check.record, ctx.now);
    await recordEvent(trx, {
      actor: ctx.actor, requestId: ctx.requestId, entityType: 'resource', entityId: target.resourceId, entityVersion: target.resourceVersion,
      action: 'records.upsert', details: { outcome, subject: auditSubject(keyring, subjectId), ...notCrossChecked(plan) },
    });
    return { resourceId: target.resourceId, resourceVersion: target.resourceVersion, subjectMasked: maskSubjectId(subjectId), outcome, warnings: check.warnings };
  });
}

/** DELETE …/records/{subjectId}: tombstones the live record (its values go to history). */
export async function deleteRecord(ctx: Context<Principal>, keyring: RecordKeyring, idOrCode: string, rawSubjectId: string): Promise<void> {
  const loader = loaderOf(ctx.actor);
  await ctx.db.transaction(async (trx) => {
    const target = await loadTarget(trx, loader, idOrCode);
    const subjectId = normalisedPathId(target, rawSubjectId, ctx.now);
    const gone = await tombstoneRecord(trx, keyring, target.resourceId, { systemId: loader.systemId, now: ctx.now }, subjectId);
    if (!gone) throw new AppError('SUBJECT_NOT_FOUND', `no record of subject ${maskSubjectId(subjectId)} in resource ${target.code}`);
    await recordEvent(trx, {
      actor: ctx.actor, requestId: ctx.requestId, entityType: 'resource', entityId: target.resourceId, entityVersion: target.resourceVersion,
      action: 'records.delete', details: { subject: auditSubject(keyring, subjectId) },
    });
  });
}

/**
 * POST …/records/bulk and `sharehub records load`: one NDJSON stream, per-line validation, every
 * good line loaded in one transaction with the audit event (bulk-load.ts). `actor` is the caller
 * as the trail records it (the system over HTTP, the CLI for a file), `loader` the system the
 * records are loaded as.
 */
export async function bulkLoad(
  ctx: Context,
  keyring: RecordKeyring,
  loader: Loader,
  idOrCode: string,
  body: Readable,
  opts: BulkLoadOptions & { idempotencyKey?: string } = {},
): Promise<BulkLoadReply & { resourceId: string; resourceVersion: number }> {
  return ctx.db.transaction(async (trx) => {
    const target = await loadTarget(trx, loader, idOrCode);
    const crossCheck = await crossCheckPlan(trx, target);
    const recheckAsSource = await hasOpenDiscrepancies(trx, target.resourceId);
    const reply = await bulkLoadRecords(trx, keyring, {
      ...target, systemId: loader.systemId, now: ctx.now, body, idempotencyKey: opts.idempotencyKey, ...(crossCheck ? { crossCheck } : {}), recheckAsSource,
    }, opts);
    const { errors, ...counts } = reply;
    await recordEvent(trx, {
      actor: ctx.actor, requestId: ctx.requestId, entityType: 'resource', entityId: target.resourceId, entityVersion: target.resourceVersion,
      action: 'records.bulk_load',
      details: { ...counts, errorCount: errors.length, systemId: loader.systemId, idempotencyKey: opts.idempotencyKey !== undefined, ...notCrossChecked(crossCheck) },
    });
    return { resourceId: target.resourceId, resourceVersion: target.resourceVersion, ...reply };
  });
}
