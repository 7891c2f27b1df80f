import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { checkUscc } from '../../../src/lib/identifiers.js';
import {
  CatalogImportError,
  importCatalog,
  importCatalogDir,
  importDemoCatalogIfEmpty,
  readCatalogDir,
  type LoadedFile,
} from '../../../src/modules/catalog/catalog-import.js';
import { demoCatalogDir, loadDemoCatalog } from '../../../src/modules/catalog/demo-catalog.js';
import { adminToken, bearer, makeUser } from '../../helpers/fixtures.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';

const DEMO_DIR = path.resolve(import.meta.dirname, '../../../catalog');

async function counts(ctx: TestContext) {
  const n = async (table: string, where: Record<string, unknown> = {}) => Number((await ctx.db(table).where(where).count({ n: '*' }).first())!.n);
  return {
    departments: await n('departments'),
    resources: await n('resources'),
    published: await n('resources', { status: 'published' }),
    versions: await n('resource_versions'),
    searchRows: await n('resource_search'),
    events: await n('events', { entity_type: 'resource' }),
  };
}

describe('the demo catalog (catalog/)', () => {
  let files: LoadedFile[];
  beforeAll(async () => { files = await readCatalogDir(DEMO_DIR); });
  const resources = () => files.flatMap((f) => f.content.resources);

  it('passes the catalog file schema and the cross-field rules', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it('has at least 15 resources from at least 6 departments with valid 统一社会信用代码', () => {
    expect(resources().length).toBeGreaterThanOrEqual(15);
    const departments = new Set(files.map((f) => f.content.department.code));
    expect(departments.size).toBeGreaterThanOrEqual(6);
    for (const code of departments) expect(checkUscc(code), code).toMatchObject({ valid: true, warnings: [] });
  });

  it('covers share types 1, 2 and 3, control parameters or none, both delivery modes and both subject kinds', () => {
    const all = resources();
    expect(new Set(all.map((r) => r.shareType))).toEqual(new Set([1, 2, 3]));
    expect(all.some((r) => (r.controlParams ?? []).length > 0)).toBe(true);
    expect(all.some((r) => (r.controlParams ?? []).length === 0)).toBe(true);
    expect(new Set(all.map((r) => r.delivery.mode))).toEqual(new Set(['hosted', 'provider_api']));
    expect(new Set(all.map((r) => r.subjectType))).toEqual(new Set(['person', 'legal_entity', 'none']));
    // Route A (type 1, no control parameters) and Route B (conditional, or type 1 with control parameters) both occur.
    expect(all.some((r) => r.shareType === 1 && !(r.controlParams ?? []).length)).toBe(true);
    expect(all.some((r) => r.shareType === 1 && (r.controlParams ?? []).length > 0)).toBe(true);
    for (const name of ['人口基础信息', '婚姻登记信息', '社会保险参保信息', '法人基础信息', '营业执照电子证照', '不动产登记信息', '住房公积金缴存信息', '学历学位电子证照']) {
      expect(all.map((r) => r.name)).toContain(name);
    }
  });
});

describe('catalog import', () => {
  const ctx = useTestApp();
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-catalog-'));
  });
  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });
  const keys = () => deriveKeys(ctx.config.SHAREHUB_SECRET_KEY);

  it('imports the demo catalog once: a second import changes nothing', async () => {
    const before = await counts(ctx);
    const first = await importCatalogDir(ctx.db, keys(), DEMO_DIR);
    const total = (await readCatalogDir(DEMO_DIR)).reduce((n, f) => n + f.content.resources.length, 0);
    expect(first.resources).toEqual({ created: total, updated: 0, unchanged: 0, skipped: 0 });
    expect(first.departments.created).toBe(first.files);
    const afterFirst = await counts(ctx);
    expect(afterFirst).toMatchObject({
      departments: before.departments + first.files, resources: total, published: total, versions: total, searchRows: total,
      events: before.events + 2 * total,
    });

    const second = await importCatalogDir(ctx.db, keys(), DEMO_DIR);
    expect(second.resources).toEqual({ created: 0, updated: 0, unchanged: total, skipped: 0 });
    expect(second.departments).toEqual({ created: 0, existing: first.files });
    expect(await counts(ctx)).toEqual(afterFirst);
  });

  it('publishes as the platform, recorded with actor kind cli', async () => {
    const r = await ctx.db('resources').where('code', '101001/00003').first();
    const events = await ctx.db('events').where({ entity_type: 'resource', entity_id: r.id }).orderBy('id');
    expect(events.map((e) => [e.action, e.actor_kind, e.actor_id, e.entity_version])).toEqual([
      ['resource.created', 'cli', null, 1],
      ['resource.published', 'cli', null, 1],
    ]);
    expect(events[1].details).toMatchObject({ code: '101001/00003', source: 'catalog import civil-affairs.json' });
  });

  it('makes the demo catalog searchable and readable, with the publish dates of the files', async () => {
    const user = await makeUser(ctx, 'dept_operator');
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/resources?q=${encodeURIComponent('婚姻')}`, headers: user.headers });
    const marriage = res.json().items.find((i: { name: string }) => i.name === '婚姻登记信息');
    expect(marriage).toMatchObject({ code: '101001/00003', status: 'published', providerName: '浙江省民政厅', shareType: 2 });
    const detail = await ctx.app.inject({ method: 'GET', url: `/v1/resources/${encodeURIComponent('101001/00003')}`, headers: user.headers });
    expect(detail.json()).toMatchObject({ publishDate: '2025-04-02', version: 1, legalBasis: expect.stringContaining('婚姻登记条例') });
    const responsibilities = await ctx.app.inject({ method: 'GET', url: '/v1/departments/11330000MB00020000/responsibilities', headers: user.headers });
    expect(responsibilities.json().items.map((i: { code: string }) => i.code)).toEqual(['101001/00003', '101001/00004', '203001/00001']);
  });

  it('publishes a changed entry as the next version and leaves deprecated resources alone', async () => {
    const dir = path.join(tmp, 'changed');
    await fs.mkdir(dir);
    for (const name of await fs.readdir(DEMO_DIR)) await fs.copyFile(path.join(DEMO_DIR, name), path.join(dir, name));
    const file = path.join(dir, 'civil-affairs.json');
    const content = JSON.parse(await fs.readFile(file, 'utf8'));
    content.resources[0].summary = '全省婚姻登记记录（2026年修订）';
    await fs.writeFile(file, JSON.stringify(content));
    const admin = bearer(await adminToken(ctx));
    const dep = await ctx.app.inject({ method: 'POST', url: `/v1/resources/${encodeURIComponent('101001/00004')}/deprecate`, headers: admin, payload: { reason: '停用' } });
    expect(dep.statusCode).toBe(200);

    const result = await importCatalogDir(ctx.db, keys(), dir);
    expect(result.resources).toMatchObject({ created: 0, updated: 1, skipped: 1 });
    const r = await ctx.db('resources').where('code', '101001/00003').first();
    expect(r).toMatchObject({ published_version: 2, latest_version: 2, status: 'published' });
    const versions = await ctx.db('resource_versions').where('resource_id', r.id).orderBy('version').select('version', 'status', 'summary');
    expect(versions).toEqual([
      { version: 1, status: 'superseded', summary: '全省婚姻登记机关办理的结婚、离婚、补发婚姻登记证记录' },
      { version: 2, status: 'published', summary: '全省婚姻登记记录（2026年修订）' },
    ]);
    expect((await ctx.db('resources').where('code', '101001/00004').first()).status).toBe('deprecated');
    // And importing the changed files again is a no-op.
    expect((await importCatalogDir(ctx.db, keys(), dir)).resources).toMatchObject({ updated: 0, skipped: 1 });
  });

  it('refuses invalid files, naming file and field, and writes nothing', async () => {
    const dir = path.join(tmp, 'invalid');
    await fs.mkdir(dir);
    const good = JSON.parse(await fs.readFile(path.join(DEMO_DIR, 'civil-affairs.json'), 'utf8'));
    const entry = good.resources[0];
    const bad = {
      department: { code: '11330000MB0009000X', name: '校验位错误的部门', level: 'province' },
      resources: [
        { ...entry, code: '401001/00001' },
        { ...entry, code: '101001/00901', dataItems: [entry.dataItems[0], entry.dataItems[0]] },
        { ...entry, code: '101001/00902', shareType: 2, legalBasis: undefined },
        { ...entry, code: '101001/00903', dataItems: [{ ...entry.dataItems[0], type: 'X' }] },
        { ...entry, code: '101001/00003' },
      ],
    };
    await fs.writeFile(path.join(dir, 'a-bad.json'), JSON.stringify({ ...bad, resources: [bad.resources[0]] }));
    await fs.writeFile(path.join(dir, 'b-bad.json'), JSON.stringify({ ...bad, department: { ...bad.department, code: '11330000MB0009001X' }, resources: bad.resources.slice(1) }));
    await fs.writeFile(path.join(dir, 'civil-affairs.json'), JSON.stringify(good));
    await fs.writeFile(path.join(dir, 'c-broken.json'), '{"department": ');
    const before = await counts(ctx);
    const err = await readCatalogDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogImportError);
    const problems = (err as CatalogImportError).problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^a-bad\.json: \/resources\/0\/code must match pattern/),
      expect.stringMatching(/^b-bad\.json: \/resources\/2\/dataItems\/0\/type must be equal to one of the allowed values/),
      expect.stringMatching(/^c-broken\.json: not valid JSON/),
    ]));
    // Files that fail the schema are not checked further; fix the schema errors to see the rest.
    const dir2 = path.join(tmp, 'invalid2');
    await fs.mkdir(dir2);
    await fs.writeFile(path.join(dir2, 'b-bad.json'), JSON.stringify({ department: bad.department, resources: bad.resources.slice(1, 3).concat([bad.resources[4]]) }));
    await fs.writeFile(path.join(dir2, 'civil-affairs.json'), JSON.stringify(good));
    const err2 = (await readCatalogDir(dir2).catch((e: unknown) => e)) as CatalogImportError;
    expect(err2.problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^b-bad\.json: \/department\/code is not a valid 统一社会信用代码: check character should be/),
      "b-bad.json: /resources/0/dataItems/1/key duplicate key 'idNumber' (also at /resources/0/dataItems/0/key)",
      'b-bad.json: /resources/1/legalBasis is required for share type 2 (有条件共享)',
      expect.stringMatching(/^civil-affairs\.json: \/resources\/0\/code 101001\/00003 is also in b-bad\.json/),
    ]));
    expect(await counts(ctx)).toEqual(before);
  });

  it("rolls back when a code belongs to another department's resource", async () => {
    const files = await readCatalogDir(DEMO_DIR);
    const civil = files.find((f) => f.file === 'civil-affairs.json')!;
    const police = files.find((f) => f.file === 'public-security.json')!;
    // A new resource first, so the rollback has something to undo.
    const fresh = { ...civil.content.resources[0]!, code: '101001/00999' };
    const moved: LoadedFile = { file: 'moved.json', content: { department: police.content.department, resources: [fresh, ...civil.content.resources] } };
    const before = await counts(ctx);
    const err = await importCatalog(ctx.db, keys(), [moved]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogImportError);
    expect((err as CatalogImportError).problems[0]).toMatch(/101001\/00003 belongs to department 11330000MB00020000, not 11330000MB0001000Q/);
    expect(await ctx.db('resources').where('code', '101001/00999').first()).toBeUndefined();
    expect(await counts(ctx)).toEqual(before);
  });

  describe("a department's open version", () => {
    // The police file's first entry, changed, as the only entry of a catalog.
    async function changedPoliceEntry(summary: string, code?: string): Promise<LoadedFile> {
      const police = (await readCatalogDir(DEMO_DIR)).find((f) => f.file === 'public-security.json')!;
      const entry = { ...police.content.resources[0]!, summary, ...(code ? { code } : {}) };
      return { file: 'public-security.json', content: { department: police.content.department, resources: [entry] } };
    }
    const versionsOf = async (code: string) => {
      const r = await ctx.db('resources').where('code', code).first();
      return ctx.db('resource_versions').where('resource_id', r.id).orderBy('version').select('version', 'status', 'summary');
    };

    it('is never published over: the entry is skipped and listed while a revision is in draft or review', async () => {
      const file = await changedPoliceEntry('导入的新摘要');
      const code = file.content.resources[0]!.code;
      const owner = await makeUser(ctx, 'dept_admin', file.content.department.code);
      const revision = await ctx.app.inject({ method: 'PATCH', url: `/v1/resources/${encodeURIComponent(code)}`, headers: owner.headers, payload: { summary: '部门修订中的摘要' } });
      expect(revision.json()).toMatchObject({ version: 2, versionStatus: 'draft' });

      for (const state of ['draft', 'pending_review']) {
        if (state === 'pending_review') {
          expect((await ctx.app.inject({ method: 'POST', url: `/v1/resources/${encodeURIComponent(code)}/submit`, headers: owner.headers })).statusCode).toBe(200);
        }
        const result = (await importCatalog(ctx.db, keys(), [file]))!;
        expect(result.resources).toEqual({ created: 0, updated: 0, unchanged: 0, skipped: 1 });
        expect(result.skippedEntries).toEqual([`public-security.json: /resources/0/code ${code} has version 2 open (${state}) in its department`]);
        expect(await versionsOf(code)).toEqual([
          { version: 1, status: 'published', summary: expect.not.stringContaining('导入') },
          { version: 2, status: state, summary: '部门修订中的摘要' },
        ]);
      }
      // Other departments still cannot read the revision.
      const other = await makeUser(ctx, 'dept_operator');
      const get = await ctx.app.inject({ method: 'GET', url: `/v1/resources/${encodeURIComponent(code)}?version=2`, headers: other.headers });
      expect(get.statusCode).toBe(404);
    });

    it("is never published over when the department drafted the code itself and never published it", async () => {
      const file = await changedPoliceEntry('导入的摘要', '101001/00777');
      const owner = await makeUser(ctx, 'dept_operator', file.content.department.code);
      const { publishDate: _publishDate, ...draftBody } = file.content.resources[0]!;
      const draft = await ctx.app.inject({ method: 'POST', url: '/v1/resources', headers: owner.headers, payload: { ...draftBody, summary: '部门自己的草稿' } });
      expect(draft.statusCode, draft.body).toBe(201);

      const result = (await importCatalog(ctx.db, keys(), [file]))!;
      expect(result.resources).toMatchObject({ created: 0, updated: 0, skipped: 1 });
      expect(result.skippedEntries[0]).toMatch(/101001\/00777 has version 1 open \(draft\)/);
      expect(await ctx.db('resources').where('code', '101001/00777').first()).toMatchObject({ status: 'draft', published_version: null });
      expect(await versionsOf('101001/00777')).toEqual([{ version: 1, status: 'draft', summary: '部门自己的草稿' }]);
      const other = await makeUser(ctx, 'dept_operator');
      expect((await ctx.app.inject({ method: 'GET', url: '/v1/resources/101001%2F00777', headers: other.headers })).statusCode).toBe(404);
    });
  });

  it('loads the demo catalog on a first start only', async () => {
    const fresh = await buildTestApp();
    try {
      const loaded = await importDemoCatalogIfEmpty(fresh.db, deriveKeys(fresh.config.SHAREHUB_SECRET_KEY), DEMO_DIR);
      expect(loaded?.resources.created).toBeGreaterThanOrEqual(15);
      expect(await importDemoCatalogIfEmpty(fresh.db, deriveKeys(fresh.config.SHAREHUB_SECRET_KEY), DEMO_DIR)).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });

  it('is loaded by the embedded start, as `sharehub start` runs it, into an empty hub only', async () => {
    expect(demoCatalogDir()).toBe(DEMO_DIR);
    const fresh = await buildTestApp();
    try {
      const logged: { msg: string; resources?: object }[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
      const total = (await readCatalogDir(DEMO_DIR)).reduce((n, f) => n + f.content.resources.length, 0);
      const resources = async () => Number((await fresh.db('resources').count({ n: '*' }).first())!.n);
      expect(await resources()).toBe(0);

      await loadDemoCatalog(fresh.db, fresh.config, logger);
      expect(await resources()).toBe(total);
      expect(logged).toContainEqual(expect.objectContaining({ msg: 'demo catalog loaded', resources: expect.objectContaining({ created: total }) }));

      // A restart loads nothing more.
      await loadDemoCatalog(fresh.db, fresh.config, logger);
      expect(await resources()).toBe(total);
      expect(logged.filter((l) => l.msg === 'demo catalog loaded')).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });
});
