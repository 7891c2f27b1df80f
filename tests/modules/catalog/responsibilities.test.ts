import { describe, expect, it } from 'vitest';
import { adminHeaders, makeDepartment, makeUser } from '../../helpers/fixtures.js';
import { act, createDraft, nextCode, publishedResource } from './catalog-fixtures.js';
import { useFixture, useTestApp } from '../../helpers/use-test-app.js';

describe('GET /v1/departments/{code}/responsibilities (共享责任清单)', () => {
  const ctx = useTestApp();
  const admin: Record<string, string> = useFixture(() => adminHeaders(ctx));
  const owner = useFixture(async () => makeUser(ctx, 'dept_admin', (await makeDepartment(ctx, { name: '省住房公积金管理中心' })).code));
  const reader = useFixture(() => makeUser(ctx, 'dept_operator'));

  const list = (code: string, headers: Record<string, string>) =>
    ctx.app.inject({ method: 'GET', url: `/v1/departments/${code}/responsibilities`, headers });

  it('lists what the department provides, its update cycle, last update and responsible contact', async () => {
    const deposit = await publishedResource(ctx, owner.headers, admin, {
      code: nextCode('203003'), name: '住房公积金缴存信息', updateCycle: 'monthly', contact: { name: '孙丽', phone: '0571-85068888' },
    });
    const loans = await publishedResource(ctx, owner.headers, admin, {
      code: nextCode('203003'), name: '住房公积金贷款信息', updateCycle: 'daily', contact: { name: '钱伟', email: 'dk@gjj.example.gov.cn' },
    });
    await act(ctx, owner.headers, loans.id, 'deprecate', { reason: '合并' });
    const res = await list(owner.departmentCode, reader.headers);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.department).toEqual({ code: owner.departmentCode, name: '省住房公积金管理中心' });
    expect(body.total).toBe(2);
    expect(body.items).toEqual([
      {
        id: deposit.id, code: deposit.code, name: '住房公积金缴存信息', status: 'published', version: 1, shareType: 1, shareMethod: 'interface',
        updateCycle: 'monthly', lastUpdatedAt: deposit.publishedAt, contact: { name: '孙丽', phone: '0571-85068888' },
      },
      expect.objectContaining({ id: loans.id, status: 'deprecated', updateCycle: 'daily', contact: { name: '钱伟', email: 'dk@gjj.example.gov.cn' } }),
    ]);
  });

  it('shows the published terms while a revision is drafted, and moves on when it is published', async () => {
    const r = await publishedResource(ctx, owner.headers, admin, { code: nextCode('203003'), name: '公积金提取信息', updateCycle: 'weekly' });
    await ctx.app.inject({ method: 'PATCH', url: `/v1/resources/${r.id}`, headers: owner.headers, payload: { updateCycle: 'realtime' } });
    const entry = async () => (await list(owner.departmentCode, reader.headers)).json().items.find((i: { id: string }) => i.id === r.id);
    expect(await entry()).toMatchObject({ version: 1, updateCycle: 'weekly', lastUpdatedAt: r.publishedAt });
    await act(ctx, owner.headers, r.id, 'submit');
    const published = (await act(ctx, admin, r.id, 'review', { decision: 'publish' })).json();
    expect(await entry()).toMatchObject({ version: 2, updateCycle: 'realtime', lastUpdatedAt: published.publishedAt });
  });

  it('gives the department its drafts too, dated by their last edit', async () => {
    const draft = await createDraft(ctx, owner.headers, { code: nextCode('203003'), name: '公积金缴存补充信息' });
    const mine = (await list(owner.departmentCode, owner.headers)).json().items.find((i: { id: string }) => i.id === draft.id);
    expect(mine).toMatchObject({ status: 'draft', lastUpdatedAt: draft.updatedAt });
    expect((await list(owner.departmentCode, reader.headers)).json().items.map((i: { id: string }) => i.id)).not.toContain(draft.id);
  });

  it('is an empty list for a department that provides nothing, and 404 for an unknown one', async () => {
    const res = await list(reader.departmentCode, reader.headers);
    expect(res.json()).toMatchObject({ items: [], total: 0 });
    expect((await list('91350100M000100Y43', reader.headers)).statusCode).toBe(404);
  });
});
