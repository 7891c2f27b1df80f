// Which grant lets a system read a resource now (issue 9 point 2, 4). The grants of a
// (system, resource) pair are cached in process for GRANT_CACHE_TTL_MS; validity is checked
// against the request's clock on every call, so an expiry needs no message. A revocation (or any
// other change of a grant) is announced on Redis pub/sub (see invalidation.ts) and drops the entry
// on every replica at once; the TTL only bounds how long a lost message could leave it stale.
import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import { AppError } from '../../lib/errors.js';
import { grantsForAccess, type AccessGrantRow } from '../grants/grants-service.js';

/** What the data path needs of a grant, times as epoch milliseconds. */
export interface AccessGrant {
  id: string;
  systemId: string;
  resourceId: string;
  resourceVersion: number;
  providerCode: string;
  fields: readonly string[];
  serviceItemCode: string;
  validFrom: number;
  validTo: number;
  dailyQuota: number;
  /** Values are served unmasked (the deciding party allowed plain values). */
  plainValues: boolean;
  status: 'active' | 'revoked' | 'expired';
}

/** How long a (system, resource) pair's grants are reused without a message. */
export const GRANT_CACHE_TTL_MS = 30_000;
const GRANT_CACHE_MAX = 20_000;

const toAccessGrant = (r: AccessGrantRow): AccessGrant => ({
  id: r.id,
  systemId: r.system_id,
  resourceId: r.resource_id,
  resourceVersion: r.resource_version,
  providerCode: r.provider_code,
  fields: r.fields,
  serviceItemCode: r.service_item_code,
  validFrom: r.valid_from.getTime(),
  validTo: r.valid_to.getTime(),
  dailyQuota: r.daily_quota,
  plainValues: r.plain_values,
  status: r.status,
});

export const grantCacheKey = (systemId: string, resourceId: string) => `${systemId}:${resourceId}`;

export class GrantCache {
  private readonly cache = new LRUCache<string, AccessGrant[]>({ max: GRANT_CACHE_MAX, ttl: GRANT_CACHE_TTL_MS });

  /** The grants of the pair, newest validity first: from the cache or one indexed query. */
  async grantsOf(db: Knex, systemId: string, resourceId: string): Promise<AccessGrant[]> {
    const key = grantCacheKey(systemId, resourceId);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const grants = (await grantsForAccess(db, systemId, resourceId)).map(toAccessGrant);
    // Only pairs with a serving or future grant are kept: a refused caller that is then granted
    // must not wait for the TTL.
    if (grants.some((g) => g.status === 'active')) this.cache.set(key, grants);
    return grants;
  }

  invalidate(systemId: string, resourceId: string): void {
    this.cache.delete(grantCacheKey(systemId, resourceId));
  }

  /** A revoked key or a lost subscription: forget everything (it is reloaded on demand). */
  clear(): void {
    this.cache.clear();
  }
}

/**
 * The grant serving a call at `now` for `serviceItem`, or the refusal that says why there is none:
 * GRANT_REQUIRED (no grant, or only one that starts later), GRANT_EXPIRED, GRANT_REVOKED,
 * SERVICE_ITEM_MISMATCH. A renewal that starts later leaves the current grant serving until then.
 */
export function servingGrant(grants: readonly AccessGrant[], now: Date, serviceItem: string): AccessGrant {
  const t = now.getTime();
  const serving = grants.filter((g) => g.status === 'active' && g.validFrom <= t && t < g.validTo)
    .sort((a, b) => b.validFrom - a.validFrom)[0];
  if (serving) {
    if (serving.serviceItemCode !== serviceItem) {
      throw new AppError('SERVICE_ITEM_MISMATCH', 'x-service-item is not the service item (事项编码) this grant was issued for');
    }
    return serving;
  }
  const future = grants.find((g) => g.status === 'active' && g.validFrom > t);
  if (future) throw new AppError('GRANT_REQUIRED', `the grant of this system starts at ${new Date(future.validFrom).toISOString()}`);
  // The most recent grant says what became of the access: ended by time, or revoked.
  const latest = [...grants].sort((a, b) => b.validTo - a.validTo)[0];
  if (!latest) throw new AppError('GRANT_REQUIRED', 'this system holds no grant for this resource: apply for one (POST /v1/applications)');
  if (latest.status === 'revoked') throw new AppError('GRANT_REVOKED', 'the grant of this system for this resource has been revoked');
  throw new AppError('GRANT_EXPIRED', 'the grant of this system for this resource has expired: apply for a renewal');
}
