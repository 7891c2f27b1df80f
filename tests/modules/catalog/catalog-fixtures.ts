import { expect } from 'vitest';
import type { TestContext } from '../../helpers/test-app.js';

let sequence = 0;

/** A fresh resource code under the classification `category` (each test file has its own database). */
export const nextCode = (category = '101001') => `${category}/${String(++sequence).padStart(5, '0')}`;

/** A valid create body: a hosted, unconditional person resource; override any field. */
export function resourceBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: nextCode(),
    name: '婚姻登记信息',
    summary: '全省婚姻登记机关办理的结婚、离婚登记记录',
    format: 'database',
    formatSubtype: 'PostgreSQL',
    dataItems: [
      { key: 'idNumber', name: '公民身份号码', type: 'C', length: 18, sensitivity: 'highly_sensitive', mask: 'first:6,last:4' },
      { key: 'fullName', name: '姓名', type: 'C', length: 50, sensitivity: 'sensitive', mask: 'first:1' },
      { key: 'maritalStatus', name: '婚姻状况', type: 'C', length: 10, sensitivity: 'sensitive', mask: 'none' },
      { key: 'registeredOn', name: '登记日期', type: 'D', length: 8, sensitivity: 'internal', mask: 'none' },
    ],
    shareType: 1,
    shareMethod: 'interface',
    updateCycle: 'daily',
    subjectType: 'person',
    subjectKey: 'idNumber',
    delivery: { mode: 'hosted' },
    contact: { name: '王科长', phone: '0571-87001234', email: 'data@mz.example.gov.cn' },
    ...overrides,
  };
}

type Headers = Record<string, string>;

export async function createDraft(ctx: TestContext, headers: Headers, overrides: Record<string, unknown> = {}) {
  const res = await ctx.app.inject({ method: 'POST', url: '/v1/resources', headers, payload: resourceBody(overrides) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; code: string; [k: string]: unknown };
}

export async function act(ctx: TestContext, headers: Headers, id: string, action: 'submit' | 'review' | 'deprecate', payload?: object) {
  return ctx.app.inject({ method: 'POST', url: `/v1/resources/${encodeURIComponent(id)}/${action}`, headers, ...(payload ? { payload } : {}) });
}

/** Drafts, submits and publishes a resource; returns it at version 1. */
export async function publishedResource(ctx: TestContext, owner: Headers, admin: Headers, overrides: Record<string, unknown> = {}) {
  const draft = await createDraft(ctx, owner, overrides);
  expect((await act(ctx, owner, draft.id, 'submit')).statusCode).toBe(200);
  const res = await act(ctx, admin, draft.id, 'review', { decision: 'publish' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { id: string; code: string; [k: string]: unknown };
}

export async function eventsOf(ctx: TestContext, resourceId: string) {
  return ctx.db('events').where({ entity_type: 'resource', entity_id: resourceId }).orderBy('id')
    .select('action', 'actor_kind', 'actor_id', 'actor_department', 'entity_version', 'reason', 'request_id', 'details');
}
