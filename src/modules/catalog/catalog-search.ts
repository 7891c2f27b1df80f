// Catalog search: substring matching over name, summary and data-item names, with filters and
// facet counts. Text is matched through character bigrams (migrations/…_create_catalog_bigrams_
// function.ts explains why not pg_trgm): a GIN index on catalog_bigrams(search_text) finds the
// rows holding every bigram of the query, and strpos() then confirms the whole term, in order.
import type { Knex } from 'knex';
import type { Principal } from '../../plugins/auth.js';
import type { ResourceRow, VersionRow } from './catalog-rows.js';
import type { ResourceMetadata } from './resource-validation.js';

const MAX_TERMS = 8;

/** Full-width forms to ASCII (NFKC), Latin letters to lower case, runs of whitespace to one space. */
export const normalizeText = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The searchable text of a version. Fields are joined by a newline, which no query term holds
 * (terms are split on whitespace), so a term never matches across two fields.
 */
export const searchTextOf = (meta: Pick<ResourceMetadata, 'name' | 'summary' | 'dataItems'>) =>
  [meta.name, meta.summary, ...meta.dataItems.map((i) => i.name)].map(normalizeText).join('\n');

/** The same bigrams as the SQL function catalog_bigrams(): pairs of adjacent characters (code points). */
export function bigrams(term: string): string[] {
  const chars = Array.from(term);
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return [...out];
}

export function queryTerms(q: string | undefined): string[] {
  if (!q) return [];
  return [...new Set(normalizeText(q).split(' ').filter(Boolean))].slice(0, MAX_TERMS);
}

/**
 * Rewrites the resource's search row from its current state; called in the transaction of every
 * catalog change. The row shows the published version, else the latest (a draft's text is
 * searchable only by those who may see drafts).
 */
export async function syncSearchRow(trx: Knex.Transaction | Knex, resourceId: string): Promise<void> {
  const r: ResourceRow = await trx('resources').where('id', resourceId).first();
  const shown = r.published_version ?? r.latest_version;
  const versions: Pick<VersionRow, 'version' | 'status' | 'name' | 'summary' | 'data_items' | 'category_code' | 'share_type'
    | 'subject_type' | 'format' | 'share_method' | 'open_to_public'>[] = await trx('resource_versions')
    .where('resource_id', resourceId)
    .whereIn('version', [shown, r.latest_version])
    .select('version', 'status', 'name', 'summary', 'data_items', 'category_code', 'share_type', 'subject_type', 'format', 'share_method', 'open_to_public');
  const v = versions.find((x) => x.version === shown)!;
  const latest = versions.find((x) => x.version === r.latest_version)!;
  const row = {
    resource_id: r.id,
    code: r.code,
    provider_code: r.provider_code,
    category_code: v.category_code,
    status: r.status,
    latest_status: latest.status,
    published: r.published_version !== null,
    version: shown,
    share_type: v.share_type,
    subject_type: v.subject_type,
    format: v.format,
    share_method: v.share_method,
    open_to_public: v.open_to_public,
    search_text: searchTextOf({ name: v.name, summary: v.summary, dataItems: v.data_items }),
  };
  await trx('resource_search').insert(row).onConflict('resource_id').merge();
}

export interface SearchQuery {
  q?: string;
  provider?: string;
  category?: string;
  shareType?: number;
  subjectType?: string;
  format?: string;
  shareMethod?: string;
  status?: string;
  latestStatus?: string;
  openToPublic?: boolean;
  limit: number;
  offset: number;
}

const SHARE_TYPE_LABELS: Record<string, string> = { 1: '无条件共享', 2: '有条件共享', 3: '不予共享' };
const CLASS_LABELS: Record<string, string> = { 1: '基础信息资源', 2: '主题信息资源', 3: '部门信息资源' };
const FORMAT_LABELS: Record<string, string> = {
  electronic_file: '电子文件', spreadsheet: '电子表格', database: '数据库', image: '图形图像', streaming_media: '流媒体', self_describing: '自描述格式',
};
const SHARE_METHOD_LABELS: Record<string, string> = { table: '库表', file: '文件', interface: '接口' };
const SUBJECT_LABELS: Record<string, string> = { person: '自然人', legal_entity: '法人', none: '无' };
const STATUS_LABELS: Record<string, string> = { draft: '草稿', pending_review: '待审核', published: '已发布', deprecated: '已停用' };

/** Facet name → the search-row expression it counts. */
const FACETS = {
  provider: 'rs.provider_code',
  category: 'left(rs.category_code, 3)',
  shareType: 'rs.share_type',
  subjectType: 'rs.subject_type',
  format: 'rs.format',
  shareMethod: 'rs.share_method',
  status: 'rs.status',
} as const;
type FacetName = keyof typeof FACETS;
const FACET_NAMES = Object.keys(FACETS) as FacetName[];

export type FacetBucket = {
  value: string;
  label?: string;
  count: number;
};

/** Who sees a resource that has never been published: its own department and the platform. */
export const seesAllResources = (p: Principal) => p.role === 'platform_admin' || p.role === 'auditor';

function applyFilters(q: Knex.QueryBuilder, viewer: Principal, query: SearchQuery) {
  if (!seesAllResources(viewer)) {
    q.where((w) => w.where('rs.published', true).orWhere('rs.provider_code', viewer.departmentCode));
  }
  const terms = queryTerms(query.q);
  const grams = [...new Set(terms.flatMap(bigrams))];
  // One-character terms have no bigram: they are confirmed by strpos alone (a scan, but correct).
  // node-pg sends a JS array as a PostgreSQL array literal.
  if (grams.length) q.whereRaw('catalog_bigrams(rs.search_text) @> ?::text[]', [grams]);
  for (const term of terms) q.whereRaw('strpos(rs.search_text, ?) > 0', [term]);
  if (query.provider !== undefined) q.where('rs.provider_code', query.provider);
  // The category pattern admits digits only, so it needs no LIKE escaping.
  if (query.category !== undefined) q.where('rs.category_code', 'like', `${query.category}%`);
  if (query.shareType !== undefined) q.where('rs.share_type', query.shareType);
  if (query.subjectType !== undefined) q.where('rs.subject_type', query.subjectType);
  if (query.format !== undefined) q.where('rs.format', query.format);
  if (query.shareMethod !== undefined) q.where('rs.share_method', query.shareMethod);
  if (query.status !== undefined) q.where('rs.status', query.status);
  if (query.latestStatus !== undefined) q.where('rs.latest_status', query.latestStatus);
  if (query.openToPublic !== undefined) q.where('rs.open_to_public', query.openToPublic);
  return q;
}

export async function searchResources(db: Knex, viewer: Principal, query: SearchQuery) {
  const page = db('resource_search as rs')
    .modify(applyFilters, viewer, query)
    .select('rs.resource_id', 'rs.version', 'rs.latest_status')
    .orderBy('rs.code')
    .limit(query.limit)
    .offset(query.offset);
  const itemsQuery = db
    .with('page', page)
    .from('page')
    .join('resources as r', 'r.id', 'page.resource_id')
    .join('resource_versions as v', (j) => j.on('v.resource_id', 'page.resource_id').andOn('v.version', 'page.version'))
    .join('departments as d', 'd.code', 'r.provider_code')
    .select('r.id', 'r.code', 'r.provider_code', 'd.name as provider_name', 'r.status', 'page.version', 'page.latest_status',
      'v.name', 'v.category_code', 'v.summary', 'v.format', 'v.share_type', 'v.share_method', 'v.subject_type', 'v.open_to_public',
      'v.update_cycle', 'v.published_at')
    .orderBy('r.code');

  // Every facet and the total in one pass over the matches: one grouping set per facet, plus ().
  const columns = FACET_NAMES.map((f) => `${FACETS[f]} as "${f}"`).join(', ');
  const sets = FACET_NAMES.map((f) => `(${FACETS[f]})`).join(', ');
  const facetQuery = db('resource_search as rs')
    .modify(applyFilters, viewer, query)
    .select(db.raw(`${columns}, count(*)::int as n`))
    .groupByRaw(`grouping sets (${sets}, ())`);

  const [items, facetRows] = await Promise.all([itemsQuery, facetQuery]);
  const facets = Object.fromEntries(FACET_NAMES.map((f) => [f, [] as FacetBucket[]])) as Record<FacetName, FacetBucket[]>;
  let total = 0;
  for (const row of facetRows as Record<string, unknown>[]) {
    const facet = FACET_NAMES.find((f) => row[f] !== null);
    if (!facet) {
      total = row.n as number;
      continue;
    }
    const value = String(row[facet]);
    facets[facet].push({ value, label: labelOf(facet, value), count: row.n as number });
  }
  const providerNames = await departmentNames(db, facets.provider.map((b) => b.value));
  for (const b of facets.provider) b.label = providerNames.get(b.value);
  for (const f of FACET_NAMES) facets[f].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));

  return {
    items: items.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      providerCode: r.provider_code,
      providerName: r.provider_name,
      categoryCode: r.category_code,
      status: r.status,
      version: r.version,
      latestStatus: r.latest_status,
      summary: r.summary,
      format: r.format,
      shareType: r.share_type,
      shareMethod: r.share_method,
      subjectType: r.subject_type,
      openToPublic: r.open_to_public,
      updateCycle: r.update_cycle,
      publishedAt: r.published_at?.toISOString() ?? null,
    })),
    total,
    limit: query.limit,
    offset: query.offset,
    facets,
  };
}

function labelOf(facet: FacetName, value: string): string | undefined {
  switch (facet) {
    case 'shareType': return SHARE_TYPE_LABELS[value];
    case 'category': return CLASS_LABELS[value[0]!];
    case 'format': return FORMAT_LABELS[value];
    case 'shareMethod': return SHARE_METHOD_LABELS[value];
    case 'subjectType': return SUBJECT_LABELS[value];
    case 'status': return STATUS_LABELS[value];
    default: return undefined;
  }
}

async function departmentNames(db: Knex, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows: { code: string; name: string }[] = await db('departments').whereIn('code', codes).select('code', 'name');
  return new Map(rows.map((r) => [r.code, r.name]));
}
