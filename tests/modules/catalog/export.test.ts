import jsonld from 'jsonld';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell } from '../../../src/modules/catalog/catalog-export.js';
import { adminHeaders, makeDepartment, makeUser } from '../../helpers/fixtures.js';
import { act, createDraft, nextCode, publishedResource } from './catalog-fixtures.js';
import { useFixture, useTestApp } from '../../helpers/use-test-app.js';

type Node = Record<string, unknown>;

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';

/** RFC 4180 parsing, enough to read back what the export writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += ch;
  }
  return rows;
}

describe('catalog export', () => {
  const ctx = useTestApp();
  const admin = useFixture(() => adminHeaders(ctx));
  const owner = useFixture(async () => makeUser(ctx, 'dept_admin', (await makeDepartment(ctx, { name: '省自然资源厅' })).code));
  const ids: Record<string, string> = {};
  const codes: Record<string, string> = {};

  beforeAll(async () => {
    const publish = async (key: string, overrides: Record<string, unknown>) => {
      const r = await publishedResource(ctx, owner.headers, admin, { code: nextCode('101003'), ...overrides });
      ids[key] = r.id;
      codes[key] = r.code;
    };
    await publish('openApi', {
      name: '不动产登记信息', summary: '不动产权利及登记簿信息', openToPublic: true, shareMethod: 'interface',
      delivery: { mode: 'provider_api', endpoint: 'https://zrzy.example.gov.cn/internal/realty' }, relatedCodes: ['102001/00001'],
    });
    await publish('openFile', {
      name: '地名地址信息', summary: '标准地名, 地址及坐标 "WGS84"', openToPublic: true, openConditions: '注册用户下载', shareMethod: 'file',
      format: 'spreadsheet', formatSubtype: 'CSV', subjectType: 'none', subjectKey: undefined, updateCycle: 'monthly',
    });
    await publish('closed', { name: '=CMD|计算|A0', summary: '多行\n摘要', openToPublic: false, contact: { name: '李工', phone: '+86 571 8700 1234' } });
    await publish('deprecated', { name: '旧版宗地信息', openToPublic: true });
    await act(ctx, owner.headers, ids.deprecated!, 'deprecate', { reason: '停用' });
    codes.draft = (await createDraft(ctx, owner.headers, { name: '林权登记草稿', openToPublic: true })).code;
  });

  const dcat = async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/catalog/export?format=dcat' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    return JSON.parse(res.body) as Node;
  };

  describe('DCAT-AP', () => {
    it('is a dcat:Catalog with its mandatory properties', async () => {
      const doc = await dcat();
      expect(doc['@context']).toMatchObject({ dcat: DCAT, dct: DCT });
      expect(doc['@type']).toBe('dcat:Catalog');
      for (const p of ['dct:title', 'dct:description', 'dct:publisher', 'dcat:dataset']) expect(doc, p).toHaveProperty(p);
      expect((doc['dct:title'] as Node)['@value']).toContain('政务信息资源目录');
      expect(doc['dct:publisher']).toMatchObject({ '@type': 'foaf:Agent', 'dct:identifier': ctx.config.PLATFORM_DEPARTMENT_CODE });
    });

    it('lists published resources open to the public only', async () => {
      const doc = await dcat();
      const identifiers = (doc['dcat:dataset'] as Node[]).map((d) => d['dct:identifier']);
      expect(identifiers.sort()).toEqual([codes.openApi, codes.openFile].sort());
    });

    it('gives every dataset its mandatory and recommended properties and access rights from the open attributes', async () => {
      const datasets = (await dcat())['dcat:dataset'] as Node[];
      for (const d of datasets) {
        expect(d['@type']).toBe('dcat:Dataset');
        for (const p of ['dct:title', 'dct:description', 'dct:identifier', 'dct:publisher', 'dct:accessRights', 'dcat:distribution', 'dcat:contactPoint']) {
          expect(d, `${d['dct:identifier'] as string} ${p}`).toHaveProperty(p);
        }
        for (const dist of d['dcat:distribution'] as Node[]) {
          expect(dist['@type']).toBe('dcat:Distribution');
          expect(dist).toHaveProperty('dcat:accessURL');
        }
      }
      const byCode = Object.fromEntries(datasets.map((d) => [d['dct:identifier'], d]));
      expect(byCode[codes.openApi!]!['dct:accessRights']).toEqual({ '@id': 'http://publications.europa.eu/resource/authority/access-right/PUBLIC' });
      expect(byCode[codes.openFile!]!['dct:accessRights']).toEqual({ '@id': 'http://publications.europa.eu/resource/authority/access-right/RESTRICTED' });
      expect(byCode[codes.openFile!]!['dct:accrualPeriodicity']).toEqual({ '@id': 'http://publications.europa.eu/resource/authority/frequency/MONTHLY' });
      expect(byCode[codes.openApi!]!['dct:publisher']).toMatchObject({ 'dct:identifier': owner.departmentCode });
    });

    it('describes interface resources as a dcat:DataService at the hub, never at the provider', async () => {
      const doc = await dcat();
      const services = doc['dcat:service'] as Node[];
      expect(services).toHaveLength(1);
      const [service] = services as [Node];
      expect(service['@type']).toBe('dcat:DataService');
      expect(service).toHaveProperty('dct:title');
      expect((service['dcat:endpointURL'] as Node)['@id']).toMatch(new RegExp(`/v1/resources/${ids.openApi}/records$`));
      expect((service['dcat:servesDataset'] as Node)['@id']).toMatch(new RegExp(`/v1/resources/${ids.openApi}$`));
      expect(JSON.stringify(doc)).not.toContain('zrzy.example.gov.cn');
    });

    it('is valid JSON-LD: it expands without dropping anything and yields the DCAT triples', async () => {
      const doc = await dcat();
      // safe mode fails on anything the processor would silently drop (unknown terms, bad IRIs).
      const expanded = await jsonld.expand(doc as jsonld.JsonLdDocument, { safe: true } as jsonld.Options.Expand);
      const catalog = expanded.find((n) => (n['@type'] as string[] | undefined)?.includes(`${DCAT}Catalog`));
      expect(catalog).toBeDefined();
      expect(catalog![`${DCT}title`]).toEqual([{ '@value': expect.stringContaining('政务信息资源目录'), '@language': 'zh' }]);
      const nquads = (await jsonld.toRDF(doc as jsonld.JsonLdDocument, { format: 'application/n-quads' })) as unknown as string;
      const catalogId = doc['@id'] as string;
      const datasetId = ((doc['dcat:dataset'] as Node[])[0]!)['@id'] as string;
      expect(nquads).toContain(`<${catalogId}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${DCAT}Catalog>`);
      expect(nquads).toContain(`<${catalogId}> <${DCAT}dataset> <${datasetId}>`);
      expect(nquads).toContain(`<${datasetId}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${DCAT}Dataset>`);
      expect(nquads).toMatch(new RegExp(`<[^>]+/records> <${DCAT.replaceAll('.', '\\.')}endpointURL> <`));
    });
  });

  describe('CSV', () => {
    it('holds every published resource, open or not, and nothing unpublished', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/v1/catalog/export?format=csv', headers: owner.headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).toContain('attachment');
      expect(res.body.startsWith('\uFEFF')).toBe(true);
      const [header, ...rows] = parseCsv(res.body.slice(1));
      expect(header).toEqual([...CSV_COLUMNS]);
      expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
      const byCode = Object.fromEntries(rows.map((r) => [r[0], Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]]))]));
      expect(Object.keys(byCode).sort()).toEqual([codes.openApi, codes.openFile, codes.closed].sort());
      // Quotes, commas and newlines survive; a would-be formula is defused.
      expect(byCode[codes.openFile!]!.summary).toBe('标准地名, 地址及坐标 "WGS84"');
      expect(byCode[codes.closed!]!.summary).toBe('多行\n摘要');
      expect(byCode[codes.closed!]!.name).toBe("'=CMD|计算|A0");
      expect(byCode[codes.closed!]!.contactPhone).toBe("'+86 571 8700 1234");
      expect(byCode[codes.openApi!]).toMatchObject({ providerCode: owner.departmentCode, providerName: '省自然资源厅', shareType: '1', deliveryMode: 'provider_api', relatedCodes: '102001/00001' });
      expect(res.body).not.toContain('zrzy.example.gov.cn');
    });

    it('streams catalogs larger than one batch', async () => {
      // 501 rows cross the 500-row batch boundary; inserted directly to keep the test quick.
      const row = await ctx.db('resource_versions').where({ resource_id: ids.closed, version: 1 }).first();
      const jsonb = ['data_items', 'related_codes', 'control_params', 'delivery', 'contact'];
      const base = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonb.includes(k) ? JSON.stringify(v) : v]));
      await ctx.db.transaction(async (trx) => {
        for (let i = 0; i < 501; i++) {
          const [r] = await trx('resources').insert({ code: `301001/9${String(i).padStart(4, '0')}`, provider_code: owner.departmentCode, status: 'published', published_version: 1 }).returning('id');
          await trx('resource_versions').insert({ ...base, resource_id: r.id, name: `批量资源${i}`, category_code: '301001' });
        }
      });
      const res = await ctx.app.inject({ method: 'GET', url: '/v1/catalog/export?format=csv', headers: owner.headers });
      const codesInCsv = parseCsv(res.body.slice(1)).slice(1).map((r) => r[0]);
      expect(codesInCsv).toHaveLength(3 + 501);
      expect(new Set(codesInCsv).size).toBe(codesInCsv.length);
      expect([...codesInCsv].sort()).toEqual(codesInCsv);
    });
  });

  it('quotes CSV cells only when needed', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });
});

describe('DCAT access rights and the share type', () => {
  const ctx = useTestApp();
  const admin = useFixture(() => adminHeaders(ctx));
  const owner = useFixture(() => makeUser(ctx, 'dept_admin'));
  beforeAll(async () => {
  });
  afterAll(async () => ctx.close());

  const datasets = async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/catalog/export?format=dcat' });
    return Object.fromEntries((JSON.parse(res.body)['dcat:dataset'] as Node[]).map((d) => [d['dct:identifier'], d]));
  };

  it('restricts a conditionally shared resource even when it is open without conditions', async () => {
    const conditional = await publishedResource(ctx, owner.headers, admin, {
      code: nextCode('201001'), openToPublic: true, shareType: 2, shareConditions: '仅限相关事项', legalBasis: '《条例》',
    });
    const unconditional = await publishedResource(ctx, owner.headers, admin, { code: nextCode('201001'), openToPublic: true });
    const byCode = await datasets();
    expect(byCode[conditional.code]!['dct:accessRights']).toEqual({ '@id': 'http://publications.europa.eu/resource/authority/access-right/RESTRICTED' });
    expect(byCode[unconditional.code]!['dct:accessRights']).toEqual({ '@id': 'http://publications.europa.eu/resource/authority/access-right/PUBLIC' });
  });

  it('never exports a resource not shared (type 3), even one stored as open before validation refused that', async () => {
    const r = await publishedResource(ctx, owner.headers, admin, { code: nextCode('201001'), shareType: 3, legalBasis: '《条例》' });
    await ctx.db('resource_versions').where({ resource_id: r.id, version: 1 }).update({ open_to_public: true });
    expect(Object.keys(await datasets())).not.toContain(r.code);
  });
});

describe('DCAT links and caching', () => {
  const ctx = useTestApp({ PUBLIC_BASE_URL: 'https://data.example.gov.cn/sharehub/' });
  const admin = useFixture(() => adminHeaders(ctx));
  const owner = useFixture(() => makeUser(ctx, 'dept_admin'));
  beforeAll(async () => {
    await publishedResource(ctx, owner.headers, admin, { code: nextCode('201001'), openToPublic: true });
  });
  afterAll(async () => ctx.close());

  const dcat = (headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url: '/v1/catalog/export?format=dcat', headers });

  it("builds every link from PUBLIC_BASE_URL, never from the client's Host header", async () => {
    const res = await dcat({ host: 'attacker.example', 'x-forwarded-host': 'attacker.example' });
    expect(res.body).not.toContain('attacker.example');
    const doc = JSON.parse(res.body) as Node;
    expect(doc['@id']).toBe('https://data.example.gov.cn/sharehub/v1/catalog');
    const ids = res.body.match(/"@id":"https?:\/\/[^"]+/g)!.filter((id) => !id.includes('europa.eu') && !id.includes('mailto:') && !id.includes('tel:'));
    expect(ids.length).toBeGreaterThan(3);
    for (const id of ids) expect(id).toMatch(/^"@id":"https:\/\/data\.example\.gov\.cn\/sharehub\/(v1|docs)\//);
  });

  it('answers If-None-Match with 304 until the catalog or a department changes', async () => {
    const first = await dcat();
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await dcat({ 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await dcat({ 'if-none-match': `"other", ${etag}` })).statusCode).toBe(304);
    expect((await dcat({ 'if-none-match': '"other"' })).statusCode).toBe(200);

    // A resource published (even one not open: the tag covers the catalog, not only the export).
    await publishedResource(ctx, owner.headers, admin, { code: nextCode('201001') });
    const afterPublish = await dcat({ 'if-none-match': etag });
    expect(afterPublish.statusCode).toBe(200);
    const etag2 = afterPublish.headers.etag as string;
    expect(etag2).not.toBe(etag);

    // A department renamed: its name is in the document.
    const rename = await ctx.app.inject({ method: 'PATCH', url: `/v1/departments/${owner.departmentCode}`, headers: admin, payload: { name: '省教育厅（更名）' } });
    expect(rename.statusCode, rename.body).toBe(200);
    const afterRename = await dcat({ 'if-none-match': etag2 });
    expect(afterRename.statusCode).toBe(200);
    expect(afterRename.body).toContain('省教育厅（更名）');
  });
});
