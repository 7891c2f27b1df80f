import type { Knex } from 'knex';
import { readsEverything, type Principal } from './principal.js';

// Records between two departments (applications, grants): a consumer and a provider. Each party
// sees the record; the platform's admins and the auditors see all of them.

export type Side = 'consumer' | 'provider' | 'all';

/** Who sees a two-party record: its two departments, the platform and the auditor. */
export const isParty = (viewer: Principal, row: { consumer_code: string; provider_code: string }) =>
  readsEverything(viewer) || viewer.departmentCode === row.consumer_code || viewer.departmentCode === row.provider_code;

/**
 * Restricts `query` to the rows `viewer` is a party to, on the side asked for (`all`: either).
 * Readers of everything are not restricted (and `side` does not narrow their view: it names the
 * caller's own department's role). `alias` is the table's alias in the query, if any.
 */
export function whereParty(query: Knex.QueryBuilder, viewer: Principal, side: Side | undefined, alias?: string): Knex.QueryBuilder {
  if (readsEverything(viewer)) return query;
  const col = (c: string) => (alias ? `${alias}.${c}` : c);
  const dept = viewer.departmentCode;
  if (side === 'consumer') return query.where(col('consumer_code'), dept);
  if (side === 'provider') return query.where(col('provider_code'), dept);
  return query.where((w) => w.where(col('consumer_code'), dept).orWhere(col('provider_code'), dept));
}
