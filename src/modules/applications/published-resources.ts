import type { Knex } from 'knex';
import type { Delivery } from '../catalog/resource-validation.js';

// The workflow's one window on the catalog tables (resources, resource_versions), kept to the
// columns of the catalog contract so the catalog module can change everything else.

export interface DataItem {
  key: string;
  name: string;
}

export interface ResourceVersionRow {
  resource_id: string;
  version: number;
  name: string;
  share_type: number;
  share_conditions: string | null;
  legal_basis: string | null;
  control_params: unknown[];
  delivery: Delivery;
  data_items: DataItem[];
}

export interface ResourceRow {
  id: string;
  code: string;
  provider_code: string;
  status: 'draft' | 'pending_review' | 'published' | 'deprecated';
  published_version: number | null;
}

const VERSION_COLUMNS = ['resource_id', 'version', 'name', 'share_type', 'share_conditions', 'legal_basis', 'control_params', 'delivery', 'data_items'];

/**
 * With `forShare` (in a transaction) the row is held until the transaction ends, so a concurrent
 * deprecation (an UPDATE of the row) waits: what was checked is still true at the commit.
 */
export async function findResource(db: Knex | Knex.Transaction, id: string, opts: { forShare?: boolean } = {}): Promise<ResourceRow | undefined> {
  return db('resources').where('id', id)
    .modify((q) => { if (opts.forShare) q.forShare(); })
    .first('id', 'code', 'provider_code', 'status', 'published_version');
}

export async function getVersion(db: Knex | Knex.Transaction, resourceId: string, version: number): Promise<ResourceVersionRow> {
  const row = await db('resource_versions').where({ resource_id: resourceId, version }).first(VERSION_COLUMNS);
  if (!row) throw new Error(`resource version ${resourceId}@${version} is missing`);
  return { ...row, share_type: Number(row.share_type) };
}
