import { describe, expect, it } from 'vitest';
import { makeUser } from '../../helpers/fixtures.js';
import { createDraft, resourceBody } from './catalog-fixtures.js';
import { useFixture, useTestApp } from '../../helpers/use-test-app.js';

describe('resource validation over HTTP', () => {
  const ctx = useTestApp();
  const owner = useFixture(() => makeUser(ctx, 'dept_admin'));

  const post = (payload: object) => ctx.app.inject({ method: 'POST', url: '/v1/resources', headers: owner.headers, payload });
  const count = async () => Number((await ctx.db('resources').count({ n: '*' }).first())!.n);

  async function expect400(res: Awaited<ReturnType<typeof post>>, pointer: string, message?: RegExp) {
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    const problem = body.errors.find((e: { pointer: string }) => e.pointer === pointer);
    expect(problem, `no problem at ${pointer} in ${res.body}`).toBeDefined();
    if (message) expect(problem.message).toMatch(message);
  }

  it('names a badly formed resource code', async () => {
    const before = await count();
    await expect400(await post(resourceBody({ code: '401001-00001' })), '/body/code', /must match pattern/);
    expect(await count()).toBe(before);
  });

  it('names the duplicate data item key', async () => {
    const body = resourceBody();
    const items = body.dataItems as object[];
    await expect400(await post({ ...body, dataItems: [...items.slice(0, 2), { ...items[0]!, name: '证件号码' }] }), '/body/dataItems/2/key', /duplicate key 'idNumber'/);
  });

  it('names the missing legal basis of a conditional resource', async () => {
    await expect400(await post(resourceBody({ shareType: 2, shareConditions: '仅限婚姻登记相关事项' })), '/body/legalBasis', /required for share type 2/);
  });

  it('names the missing legal basis of a resource not shared (type 3)', async () => {
    const before = await count();
    await expect400(await post(resourceBody({ shareType: 3 })), '/body/legalBasis', /required for share type 3 \(不予共享\)/);
    expect(await count()).toBe(before);
  });

  it('names openToPublic on a resource that is not shared (type 3)', async () => {
    await expect400(await post(resourceBody({ shareType: 3, legalBasis: '《条例》', openToPublic: true })), '/body/openToPublic', /share type 3/);
    const closed = await createDraft(ctx, owner.headers, { shareType: 3, legalBasis: '《条例》' });
    const res = await ctx.app.inject({ method: 'PATCH', url: `/v1/resources/${closed.id}`, headers: owner.headers, payload: { openToPublic: true } });
    await expect400(res, '/body/openToPublic');
  });

  it('names an unknown data type', async () => {
    const body = resourceBody();
    const items = body.dataItems as object[];
    await expect400(await post({ ...body, dataItems: [items[0]!, { ...items[1]!, type: 'X' }] }), '/body/dataItems/1/type', /allowed values/);
  });

  it('names a category that does not match the code', async () => {
    await expect400(await post(resourceBody({ code: '101001/00077', categoryCode: '201001' })), '/body/categoryCode', /101001/);
  });

  it('names a provider_api delivery without endpoint, and a non-http endpoint', async () => {
    await expect400(await post(resourceBody({ delivery: { mode: 'provider_api' } })), '/body/delivery/endpoint', /required/);
    await expect400(await post(resourceBody({ delivery: { mode: 'provider_api', endpoint: 'ftp://x.example/data' } })), '/body/delivery/endpoint');
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:8080/admin',
    'http://2130706433/',
    'http://localhost/api',
    'https://LOCALHOST./api',
    'http://db.localhost/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fe80::1]/',
    'http://0.0.0.0:3000/',
    'http://[::]/',
    'https://user:secret@mz.example.gov.cn/api',
    'https://token@mz.example.gov.cn/api',
  ])('names a provider endpoint the hub must not call: %s', async (endpoint) => {
    await expect400(await post(resourceBody({ delivery: { mode: 'provider_api', endpoint } })), '/body/delivery/endpoint', /must not/);
  });

  it('accepts provider endpoints on the intranet and the internet, and checks edits too', async () => {
    for (const endpoint of ['https://mz.example.gov.cn/api/marriage', 'http://10.12.0.5:8443/share', 'https://[2001:db8::5]/api']) {
      const res = await post(resourceBody({ delivery: { mode: 'provider_api', endpoint } }));
      expect(res.statusCode, `${endpoint}: ${res.body}`).toBe(201);
    }
    const draft = await createDraft(ctx, owner.headers);
    const res = await ctx.app.inject({ method: 'PATCH', url: `/v1/resources/${draft.id}`, headers: owner.headers, payload: { delivery: { mode: 'provider_api', endpoint: 'http://169.254.169.254/' } } });
    await expect400(res, '/body/delivery/endpoint');
  });

  it('names a subject key that is not a data item, a bad mask and unknown fields', async () => {
    await expect400(await post(resourceBody({ subjectKey: 'passport' })), '/body/subjectKey', /not the key of a data item/);
    const body = resourceBody();
    const items = body.dataItems as object[];
    await expect400(await post({ ...body, dataItems: [{ ...items[0]!, mask: 'keep-first-6' }] }), '/body/dataItems/0/mask');
    await expect400(await post({ ...body, dataItems: [{ ...items[0]!, colour: 'red' }] }), '/body/dataItems/0/colour', /unknown field/);
    await expect400(await post({ ...body, providerCode: owner.departmentCode }), '/body/providerCode', /unknown field/);
  });

  it('names blank text: whitespace only is not a name, a summary or a data item name', async () => {
    await expect400(await post(resourceBody({ name: '   ' })), '/body/name', /must contain a visible character/);
    await expect400(await post(resourceBody({ summary: ' \n\t\u3000' })), '/body/summary');
    const body = resourceBody();
    const items = body.dataItems as object[];
    await expect400(await post({ ...body, dataItems: [{ ...items[0]!, name: '  ' }] }), '/body/dataItems/0/name');
    await expect400(await post(resourceBody({ shareType: 3, legalBasis: ' ' })), '/body/legalBasis');
    // Surrounding whitespace is fine.
    expect((await post(resourceBody({ name: ' 婚姻登记信息 ' }))).statusCode).toBe(201);
  });

  it('does not coerce types in the body', async () => {
    await expect400(await post(resourceBody({ shareType: '1' })), '/body/shareType');
    await expect400(await post(resourceBody({ openToPublic: 'true' })), '/body/openToPublic');
  });

  it('answers a duplicate code with 409', async () => {
    const first = await createDraft(ctx, owner.headers);
    const res = await post(resourceBody({ code: first.code }));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  describe('PATCH', () => {
    const patch = (id: string, payload: object) => ctx.app.inject({ method: 'PATCH', url: `/v1/resources/${id}`, headers: owner.headers, payload });

    it('validates the merged result and writes nothing when it is invalid', async () => {
      const draft = await createDraft(ctx, owner.headers);
      await expect400(await patch(draft.id, { shareType: 2, shareConditions: '仅限本人授权' }), '/body/legalBasis');
      const row = await ctx.db('resource_versions').where({ resource_id: draft.id, version: 1 }).first();
      expect(row.share_type).toBe(1);
      expect(row.share_conditions).toBeNull();
    });

    it('clears an optional field with null', async () => {
      const draft = await createDraft(ctx, owner.headers, { shareType: 2, shareConditions: '仅限本人授权', legalBasis: '《婚姻登记条例》' });
      await expect400(await patch(draft.id, { legalBasis: null }), '/body/legalBasis');
      const res = await patch(draft.id, { shareType: 1, shareConditions: null, legalBasis: null });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ shareType: 1, shareConditions: null, legalBasis: null });
    });

    it('refuses a blank name or summary', async () => {
      const draft = await createDraft(ctx, owner.headers);
      await expect400(await patch(draft.id, { name: ' ' }), '/body/name');
      await expect400(await patch(draft.id, { summary: '\n' }), '/body/summary');
    });

    it('refuses a change of code, an empty patch and an item list with a duplicate key', async () => {
      const draft = await createDraft(ctx, owner.headers);
      await expect400(await patch(draft.id, { code: '101001/99999' }), '/body/code', /unknown field/);
      expect((await patch(draft.id, {})).statusCode).toBe(400);
      const items = resourceBody().dataItems as object[];
      await expect400(await patch(draft.id, { dataItems: [items[0]!, items[0]!] }), '/body/dataItems/1/key');
    });
  });

  it('answers a malformed resource id with 404, not 500', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/resources/not-a-code', headers: owner.headers });
    expect(res.statusCode).toBe(404);
  });
});
