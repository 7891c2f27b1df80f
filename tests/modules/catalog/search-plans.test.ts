// The plans behind the catalog search's performance goal (issue 7): a text search visits its
// matching rows once, and the facet counts of a search without text read the covering index.
// Each plan is taken over thousands of entries, vacuumed (as autovacuum keeps a live table) so
// that the planner chooses on its own statistics and visibility map. This file's database is
// its own, so the entries stay.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { encodeFacets, searchQueries, type SearchQuery } from '../../../src/modules/catalog/catalog-search.js';
import type { Principal } from '../../../src/modules/identity/principal.js';
import { makeDepartment, makeUser } from '../../helpers/fixtures.js';
import { useTestApp } from '../../helpers/use-test-app.js';

const SUBJECTS = ['person', 'legal_entity', 'none'] as const;
const FORMATS = ['database', 'spreadsheet', 'electronic_file'] as const;

describe('catalog search plans', () => {
  const ctx = useTestApp();
  let viewer: Principal;
  let departmentCode: string;

  beforeAll(async () => {
    departmentCode = (await makeDepartment(ctx, { name: '省大数据局' })).code;
    const user = await makeUser(ctx, 'dept_operator');
    viewer = { kind: 'user', role: 'dept_operator', userId: user.id, username: user.username, departmentCode: user.departmentCode };
    await seed(ctx.db);
    await ctx.db.raw('vacuum analyze resource_search');
  });

  /** The plan of every statement of a search (one or two). */
  async function plans(query: Omit<SearchQuery, 'limit' | 'offset'>): Promise<string[]> {
    const { itemsQuery, facetQuery } = searchQueries(ctx.db, viewer, { ...query, limit: 20, offset: 0 });
    const out: string[] = [];
    for (const q of new Set([itemsQuery, facetQuery])) {
      const { sql, bindings } = q.toSQL();
      const { rows } = await ctx.db.raw(`explain ${sql}`, bindings);
      out.push(rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n'));
    }
    return out;
  }

  async function seed(db: Knex) {
    const codes = SUBJECTS.flatMap((subjectType, s) => FORMATS.map((format, f) => ({ s, f, code: encodeFacets({ shareType: 1 + ((s + f) % 3), subjectType, format, shareMethod: 'table', status: 'published' }) })));
    await db.raw(`
      with combos as (select * from jsonb_to_recordset(cast(:combos as jsonb)) as c(s int, f int, code int)),
      r as (
        insert into resources (code, provider_code, status, published_version, latest_version)
        select '1' || lpad((g % 30)::text, 2, '0') || '001/' || lpad(g::text, 6, '0'), :dept, 'published', 1, 1 from generate_series(1, 6000) g
        returning id, code)
      insert into resource_search (resource_id, code, provider_code, category_code, status, latest_status, published, version,
        share_type, subject_type, format, share_method, open_to_public, category_prefix, facet_code, search_text)
      select r.id, r.code, :dept, split_part(r.code, '/', 1), 'published', 'published', true, 1,
        1 + (c.s + c.f) % 3, (cast(:subjects as text[]))[c.s + 1], (cast(:formats as text[]))[c.f + 1], 'table', false,
        left(r.code, 3)::smallint, c.code,
        case when split_part(r.code, '/', 2)::int % 60 = 0 then '婚姻登记' else '企业年报' end || r.code || E'\n' || '年度报告公示数据'
      from r join combos c on c.s * 3 + c.f = (split_part(r.code, '/', 2)::int % 9)`,
    { combos: JSON.stringify(codes), dept: departmentCode, subjects: [...SUBJECTS], formats: [...FORMATS] });
  }

  it('visits the matches of a text search once, for both the page and the facets', async () => {
    const [plan, ...others] = await plans({ q: '婚姻' });
    expect(others).toEqual([]);
    expect(plan).toContain('resource_search_bigrams');
    expect(plan!.match(/Bitmap Heap Scan on resource_search\b/g)).toHaveLength(1);
    expect(plan).not.toMatch(/Seq Scan on resource_search\b/);
  });

  it('counts the facets of a search without text from the covering index, reading only the codes a filter admits', async () => {
    for (const query of [{}, { subjectType: 'person' }, { format: 'spreadsheet', shareType: 2 }] satisfies Omit<SearchQuery, 'limit' | 'offset'>[]) {
      const [, facets] = await plans(query);
      expect(facets, JSON.stringify(query)).toContain('Index Only Scan using resource_search_facets');
    }
    const [, filtered] = await plans({ subjectType: 'person' });
    expect(filtered).toMatch(/Index Cond: \(.*facet_code = ANY/);
  });
});
