import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { checkCitizenId, checkUscc } from '../../../src/lib/identifiers.js';
import { loadDemoCatalog } from '../../../src/modules/catalog/demo-catalog.js';
import { getRecord } from '../../../src/modules/exchange/records-repository.js';
import { recordKeyringOf } from '../../../src/modules/exchange/records-load-service.js';
import { DEMO_COMPANY_RESOURCE, DEMO_LOADER_NAME, DEMO_PERSON_RESOURCE, demoCompanies, demoName, demoPeople, loadDemoRecords } from '../../../src/demo-records.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';

// The embedded start's first run: the demo catalog, then synthetic people and companies loaded
// into its 人口基础信息 and 法人基础信息 through the bulk path (as `start` calls them).

const NOW = new Date('2026-11-29T02:00:00Z');

describe('demo records', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await buildTestApp();
  });
  afterAll(async () => ctx.close());

  it('generates fictitious, deterministic people and companies with valid, distinct ids', () => {
    const people = demoPeople(1000);
    expect(demoPeople(1000)).toEqual(people);
    expect(new Set(people.map((p) => p.idNumber)).size).toBe(1000);
    for (const p of people) {
      expect(checkCitizenId(p.idNumber!, NOW)).toEqual({ valid: true, warnings: [] });
      expect(p.fullName).toMatch(/^示例/);
      expect(p.birthDate! < '2026-01-01').toBe(true);
      // The gender digit (17th) agrees with the gender item.
      expect(Number(p.idNumber![16]) % 2 === 1).toBe(p.gender === '男');
    }
    expect([demoName(0), demoName(1), demoName(10), demoName(999)]).toEqual(['示例甲一', '示例乙一', '示例甲二', '示例癸一百']);
    const companies = demoCompanies(200);
    expect(new Set(companies.map((c) => c.uscc)).size).toBe(200);
    for (const c of companies) expect(checkUscc(c.uscc!)).toEqual({ valid: true, warnings: [] });
  });

  it('loads them on the first start only, through the bulk path, as a demo system of each provider', async () => {
    const logger = pino({ level: 'silent' });
    await loadDemoCatalog(ctx.db, ctx.config, logger);
    const loaded = await loadDemoRecords(ctx.db, ctx.config, logger, { now: NOW });
    expect(loaded).toEqual([
      { resource: DEMO_PERSON_RESOURCE, inserted: 1000, rejected: 0 },
      { resource: DEMO_COMPANY_RESOURCE, inserted: 200, rejected: 0 },
    ]);
    const person = await ctx.db('resources').where('code', DEMO_PERSON_RESOURCE).first('id', 'provider_code');
    const loaders = await ctx.db('systems').where('name', DEMO_LOADER_NAME).select('department_code');
    expect(loaders.map((s) => s.department_code)).toContain(person.provider_code);
    const first = demoPeople(1)[0]!;
    const stored = await getRecord(ctx.db, recordKeyringOf(ctx.config), person.id, 'idNumber', first.idNumber!);
    expect(stored?.record).toEqual(first);

    // A second start loads nothing more.
    expect(await loadDemoRecords(ctx.db, ctx.config, logger, { now: NOW })).toEqual([]);
    expect(await ctx.db('records').count({ n: '*' })).toEqual([{ n: 1200 }]);
  });
});
