// Rows of `resources` and `resource_versions`, and their mapping to and from the camelCase
// metadata. jsonb values are written as JSON text: node-pg would turn a JS array into a
// PostgreSQL array literal.
import type { Knex } from 'knex';
import type { Contact, ControlParam, DataItem, ResourceMetadata, ShareType } from './resource-validation.js';

export type ResourceStatus = 'draft' | 'pending_review' | 'published' | 'deprecated';
export type VersionStatus = 'draft' | 'pending_review' | 'published' | 'superseded';

export interface ResourceRow {
  id: string;
  code: string;
  provider_code: string;
  status: ResourceStatus;
  published_version: number | null;
  latest_version: number;
  created_at: Date;
  updated_at: Date;
}

export interface VersionRow {
  resource_id: string;
  version: number;
  status: VersionStatus;
  name: string;
  category_code: string;
  summary: string;
  format: ResourceMetadata['format'];
  format_subtype: string | null;
  data_items: DataItem[];
  share_type: number;
  share_conditions: string | null;
  legal_basis: string | null;
  share_method: ResourceMetadata['shareMethod'];
  open_to_public: boolean;
  open_conditions: string | null;
  update_cycle: ResourceMetadata['updateCycle'];
  /** publish_date as CCYY-MM-DD text (see VERSION_COLUMNS), never a Date at local midnight. */
  publish_day: string | null;
  related_codes: string[];
  subject_type: ResourceMetadata['subjectType'];
  subject_key: string | null;
  control_params: ControlParam[];
  delivery: ResourceMetadata['delivery'];
  contact: Contact | null;
  review_reason: string | null;
  created_by: string | null;
  submitted_at: Date | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  published_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * Resources (`r`) joined to their published version (`v`): a resource never published has no row.
 * What the catalog and other modules read a resource's current metadata from (read-only).
 */
export const publishedVersions = (db: Knex | Knex.Transaction) =>
  db('resources as r').join('resource_versions as v', (j) => j.on('v.resource_id', 'r.id').andOn('v.version', 'r.published_version'));

/** Columns of resource_versions as VersionRow expects them. */
export const versionColumns = (db: Knex, alias = 'resource_versions') => [
  `${alias}.*`,
  db.raw(`to_char(??, 'YYYY-MM-DD') as publish_day`, [`${alias}.publish_date`]),
];

export function rowToMetadata(row: VersionRow): ResourceMetadata {
  return {
    name: row.name,
    categoryCode: row.category_code,
    summary: row.summary,
    format: row.format,
    formatSubtype: row.format_subtype,
    dataItems: row.data_items,
    shareType: row.share_type as ShareType,
    shareConditions: row.share_conditions,
    legalBasis: row.legal_basis,
    shareMethod: row.share_method,
    openToPublic: row.open_to_public,
    openConditions: row.open_conditions,
    updateCycle: row.update_cycle,
    relatedCodes: row.related_codes,
    subjectType: row.subject_type,
    subjectKey: row.subject_key,
    controlParams: row.control_params,
    delivery: row.delivery,
    // Rows written before contacts were required (or by other tools) may lack one.
    contact: row.contact ?? { name: '' },
  };
}

/** The resource_versions columns holding `meta`. */
export function metadataToColumns(meta: ResourceMetadata) {
  return {
    name: meta.name,
    category_code: meta.categoryCode,
    summary: meta.summary,
    format: meta.format,
    format_subtype: meta.formatSubtype,
    data_items: JSON.stringify(meta.dataItems),
    share_type: meta.shareType,
    share_conditions: meta.shareConditions,
    legal_basis: meta.legalBasis,
    share_method: meta.shareMethod,
    open_to_public: meta.openToPublic,
    open_conditions: meta.openConditions,
    update_cycle: meta.updateCycle,
    related_codes: JSON.stringify(meta.relatedCodes),
    subject_type: meta.subjectType,
    subject_key: meta.subjectKey,
    control_params: JSON.stringify(meta.controlParams),
    delivery: JSON.stringify(meta.delivery),
    contact: JSON.stringify(meta.contact),
  };
}

/** JSON with object keys sorted, so metadata read back from jsonb compares equal to the input. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sameMetadata = (a: ResourceMetadata, b: ResourceMetadata) => canonicalJson(a) === canonicalJson(b);
