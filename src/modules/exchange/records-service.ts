// The consumer's query path (issue 9, ARCHITECTURE.md "The way data flows" step 5): API key →
// system (auth plugin, cached) → grant (grant-check.ts, cached, validity against ctx.now) → daily
// quota (quota.ts, one Redis round trip) → record (a RecordSource; a hosted one is read while the
// quota is counted, a provider-served one after it: countedRead) → granted fields
// only, masked per data item (projection.ts) → audit event, group-committed and durable before
// the reply (audit/access-events.ts) → reply with the event id as receipt. Refusals after
// authentication are audited too, with their problem code as the reason.
import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { AccessAppender, AccessEvent } from '../audit/access-events.js';
import type { DataItem, SubjectType } from '../catalog/resource-validation.js';
import type { RequestContext } from '../context.js';
import { servingGrant, type AccessGrant, type GrantCache } from './grant-check.js';
import { projectRecord } from './projection.js';
import { secondsToShanghaiMidnight, type DailyCounters } from './quota.js';
import { subjectHash, type RecordKeyring } from './record-keys.js';
import { compileRecordValidator, type RecordShape, type RecordValidator, type RecordValue } from './record-validation.js';
import { maskSubjectId, normaliseSubjectId } from './subject-id.js';
import { hostedSource } from './sources/hosted.js';
import { providerApiSource, type ProviderForwarder } from './sources/provider-api.js';
import type { RecordSource, SourceRecord } from './sources/record-source.js';
import { answerFromSources, type FieldInfo, type SourceAccess, type SourcedAnswer } from './authoritative-fields.js';

/** The query context headers every data call carries (API.md "Data exchange"). */
export interface QueryHeaders {
  caseId: string;
  operatorId: string;
  serviceItem: string;
}

/** A resource version as the data path needs it: immutable once published, so cached for good. */
interface VersionView {
  shape: RecordShape & { subjectType: Exclude<SubjectType, 'none'>; subjectKey: string };
  deliveryMode: 'hosted' | 'provider_api';
  /** The provider's endpoint (provider_api). */
  endpoint?: string;
}

export interface ExchangeDeps {
  keyring: RecordKeyring;
  grants: GrantCache;
  counters: DailyCounters;
  appender: AccessAppender;
  clock: Clock;
  /** Verifications per requesting system per subject per Shanghai day (VERIFY_DAILY_LIMIT_PER_SUBJECT). */
  verifyDailyLimit: number;
  /** Forwards queries of provider-served resources (sources/provider-api.ts). */
  forwarder: ProviderForwarder;
}

const versions = new LRUCache<string, VersionView>({ max: 5_000 });
const validators = new LRUCache<string, RecordValidator>({ max: 1_000 });

async function versionOf(db: Knex, grant: AccessGrant): Promise<VersionView> {
  const key = `${grant.resourceId}:${grant.resourceVersion}`;
  const cached = versions.get(key);
  if (cached) return cached;
  // A read-only look at the catalog's table: the grant pins the version whose data items apply.
  const row: { data_items: DataItem[]; subject_type: SubjectType; subject_key: string | null; delivery: { mode: 'hosted' | 'provider_api'; endpoint?: string } } | undefined =
    await db('resource_versions').where({ resource_id: grant.resourceId, version: grant.resourceVersion })
      .first('data_items', 'subject_type', 'subject_key', 'delivery');
  if (!row || row.subject_type === 'none' || row.subject_key === null) {
    throw new AppError('NOT_FOUND', 'this resource has no records by subject id');
  }
  const view: VersionView = {
    shape: { dataItems: row.data_items, subjectType: row.subject_type, subjectKey: row.subject_key },
    deliveryMode: row.delivery.mode,
    ...(row.delivery.endpoint !== undefined ? { endpoint: row.delivery.endpoint } : {}),
  };
  versions.set(key, view);
  return view;
}

function sourceOf(ctx: RequestContext, deps: ExchangeDeps, grant: AccessGrant, version: VersionView, caller: Caller, headers: QueryHeaders): RecordSource {
  if (version.deliveryMode === 'hosted' || version.endpoint === undefined) return hostedSource(ctx.db, deps.keyring, grant.resourceId, version.shape.subjectKey);
  return providerApiSource(ctx.db, deps.forwarder, {
    resourceId: grant.resourceId,
    resourceVersion: grant.resourceVersion,
    endpoint: version.endpoint,
    providerCode: grant.providerCode,
    subjectKey: version.shape.subjectKey,
    validate: validatorOf(deps, grant, version),
  }, { requestId: ctx.requestId ?? '', consumerDepartment: caller.departmentCode, serviceItem: headers.serviceItem });
}

/** The data items a call returns (asked ∩ granted, or all granted), in catalog order: what a source is asked for. */
function wantedFields(version: VersionView, grant: AccessGrant, asked: readonly string[] | undefined): string[] {
  const wanted = new Set(asked ?? grant.fields);
  return version.shape.dataItems.filter((i) => wanted.has(i.key)).map((i) => i.key);
}


function fieldInfoOf(fields: readonly string[], found: SourceRecord, departmentCode: string): Record<string, FieldInfo> {
  const info: Record<string, FieldInfo> = {};
  const updatedAt = found.updatedAt.toISOString();
  for (const f of fields) {
    const reason = found.unavailable?.[f];
    info[f] = reason === undefined ? { departmentCode, updatedAt } : { departmentCode, updatedAt: null, unavailable: reason };
  }
  return info;
}

/**
 * A batch result's fieldInfo: only the fields that did not come from the resource's provider as
 * of the result's updatedAt (answered by their authoritative source, or unavailable), or nothing.
 * Written out for every field of 1,000 records it doubled the reply (a third of batch-get's time).
 */
function fieldExceptionsOf(fields: readonly string[], found: SourceRecord, departmentCode: string, sourced: Record<string, FieldInfo>): Record<string, FieldInfo> | undefined {
  const unavailable = found.unavailable ? fields.filter((f) => found.unavailable![f] !== undefined) : [];
  if (unavailable.length === 0 && Object.keys(sourced).length === 0) return undefined;
  return { ...fieldInfoOf(unavailable, found, departmentCode), ...sourced };
}

/** The fields whose values left the hub (unavailable ones did not): what the audit event lists. */
const deliveredFields = (fields: readonly string[], found: SourceRecord) => (found.unavailable ? fields.filter((f) => found.unavailable![f] === undefined) : [...fields]);

type Caller = { systemId: string; departmentCode: string };

function callerOf(ctx: RequestContext): Caller {
  const actor = ctx.actor;
  if (actor.kind !== 'system') throw new AppError('FORBIDDEN', 'records are read by systems (API keys) only');
  return { systemId: actor.systemId, departmentCode: actor.departmentCode };
}

/** Asked fields outside the grant: refused before anything is counted or read. */
function assertFieldsGranted(grant: AccessGrant, asked: readonly string[] | undefined) {
  if (asked === undefined) return;
  const granted = new Set(grant.fields);
  const refused = [...new Set(asked.filter((f) => !granted.has(f)))];
  if (refused.length > 0) throw new AppError('FIELD_NOT_GRANTED', `not granted to this system: ${refused.join(', ')}`);
}

function normalise(version: VersionView, raw: string, now: Date) {
  const result = normaliseSubjectId(version.shape.subjectType, raw, now);
  if (!result.ok) throw new AppError('INVALID_SUBJECT_ID', result.reason);
  return result.id;
}

/** Refusals already on the trail (SUBJECT_NOT_FOUND carries its receipt): not appended twice. */
const audited = new WeakSet<AppError>();
function auditedRefusal(error: AppError): AppError {
  audited.add(error);
  return error;
}

/** One audited call: events for refusals are written the same way (group-committed) before the error is answered. */
class AccessTrail {
  private readonly started = performance.now();
  grant?: AccessGrant;

  constructor(private readonly ctx: RequestContext, private readonly deps: ExchangeDeps, private readonly caller: Caller,
    private readonly resourceId: string, private readonly action: string, private readonly headers: QueryHeaders) {}

  /** The subject's index under the current key: computed once per subject and call (source lookup and event). */
  hash(subjectId: string): Buffer {
    return subjectHash(this.deps.keyring.current, subjectId);
  }

  event(subject: { id?: string; hash?: Buffer; raw?: string }, outcome: AccessEvent['outcome'], reason: string | null, fields: string[]): AccessEvent {
    return {
      systemId: this.caller.systemId,
      departmentCode: this.caller.departmentCode,
      action: this.action,
      resourceId: this.resourceId,
      grantId: this.grant?.id ?? null,
      subjectHash: subject.id !== undefined ? subject.hash ?? this.hash(subject.id) : null,
      // An invalid id is masked whole (maskSubjectId): its display form reveals nothing.
      subjectMasked: subject.id !== undefined ? maskSubjectId(subject.id) : subject.raw !== undefined ? maskSubjectId(subject.raw) : null,
      fields,
      serviceItemCode: this.headers.serviceItem,
      caseId: this.headers.caseId,
      operatorId: this.headers.operatorId,
      outcome,
      reason,
      requestId: this.ctx.requestId ?? '',
      latencyMs: Math.round(performance.now() - this.started),
      occurredAt: this.ctx.now,
    };
  }

  append(events: AccessEvent[]) {
    return this.deps.appender.append(events);
  }

  /** Runs the call; a refusal (AppError) is audited with its code before it is answered. */
  async run<T>(subject: { raw?: string }, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      if (err instanceof AppError && !audited.has(err)) await this.append([this.event(subject, 'failure', err.code, [])]);
      throw err;
    }
  }
}

async function authorize(ctx: RequestContext, deps: ExchangeDeps, caller: Caller, resourceId: string, headers: QueryHeaders) {
  const grants = await deps.grants.grantsOf(ctx.db, caller.systemId, resourceId);
  return servingGrant(grants, ctx.now, headers.serviceItem);
}

async function countQuota(ctx: RequestContext, deps: ExchangeDeps, grant: AccessGrant, calls: number, extra: { name: string; by: number }[] = []) {
  const counts = await deps.counters.increment([{ name: `quota:${grant.id}`, by: calls }, ...extra], ctx.now);
  if (counts[0]! > grant.dailyQuota) {
    throw new AppError('QUOTA_EXCEEDED', `the grant's daily quota of ${grant.dailyQuota} calls is used up until midnight (Asia/Shanghai)`, {
      extra: { retryAfter: secondsToShanghaiMidnight(ctx.now) },
    });
  }
  return counts;
}

/**
 * Counts a call against the quota, and reads: both at once from a local source (what was read is
 * dropped when the count refuses; nothing leaves the hub), one after the other from a source that
 * asks another department, which must not see a call the quota refuses.
 */
async function countedRead<T>(source: RecordSource, count: () => Promise<unknown>, read: () => Promise<T>): Promise<T> {
  if (!source.local) {
    await count();
    return read();
  }
  const reading = read();
  reading.catch(() => undefined); // refused by the count: nobody waits for the read
  await count();
  return reading;
}

export async function readRecord(ctx: RequestContext, deps: ExchangeDeps, input: { resourceId: string; subjectId: string; fields?: string[]; headers: QueryHeaders }) {
  const caller = callerOf(ctx);
  const trail = new AccessTrail(ctx, deps, caller, input.resourceId, 'record.read', input.headers);
  return trail.run({ raw: input.subjectId }, async () => {
    const grant = trail.grant = await authorize(ctx, deps, caller, input.resourceId, input.headers);
    const version = await versionOf(ctx.db, grant);
    const subjectId = normalise(version, input.subjectId, ctx.now);
    assertFieldsGranted(grant, input.fields);
    const hash = trail.hash(subjectId);
    const source = sourceOf(ctx, deps, grant, version, caller, input.headers);
    const found = await countedRead(source, () => countQuota(ctx, deps, grant, 1), () => source.get(subjectId, wantedFields(version, grant, input.fields), hash));
    if (!found) {
      const [eventId] = await trail.append([trail.event({ id: subjectId, hash }, 'failure', 'SUBJECT_NOT_FOUND', [])]);
      throw auditedRefusal(new AppError('SUBJECT_NOT_FOUND', `this resource holds no record of the subject (receipt ${eventId})`));
    }
    const projection = projectRecord({ record: found.record, dataItems: version.shape.dataItems, granted: grant.fields, asked: input.fields, plain: grant.plainValues });
    if (!projection.ok) throw new AppError('FIELD_NOT_GRANTED', `not granted to this system: ${projection.fields.join(', ')}`);
    // 一数一源: items answered by their authoritative source where this system is granted it there.
    const sourced = (await answerFromSources(version.shape.dataItems, projection.fields, [subjectId], sourceAccess(ctx, deps, caller, input.headers, new Map([[subjectId, hash]])))).get(subjectId)!;
    const own = deliveredFields(projection.fields, found).filter((f) => sourced.info[f] === undefined);
    const [eventId] = await trail.append([trail.event({ id: subjectId, hash }, 'success', null, own), ...sourceEvents(trail, sourced, hash)]);
    return {
      resourceId: input.resourceId,
      subjectId: maskSubjectId(subjectId),
      fields: { ...projection.values, ...sourced.values },
      fieldInfo: { ...fieldInfoOf(projection.fields, found, grant.providerCode), ...sourced.info },
      source: { departmentCode: grant.providerCode, updatedAt: found.updatedAt.toISOString() },
      receipt: { eventId: eventId! },
    };
  });
}

/** The audit events of a subject's reads of authoritative sources: under each source's resource and grant. */
function sourceEvents(trail: AccessTrail, sourced: SourcedAnswer, hash: Buffer | undefined): AccessEvent[] {
  return sourced.reads.map((r) => ({ ...trail.event({ id: r.subjectId, hash }, r.outcome, r.reason, r.fields), resourceId: r.grant.resourceId, grantId: r.grant.id }));
}

/**
 * How a call reaches the authoritative sources its items name: the caller's own grants there,
 * counted and fetched like a read of them. `hashes`: the subjects' HMACs the call computed already
 * (a hosted source looks them up by these).
 */
function sourceAccess(ctx: RequestContext, deps: ExchangeDeps, caller: Caller, headers: QueryHeaders, hashes: ReadonlyMap<string, Buffer>): SourceAccess {
  return {
    resourceIdOf: async (code) => (await ctx.db('resources').where({ code, status: 'published' }).first('id'))?.id as string | undefined,
    servingGrantOf: async (resourceId) => {
      try {
        return await authorize(ctx, deps, caller, resourceId, headers);
      } catch (err) {
        if (err instanceof AppError) return undefined;
        throw err;
      }
    },
    itemsOf: async (grant) => (await versionOf(ctx.db, grant)).shape.dataItems,
    count: async (grant, calls) => void (await countQuota(ctx, deps, grant, calls)),
    fetch: async (grant, ids, fields) => {
      const version = await versionOf(ctx.db, grant);
      return sourceOf(ctx, deps, grant, version, caller, headers).getMany(ids, fields, hashes);
    },
  };
}

export const BATCH_MAX_IDS = 1_000;

type BatchResult =
  | { subjectId: string; status: 'found'; fields: Record<string, RecordValue | null>; fieldInfo?: Record<string, FieldInfo>; updatedAt: string; eventId: string }
  | { subjectId: string; status: 'not_found' | 'invalid_id'; eventId: string };

export async function batchGetRecords(ctx: RequestContext, deps: ExchangeDeps, input: { resourceId: string; ids: string[]; fields?: string[]; headers: QueryHeaders }) {
  const caller = callerOf(ctx);
  const trail = new AccessTrail(ctx, deps, caller, input.resourceId, 'record.batch_read', input.headers);
  return trail.run({}, async () => {
    const grant = trail.grant = await authorize(ctx, deps, caller, input.resourceId, input.headers);
    const version = await versionOf(ctx.db, grant);
    assertFieldsGranted(grant, input.fields);
    const normalised = input.ids.map((raw) => {
      const r = normaliseSubjectId(version.shape.subjectType, raw, ctx.now);
      return r.ok ? { raw, id: r.id } : { raw, id: undefined };
    });
    const valid = normalised.filter((n) => n.id !== undefined).map((n) => n.id!);
    // Each subject's HMAC once, for the lookup and its event (a subject named twice is one lookup, two events).
    const hashes = new Map<string, Buffer>();
    for (const id of valid) if (!hashes.has(id)) hashes.set(id, trail.hash(id));
    const source = sourceOf(ctx, deps, grant, version, caller, input.headers);
    // Every valid id is one call of the quota: a batch is not a way around it.
    const records = await countedRead(source, () => countQuota(ctx, deps, grant, Math.max(1, valid.length)),
      () => source.getMany([...hashes.keys()], wantedFields(version, grant, input.fields), hashes));
    const projected = new Map<string, { found: SourceRecord; values: Record<string, RecordValue | null>; fields: string[] }>();
    for (const [id, found] of records) {
      const projection = projectRecord({ record: found.record, dataItems: version.shape.dataItems, granted: grant.fields, asked: input.fields, plain: grant.plainValues });
      if (!projection.ok) throw new AppError('FIELD_NOT_GRANTED', `not granted to this system: ${projection.fields.join(', ')}`);
      projected.set(id, { found, values: projection.values, fields: projection.fields });
    }
    // 一数一源 as for a single read: every found subject's sourced items in one lookup or one forwarded call per source.
    // (the found subjects in the order they were asked: a source sees them as the consumer named them)
    const sourced = await answerFromSources(version.shape.dataItems, wantedFields(version, grant, input.fields), [...hashes.keys()].filter((id) => projected.has(id)),
      sourceAccess(ctx, deps, caller, input.headers, hashes));
    const events: AccessEvent[] = [];
    const fromSources: AccessEvent[] = [];
    const partial = normalised.map((n) => {
      if (n.id === undefined) {
        events.push(trail.event({ raw: n.raw }, 'failure', 'INVALID_SUBJECT_ID', []));
        return { subjectId: maskSubjectId(n.raw), status: 'invalid_id' as const };
      }
      const p = projected.get(n.id);
      const hash = hashes.get(n.id);
      if (!p) {
        events.push(trail.event({ id: n.id, hash }, 'failure', 'SUBJECT_NOT_FOUND', []));
        return { subjectId: maskSubjectId(n.id), status: 'not_found' as const };
      }
      const s = sourced.get(n.id)!;
      events.push(trail.event({ id: n.id, hash }, 'success', null, deliveredFields(p.fields, p.found).filter((f) => s.info[f] === undefined)));
      // As for the read resource, a subject named twice is fetched once and audited per result.
      fromSources.push(...sourceEvents(trail, s, hash));
      const fieldInfo = fieldExceptionsOf(p.fields, p.found, grant.providerCode, s.info);
      return {
        subjectId: maskSubjectId(n.id), status: 'found' as const, fields: { ...p.values, ...s.values },
        ...(fieldInfo ? { fieldInfo } : {}), updatedAt: p.found.updatedAt.toISOString(),
      };
    });
    // One event per subject (then one per subject and source read), all in one group-committed insert, durable before the reply.
    const eventIds = await trail.append([...events, ...fromSources]);
    const results: BatchResult[] = partial.map((r, i) => ({ ...r, eventId: eventIds[i]! }));
    return { resourceId: input.resourceId, source: { departmentCode: grant.providerCode }, results };
  });
}

export type VerifyOutcome = 'match' | 'no_match' | 'not_found' | 'unavailable';

function validatorOf(deps: ExchangeDeps, grant: AccessGrant, version: VersionView): RecordValidator {
  const key = `${grant.resourceId}:${grant.resourceVersion}`;
  let validator = validators.get(key);
  if (!validator) {
    validator = compileRecordValidator(version.shape, deps.clock);
    validators.set(key, validator);
  }
  return validator;
}

/**
 * 核验: whether each claimed value equals the record's, never a value. A claim is normalised the
 * way a loaded value is (record-validation.ts: `12.5` and `"12.50"` are the same 货币 amount);
 * a claim that is not a valid value of its item cannot match.
 */
export async function verifyRecord(ctx: RequestContext, deps: ExchangeDeps, input: { resourceId: string; id: string; claims: Record<string, RecordValue>; headers: QueryHeaders }) {
  const caller = callerOf(ctx);
  const trail = new AccessTrail(ctx, deps, caller, input.resourceId, 'record.verify', input.headers);
  return trail.run({ raw: input.id }, async () => {
    const grant = trail.grant = await authorize(ctx, deps, caller, input.resourceId, input.headers);
    const version = await versionOf(ctx.db, grant);
    const subjectId = normalise(version, input.id, ctx.now);
    const claimed = Object.keys(input.claims);
    assertFieldsGranted(grant, claimed);
    const hash = trail.hash(subjectId);
    const source = sourceOf(ctx, deps, grant, version, caller, input.headers);
    const found = await countedRead(source, async () => {
      const counts = await countQuota(ctx, deps, grant, 1, [{ name: `verify:${caller.systemId}:${hash.toString('hex')}`, by: 1 }]);
      if (counts[1]! > deps.verifyDailyLimit) {
        throw new AppError('VERIFY_LIMIT_EXCEEDED', `at most ${deps.verifyDailyLimit} verifications of one subject per system per day`, {
          extra: { retryAfter: secondsToShanghaiMidnight(ctx.now) },
        });
      }
    }, () => source.get(subjectId, wantedFields(version, grant, claimed), hash));
    if (!found) {
      const [eventId] = await trail.append([trail.event({ id: subjectId, hash }, 'failure', 'SUBJECT_NOT_FOUND', [])]);
      throw auditedRefusal(new AppError('SUBJECT_NOT_FOUND', `this resource holds no record of the subject (receipt ${eventId})`));
    }
    // 一数一源: a claim on an item with an authoritative source this system is granted is checked against that source.
    const sourced = (await answerFromSources(version.shape.dataItems, claimed, [subjectId], sourceAccess(ctx, deps, caller, input.headers, new Map([[subjectId, hash]])),
      { raw: true })).get(subjectId)!;
    const validate = validatorOf(deps, grant, version);
    const subjectKey = version.shape.subjectKey;
    const results: Record<string, VerifyOutcome> = {};
    for (const field of claimed) {
      const fromSource = sourced.info[field];
      // A provider (or source) that did not answer the field: neither a match nor a mismatch.
      if ((fromSource ?? { unavailable: found.unavailable?.[field] }).unavailable !== undefined) {
        results[field] = 'unavailable';
        continue;
      }
      const stored = fromSource ? sourced.values[field] ?? undefined : found.record[field];
      if (stored === undefined) {
        results[field] = 'not_found';
        continue;
      }
      const check = validate(field === subjectKey ? { [field]: input.claims[field] } : { [subjectKey]: subjectId, [field]: input.claims[field] });
      results[field] = check.ok && check.record[field] === stored ? 'match' : 'no_match';
    }
    const own = claimed.filter((f) => sourced.info[f] === undefined);
    const [eventId] = await trail.append([trail.event({ id: subjectId, hash }, 'success', null, own), ...sourceEvents(trail, sourced, hash)]);
    return { resourceId: input.resourceId, subjectId: maskSubjectId(subjectId), results, receipt: { eventId: eventId! } };
  });
}
