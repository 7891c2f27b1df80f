import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { addDays, endOfDay, shanghaiDay } from '../../src/lib/working-days.js';
import { adminToken, bearer, makeDepartment, makeSystem, makeUser } from './fixtures.js';
import { makeResource, type ResourceOptions } from './resource-fixtures.js';
import type { TestContext } from './test-app.js';

type Headers = Record<string, string>;

/** Two departments and the platform: a consumer applying for a provider's resources. */
export interface World {
  ctx: TestContext;
  admin: Headers;
  auditor: Headers;
  consumer: { code: string; admin: Headers; operator: Headers; webhookSecret: string };
  provider: { code: string; admin: Headers; operator: Headers; webhookSecret: string };
  outsider: { code: string; admin: Headers; operator: Headers };
}

export async function makeWorld(ctx: TestContext, opts: { providerWebhookUrl?: string; consumerWebhookUrl?: string } = {}): Promise<World> {
  const consumerDept = await makeDepartment(ctx, { webhookUrl: opts.consumerWebhookUrl });
  const providerDept = await makeDepartment(ctx, { webhookUrl: opts.providerWebhookUrl });
  const outsiderDept = await makeDepartment(ctx);
  const user = async (role: 'dept_admin' | 'dept_operator', code: string) => (await makeUser(ctx, role, code)).headers;
  return {
    ctx,
    admin: bearer(await adminToken(ctx)),
    auditor: (await makeUser(ctx, 'auditor')).headers,
    consumer: {
      code: consumerDept.code,
      admin: await user('dept_admin', consumerDept.code),
      operator: await user('dept_operator', consumerDept.code),
      webhookSecret: consumerDept.webhookSecret,
    },
    provider: {
      code: providerDept.code,
      admin: await user('dept_admin', providerDept.code),
      operator: await user('dept_operator', providerDept.code),
      webhookSecret: providerDept.webhookSecret,
    },
    outsider: { code: outsiderDept.code, admin: await user('dept_admin', outsiderDept.code), operator: await user('dept_operator', outsiderDept.code) },
  };
}

export const resourceOf = (w: World, opts: Omit<ResourceOptions, 'providerCode'> = {}) => makeResource(w.ctx, { providerCode: w.provider.code, ...opts });

/** A valid application body: from today (Asia/Shanghai, by the clock given) for a year. */
export function applicationBody(resourceId: string, systemId: string, now: Date, overrides: Record<string, unknown> = {}) {
  const today = shanghaiDay(now);
  return {
    resourceId,
    systemId,
    fields: ['id_number', 'name'],
    purpose: '办理户籍迁移业务时核验申请人身份',
    legalBasis: '《中华人民共和国户口登记条例》',
    serviceItemCode: '330100-000-XK-00123',
    validFrom: new Date(`${today}T00:00:00+08:00`).toISOString(),
    validTo: endOfDay(addDays(today, 364)).toISOString(),
    expectedDailyCalls: 500,
    ...overrides,
  };
}

export async function call(w: World, method: InjectOptions['method'], url: string, headers: Headers, payload?: unknown) {
  return w.ctx.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });
}

/** Submits an application for `resourceId` from a fresh consumer system; returns its JSON. */
export async function submit(w: World, resourceId: string, now: Date, overrides: Record<string, unknown> = {}) {
  const system = await makeSystem(w.ctx, w.consumer.code);
  const res = await call(w, 'POST', '/v1/applications', w.consumer.operator, applicationBody(resourceId, system.id, now, overrides));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; status: string; dueAt: string; [k: string]: unknown };
}

export const actions = {
  accept: (w: World, id: string) => call(w, 'POST', `/v1/applications/${id}/review`, w.admin, { decision: 'accept' }),
  reject: (w: World, id: string) => call(w, 'POST', `/v1/applications/${id}/review`, w.admin, { decision: 'reject', reason: '用途与事项不符' }),
  return: (w: World, id: string) => call(w, 'POST', `/v1/applications/${id}/review`, w.admin, { decision: 'return', reason: '请补充法律依据' }),
  resubmit: (w: World, id: string) => call(w, 'POST', `/v1/applications/${id}/resubmit`, w.consumer.operator, { legalBasis: '《户口登记条例》第十条' }),
  approve: (w: World, id: string) => call(w, 'POST', `/v1/applications/${id}/decision`, w.provider.admin, { decision: 'approve' }),
  deny: (w: World, id: string) => call(w, 'POST', `/v1/applications/${id}/decision`, w.provider.admin, { decision: 'deny', reason: '超出共享条件' }),
  coordination: (w: World, id: string) => call(w, 'POST', `/v1/applications/${id}/coordination`, w.consumer.admin, { reason: '履职必需' }),
  coordinationGrant: (w: World, id: string) => call(w, 'POST', `/v1/applications/${id}/coordination/decision`, w.admin, { decision: 'grant', reason: '经协调同意' }),
  coordinationDeny: (w: World, id: string) => call(w, 'POST', `/v1/applications/${id}/coordination/decision`, w.admin, { decision: 'deny', reason: '经协调不予共享' }),
  withdraw: (w: World, id: string) => call(w, 'POST', `/v1/applications/${id}/withdraw`, w.consumer.operator, { reason: '业务调整' }),
} as const;

export type ActionName = keyof typeof actions;

export async function ok(res: Awaited<ReturnType<typeof call>>, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
