import { describe, expect, it } from 'vitest';
import { startOfDay } from '../../../src/lib/working-days.js';
import { sweepGrants } from '../../../src/modules/grants/grants-service.js';
import { schedulerContext } from '../../../src/modules/context.js';
import { manualClock } from '../../helpers/clock.js';
import { actions, call, ok, resourceOf, submit } from '../../helpers/workflow.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';

const clock = manualClock('2026-03-02T09:00:00');

describe('grants', () => {
  const w = useWorld({ clock });
  const ctx = w.ctx;
  const hosted = useFixture(() => resourceOf(w, { shareType: 1 }));

  async function grantUntil(validTo: string) {
    clock.set('2026-03-02T09:00:00');
    const a = await submit(w, hosted.id, clock(), { validTo });
    const app = await ok(await actions.accept(w, a.id));
    return ok(await call(w, 'GET', `/v1/grants/${app.grantId}`, w.consumer.admin));
  }

  it('carries fields, version, purpose, service item, validity and quota from the application', async () => {
    const grant = await grantUntil('2026-10-31T00:00:00+08:00');
    expect(grant).toMatchObject({
      status: 'active', fields: ['id_number', 'name'], resourceId: hosted.id, resourceVersion: 1, purpose: '办理户籍迁移业务时核验申请人身份',
      serviceItemCode: '330100-000-XK-00123', dailyQuota: 500, consumerCode: w.consumer.code, providerCode: w.provider.code,
      validTo: new Date('2026-10-31T00:00:00+08:00').toISOString(), revokedAt: null, expiredAt: null,
    });
    // runs out with Friday 10-30: ten working days before is Friday 10-16 (National Day is over by then)
    expect(grant.expiryNoticeAt).toBe(startOfDay('2026-10-16').toISOString());
  });

  it('counts the notice in working days across the National Day holiday', async () => {
    const grant = await grantUntil('2026-10-13T23:59:59.999+08:00');
    // ten working days before Tue 10-13: 10-12, 10-10 (make-up Saturday), 10-09, 10-08, (10-01…07 off)
    // 09-30, 09-29, 09-28, (09-25…27 off) 09-24, 09-23, 09-22
    expect(grant.expiryNoticeAt).toBe(startOfDay('2026-09-22').toISOString());
  });

  it('tells the consumer ten working days before expiry, once, and expires the grant at its end', async () => {
    const grant = await grantUntil('2026-06-30T23:59:59.999+08:00');
    expect(grant.expiryNoticeAt).toBe(startOfDay('2026-06-15').toISOString());
    const notices = () => ctx.db('outbox').where({ grant_id: grant.id, type: 'grant.expiring' }).count({ n: '*' }).first().then((r) => Number(r?.n));

    clock.set('2026-06-14T23:59:59');
    expect((await sweepGrants(schedulerContext(ctx.db, clock()))).noticed).not.toContain(grant.id);
    clock.set('2026-06-15T00:00:00');
    expect((await sweepGrants(schedulerContext(ctx.db, clock()))).noticed).toContain(grant.id);
    clock.set('2026-06-20T00:00:00');
    expect((await sweepGrants(schedulerContext(ctx.db, clock()))).noticed).not.toContain(grant.id);
    expect(await notices()).toBe(1);
    const note = await ctx.db('outbox').where({ grant_id: grant.id, type: 'grant.expiring' }).first();
    expect(note).toMatchObject({ department_code: w.consumer.code, data: { grantId: grant.id, applicationId: grant.applicationId, validTo: grant.validTo } });

    clock.set('2026-06-30T23:59:59.998');
    expect((await sweepGrants(schedulerContext(ctx.db, clock()))).expired).not.toContain(grant.id);
    clock.set('2026-06-30T23:59:59.999');
    expect((await sweepGrants(schedulerContext(ctx.db, clock()))).expired).toContain(grant.id);
    expect(await ok(await call(w, 'GET', `/v1/grants/${grant.id}`, w.consumer.admin))).toMatchObject({ status: 'expired', expiredAt: clock().toISOString() });
    expect((await sweepGrants(schedulerContext(ctx.db, clock()))).expired).not.toContain(grant.id);
    expect(await ctx.db('events').where({ entity_type: 'grant', entity_id: grant.id }).orderBy('id').pluck('action'))
      .toEqual(['grant.issue', 'grant.expiry_notice', 'grant.expire']);
    expect(await ctx.db('outbox').where({ grant_id: grant.id, type: 'grant.expired', department_code: w.consumer.code }).first()).toBeTruthy();
  });

  it('is revoked by the provider with a reason, once; the consumer is told', async () => {
    const grant = await grantUntil('2026-12-31T00:00:00+08:00');
    const noReason = await call(w, 'POST', `/v1/grants/${grant.id}/revoke`, w.provider.admin, {});
    expect(noReason.statusCode).toBe(400);
    const revoked = await ok(await call(w, 'POST', `/v1/grants/${grant.id}/revoke`, w.provider.admin, { reason: '发现超范围使用' }));
    expect(revoked).toMatchObject({ status: 'revoked', revokeReason: '发现超范围使用', revokedAt: clock().toISOString() });
    const again = await call(w, 'POST', `/v1/grants/${grant.id}/revoke`, w.admin, { reason: 'x' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'ILLEGAL_STATE', currentState: 'revoked' });
    expect(await ctx.db('outbox').where({ grant_id: grant.id, type: 'grant.revoked' }).pluck('department_code')).toEqual([w.consumer.code]);
    const event = await ctx.db('events').where({ entity_type: 'grant', entity_id: grant.id, action: 'grant.revoke' }).first();
    expect(event).toMatchObject({ reason: '发现超范围使用', actor_department: w.provider.code });
    // the application's timeline shows that its grant ended, by whom and why
    const app = await ok(await call(w, 'GET', `/v1/applications/${grant.applicationId}`, w.consumer.admin));
    expect(app.status).toBe('granted');
    expect(app.timeline.at(-1)).toMatchObject({
      action: 'grant_revoked', decision: 'revoke', reason: '发现超范围使用', fromStatus: null, toStatus: null, at: clock().toISOString(),
      actor: { kind: 'user', departmentCode: w.provider.code },
    });
    // a revoked grant does not expire later
    clock.set('2027-01-01T00:00:00');
    expect((await sweepGrants(schedulerContext(ctx.db, clock()))).expired).not.toContain(grant.id);
  });

  it('is revoked by the platform, and both departments are told; an expired grant cannot be revoked', async () => {
    const grant = await grantUntil('2026-12-31T00:00:00+08:00');
    await ok(await call(w, 'POST', `/v1/grants/${grant.id}/revoke`, w.admin, { reason: '平台核查撤销' }));
    expect((await ctx.db('outbox').where({ grant_id: grant.id, type: 'grant.revoked' }).pluck('department_code')).sort())
      .toEqual([w.consumer.code, w.provider.code].sort());
    const short = await grantUntil('2026-04-30T00:00:00+08:00');
    clock.set('2026-05-01T00:00:00');
    await sweepGrants(schedulerContext(ctx.db, clock()));
    const res = await call(w, 'POST', `/v1/grants/${short.id}/revoke`, w.admin, { reason: 'x' });
    expect(res.statusCode).toBe(409);
    expect(res.json().currentState).toBe('expired');
  });

  it('filters the list by status', async () => {
    const res = await ok(await call(w, 'GET', '/v1/grants?status=revoked&limit=200', w.admin));
    expect(res.items.length).toBeGreaterThanOrEqual(2);
    expect(res.items.every((g: { status: string }) => g.status === 'revoked')).toBe(true);
    expect((await call(w, 'GET', '/v1/grants/00000000-0000-4000-8000-000000000000', w.admin)).statusCode).toBe(404);
  });
});
