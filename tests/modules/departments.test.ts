import { describe, expect, it } from 'vitest';
import { adminHeaders, makeUser, randomAgencyCode } from '../helpers/fixtures.js';
import { useFixture, useTestApp } from '../helpers/use-test-app.js';

describe('departments', () => {
  const ctx = useTestApp();
  const admin: Record<string, string> = useFixture(() => adminHeaders(ctx));

  const create = (payload: object, headers = admin) => ctx.app.inject({ method: 'POST', url: '/v1/departments', headers, payload });

  it('registers a department with a valid 统一社会信用代码 and returns the webhook secret once', async () => {
    const res = await create({ code: '91350100M000100Y43', name: '福州市数据管理局', level: 'city', webhookUrl: 'https://dept.example.gov.cn/hook' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ code: '91350100M000100Y43', level: 'city', hasWebhook: true, webhookUrl: 'https://dept.example.gov.cn/hook' });
    expect(body.webhookSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const got = await ctx.app.inject({ method: 'GET', url: '/v1/departments/91350100M000100Y43', headers: admin });
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty('webhookSecret');
    // Stored sealed, never in clear.
    const row = await ctx.db('departments').where({ code: '91350100M000100Y43' }).first();
    expect(row.webhook_secret_sealed).not.toContain(body.webhookSecret);
  });

  it('refuses a wrong checksum with 400 INVALID_IDENTIFIER naming the expected check character', async () => {
    const res = await create({ code: '91350203M0001QAY9B', name: 'x', level: 'city' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_IDENTIFIER', errors: [{ pointer: '/body/code', message: 'check character should be 9' }] });
    expect(await ctx.db('departments').where({ code: '91350203M0001QAY9B' }).first()).toBeUndefined();
  });

  it('refuses characters outside the GB 32100 set', async () => {
    const res = await create({ code: '9135010OM000100Y43', name: 'x', level: 'city' });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/character 'O' is not allowed/);
  });

  it('refuses a duplicate code with 409 naming it', async () => {
    const code = randomAgencyCode();
    expect((await create({ code, name: 'a', level: 'district' })).statusCode).toBe(201);
    const res = await create({ code, name: 'b', level: 'district' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(res.json().detail).toContain(code);
  });

  it('refuses an unknown parent with 400 naming parentCode', async () => {
    const res = await create({ code: randomAgencyCode(), name: 'x', level: 'district', parentCode: randomAgencyCode() });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ pointer: '/body/parentCode', message: 'names no registered department' }]);
  });

  it('shows a webhook URL only to the platform and the department itself', async () => {
    const code = randomAgencyCode();
    await create({ code, name: '有钩子的局', level: 'city', webhookUrl: 'https://a.example/hook' });
    const own = await makeUser(ctx, 'dept_admin', code);
    const other = await makeUser(ctx, 'dept_operator');
    const asOwn = await ctx.app.inject({ method: 'GET', url: `/v1/departments/${code}`, headers: own.headers });
    const asOther = await ctx.app.inject({ method: 'GET', url: `/v1/departments/${code}`, headers: other.headers });
    expect(asOwn.json().webhookUrl).toBe('https://a.example/hook');
    expect(asOther.json()).not.toHaveProperty('webhookUrl');
    expect(asOther.json().hasWebhook).toBe(true);
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/departments?limit=200', headers: other.headers });
    expect(list.json().items.find((d: { code: string }) => d.code === code)).not.toHaveProperty('webhookUrl');
  });

  it('lets a department admin change its own webhook and rotate the secret, not another department', async () => {
    const own = await makeUser(ctx, 'dept_admin');
    const other = await makeUser(ctx, 'dept_admin');
    const res = await ctx.app.inject({
      method: 'PATCH', url: `/v1/departments/${own.departmentCode}`, headers: own.headers,
      payload: { webhookUrl: 'https://own.example/hook', rotateWebhookSecret: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().webhookSecret).toBeTruthy();
    const denied = await ctx.app.inject({ method: 'PATCH', url: `/v1/departments/${own.departmentCode}`, headers: other.headers, payload: { webhookUrl: 'https://evil.example/' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('OTHER_DEPARTMENT');
    expect((await ctx.db('departments').where({ code: own.departmentCode }).first()).webhook_url).toBe('https://own.example/hook');
  });

  it('refuses a webhook URL carrying credentials, naming /body/webhookUrl, on create and update', async () => {
    for (const webhookUrl of ['https://user:pw@dept.example/hook', 'https://token@dept.example/hook', 'http://:pw@10.1.2.3/']) {
      const code = randomAgencyCode();
      const created = await create({ code, name: 'x', level: 'city', webhookUrl });
      expect(created.statusCode, created.body).toBe(400);
      expect(created.json().errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/webhookUrl');
      expect(await ctx.db('departments').where({ code }).first()).toBeUndefined();
    }
    const own = await makeUser(ctx, 'dept_admin');
    const res = await ctx.app.inject({
      method: 'PATCH', url: `/v1/departments/${own.departmentCode}`, headers: own.headers, payload: { webhookUrl: 'https://user:pw@own.example/hook' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/webhookUrl');
    // an @ later in the URL is no credential
    expect((await create({ code: randomAgencyCode(), name: 'x', level: 'city', webhookUrl: 'https://dept.example/hooks/@sharehub?to=a@b' })).statusCode).toBe(201);
  });

  it('answers 404 for an unknown department', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/departments/${randomAgencyCode()}`, headers: admin });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });

  it('records the registration in the event trail', async () => {
    const code = randomAgencyCode();
    await create({ code, name: '留痕局', level: 'city' });
    const events = await ctx.db('events').where({ entity_type: 'department', entity_id: code });
    expect(events.map((e) => e.action)).toEqual(['department.created']);
  });
});
