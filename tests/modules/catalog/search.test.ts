import { beforeAll, describe, expect, it } from 'vitest';
import { bigrams, decodeFacets, encodeFacets, normalizeText, PACKED_FACETS, searchQueries } from '../../../src/modules/catalog/catalog-search.js';
import type { Principal } from '../../../src/modules/identity/principal.js';
import { adminHeaders, makeDepartment, makeUser } from '../../helpers/fixtures.js';
import { act, createDraft, nextCode, publishedResource } from './catalog-fixtures.js';
import { useFixture, useTestApp } from '../../helpers/use-test-app.js';

type Headers = Record<string, string>;
interface Item { code: string; name: string; providerCode: string; categoryCode: string; shareType: number; subjectType: string; format: string; shareMethod: string; status: string; latestStatus: string }
interface Result { items: Item[]; total: number; facets: Record<string, { value: string; count: number; label?: string }[]> }

const item = (key: string, name: string) => ({ key, name, type: 'C', length: 50, sensitivity: 'internal', mask: 'none' });
const legalEntity = {
  subjectType: 'legal_entity', subjectKey: 'uscc',
  dataItems: [item('uscc', '统一社会信用代码'), item('entityName', '单位名称'), item('legalRep', '法定代表人')],
};

describe('catalog search', () => {
  const ctx = useTestApp();
  const admin: Headers = useFixture(() => adminHeaders(ctx));
  const mz = useFixture(async () => makeUser(ctx, 'dept_admin', (await makeDepartment(ctx, { name: '省民政厅' })).code));
  const sc = useFixture(async () => makeUser(ctx, 'dept_admin', (await makeDepartment(ctx, { name: '省市场监管局' })).code));
  const stranger = useFixture(() => makeUser(ctx, 'dept_operator'));
  type Key = 'marriage' | 'adoption' | 'relief' | 'entity' | 'licence' | 'deprecated' | 'draft' | 'inReview';
  const codes = {} as Record<Key, string>;

  beforeAll(async () => {
    const publish = async (key: Key, owner: Headers, overrides: Record<string, unknown>) => {
      codes[key] = (await publishedResource(ctx, owner, admin, overrides)).code;
    };
    await publish('marriage', mz.headers, { code: nextCode('101001'), name: '婚姻登记信息', summary: '结婚、离婚登记记录' });
    await publish('adoption', mz.headers, {
      code: nextCode('201002'), name: '收养登记信息', summary: '收养关系成立与解除登记', shareType: 2, shareConditions: '仅限收养相关事项', legalBasis: '《中华人民共和国民法典》',
      format: 'spreadsheet', shareMethod: 'file',
    });
    await publish('relief', mz.headers, {
      code: nextCode('202001'), name: '最低生活保障对象', summary: '低保对象家庭成员及保障金额', shareType: 3, legalBasis: '《社会救助暂行办法》', openToPublic: false,
    });
    await publish('entity', sc.headers, { code: nextCode('102001'), name: '法人基础信息', summary: '企业登记的基础信息', ...legalEntity, openToPublic: true });
    await publish('licence', sc.headers, {
      code: nextCode('105001'), name: '营业执照电子证照', summary: '营业执照GIS落图及电子证照', ...legalEntity, format: 'electronic_file', formatSubtype: 'OFD',
    });
    const deprecated = await publishedResource(ctx, sc.headers, admin, { code: nextCode('102002'), name: '个体工商户登记信息（旧）', summary: '已并入法人基础信息', ...legalEntity });
    await act(ctx, sc.headers, deprecated.id, 'deprecate', { reason: '并入' });
    codes.deprecated = deprecated.code;
    codes.draft = (await createDraft(ctx, mz.headers, { code: nextCode('101001'), name: '婚姻登记补领记录', summary: '补领结婚证、离婚证' })).code;
    const inReview = await createDraft(ctx, sc.headers, { code: nextCode('102003'), name: '农民专业合作社信息', summary: '合作社登记', ...legalEntity });
    await act(ctx, sc.headers, inReview.id, 'submit');
    codes.inReview = inReview.code;
    // A published resource with a revision in review.
    const revised = await ctx.app.inject({ method: 'PATCH', url: `/v1/resources/${encodeURIComponent(codes.marriage)}`, headers: mz.headers, payload: { summary: '婚姻登记记录（修订）' } });
    expect(revised.statusCode).toBe(200);
    await act(ctx, mz.headers, codes.marriage, 'submit');
  });

  async function search(headers: Headers, params: Record<string, string | number | boolean> = {}): Promise<Result> {
    const qs = new URLSearchParams(Object.entries({ limit: 200, ...params }).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/resources?${qs}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const codesOf = (r: Result) => r.items.map((i) => i.code);

  describe('text', () => {
    it('finds 婚姻登记信息 by the two-character query 婚姻', async () => {
      const r = await search(stranger.headers, { q: '婚姻' });
      expect(r.items.map((i) => i.name)).toContain('婚姻登记信息');
      expect(codesOf(r)).not.toContain(codes.draft);
    });

    it('matches any substring of name, summary or data-item names, in order', async () => {
      expect(codesOf(await search(stranger.headers, { q: '登记信息' })).sort()).toEqual([codes.marriage, codes.adoption, codes.deprecated].sort());
      expect(codesOf(await search(stranger.headers, { q: '低保对象家庭' }))).toEqual([codes.relief]);
      expect(codesOf(await search(stranger.headers, { q: '法定代表' })).sort()).toEqual([codes.entity, codes.licence, codes.deprecated].sort());
      expect(codesOf(await search(stranger.headers, { q: '姻婚' }))).toEqual([]);
      expect(codesOf(await search(stranger.headers, { q: '收' }))).toEqual([codes.adoption]);
    });

    it('requires every whitespace-separated term', async () => {
      expect(codesOf(await search(stranger.headers, { q: '登记  收养' }))).toEqual([codes.adoption]);
      expect(codesOf(await search(stranger.headers, { q: '低保 收养' }))).toEqual([]);
    });

    it('refuses more than 8 terms, naming q, rather than dropping some', async () => {
      // 婚姻登记信息 holds the first eight; dropping the ninth would answer it, wrongly.
      const terms = ['婚姻', '登记', '信息', '结婚', '离婚', '记录', '姻登', '记信', '收养'];
      expect(codesOf(await search(stranger.headers, { q: terms.slice(0, 8).join(' ') }))).toEqual([codes.marriage]);
      const res = await ctx.app.inject({ method: 'GET', url: `/v1/resources?q=${encodeURIComponent(terms.join(' '))}`, headers: stranger.headers });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ pointer: '/querystring/q', message: 'has 9 terms; at most 8 are allowed' }]);
    });

    it('allows one single-character term, alone or beside longer ones, but not two', async () => {
      expect(codesOf(await search(stranger.headers, { q: '信' })).sort())
        .toEqual([codes.marriage, codes.adoption, codes.entity, codes.licence, codes.deprecated].sort());
      expect(codesOf(await search(stranger.headers, { q: '登记 收' }))).toEqual([codes.adoption]);
      expect(codesOf(await search(stranger.headers, { q: '信 信' })).length).toBe(5);
      const res = await ctx.app.inject({ method: 'GET', url: `/v1/resources?q=${encodeURIComponent('婚 姻')}`, headers: stranger.headers });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ pointer: '/querystring/q', message: expect.stringContaining('at most one single-character term') });
    });

    it('ignores Latin case and full-width forms, and never matches across two fields', async () => {
      expect(codesOf(await search(stranger.headers, { q: 'gis' }))).toEqual([codes.licence]);
      expect(codesOf(await search(stranger.headers, { q: 'ＧＩＳ落图' }))).toEqual([codes.licence]);
      // 婚姻登记信息 ends with 息, its summary starts with 结: 息结 spans the two fields.
      expect(codesOf(await search(stranger.headers, { q: '息结' }))).toEqual([]);
    });

    it('searches the published text while a revision is in review', async () => {
      expect(codesOf(await search(mz.headers, { q: '修订' }))).toEqual([]);
      expect(codesOf(await search(mz.headers, { q: '结婚、离婚登记记录' }))).toContain(codes.marriage);
    });

    it('computes the same bigrams as the database function', async () => {
      for (const text of ['婚姻登记信息', 'ab', 'x', '𠀀𠀁𠀂', normalizeText('法人 ＧＩＳ\n信息')]) {
        const { rows } = await ctx.db.raw('select catalog_bigrams(?) as grams', [text]);
        expect([...rows[0].grams].sort()).toEqual(bigrams(text).sort());
      }
    });

    it('plans the real search, page and facets, through the bigram index', async () => {
      // Thousands of other entries, so that the planner chooses the index on its own statistics
      // rather than being forced to; rolled back afterwards.
      const trx = await ctx.db.transaction();
      try {
        const facet = encodeFacets({ shareType: 1, subjectType: 'none', format: 'database', shareMethod: 'table', status: 'published' });
        await trx.raw(`
          with r as (
            insert into resources (code, provider_code, status, published_version, latest_version)
            select '301999/' || lpad(g::text, 6, '0'), :dept, 'published', 1, 1 from generate_series(1, 5000) g
            returning id, code)
          insert into resource_search (resource_id, code, provider_code, category_code, status, latest_status, published, version,
            share_type, subject_type, format, share_method, open_to_public, category_prefix, facet_code, search_text)
          select id, code, :dept, '301999', 'published', 'published', true, 1, 1, 'none', 'database', 'table', false, 301, :facet,
            '企业年报' || code || E'\n' || '年度报告公示数据' from r`, { dept: sc.departmentCode, facet });
        await trx.raw('analyze resource_search');
        const viewer: Principal = { kind: 'user', role: 'dept_operator', userId: stranger.id, username: stranger.username, departmentCode: stranger.departmentCode };
        const { itemsQuery, facetQuery } = searchQueries(trx, viewer, { q: '婚姻', limit: 20, offset: 0 });
        for (const [label, query] of [['page', itemsQuery], ['facets', facetQuery]] as const) {
          const { sql, bindings } = query.toSQL();
          const { rows } = await trx.raw(`explain ${sql}`, bindings);
          const plan = rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
          expect(plan, label).toContain('resource_search_bigrams');
          expect(plan, label).not.toMatch(/Seq Scan on resource_search/);
        }
      } finally {
        await trx.rollback();
      }
    });
  });

  describe('filters', () => {
    it('filters by provider, category prefix, share type, subject type, format, share method, status and openness', async () => {
      expect(codesOf(await search(stranger.headers, { provider: sc.departmentCode })).sort()).toEqual([codes.entity, codes.licence, codes.deprecated].sort());
      expect(codesOf(await search(stranger.headers, { category: '2' })).sort()).toEqual([codes.adoption, codes.relief].sort());
      expect(codesOf(await search(stranger.headers, { category: '102' })).sort()).toEqual([codes.entity, codes.deprecated].sort());
      expect(codesOf(await search(stranger.headers, { category: '201002' }))).toEqual([codes.adoption]);
      expect(codesOf(await search(stranger.headers, { shareType: 3 }))).toEqual([codes.relief]);
      expect(codesOf(await search(stranger.headers, { subjectType: 'legal_entity', status: 'published' })).sort()).toEqual([codes.entity, codes.licence].sort());
      expect(codesOf(await search(stranger.headers, { format: 'electronic_file' }))).toEqual([codes.licence]);
      expect(codesOf(await search(stranger.headers, { shareMethod: 'file' }))).toEqual([codes.adoption]);
      expect(codesOf(await search(stranger.headers, { status: 'deprecated' }))).toEqual([codes.deprecated]);
      expect(codesOf(await search(stranger.headers, { openToPublic: true }))).toEqual([codes.entity]);
      expect(codesOf(await search(stranger.headers, { q: '登记', shareType: 2 }))).toEqual([codes.adoption]);
    });

    it('lists everything awaiting review for the platform, revisions of published resources included', async () => {
      const r = await search(admin, { latestStatus: 'pending_review' });
      expect(codesOf(r).sort()).toEqual([codes.marriage, codes.inReview].sort());
      expect(r.items.find((i) => i.code === codes.marriage)).toMatchObject({ status: 'published', latestStatus: 'pending_review' });
    });

    it("shows a department its own revisions, and nobody another department's", async () => {
      expect(codesOf(await search(mz.headers, { latestStatus: 'pending_review' }))).toEqual([codes.marriage]);
      expect(codesOf(await search(sc.headers, { latestStatus: 'pending_review' }))).toEqual([codes.inReview]);
      const theirs = await search(stranger.headers, { latestStatus: 'pending_review' });
      expect(codesOf(theirs)).toEqual([]);
      expect(theirs.total).toBe(0);
      // To others the resource in revision is simply published, in the list and under the filter.
      expect((await search(stranger.headers, { q: '婚姻登记' })).items.find((i) => i.code === codes.marriage)).toMatchObject({ latestStatus: 'published' });
      expect(codesOf(await search(stranger.headers, { latestStatus: 'published' }))).toContain(codes.marriage);
      expect(codesOf(await search(sc.headers, { latestStatus: 'published' }))).toContain(codes.marriage);
      expect(codesOf(await search(mz.headers, { latestStatus: 'published' }))).not.toContain(codes.marriage);
    });

    it('refuses unknown parameters and values', async () => {
      for (const qs of ['shareType=4', 'status=archived', 'category=9', 'colour=red', 'limit=0']) {
        const res = await ctx.app.inject({ method: 'GET', url: `/v1/resources?${qs}`, headers: stranger.headers });
        expect(res.statusCode, qs).toBe(400);
      }
    });
  });

  describe('facets', () => {
    const FACET_FIELDS: Record<string, (i: Item) => string> = {
      provider: (i) => i.providerCode,
      category: (i) => i.categoryCode.slice(0, 3),
      shareType: (i) => String(i.shareType),
      subjectType: (i) => i.subjectType,
      format: (i) => i.format,
      shareMethod: (i) => i.shareMethod,
      status: (i) => i.status,
    };

    it.each([
      ['everything', {}],
      ['a text query', { q: '登记' }],
      ['a filter', { shareType: 1 }],
      ['a query and filters', { q: '信息', status: 'published', category: '1' }],
      ['nothing matching', { q: '不存在的资源' }],
    ])('count exactly the matches of %s, for every viewer', async (_label, params) => {
      for (const viewer of [stranger.headers, mz.headers, admin]) {
        const r = await search(viewer, params);
        expect(r.total).toBe(r.items.length);
        for (const [facet, field] of Object.entries(FACET_FIELDS)) {
          const expected = new Map<string, number>();
          for (const i of r.items) expected.set(field(i), (expected.get(field(i)) ?? 0) + 1);
          const actual = new Map(r.facets[facet]!.map((b) => [b.value, b.count]));
          expect(actual, `${facet} facet`).toEqual(expected);
        }
      }
    });

    it('labels providers with department names and share types with their Chinese terms', async () => {
      const r = await search(stranger.headers);
      expect(r.facets.provider).toContainEqual({ value: sc.departmentCode, label: '省市场监管局', count: 3 });
      expect(r.facets.shareType).toContainEqual({ value: '3', label: '不予共享', count: 1 });
    });

    it("never counts another department's drafts", async () => {
      const r = await search(stranger.headers);
      expect(r.facets.status!.map((b) => b.value).sort()).toEqual(['deprecated', 'published']);
      const mine = await search(mz.headers);
      expect(mine.facets.status).toContainEqual({ value: 'draft', label: '草稿', count: 1 });
    });
  });

  describe('packed facet codes', () => {
    it('round-trip every combination of the small facets, each to its own code', () => {
      const combos = PACKED_FACETS.reduce<Record<string, string | number>[]>(
        (acc, [facet, domain]) => acc.flatMap((c) => domain.map((v) => ({ ...c, [facet]: v }))), [{}]);
      const codes = combos.map((c) => encodeFacets(c as Parameters<typeof encodeFacets>[0]));
      expect(new Set(codes).size).toBe(combos.length);
      codes.forEach((code, i) => expect(decodeFacets(code)).toEqual(combos[i]));
      expect(Math.max(...codes)).toBeLessThan(32_768);
    });

    it('are stored consistently with the columns of every search row', async () => {
      const rows = await ctx.db('resource_search').select('facet_code', 'share_type', 'subject_type', 'format', 'share_method', 'status', 'category_prefix', 'category_code');
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(decodeFacets(r.facet_code)).toEqual({ shareType: r.share_type, subjectType: r.subject_type, format: r.format, shareMethod: r.share_method, status: r.status });
        expect(String(r.category_prefix)).toBe(r.category_code.slice(0, 3));
      }
    });
  });

  describe('pagination', () => {
    it('pages through the results in code order with a stable total', async () => {
      const all = await search(admin);
      expect(all.total).toBe(8);
      const seen: string[] = [];
      for (let offset = 0; offset < all.total; offset += 2) {
        const page = await search(admin, { limit: 2, offset });
        expect(page.total).toBe(all.total);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...codesOf(page));
      }
      expect(seen).toEqual(codesOf(all));
      expect([...seen].sort()).toEqual(seen);
      expect((await search(admin, { limit: 2, offset: 100 })).items).toEqual([]);
    });

    it('pages through the matches of a text query the same way', async () => {
      for (const q of ['登记', '登记信息', '婚']) {
        const all = await search(admin, { q });
        expect(all.total, q).toBeGreaterThan(2);
        const seen: string[] = [];
        for (let offset = 0; offset < all.total; offset += 2) seen.push(...codesOf(await search(admin, { q, limit: 2, offset })));
        expect(seen, q).toEqual(codesOf(all));
        expect([...seen].sort(), q).toEqual(seen);
      }
    });
  });
});
