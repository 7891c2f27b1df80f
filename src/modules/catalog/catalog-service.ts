// The catalog's use cases: draft, edit, submit, review, deprecate, read. Every change takes the
// resource row FOR UPDATE, checks the transition, writes, records its event and refreshes the
// search row in one transaction.
//
// Life cycle. The resource: draft → pending_review → published → deprecated. Its versions: a
// published version is never edited; editing a published resource drafts version n+1, which goes
// through submit and review while version n keeps serving; publishing n+1 supersedes n. A
// rejected version returns to draft with its review reason kept.
import type { Knex } from 'knex';
import { AppError, illegalState, invalidField, notFound, otherDepartment, type FieldProblem } from '../../lib/errors.js';
import type { Principal } from '../identity/principal.js';
import type { RequestContext } from '../context.js';
import { recordEvent, type Actor } from '../audit/events.js';
import { metadataToColumns, publishedVersions, rowToMetadata, versionColumns, type ResourceRow, type VersionRow } from './catalog-rows.js';
import { seesUnpublished, syncSearchRow } from './catalog-search.js';
import { categoryOf, checkResource, type ResourceMetadata } from './resource-validation.js';

/**
 * Who acts, under which request and when: a use case's Context, or the CLI import's trail. The
 * import (a batch outside any request) gives no `now` and is stamped with its transaction's time.
 */
export interface Trail {
  actor: Actor;
  requestId?: string;
  now?: Date;
}

/** The instant a change is stamped with: the context's clock; the transaction's for the CLI import. */
const stampOf = (trx: Knex.Transaction, trail: Trail) => trail.now ?? trx.fn.now();

type Patch = Partial<Omit<ResourceMetadata, 'categoryCode'>>;
export type NewResource = Omit<ResourceMetadata, 'categoryCode' | 'formatSubtype' | 'shareConditions' | 'legalBasis' | 'openConditions' | 'subjectKey' | 'delivery'> & {
  code: string;
  categoryCode?: string;
  formatSubtype?: string;
  shareConditions?: string;
  legalBasis?: string;
  openConditions?: string;
  subjectKey?: string;
  delivery: { mode: 'hosted' | 'provider_api'; endpoint?: string };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const userIdOf = (actor: Actor) => ('userId' in actor ? actor.userId : null);

/** Metadata from a create body or a catalog file entry (optional text fields become null). */
export function newMetadata(input: NewResource): ResourceMetadata {
  return {
    name: input.name,
    categoryCode: input.categoryCode ?? categoryOf(input.code),
    summary: input.summary,
    format: input.format,
    formatSubtype: input.formatSubtype ?? null,
    dataItems: input.dataItems,
    shareType: input.shareType,
    shareConditions: input.shareConditions ?? null,
    legalBasis: input.legalBasis ?? null,
    shareMethod: input.shareMethod,
    openToPublic: input.openToPublic,
    openConditions: input.openConditions ?? null,
    updateCycle: input.updateCycle,
    relatedCodes: input.relatedCodes,
    subjectType: input.subjectType,
    subjectKey: input.subjectKey ?? null,
    controlParams: input.controlParams,
    delivery: input.delivery,
    contact: input.contact,
  };
}

export function assertValid(code: string, meta: ResourceMetadata, base = '/body') {
  const errors = checkResource(code, meta, base);
  if (errors.length) {
    throw new AppError('VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), { errors });
  }
}

/**
 * 一数一源: each named authoritative source must be a published resource of the same subject type
 * whose published version has the item. Checked when the metadata is written; a source that later
 * drops the item is skipped by the cross-checks and reads (they name what they could not use).
 */
export async function assertSourcesExist(db: Knex | Knex.Transaction, meta: ResourceMetadata, base = '/body') {
  const named = meta.dataItems.flatMap((item, i) => (item.authoritativeSource ? [{ i, source: item.authoritativeSource }] : []));
  if (named.length === 0) return;
  const rows: { code: string; subject_type: string; data_items: { key: string }[] }[] = await publishedVersions(db)
    .whereIn('r.code', [...new Set(named.map((n) => n.source.resourceCode))])
    .where('r.status', 'published')
    .select('r.code', 'v.subject_type', 'v.data_items');
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const errors: FieldProblem[] = [];
  for (const { i, source } of named) {
    const pointer = `${base}/dataItems/${i}/authoritativeSource`;
    const row = byCode.get(source.resourceCode);
    if (!row) errors.push({ pointer: `${pointer}/resourceCode`, message: `'${source.resourceCode}' is not a published resource` });
    else if (row.subject_type !== meta.subjectType) errors.push({ pointer: `${pointer}/resourceCode`, message: `'${source.resourceCode}' has records of another subject type (${row.subject_type})` });
    else if (!row.data_items.some((d) => d.key === source.itemKey)) errors.push({ pointer: `${pointer}/itemKey`, message: `'${source.itemKey}' is not a data item of ${source.resourceCode}` });
  }
  if (errors.length) throw new AppError('VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), { errors });
}

async function findResource(db: Knex, idOrCode: string, forUpdate = false): Promise<ResourceRow | undefined> {
  const q = db('resources').where(UUID.test(idOrCode) ? 'id' : 'code', idOrCode).first();
  if (forUpdate) q.forUpdate();
  return q;
}

/** The resource as `viewer` may know it: 404 when it does not exist or is an unpublished draft of another department. */
async function visibleResource(db: Knex, viewer: Principal, idOrCode: string, forUpdate = false): Promise<ResourceRow> {
  const r = await findResource(db, idOrCode, forUpdate);
  if (!r || (r.published_version === null && !seesUnpublished(viewer, r.provider_code))) throw notFound(`resource ${idOrCode}`);
  return r;
}

/** For the owning department's changes: another department gets 404 for a draft, 403 for a published resource. */
async function ownResource(trx: Knex.Transaction, actor: Principal, idOrCode: string): Promise<ResourceRow> {
  const r = await visibleResource(trx, actor, idOrCode, true);
  if (r.provider_code !== actor.departmentCode) throw otherDepartment('the resource');
  return r;
}

async function loadVersion(db: Knex, resourceId: string, version: number): Promise<VersionRow | undefined> {
  return db('resource_versions').where({ resource_id: resourceId, version }).first(versionColumns(db));
}

const describe = (r: ResourceRow, version?: number) => `resource ${r.code}${version ? ` version ${version}` : ''}`;

function assertNotDeprecated(r: ResourceRow, action: string) {
  if (r.status === 'deprecated') throw illegalState(describe(r), 'deprecated', action);
}

async function touch(trx: Knex.Transaction, trail: Trail, r: ResourceRow, changes: Partial<ResourceRow> = {}) {
  await trx('resources').where('id', r.id).update({ ...changes, updated_at: stampOf(trx, trail) });
}

// ── changes ───────────────────────────────────────────────────────────────────────────────

export async function createResource(ctx: RequestContext, input: NewResource) {
  const { db } = ctx;
  const trail = ctx;
  const meta = newMetadata(input);
  assertValid(input.code, meta);
  await assertSourcesExist(db, meta);
  return db.transaction(async (trx) => {
    const [r] = await trx('resources')
      .insert({ code: input.code, provider_code: trail.actor.departmentCode, status: 'draft', latest_version: 1 })
      .returning('*');
    await trx('resource_versions').insert({
      resource_id: r.id, version: 1, status: 'draft', ...metadataToColumns(meta), created_by: userIdOf(trail.actor),
    });
    await recordEvent(trx, {
      actor: trail.actor, requestId: trail.requestId, entityType: 'resource', entityId: r.id, entityVersion: 1,
      action: 'resource.created', details: { code: input.code },
    });
    await syncSearchRow(trx, r.id);
    return view(trx, trail.actor, r.id, 1);
  });
}

function applyPatch(meta: ResourceMetadata, patch: Patch): ResourceMetadata {
  const next = { ...meta } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) next[key] = value;
  return next as unknown as ResourceMetadata;
}

/**
 * Edits the resource's draft. On a published resource without an open revision this drafts
 * version n+1 from the published one; the published version keeps serving meanwhile.
 */
export async function updateResource(ctx: RequestContext, idOrCode: string, patch: Patch) {
  const { db } = ctx;
  const trail = ctx;
  return db.transaction(async (trx) => {
    const r = await ownResource(trx, trail.actor, idOrCode);
    assertNotDeprecated(r, 'edit');
    const latest = (await loadVersion(trx, r.id, r.latest_version))!;
    if (latest.status !== 'draft' && latest.status !== 'published') throw illegalState(describe(r, latest.version), latest.status, 'edit');
    const meta = applyPatch(rowToMetadata(latest), patch);
    assertValid(r.code, meta);
    await assertSourcesExist(trx, meta);

    let version = latest.version;
    if (latest.status === 'draft') {
      await trx('resource_versions').where({ resource_id: r.id, version }).update({ ...metadataToColumns(meta), updated_at: stampOf(trx, trail) });
      await touch(trx, trail, r);
    } else {
      version = latest.version + 1;
      await trx('resource_versions').insert({
        resource_id: r.id, version, status: 'draft', ...metadataToColumns(meta), created_by: userIdOf(trail.actor),
      });
      await touch(trx, trail, r, { latest_version: version });
    }
    await recordEvent(trx, {
      actor: trail.actor, requestId: trail.requestId, entityType: 'resource', entityId: r.id, entityVersion: version,
      action: latest.status === 'draft' ? 'resource.updated' : 'resource.revision_drafted',
      details: { code: r.code, fields: Object.keys(patch).sort() },
    });
    await syncSearchRow(trx, r.id);
    return view(trx, trail.actor, r.id, version);
  });
}

export async function submitResource(ctx: RequestContext, idOrCode: string) {
  const { db } = ctx;
  const trail = ctx;
  return db.transaction(async (trx) => {
    const r = await ownResource(trx, trail.actor, idOrCode);
    assertNotDeprecated(r, 'submit');
    const latest = (await loadVersion(trx, r.id, r.latest_version))!;
    if (latest.status !== 'draft') throw illegalState(describe(r, latest.version), latest.status, 'submit');
    await trx('resource_versions').where({ resource_id: r.id, version: latest.version })
      .update({ status: 'pending_review', submitted_at: stampOf(trx, trail), updated_at: stampOf(trx, trail) });
    await touch(trx, trail, r, r.status === 'draft' ? { status: 'pending_review' } : {});
    await recordEvent(trx, {
      actor: trail.actor, requestId: trail.requestId, entityType: 'resource', entityId: r.id, entityVersion: latest.version,
      action: 'resource.submitted', details: { code: r.code },
    });
    await syncSearchRow(trx, r.id);
    return view(trx, trail.actor, r.id, latest.version);
  });
}

/** The platform's review (发布审核) of the version in review: publish it, or send it back to draft with a reason. */
export async function reviewResource(
  ctx: RequestContext,
  idOrCode: string,
  input: { decision: 'publish' | 'reject'; reason?: string },
) {
  const { db } = ctx;
  const trail = ctx;
  if (input.decision === 'reject' && !input.reason?.trim()) throw invalidField('/body/reason', 'is required when rejecting');
  return db.transaction(async (trx) => {
    const r = await visibleResource(trx, trail.actor, idOrCode, true);
    assertNotDeprecated(r, 'review');
    const latest = (await loadVersion(trx, r.id, r.latest_version))!;
    if (latest.status !== 'pending_review') throw illegalState(describe(r, latest.version), latest.status, 'review');
    if (input.decision === 'publish') {
      await publishVersion(trx, trail, r, latest.version, { reason: input.reason ?? null });
    } else {
      await trx('resource_versions').where({ resource_id: r.id, version: latest.version }).update({
        status: 'draft', review_reason: input.reason, reviewed_at: stampOf(trx, trail), reviewed_by: userIdOf(trail.actor), updated_at: stampOf(trx, trail),
      });
      await touch(trx, trail, r, r.status === 'pending_review' ? { status: 'draft' } : {});
      await recordEvent(trx, {
        actor: trail.actor, requestId: trail.requestId, entityType: 'resource', entityId: r.id, entityVersion: latest.version,
        action: 'resource.rejected', reason: input.reason, details: { code: r.code },
      });
    }
    await syncSearchRow(trx, r.id);
    return view(trx, trail.actor, r.id, latest.version);
  });
}

/**
 * Makes `version` the one applicants get. Only the version published until now becomes
 * superseded (still readable; grants that pin it keep it). A draft or a version in review is
 * never touched: it was never shown outside its department, and superseding it would both end
 * the department's work and make it readable to everyone. Used by the review and by the
 * catalog import (the platform's own act), which refuses resources with such a version open.
 */
export async function publishVersion(
  trx: Knex.Transaction,
  trail: Trail,
  r: ResourceRow,
  version: number,
  opts: { reason?: string | null; publishDate?: string; details?: Record<string, unknown> } = {},
) {
  const superseded: { version: number }[] = await trx('resource_versions')
    .where({ resource_id: r.id, status: 'published' })
    .whereNot('version', version)
    .update({ status: 'superseded', updated_at: stampOf(trx, trail) })
    .returning('version');
  await trx('resource_versions').where({ resource_id: r.id, version }).update({
    status: 'published',
    review_reason: opts.reason ?? null,
    reviewed_at: stampOf(trx, trail),
    reviewed_by: userIdOf(trail.actor),
    published_at: stampOf(trx, trail),
    // 发布日期 is a date in China's time zone, whatever the server's.
    publish_date: opts.publishDate ?? trx.raw(`(now() at time zone 'Asia/Shanghai')::date`),
    updated_at: stampOf(trx, trail),
  });
  await touch(trx, trail, r, { status: 'published', published_version: version, latest_version: Math.max(version, r.latest_version) });
  await recordEvent(trx, {
    actor: trail.actor, requestId: trail.requestId, entityType: 'resource', entityId: r.id, entityVersion: version,
    action: 'resource.published', reason: opts.reason ?? null,
    details: { code: r.code, supersededVersions: superseded.map((s) => s.version).sort((a, b) => a - b), ...opts.details },
  });
}

const DEPRECATED_REVIEW_REASON = 'resource deprecated';

/** Stops new applications; existing grants run to their expiry. */
export async function deprecateResource(ctx: RequestContext, idOrCode: string, input: { reason: string }) {
  const { db } = ctx;
  const trail = ctx;
  return db.transaction(async (trx) => {
    const r = await visibleResource(trx, trail.actor, idOrCode, true);
    if (trail.actor.role !== 'platform_admin' && r.provider_code !== trail.actor.departmentCode) throw otherDepartment('the resource');
    if (r.status !== 'published') throw illegalState(describe(r), r.status, 'deprecate');
    // A revision in review could never be reviewed now (409 'deprecated') and would wait in the
    // platform's queue for ever: it goes back to draft, saying why. A draft is left as it is.
    const latest = (await loadVersion(trx, r.id, r.latest_version))!;
    const returned = latest.status === 'pending_review' ? latest.version : undefined;
    if (returned !== undefined) {
      await trx('resource_versions').where({ resource_id: r.id, version: returned })
        .update({ status: 'draft', review_reason: DEPRECATED_REVIEW_REASON, updated_at: stampOf(trx, trail) });
    }
    await touch(trx, trail, r, { status: 'deprecated' });
    await recordEvent(trx, {
      actor: trail.actor, requestId: trail.requestId, entityType: 'resource', entityId: r.id, entityVersion: r.published_version ?? undefined,
      action: 'resource.deprecated', reason: input.reason,
      details: { code: r.code, ...(returned !== undefined ? { revisionReturnedToDraft: returned } : {}) },
    });
    await syncSearchRow(trx, r.id);
    return view(trx, trail.actor, r.id, r.published_version!);
  });
}

// ── reads ─────────────────────────────────────────────────────────────────────────────────

/**
 * The resource at `version` as `viewer` may see it; undefined when that version does not exist,
 * or was never published and the viewer is not one who sees unpublished versions. That is
 * published_at, not the status, which also says 'superseded' of versions earlier releases
 * superseded without publishing them.
 */
async function loadView(db: Knex, viewer: Principal, r: ResourceRow, version: number) {
  const v = await loadVersion(db, r.id, version);
  if (!v || (v.published_at === null && !seesUnpublished(viewer, r.provider_code))) return undefined;
  const provider: { name: string } = await db('departments').where('code', r.provider_code).first('name');
  return toResource(r, v, provider.name, viewer);
}

/** What a change answers: the resource re-read (the change moved its status and versions) at `version`, as its actor sees it. */
async function view(db: Knex, actor: Principal, resourceId: string, version: number) {
  return (await loadView(db, actor, (await findResource(db, resourceId))!, version))!;
}

const iso = (t: Date | null) => t?.toISOString() ?? null;

/** The times of a version, as both the resource and the version list show them. */
const versionTimes = (v: Pick<VersionRow, 'submitted_at' | 'reviewed_at' | 'published_at' | 'created_at' | 'updated_at'>) => ({
  submittedAt: iso(v.submitted_at),
  reviewedAt: iso(v.reviewed_at),
  publishedAt: iso(v.published_at),
  createdAt: v.created_at.toISOString(),
  updatedAt: v.updated_at.toISOString(),
});

/**
 * A revision in draft or review is its department's business: to others the newest version is
 * the published one (they see only resources that have one).
 */
const latestVersionFor = (r: ResourceRow, insider: boolean) => (insider ? r.latest_version : r.published_version ?? r.latest_version);

function toResource(r: ResourceRow, v: VersionRow, providerName: string, viewer: Principal) {
  const insider = seesUnpublished(viewer, r.provider_code);
  const meta = rowToMetadata(v);
  return {
    id: r.id,
    code: r.code,
    providerCode: r.provider_code,
    providerName,
    status: r.status,
    publishedVersion: r.published_version,
    latestVersion: latestVersionFor(r, insider),
    version: v.version,
    versionStatus: v.status,
    ...meta,
    // The provider's own endpoint is for the hub to forward to, not for consumers to call.
    delivery: insider ? meta.delivery : { mode: meta.delivery.mode },
    publishDate: v.publish_day,
    ...(insider ? { reviewReason: v.review_reason } : {}),
    ...versionTimes(v),
  };
}

/**
 * One version of a resource: by default the published one, or the latest for those who see
 * drafts when nothing is published yet. Versions that were never published are 404 to others.
 */
export async function getResource(ctx: RequestContext, idOrCode: string, version?: number) {
  const { db, actor: viewer } = ctx;
  const r = await visibleResource(db, viewer, idOrCode);
  const wanted = version ?? r.published_version ?? r.latest_version;
  const shown = await loadView(db, viewer, r, wanted);
  if (!shown) throw notFound(`version ${wanted} of resource ${idOrCode}`);
  return shown;
}

export async function listVersions(ctx: RequestContext, idOrCode: string) {
  const { db, actor: viewer } = ctx;
  const r = await visibleResource(db, viewer, idOrCode);
  const insider = seesUnpublished(viewer, r.provider_code);
  const rows: VersionRow[] = await db('resource_versions')
    .where('resource_id', r.id)
    .modify((q) => { if (!insider) q.whereNotNull('published_at'); })
    .orderBy('version', 'desc')
    .select('version', 'status', 'name', 'review_reason', 'submitted_at', 'reviewed_at', 'published_at', 'created_at', 'updated_at');
  return {
    resourceId: r.id,
    code: r.code,
    publishedVersion: r.published_version,
    latestVersion: latestVersionFor(r, insider),
    items: rows.map((v) => ({
      version: v.version,
      status: v.status,
      name: v.name,
      ...(insider ? { reviewReason: v.review_reason } : {}),
      ...versionTimes(v),
    })),
  };
}

/** 共享责任清单: the resources a department provides, how often each is updated, who answers for it. */
export async function listResponsibilities(ctx: RequestContext, departmentCode: string) {
  const { db, actor: viewer } = ctx;
  const department: { code: string; name: string } | undefined = await db('departments').where('code', departmentCode).first('code', 'name');
  if (!department) throw notFound(`department ${departmentCode}`);
  const rows: (Pick<VersionRow, 'name' | 'share_type' | 'share_method' | 'update_cycle' | 'contact' | 'published_at' | 'updated_at'>
    & { resource_id: string; code: string; status: ResourceRow['status']; published: boolean; version: number })[] = await db('resource_search as rs')
    .join('resource_versions as v', (j) => j.on('v.resource_id', 'rs.resource_id').andOn('v.version', 'rs.version'))
    .where('rs.provider_code', departmentCode)
    .modify((q) => { if (!seesUnpublished(viewer, departmentCode)) q.where('rs.published', true); })
    .orderBy('rs.code')
    .select('rs.resource_id', 'rs.code', 'rs.status', 'rs.published', 'rs.version', 'v.name', 'v.share_type', 'v.share_method',
      'v.update_cycle', 'v.contact', 'v.published_at', 'v.updated_at');
  return {
    department,
    items: rows.map((row) => ({
      id: row.resource_id,
      code: row.code,
      name: row.name,
      status: row.status,
      version: row.version,
      shareType: row.share_type,
      shareMethod: row.share_method,
      updateCycle: row.update_cycle,
      lastUpdatedAt: ((row.published ? row.published_at : null) ?? row.updated_at).toISOString(),
      contact: row.contact ?? { name: '' },
    })),
    total: rows.length,
  };
}
