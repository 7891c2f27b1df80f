import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { GRANT_STATUSES } from '../../../schemas/grants.js';
import { illegalState, notFound, otherDepartment } from '../../lib/errors.js';
import { keysetPaginate, type CursorPage, type SortColumn } from '../../lib/paginate.js';
import { shanghaiDay, startOfDay, type WorkingDayCalendar } from '../../lib/working-days.js';
import { isParty, whereParty, type Side } from '../identity/party-filter.js';
import type { Principal } from '../identity/principal.js';
import { addTimeline } from '../timeline/application-timeline.js';
import { recordEvent, type Actor } from '../audit/events.js';
import { addWebhook } from '../outbox/outbox-service.js';
import type { Context, RequestContext } from '../context.js';

export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** The deployment's rule for grants (a subset of the workflow settings, from configuration). */
export interface GrantSettings {
  /** The consumer is told this many working days before a grant runs out. */
  expiryNoticeWorkingDays: number;
}

export interface GrantRow {
  id: string;
  application_id: string;
  consumer_code: string;
  provider_code: string;
  system_id: string;
  resource_id: string;
  resource_version: number;
  fields: string[];
  purpose: string;
  legal_basis: string;
  service_item_code: string;
  conditions: string | null;
  valid_from: Date;
  valid_to: Date;
  daily_quota: number;
  /** The grant serves plain values: its fields are not masked per data item (see GrantTerms). */
  plain_values: boolean;
  status: GrantStatus;
  expiry_notice_at: Date;
  expiry_notified_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  expired_at: Date | null;
  created_at: Date;
}

export function toGrant(row: GrantRow) {
  return {
    id: row.id,
    applicationId: row.application_id,
    status: row.status,
    consumerCode: row.consumer_code,
    providerCode: row.provider_code,
    systemId: row.system_id,
    resourceId: row.resource_id,
    resourceVersion: row.resource_version,
    fields: row.fields,
    purpose: row.purpose,
    legalBasis: row.legal_basis,
    serviceItemCode: row.service_item_code,
    conditions: row.conditions,
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to.toISOString(),
    dailyQuota: row.daily_quota,
    plainValues: row.plain_values,
    expiryNoticeAt: row.expiry_notice_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokeReason: row.revoke_reason,
    expiredAt: row.expired_at?.toISOString() ?? null,
  };
}

/** The start of the day `n` working days before the day a grant runs out. */
export function expiryNoticeAt(calendar: WorkingDayCalendar, validTo: Date, n: number): Date {
  // A validity ending exactly at midnight ends with the day before.
  const lastDay = shanghaiDay(new Date(validTo.getTime() - 1));
  return startOfDay(calendar.addWorkingDays(lastDay, -n));
}

export interface GrantTerms {
  applicationId: string;
  consumerCode: string;
  providerCode: string;
  systemId: string;
  resourceId: string;
  resourceVersion: number;
  fields: string[];
  purpose: string;
  legalBasis: string;
  serviceItemCode: string;
  conditions: string | null;
  validFrom: Date;
  validTo: Date;
  dailyQuota: number;
  /**
   * Serve the granted fields' values in plain instead of masked per data item (脱敏). Decided by
   * the party whose decision issues the grant (the platform on Route A and after coordination,
   * the provider on Route B); false unless that decision says otherwise.
   */
  plainValues: boolean;
  /** Discretion: the subjects' access logs show accesses under this grant in full only from then. */
  discloseAfter?: Date | null;
}

/**
 * Revokes an active grant in the caller's transaction: the row, the event, and an entry in its
 * application's timeline, so the application shows that its grant ended and why.
 */
async function revokeActive(
  trx: Knex.Transaction,
  grant: GrantRow,
  m: { actor: Actor; reason: string; now: Date; requestId?: string; details?: Record<string, unknown> },
): Promise<GrantRow> {
  const [row] = await trx('grants')
    .where({ id: grant.id, status: 'active' })
    .update({ status: 'revoked', revoked_at: m.now, revoked_by: 'userId' in m.actor ? m.actor.userId : null, revoke_reason: m.reason, updated_at: m.now })
    .returning('*');
  const details = { applicationId: grant.application_id, ...m.details };
  await recordEvent(trx, { actor: m.actor, entityType: 'grant', entityId: grant.id, action: 'grant.revoke', reason: m.reason, requestId: m.requestId, details });
  await addTimeline(trx, {
    applicationId: grant.application_id, at: m.now, action: 'grant_revoked', actor: m.actor, decision: 'revoke', reason: m.reason,
    details: { grantId: grant.id, ...m.details },
  });
  return row as GrantRow;
}

/**
 * Issues a grant inside the transaction that grants the application. A new grant supersedes the
 * active grants of the same system and resource, which is how a renewal or a change of fields
 * takes effect — but a renewal whose validity starts later does not leave a gap: a grant serving
 * now keeps serving until the renewal starts (its validity is cut to end there; the sweep expires
 * it then). Every other active grant of the pair is revoked as superseded.
 */
export async function issueGrant(
  trx: Knex.Transaction,
  terms: GrantTerms,
  opts: { actor: Actor; now: Date; settings: GrantSettings; calendar: WorkingDayCalendar; requestId?: string },
): Promise<GrantRow> {
  const id = randomUUID();
  const previous: GrantRow[] = await trx('grants')
    .where({ system_id: terms.systemId, resource_id: terms.resourceId, status: 'active' })
    .orderBy('valid_from')
    .forUpdate();
  const startsLater = terms.validFrom.getTime() > opts.now.getTime();
  let supersedes: string | undefined;
  for (const grant of previous) {
    supersedes ??= grant.id;
    const servingNow = grant.valid_from.getTime() <= opts.now.getTime() && grant.valid_to.getTime() > opts.now.getTime();
    if (startsLater && servingNow) {
      // Bridged: serves until the renewal starts. No expiry notice any more: the renewal exists.
      const validTo = grant.valid_to.getTime() < terms.validFrom.getTime() ? grant.valid_to : terms.validFrom;
      await trx('grants').where('id', grant.id).update({ valid_to: validTo, expiry_notified_at: grant.expiry_notified_at ?? opts.now, updated_at: opts.now });
      await recordEvent(trx, {
        actor: opts.actor, entityType: 'grant', entityId: grant.id, action: 'grant.renewal_scheduled', requestId: opts.requestId,
        details: { applicationId: grant.application_id, renewedBy: id, servesUntil: validTo.toISOString() },
      });
      continue;
    }
    await revokeActive(trx, grant, { actor: opts.actor, reason: `superseded by grant ${id}`, now: opts.now, requestId: opts.requestId, details: { supersededBy: id } });
    await addWebhook(trx, {
      type: 'grant.revoked', departmentCode: grant.consumer_code, grantId: grant.id, applicationId: grant.application_id, now: opts.now,
      data: { grantId: grant.id, applicationId: grant.application_id, status: 'revoked', supersededBy: id },
    });
  }
  const [row] = await trx('grants')
    .insert({
      id,
      application_id: terms.applicationId,
      consumer_code: terms.consumerCode,
      provider_code: terms.providerCode,
      system_id: terms.systemId,
      resource_id: terms.resourceId,
      resource_version: terms.resourceVersion,
      fields: JSON.stringify(terms.fields),
      purpose: terms.purpose,
      legal_basis: terms.legalBasis,
      service_item_code: terms.serviceItemCode,
      conditions: terms.conditions,
      valid_from: terms.validFrom,
      valid_to: terms.validTo,
      daily_quota: terms.dailyQuota,
      plain_values: terms.plainValues,
      disclose_after: terms.discloseAfter ?? null,
      status: 'active',
      expiry_notice_at: expiryNoticeAt(opts.calendar, terms.validTo, opts.settings.expiryNoticeWorkingDays),
      created_at: opts.now,
      updated_at: opts.now,
    })
    .returning('*');
  const grant = row as GrantRow;
  await recordEvent(trx, {
    actor: opts.actor,
    entityType: 'grant',
    entityId: grant.id,
    entityVersion: grant.resource_version,
    action: 'grant.issue',
    requestId: opts.requestId,
    details: {
      applicationId: grant.application_id, resourceId: grant.resource_id, systemId: grant.system_id, fields: terms.fields,
      ...(terms.plainValues ? { plainValues: true } : {}),
      ...(supersedes ? { supersedes } : {}),
    },
  });
  return grant;
}

/** A grant as the data path reads it (exchange/grant-check.ts caches these). */
export type AccessGrantRow = Pick<GrantRow, 'id' | 'system_id' | 'resource_id' | 'resource_version' | 'provider_code' | 'fields'
  | 'service_item_code' | 'valid_from' | 'valid_to' | 'daily_quota' | 'plain_values' | 'status'>;

/**
 * The grants a system holds for a resource, for the data path: the active ones (one serving,
 * perhaps a renewal starting later) and the most recent ended ones, which say why access ended.
 */
export async function grantsForAccess(db: Knex, systemId: string, resourceId: string): Promise<AccessGrantRow[]> {
  return db('grants')
    .where({ system_id: systemId, resource_id: resourceId })
    .orderByRaw(`(status = 'active') desc, valid_to desc`)
    .limit(4)
    .select('id', 'system_id', 'resource_id', 'resource_version', 'provider_code', 'fields', 'service_item_code', 'valid_from', 'valid_to',
      'daily_quota', 'plain_values', 'status');
}

export async function getGrant(ctx: RequestContext, id: string): Promise<GrantRow> {
  const { db, actor: viewer } = ctx;
  const row: GrantRow | undefined = await db('grants').where('id', id).first();
  // Anyone else is answered as for an unknown id: a 403 would confirm that the id exists.
  if (!row || !isParty(viewer, row)) throw notFound('grant');
  return row;
}

/** Newest first; the id breaks ties (a keyset needs a unique order). */
const GRANT_ORDER: SortColumn[] = [{ column: 'created_at', order: 'desc', type: 'timestamp' }, { column: 'id', order: 'asc', type: 'uuid' }];

export async function listGrants(
  ctx: RequestContext,
  q: CursorPage & { offset?: number; status?: GrantStatus; side?: Side; applicationId?: string; systemId?: string; resourceId?: string },
) {
  const { db, actor: viewer } = ctx;
  const base = db('grants').select('grants.*').modify((b) => {
    whereParty(b, viewer, q.side);
    if (q.status) b.where('status', q.status);
    if (q.applicationId) b.where('application_id', q.applicationId);
    if (q.systemId) b.where('system_id', q.systemId);
    if (q.resourceId) b.where('resource_id', q.resourceId);
  });
  return keysetPaginate<GrantRow>(base, q, GRANT_ORDER);
}

/** Revocation by the providing department's admin or the platform; the data path checks status on every call. */
export async function revokeGrant(ctx: Context<Principal>, id: string, reason: string) {
  const { actor } = ctx;
  return ctx.db.transaction(async (trx) => {
    const grant: GrantRow | undefined = await trx('grants').where('id', id).forUpdate().first();
    if (!grant || !isParty(actor, grant)) throw notFound('grant');
    // The consumer sees its grant, so refusing it hides nothing: only the provider or the platform revokes.
    if (actor.role !== 'platform_admin' && actor.departmentCode !== grant.provider_code) throw otherDepartment('the grant');
    if (grant.status !== 'active') throw illegalState('the grant', grant.status, 'revoke');
    const row = await revokeActive(trx, grant, { actor, reason, now: ctx.now, requestId: ctx.requestId });
    const data = { grantId: id, applicationId: grant.application_id, status: 'revoked', revokedBy: actor.role === 'platform_admin' ? 'platform' : 'provider' };
    await addWebhook(trx, { type: 'grant.revoked', departmentCode: grant.consumer_code, grantId: id, applicationId: grant.application_id, data, now: ctx.now });
    if (actor.role === 'platform_admin') {
      await addWebhook(trx, { type: 'grant.revoked', departmentCode: grant.provider_code, grantId: id, applicationId: grant.application_id, data, now: ctx.now });
    }
    return row;
  });
}

/**
 * The scheduler's grant sweep: expires grants past their validity and sends each consumer the
 * pre-expiry notice once. Conditions in the UPDATEs make it idempotent and safe to run on
 * several replicas at once: a row is claimed by exactly one statement.
 */
export async function sweepGrants(ctx: Context) {
  const { db, now, actor } = ctx;
  return db.transaction(async (trx) => {
    const expired: GrantRow[] = await trx('grants')
      .where('status', 'active')
      .andWhere('valid_to', '<=', now)
      .update({ status: 'expired', expired_at: now, updated_at: now })
      .returning('*');
    for (const g of expired) {
      await recordEvent(trx, { actor, entityType: 'grant', entityId: g.id, action: 'grant.expire', details: { applicationId: g.application_id } });
      await addWebhook(trx, {
        type: 'grant.expired', departmentCode: g.consumer_code, grantId: g.id, applicationId: g.application_id,
        data: { grantId: g.id, applicationId: g.application_id, status: 'expired', validTo: g.valid_to.toISOString() }, now,
      });
    }
    const noticed: GrantRow[] = await trx('grants')
      .where('status', 'active')
      .whereNull('expiry_notified_at')
      .andWhere('expiry_notice_at', '<=', now)
      .andWhere('valid_to', '>', now)
      .update({ expiry_notified_at: now, updated_at: now })
      .returning('*');
    for (const g of noticed) {
      await recordEvent(trx, { actor, entityType: 'grant', entityId: g.id, action: 'grant.expiry_notice', details: { applicationId: g.application_id } });
      await addWebhook(trx, {
        type: 'grant.expiring', departmentCode: g.consumer_code, grantId: g.id, applicationId: g.application_id,
        data: { grantId: g.id, applicationId: g.application_id, validTo: g.valid_to.toISOString() }, now,
      });
    }
    return {
      expired: expired.map((g) => g.id),
      noticed: noticed.map((g) => g.id),
      /** The (system, resource) pairs whose grants changed: their replicas' caches are told after the commit. */
      changed: [...new Map(expired.map((g) => [`${g.system_id}:${g.resource_id}`, { systemId: g.system_id, resourceId: g.resource_id }])).values()],
    };
  });
}
