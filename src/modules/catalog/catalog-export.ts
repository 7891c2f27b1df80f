// Catalog export: DCAT-AP JSON-LD of what may be shown to the public, and CSV of the whole
// published catalog for signed-in users. Both are built from named columns only, so nothing
// else of a resource (drafts, provider endpoints, review reasons) can leave through them.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { publishedVersions, rowToMetadata, versionColumns, type ResourceRow, type VersionRow } from './catalog-rows.js';

const EU_AUTHORITY = 'http://publications.europa.eu/resource/authority';
// DCAT-AP controlled vocabularies (EU Publications Office authority tables).
const ACCESS_PUBLIC = `${EU_AUTHORITY}/access-right/PUBLIC`;
const ACCESS_RESTRICTED = `${EU_AUTHORITY}/access-right/RESTRICTED`;
const FREQUENCY: Record<string, string> = {
  realtime: 'UPDATE_CONT', daily: 'DAILY', weekly: 'WEEKLY', monthly: 'MONTHLY', quarterly: 'QUARTERLY',
  half_yearly: 'ANNUAL_2', yearly: 'ANNUAL', irregular: 'IRREG',
};
const SHARE_METHOD_TITLES: Record<string, string> = { table: '库表交换', file: '文件下载', interface: '接口服务' };

export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

type Row = ResourceRow & VersionRow & { provider_name: string };

/** Published resources (not deprecated) at their published version, with the provider's name. */
function publishedRows(db: Knex) {
  return publishedVersions(db)
    .join('departments as d', 'd.code', 'r.provider_code')
    .where('r.status', 'published')
    .select(...versionColumns(db, 'v'), 'r.id', 'r.code', 'r.provider_code', 'r.status', 'd.name as provider_name')
    .orderBy('r.code');
}

const zh = (value: string) => ({ '@value': value, '@language': 'zh' });

/**
 * DCAT-AP catalog of the published resources that are open to the public (开放属性). Access
 * rights: PUBLIC only when open without conditions and shared unconditionally (共享类型 1);
 * RESTRICTED when the opening has conditions or the resource is conditionally shared (type 2):
 * conditions that bind other departments bind the public too. Type 3 (不予共享) is never
 * exported: validation refuses it open to the public, and rows written before that rule are
 * left out here. Interface resources (共享方式 接口) are also described as a dcat:DataService at
 * the hub's records endpoint; the provider's own endpoint is never exported.
 */
export async function buildDcatCatalog(db: Knex, baseUrl: string) {
  const platform: { code: string; name: string } | undefined = await db('departments').where('is_platform', true).first('code', 'name');
  const rows: Row[] = await publishedRows(db).where('v.open_to_public', true).whereNot('v.share_type', 3);
  const agent = (code: string, name: string) => ({
    '@id': `${baseUrl}/v1/departments/${code}`,
    '@type': 'foaf:Agent',
    'foaf:name': zh(name),
    'dct:identifier': code,
  });

  const datasets = [];
  const services = [];
  for (const row of rows) {
    const meta = rowToMetadata(row);
    const datasetId = `${baseUrl}/v1/resources/${row.id}`;
    const serviceId = `${baseUrl}/v1/resources/${row.id}/records`;
    const isService = meta.shareMethod === 'interface';
    const accessRights = { '@id': meta.openConditions || meta.shareType !== 1 ? ACCESS_RESTRICTED : ACCESS_PUBLIC };
    const rights = meta.openConditions ? { 'dct:rights': { '@type': 'dct:RightsStatement', 'rdfs:label': zh(meta.openConditions) } } : {};
    const contact = {
      '@type': 'vcard:Kind',
      'vcard:fn': meta.contact.name,
      ...(meta.contact.email ? { 'vcard:hasEmail': { '@id': `mailto:${meta.contact.email}` } } : {}),
      ...(meta.contact.phone ? { 'vcard:hasTelephone': { '@id': `tel:${meta.contact.phone.replace(/[^0-9+]/g, '')}` } } : {}),
    };
    datasets.push({
      '@id': datasetId,
      '@type': 'dcat:Dataset',
      'dct:identifier': row.code,
      'dct:title': zh(meta.name),
      'dct:description': zh(meta.summary),
      'dct:publisher': agent(row.provider_code, row.provider_name),
      'dct:accessRights': accessRights,
      ...rights,
      ...(row.publish_day ? { 'dct:issued': { '@value': row.publish_day, '@type': 'xsd:date' } } : {}),
      ...(row.published_at ? { 'dct:modified': { '@value': row.published_at.toISOString(), '@type': 'xsd:dateTime' } } : {}),
      'dct:accrualPeriodicity': { '@id': `${EU_AUTHORITY}/frequency/${FREQUENCY[meta.updateCycle]}` },
      'dcat:keyword': meta.dataItems.map((i) => zh(i.name)),
      'dcat:contactPoint': contact,
      'dcat:landingPage': { '@id': datasetId },
      ...(meta.relatedCodes.length ? { 'dct:relation': meta.relatedCodes } : {}),
      'dcat:distribution': [{
        '@id': `${datasetId}#distribution`,
        '@type': 'dcat:Distribution',
        'dct:title': zh(`${meta.name}（${SHARE_METHOD_TITLES[meta.shareMethod]}）`),
        'dcat:accessURL': { '@id': isService ? serviceId : datasetId },
        ...(meta.formatSubtype ? { 'dct:format': meta.formatSubtype } : {}),
        ...(isService ? { 'dcat:accessService': { '@id': serviceId } } : {}),
      }],
    });
    if (isService) {
      services.push({
        '@id': serviceId,
        '@type': 'dcat:DataService',
        'dct:title': zh(`${meta.name} 查询接口`),
        'dcat:endpointURL': { '@id': serviceId },
        'dcat:endpointDescription': { '@id': `${baseUrl}/docs/json` },
        'dcat:servesDataset': { '@id': datasetId },
        'dct:accessRights': accessRights,
        'dct:publisher': agent(row.provider_code, row.provider_name),
      });
    }
  }

  const platformName = platform?.name ?? 'ShareHub';
  return {
    '@context': DCAT_CONTEXT,
    '@id': `${baseUrl}/v1/catalog`,
    '@type': 'dcat:Catalog',
    'dct:title': zh(`${platformName} 政务信息资源目录`),
    'dct:description': zh(`${platformName}发布的向社会开放的政务信息资源（开放属性为开放的已发布资源）`),
    'dct:publisher': platform ? agent(platform.code, platform.name) : { '@type': 'foaf:Agent', 'foaf:name': zh(platformName) },
    'dct:language': { '@id': `${EU_AUTHORITY}/language/ZHO` },
    'dcat:dataset': datasets,
    'dcat:service': services,
  };
}

// Part of the DCAT ETag: bump it when a release changes what buildDcatCatalog writes, so that
// clients holding a tag of the old shape fetch the new one.
const DCAT_SHAPE = 1;

/**
 * A weak ETag of the DCAT document, computed from what the document is built of rather than
 * from the document, so a conditional request is answered without building it. Every catalog
 * change touches resources.updated_at (or adds a row), renaming a department touches
 * departments.updated_at. Sums, not maxima: a transaction's now() is its start time, so a change
 * committed late can carry a timestamp older than the newest one.
 */
export async function dcatEtag(db: Knex, baseUrl: string): Promise<string> {
  const { rows } = await db.raw(`
    select (select count(*) || ':' || coalesce(sum(extract(epoch from updated_at)), 0) from resources) as resources,
           (select count(*) || ':' || coalesce(sum(extract(epoch from updated_at)), 0) from departments) as departments`);
  const { resources, departments } = rows[0] as { resources: string; departments: string };
  return `W/"${createHash('sha256').update([DCAT_SHAPE, baseUrl, resources, departments].join('\n')).digest('base64url')}"`;
}

/** If-None-Match (a list of tags, or *) against `etag`, by the weak comparison RFC 9110 prescribes for it. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

export const CSV_COLUMNS = [
  'code', 'name', 'providerCode', 'providerName', 'categoryCode', 'summary', 'format', 'formatSubtype', 'shareType', 'shareConditions',
  'legalBasis', 'shareMethod', 'openToPublic', 'openConditions', 'updateCycle', 'publishDate', 'version', 'subjectType', 'subjectKey',
  'dataItems', 'controlParams', 'deliveryMode', 'relatedCodes', 'contactName', 'contactPhone', 'contactEmail',
] as const;

/**
 * A CSV cell. Cells that a spreadsheet would run as a formula are prefixed with an apostrophe
 * (OWASP CSV injection), since this file is opened in Excel and WPS far more than parsed.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvLine(row: Row): string {
  const m = rowToMetadata(row);
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    code: row.code,
    name: m.name,
    providerCode: row.provider_code,
    providerName: row.provider_name,
    categoryCode: m.categoryCode,
    summary: m.summary,
    format: m.format,
    formatSubtype: m.formatSubtype,
    shareType: m.shareType,
    shareConditions: m.shareConditions,
    legalBasis: m.legalBasis,
    shareMethod: m.shareMethod,
    openToPublic: m.openToPublic,
    openConditions: m.openConditions,
    updateCycle: m.updateCycle,
    publishDate: row.publish_day,
    version: row.version,
    subjectType: m.subjectType,
    subjectKey: m.subjectKey,
    dataItems: m.dataItems.map((i) => `${i.key}:${i.name}:${i.type}(${i.length})`).join('; '),
    controlParams: m.controlParams.map((p) => `${p.key}:${p.name}`).join('; '),
    deliveryMode: m.delivery.mode,
    relatedCodes: m.relatedCodes.join('; '),
    contactName: m.contact.name,
    contactPhone: m.contact.phone,
    contactEmail: m.contact.email,
  };
  return `${CSV_COLUMNS.map((c) => csvCell(values[c])).join(',')}\r\n`;
}

const CSV_BATCH_ROWS = 500;

/**
 * The whole published catalog as CSV (RFC 4180, UTF-8 with a BOM so spreadsheets read the
 * Chinese), streamed in keyset-paginated batches: memory stays flat and no pooled connection is
 * held while a slow client downloads.
 */
export function catalogCsvStream(db: Knex): Readable {
  async function* lines() {
    yield `\uFEFF${CSV_COLUMNS.join(',')}\r\n`;
    let after: string | undefined;
    for (;;) {
      const rows: Row[] = await publishedRows(db)
        .modify((q) => { if (after !== undefined) q.where('r.code', '>', after); })
        .limit(CSV_BATCH_ROWS);
      if (rows.length) yield rows.map(csvLine).join('');
      if (rows.length < CSV_BATCH_ROWS) return;
      after = rows[rows.length - 1]!.code;
    }
  }
  return Readable.from(lines());
}
