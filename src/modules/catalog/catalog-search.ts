// Catalog search: substring matching over name, summary and data-item names, with filters and
// facet counts. Text is matched through character bigrams (migrations/…_create_catalog_bigrams_
// function.ts explains why not pg_trgm): a GIN index on catalog_bigrams(search_text) finds the
// rows holding every bigram of the query, and strpos() then confirms the whole term, in order.
import type { FromSchema } from 'json-schema-to-ts';
import type { Knex } from 'knex';
import { invalidField } from '../../lib/errors.js';
import type { RequestContext } from '../context.js';
import { readsEverything, type Principal } from '../identity/principal.js';
import type { ResourceRow, VersionRow } from './catalog-rows.js';
import type { ResourceMetadata } from './resource-validation.js';
import { RESOURCE_FORMATS, RESOURCE_STATUSES, SHARE_METHODS, SUBJECT_TYPES, type searchResourcesQuery } from '../../../schemas/catalog.js';

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

/**
 * The distinct terms of a query, refused (400 naming q) rather than trimmed when there are more
 * than MAX_TERMS: dropping terms would silently widen the search. A one-character term has no
 * bigram, so the index cannot narrow it: it is matched by reading every visible entry. Alone
 * (信) that is allowed, at about 100 ms at 100,000 resources; beside a longer term it costs
 * little, the longer term narrowing first. Two or more such terms are refused: they add nothing
 * a reader would not get by writing the characters together (婚 姻 → 婚姻), which uses the index.
 */
export function queryTerms(q: string | undefined): string[] {
  if (!q) return [];
  const terms = [...new Set(normalizeText(q).split(' ').filter(Boolean))];
  if (terms.length > MAX_TERMS) throw invalidField('/querystring/q', `has ${terms.length} terms; at most ${MAX_TERMS} are allowed`);
  if (terms.filter((t) => Array.from(t).length === 1).length > 1) {
    throw invalidField('/querystring/q', 'may hold at most one single-character term; write adjacent characters as one term (婚姻, not 婚 姻)');
  }
  return terms;
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
    category_prefix: Number(v.category_code.slice(0, 3)),
    facet_code: encodeFacets({ shareType: v.share_type, subjectType: v.subject_type, format: v.format, shareMethod: v.share_method, status: r.status }),
    search_text: searchTextOf({ name: v.name, summary: v.summary, dataItems: v.data_items }),
  };
  await trx('resource_search').insert(row).onConflict('resource_id').merge();
}

/** The validated query string of GET /v1/resources (limit and offset have defaults, so are always there). */
export type SearchQuery = FromSchema<typeof searchResourcesQuery>;

const SHARE_TYPE_LABELS: Record<string, string> = { 1: '无条件共享', 2: '有条件共享', 3: '不予共享' };
const CLASS_LABELS: Record<string, string> = { 1: '基础信息资源', 2: '主题信息资源', 3: '部门信息资源' };
const FORMAT_LABELS: Record<string, string> = {
  electronic_file: '电子文件', spreadsheet: '电子表格', database: '数据库', image: '图形图像', streaming_media: '流媒体', self_describing: '自描述格式',
};
const SHARE_METHOD_LABELS: Record<string, string> = { table: '库表', file: '文件', interface: '接口' };
const SUBJECT_LABELS: Record<string, string> = { person: '自然人', legal_entity: '法人', none: '无' };
const STATUS_LABELS: Record<string, string> = { draft: '草稿', pending_review: '待审核', published: '已发布', deprecated: '已停用' };

const FACET_NAMES = ['provider', 'category', 'shareType', 'subjectType', 'format', 'shareMethod', 'status'] as const;
type FacetName = (typeof FACET_NAMES)[number];

/**
 * The facets with a small, fixed set of values, in the order facet_code packs them (mixed radix:
 * the first varies fastest). Appending a value to a list changes the codes of stored rows, so a
 * change here comes with a migration that rewrites resource_search.facet_code.
 */
export const PACKED_FACETS = [
  ['shareType', [1, 2, 3]],
  ['subjectType', SUBJECT_TYPES],
  ['format', RESOURCE_FORMATS],
  ['shareMethod', SHARE_METHODS],
  ['status', RESOURCE_STATUSES],
] as const;
type PackedFacet = (typeof PACKED_FACETS)[number][0];
export type FacetValues = Record<PackedFacet, string | number>;

export function encodeFacets(values: FacetValues): number {
  let code = 0;
  for (const [facet, domain] of [...PACKED_FACETS].reverse()) {
    const index = (domain as readonly (string | number)[]).indexOf(values[facet]);
    if (index < 0) throw new Error(`${facet} '${values[facet]}' has no facet code`);
    code = code * domain.length + index;
  }
  return code;
}

export function decodeFacets(code: number): FacetValues {
  const values = {} as FacetValues;
  for (const [facet, domain] of PACKED_FACETS) {
    values[facet] = domain[code % domain.length]!;
    code = Math.floor(code / domain.length);
  }
  return values;
}

export type FacetBucket = {
  value: string;
  label?: string;
  count: number;
};

/** Who sees every resource that has never been published: the platform (admin, auditor). */

/**
 * Who sees a department's drafts, versions in review and review reasons: the department itself
 * and the platform. Nobody else learns they exist, not even as a status.
 */
export const seesUnpublished = (viewer: Principal, providerCode: string) =>
  readsEverything(viewer) || viewer.departmentCode === providerCode;

/** The facet codes whose packed values satisfy every small-facet filter of the query, or null when none is set. */
function facetCodesMatching(query: SearchQuery): number[] | null {
  const wanted: Partial<FacetValues> = {
    ...(query.shareType !== undefined && { shareType: query.shareType }),
    ...(query.subjectType !== undefined && { subjectType: query.subjectType }),
    ...(query.format !== undefined && { format: query.format }),
    ...(query.shareMethod !== undefined && { shareMethod: query.shareMethod }),
    ...(query.status !== undefined && { status: query.status }),
  };
  if (!Object.keys(wanted).length) return null;
  const codes: number[] = [];
  for (let code = 0; code < FACET_CODE_COUNT; code++) {
    const values = decodeFacets(code);
    if (Object.entries(wanted).every(([facet, value]) => values[facet as PackedFacet] === value)) codes.push(code);
  }
  return codes;
}
const FACET_CODE_COUNT = PACKED_FACETS.reduce((n, [, domain]) => n * domain.length, 1);

function applyFilters(q: Knex.QueryBuilder, viewer: Principal, query: SearchQuery, terms: string[]) {
  if (!readsEverything(viewer)) {
    q.where((w) => w.where('rs.published', true).orWhere('rs.provider_code', viewer.departmentCode));
  }
  const grams = [...new Set(terms.flatMap(bigrams))];
  // node-pg sends a JS array as a PostgreSQL array literal.
  if (grams.length) q.whereRaw('catalog_bigrams(rs.search_text) @> ?::text[]', [grams]);
  // Holding a two-character term's bigram is holding the term, so only longer terms need the
  // text itself to confirm the characters are adjacent and in order. One-character terms have
  // no bigram: strpos alone finds them (a scan, but correct).
  for (const term of terms) if (Array.from(term).length !== 2) q.whereRaw('strpos(rs.search_text, ?) > 0', [term]);
  if (query.provider !== undefined) q.where('rs.provider_code', query.provider);
  // The category pattern admits digits only, so it needs no LIKE escaping.
  if (query.category !== undefined) {
    q.where('rs.category_code', 'like', `${query.category}%`);
    // The same condition on the first three digits (category_prefix, which the covering index
    // holds; every category code has at least six, CATEGORY_CODE_PATTERN): '1' is 100–199, '10'
    // is 100–109, '101…' is 101.
    const head = query.category.slice(0, 3);
    q.whereBetween('rs.category_prefix', [Number(head.padEnd(3, '0')), Number(head.padEnd(3, '9'))]);
  }
  // The five small facets are filtered through facet_code, which packs them (and which leads the
  // covering index resource_search_facets), rather than through their own columns: the facet
  // counts of a search without text then read only the matching ranges of that index, never
  // the wide rows.
  const facetCodes = facetCodesMatching(query);
  if (facetCodes) q.whereRaw('rs.facet_code = any(?::smallint[])', [facetCodes]);
  if (query.latestStatus !== undefined) {
    const wanted = query.latestStatus;
    if (readsEverything(viewer)) q.where('rs.latest_status', wanted);
    else {
      // Filter on what the viewer is shown: other departments' resources always show 'published'.
      q.where((w) => {
        w.where((own) => own.where('rs.provider_code', viewer.departmentCode).where('rs.latest_status', wanted));
        if (wanted === 'published') w.orWhere('rs.provider_code', '<>', viewer.departmentCode);
      });
    }
  }
  if (query.openToPublic !== undefined) q.where('rs.open_to_public', query.openToPublic);
  return q;
}

/** The columns of a page entry, from the page (`page`) and the catalog tables (r, v, d). */
const ITEM_COLUMNS = `r.id, r.code, r.provider_code, d.name as provider_name, r.status, page.version, page.latest_status,
  v.name, v.category_code, v.summary, v.format, v.share_type, v.share_method, v.subject_type, v.open_to_public,
  v.update_cycle, v.published_at`;
/** As many nulls as ITEM_COLUMNS has columns: the item part of a facet row in the combined statement. */
const NO_ITEM = ITEM_COLUMNS.split(',').map(() => 'null').join(', ');
const ITEM_JOINS = `join resources r on r.id = page.resource_id
  join resource_versions v on v.resource_id = page.resource_id and v.version = page.version
  join departments d on d.code = r.provider_code`;
/** Every facet and the total in one pass, grouped by three small keys (five facets are packed into facet_code). */
const FACET_GROUPS = 'grouping sets ((provider_code), (category_prefix), (facet_code))';

/**
 * The statements of a search: the page of items, and the facet counts with the total.
 *
 * With text, both come from ONE statement (itemsQuery and facetQuery are then the same): the
 * matches are collected once through the bigram index into a materialised CTE, and both the
 * page (a top-N sort on code) and the facet counts read that. The cost of a text search is the
 * visit of its matching rows, so visiting them once instead of twice halves it; and a page
 * taken from the matches never walks the code index through rows that do not match (which,
 * when the matches cluster in code order, reads most of the table).
 *
 * Without text, the page walks the code index (or the provider's), stopping at the 20th visible
 * row, and the facets are counted from the covering index resource_search_facets (an index-only
 * scan of narrow entries instead of the wide rows with their text).
 */
export function searchQueries(db: Knex, viewer: Principal, query: SearchQuery) {
  const terms = queryTerms(query.q);
  const matches = () => db('resource_search as rs').modify(applyFilters, viewer, query, terms);
  if (terms.length) {
    const combined = db.raw(`
      with m as materialized (?),
      page as (select resource_id, version, latest_status, code from m order by code limit ? offset ?)
      select ${ITEM_COLUMNS}, null::varchar as p, null::smallint as c, null::smallint as f, null::int as n
        from page ${ITEM_JOINS}
      union all
      select ${NO_ITEM}, provider_code, category_prefix, facet_code, count(*)::int
        from m group by ${FACET_GROUPS}
      order by code`, [
      matches().select('rs.resource_id', 'rs.version', 'rs.latest_status', 'rs.code', 'rs.provider_code', 'rs.category_prefix', 'rs.facet_code'),
      query.limit, query.offset,
    ]);
    return { itemsQuery: combined, facetQuery: combined };
  }
  const page = matches()
    .select('rs.resource_id', 'rs.version', 'rs.latest_status')
    .orderBy('rs.code')
    .limit(query.limit)
    .offset(query.offset);
  const itemsQuery = db.raw(`with page as (?) select ${ITEM_COLUMNS} from page ${ITEM_JOINS} order by r.code`, [page]);
  const facetQuery = matches()
    .select(db.raw('rs.provider_code as p, rs.category_prefix as c, rs.facet_code as f, count(*)::int as n'))
    .groupByRaw(FACET_GROUPS);
  return { itemsQuery, facetQuery };
}

type ItemRow = Pick<ResourceRow, 'id' | 'code' | 'provider_code' | 'status'>
  & Pick<VersionRow, 'version' | 'name' | 'category_code' | 'summary' | 'format' | 'share_type' | 'share_method' | 'subject_type'
    | 'open_to_public' | 'update_cycle' | 'published_at'>
  & { provider_name: string; latest_status: VersionRow['status'] };
/** A facet count: exactly one of p (provider), c (category prefix) and f (facet code) is set. */
type FacetRow = { p: string | null; c: number | null; f: number | null; n: number };

export async function searchResources(ctx: RequestContext, query: SearchQuery) {
  const { db, actor: viewer } = ctx;
  const { itemsQuery, facetQuery } = searchQueries(db, viewer, query);
  let items: ItemRow[];
  let facetRows: FacetRow[];
  if (itemsQuery === facetQuery) {
    const { rows } = await itemsQuery as unknown as { rows: (ItemRow & FacetRow)[] };
    items = rows.filter((r) => r.n === null);
    facetRows = rows.filter((r) => r.n !== null);
  } else {
    const [itemsResult, facetResult] = await Promise.all([itemsQuery as unknown as Promise<{ rows: ItemRow[] }>, facetQuery as unknown as Promise<FacetRow[]>]);
    items = itemsResult.rows;
    facetRows = facetResult;
  }
  const counts = Object.fromEntries(FACET_NAMES.map((f) => [f, new Map<string, number>()])) as Record<FacetName, Map<string, number>>;
  const add = (facet: FacetName, value: string, n: number) => counts[facet].set(value, (counts[facet].get(value) ?? 0) + n);
  let total = 0;
  for (const row of facetRows) {
    if (row.p !== null) {
      add('provider', row.p, row.n);
      total += row.n;
    } else if (row.c !== null) {
      add('category', String(row.c), row.n);
    } else if (row.f !== null) {
      for (const [facet, value] of Object.entries(decodeFacets(row.f))) add(facet as PackedFacet, String(value), row.n);
    }
  }
  const facets = Object.fromEntries(FACET_NAMES.map((f) => [f, [...counts[f]].map(([value, count]): FacetBucket => ({ value, label: labelOf(f, value), count }))])) as Record<FacetName, FacetBucket[]>;
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
      latestStatus: seesUnpublished(viewer, r.provider_code) ? r.latest_status : 'published',
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
