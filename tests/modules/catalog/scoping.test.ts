import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, makeDepartment, makeSystem, makeUser } from '../../helpers/fixtures.js';
import { act, createDraft, publishedResource, resourceBody } from './catalog-fixtures.js';
import { useFixture, useTestApp } from '../../helpers/use-test-app.js';

type Headers = Record<string, string>;
type User = Awaited<ReturnType<typeof makeUser>>;

// Who may do what (issue 3 §3): the owning department drafts, edits and submits; its admin or the
// platform admin deprecates; only the platform admin reviews; everyone signed in reads what is
// published; drafts exist only for the owner and the platform (admin, auditor).
describe('catalog department scoping', () => {
  const ctx = useTestApp();
  const admin: Headers = useFixture(() => adminHeaders(ctx));
  const auditor: User = useFixture(() => makeUser(ctx, 'auditor'));
  const owner = useFixture(() => makeDepartment(ctx, { name: '省公安厅' }));
  const other = useFixture(() => makeDepartment(ctx, { name: '省人社厅' }));
  const ownerAdmin: User = useFixture(() => makeUser(ctx, 'dept_admin', owner.code));
  const ownerOperator: User = useFixture(() => makeUser(ctx, 'dept_operator', owner.code));
  const otherAdmin: User = useFixture(() => makeUser(ctx, 'dept_admin', other.code));
  const otherOperator: User = useFixture(() => makeUser(ctx, 'dept_operator', other.code));
  const system: Headers = useFixture(async () => (await makeSystem(ctx, owner.code)).headers);
  const draft: { id: string; code: string } = useFixture(() => createDraft(ctx, ownerOperator.headers, { name: '人口基础信息（草稿）' }));
  const published: { id: string; code: string } = useFixture(() => publishedResource(ctx, ownerAdmin.headers, admin, {
    name: '人口基础信息', delivery: { mode: 'provider_api', endpoint: 'https://ga.example.gov.cn/internal/population' },
  }));
  beforeAll(async () => {
    // A revision in draft above the published version.
    const revision = await ctx.app.inject({ method: 'PATCH', url: `/v1/resources/${published.id}`, headers: ownerOperator.headers, payload: { summary: '修订中' } });
    expect(revision.json().version).toBe(2);
  });

  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Headers = {}, payload?: object) =>
    ctx.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const expectStatus = async (res: Promise<{ statusCode: number; body: string }>, status: number, code?: string) => {
    const r = await res;
    expect(r.statusCode, r.body).toBe(status);
    if (code) expect(JSON.parse(r.body).code).toBe(code);
  };

  describe('POST /v1/resources', () => {
    it('is for department users, and drafts for the caller\'s own department', async () => {
      await expectStatus(inject('POST', '/v1/resources', {}, resourceBody()), 401, 'UNAUTHENTICATED');
      await expectStatus(inject('POST', '/v1/resources', admin, resourceBody()), 403, 'FORBIDDEN');
      await expectStatus(inject('POST', '/v1/resources', auditor.headers, resourceBody()), 403, 'FORBIDDEN');
      await expectStatus(inject('POST', '/v1/resources', system, resourceBody()), 403, 'FORBIDDEN');
      const res = await inject('POST', '/v1/resources', otherOperator.headers, resourceBody());
      expect(res.statusCode).toBe(201);
      expect(res.json().providerCode).toBe(otherOperator.departmentCode);
    });
  });

  describe('GET /v1/resources/{id}', () => {
    const get = (id: string, headers: Headers, q = '') => inject('GET', `/v1/resources/${id}${q}`, headers);

    it('shows a draft to the owning department and the platform only; others get 404', async () => {
      for (const h of [ownerAdmin.headers, ownerOperator.headers, admin, auditor.headers]) await expectStatus(get(draft.id, h), 200);
      for (const h of [otherAdmin.headers, otherOperator.headers]) await expectStatus(get(draft.id, h), 404, 'NOT_FOUND');
      await expectStatus(get(draft.id, {}), 401);
      await expectStatus(get(draft.id, system), 403);
    });

    it('shows a published resource to every user, without the provider endpoint to others', async () => {
      const mine = (await get(published.id, ownerOperator.headers)).json();
      expect(mine.delivery).toEqual({ mode: 'provider_api', endpoint: 'https://ga.example.gov.cn/internal/population' });
      expect(mine).toHaveProperty('reviewReason');
      const theirs = await get(published.id, otherOperator.headers);
      expect(theirs.statusCode).toBe(200);
      expect(theirs.json().delivery).toEqual({ mode: 'provider_api' });
      expect(theirs.json()).not.toHaveProperty('reviewReason');
      expect((await get(published.id, auditor.headers)).json().delivery.endpoint).toBeDefined();
    });

    it('hides the draft revision of a published resource from other departments', async () => {
      expect((await get(published.id, ownerAdmin.headers)).json()).toMatchObject({ version: 1, publishedVersion: 1, latestVersion: 2 });
      expect((await get(published.id, otherAdmin.headers)).json()).toMatchObject({ version: 1, publishedVersion: 1, latestVersion: 1 });
      expect((await get(published.id, auditor.headers)).json()).toMatchObject({ latestVersion: 2 });
      await expectStatus(get(published.id, ownerAdmin.headers, '?version=2'), 200);
      await expectStatus(get(published.id, auditor.headers, '?version=2'), 200);
      await expectStatus(get(published.id, otherAdmin.headers, '?version=2'), 404);
      await expectStatus(get(published.id, otherAdmin.headers, '?version=1'), 200);
    });
  });

  it('shows others only versions that were ever published, whatever their status says', async () => {
    // Earlier releases marked open drafts 'superseded' when a later version was published.
    const r = await publishedResource(ctx, ownerAdmin.headers, admin);
    await inject('PATCH', `/v1/resources/${r.id}`, ownerOperator.headers, { summary: '从未发布的修订' });
    await ctx.db('resource_versions').where({ resource_id: r.id, version: 2 }).update({ status: 'superseded' });
    await expectStatus(inject('GET', `/v1/resources/${r.id}?version=2`, otherOperator.headers), 404, 'NOT_FOUND');
    const theirs = (await inject('GET', `/v1/resources/${r.id}/versions`, otherOperator.headers)).json();
    expect(theirs.items.map((v: { version: number }) => v.version)).toEqual([1]);
    await expectStatus(inject('GET', `/v1/resources/${r.id}?version=2`, ownerOperator.headers), 200);
  });

  describe('GET /v1/resources/{id}/versions', () => {
    const versions = (id: string, headers: Headers) => inject('GET', `/v1/resources/${id}/versions`, headers);

    it('lists unpublished versions to the owner and platform only', async () => {
      const all = (r: { json(): { items: { version: number }[] } }) => r.json().items.map((v) => v.version);
      expect(all(await versions(published.id, ownerOperator.headers))).toEqual([2, 1]);
      expect(all(await versions(published.id, admin))).toEqual([2, 1]);
      expect(all(await versions(published.id, otherOperator.headers))).toEqual([1]);
      expect((await versions(published.id, otherOperator.headers)).json()).toMatchObject({ publishedVersion: 1, latestVersion: 1 });
      expect((await versions(published.id, ownerOperator.headers)).json()).toMatchObject({ publishedVersion: 1, latestVersion: 2 });
      await expectStatus(versions(draft.id, otherAdmin.headers), 404);
      await expectStatus(versions(draft.id, auditor.headers), 200);
      await expectStatus(versions(draft.id, {}), 401);
    });
  });

  describe('PATCH /v1/resources/{id} and POST …/submit', () => {
    it('are for the owning department only: 404 on another\'s draft, 403 on another\'s published resource', async () => {
      for (const [method, suffix, payload] of [['PATCH', '', { name: '越权修改' }], ['POST', '/submit', undefined]] as const) {
        await expectStatus(inject(method, `/v1/resources/${draft.id}${suffix}`, otherAdmin.headers, payload), 404, 'NOT_FOUND');
        await expectStatus(inject(method, `/v1/resources/${published.id}${suffix}`, otherOperator.headers, payload), 403, 'OTHER_DEPARTMENT');
        await expectStatus(inject(method, `/v1/resources/${draft.id}${suffix}`, admin, payload), 403, 'FORBIDDEN');
        await expectStatus(inject(method, `/v1/resources/${draft.id}${suffix}`, auditor.headers, payload), 403, 'FORBIDDEN');
        await expectStatus(inject(method, `/v1/resources/${draft.id}${suffix}`, system, payload), 403, 'FORBIDDEN');
        await expectStatus(inject(method, `/v1/resources/${draft.id}${suffix}`, {}, payload), 401);
      }
      const row = await ctx.db('resource_versions').where({ resource_id: draft.id, version: 1 }).first();
      expect(row).toMatchObject({ name: '人口基础信息（草稿）', status: 'draft' });
      // The owner's operator may do both.
      await expectStatus(inject('PATCH', `/v1/resources/${draft.id}`, ownerOperator.headers, { name: '人口基础信息（修订草稿）' }), 200);
    });
  });

  describe('POST /v1/resources/{id}/review', () => {
    it('is for the platform admin only', async () => {
      const inReview = await createDraft(ctx, ownerAdmin.headers);
      await act(ctx, ownerAdmin.headers, inReview.id, 'submit');
      for (const h of [ownerAdmin.headers, ownerOperator.headers, otherAdmin.headers, auditor.headers, system]) {
        await expectStatus(act(ctx, h, inReview.id, 'review', { decision: 'publish' }), 403, 'FORBIDDEN');
      }
      await expectStatus(act(ctx, {}, inReview.id, 'review', { decision: 'publish' }), 401);
      await expectStatus(act(ctx, admin, inReview.id, 'review', { decision: 'publish' }), 200);
    });
  });

  describe('POST /v1/resources/{id}/deprecate', () => {
    it("is for the owner's admin or the platform admin", async () => {
      const target = await publishedResource(ctx, ownerAdmin.headers, admin);
      const reason = { reason: '停用' };
      await expectStatus(act(ctx, ownerOperator.headers, target.id, 'deprecate', reason), 403, 'FORBIDDEN');
      await expectStatus(act(ctx, otherAdmin.headers, target.id, 'deprecate', reason), 403, 'OTHER_DEPARTMENT');
      await expectStatus(act(ctx, otherAdmin.headers, draft.id, 'deprecate', reason), 404, 'NOT_FOUND');
      await expectStatus(act(ctx, auditor.headers, target.id, 'deprecate', reason), 403, 'FORBIDDEN');
      await expectStatus(act(ctx, {}, target.id, 'deprecate', reason), 401);
      expect((await ctx.db('resources').where('id', target.id).first()).status).toBe('published');
      await expectStatus(act(ctx, ownerAdmin.headers, target.id, 'deprecate', reason), 200);
    });
  });

  describe('GET /v1/resources (search)', () => {
    const codes = async (headers: Headers) => {
      const res = await inject('GET', '/v1/resources?q=人口基础信息&limit=200', headers);
      expect(res.statusCode).toBe(200);
      return res.json().items.map((i: { code: string }) => i.code) as string[];
    };

    it('lists drafts to the owning department and the platform, never to other departments', async () => {
      for (const h of [ownerOperator.headers, admin, auditor.headers]) expect(await codes(h)).toContain(draft.code);
      const theirs = await codes(otherOperator.headers);
      expect(theirs).toContain(published.code);
      expect(theirs).not.toContain(draft.code);
      // A draft of otherAdmin's own, so that the filtered list cannot pass by being empty.
      const theirDraft = await createDraft(ctx, otherOperator.headers, { name: '社保参保信息（草稿）' });
      const filtered = await inject('GET', '/v1/resources?status=draft&limit=200', otherAdmin.headers);
      const items: { code: string; providerCode: string }[] = filtered.json().items;
      expect(items.map((i) => i.code)).toContain(theirDraft.code);
      expect(items.every((i) => i.providerCode === otherAdmin.departmentCode)).toBe(true);
      expect(filtered.json().facets.provider.map((b: { value: string }) => b.value)).not.toContain(ownerAdmin.departmentCode);
      await expectStatus(inject('GET', '/v1/resources', {}), 401);
      await expectStatus(inject('GET', '/v1/resources', system), 403);
    });
  });

  describe('GET /v1/departments/{code}/responsibilities', () => {
    const list = (code: string, headers: Headers) => inject('GET', `/v1/departments/${code}/responsibilities`, headers);

    it('shows published entries to everyone and unpublished ones to the department and the platform', async () => {
      const mine = (await list(ownerAdmin.departmentCode, ownerOperator.headers)).json().items.map((i: { code: string }) => i.code);
      expect(mine).toEqual(expect.arrayContaining([draft.code, published.code]));
      const theirs = await list(ownerAdmin.departmentCode, otherOperator.headers);
      expect(theirs.statusCode).toBe(200);
      const codes = theirs.json().items.map((i: { code: string }) => i.code);
      expect(codes).toContain(published.code);
      expect(codes).not.toContain(draft.code);
      expect((await list(ownerAdmin.departmentCode, auditor.headers)).json().items.map((i: { code: string }) => i.code)).toContain(draft.code);
      await expectStatus(list(ownerAdmin.departmentCode, {}), 401);
      await expectStatus(list(ownerAdmin.departmentCode, system), 403);
      await expectStatus(list('91350100M000100Y43', admin), 404);
    });
  });

  describe('GET /v1/catalog/export', () => {
    it('gives DCAT to anyone, CSV to signed-in users only', async () => {
      await expectStatus(inject('GET', '/v1/catalog/export?format=dcat'), 200);
      await expectStatus(inject('GET', '/v1/catalog/export?format=csv'), 401, 'UNAUTHENTICATED');
      await expectStatus(inject('GET', '/v1/catalog/export?format=csv', { authorization: 'Bearer not-a-token' }), 401, 'INVALID_CREDENTIALS');
      await expectStatus(inject('GET', '/v1/catalog/export?format=csv', system), 403, 'FORBIDDEN');
      for (const h of [otherOperator.headers, auditor.headers, admin]) await expectStatus(inject('GET', '/v1/catalog/export?format=csv', h), 200);
      await expectStatus(inject('GET', '/v1/catalog/export?format=xml'), 400);
    });

    it('never exports drafts or unpublished revisions', async () => {
      const csv = (await inject('GET', '/v1/catalog/export?format=csv', admin)).body;
      expect(csv).not.toContain(draft.code);
      expect(csv).toContain(published.code);
      expect(csv).not.toContain('修订中');
      expect(csv).not.toContain('ga.example.gov.cn/internal');
    });
  });
});
