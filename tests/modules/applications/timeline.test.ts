import { describe, expect, it } from 'vitest';
import { endOfDay } from '../../../src/lib/working-days.js';
import { manualClock } from '../../helpers/clock.js';
import { actions, call, ok, resourceOf, submit } from '../../helpers/workflow.js';
import { useWorld } from '../../helpers/use-test-app.js';

// 全程留痕、过往可溯、进度可查: every step with actor, time, decision, reason, deadline and whether
// it was met; every transition's audit event and outbox messages in the same transaction.

const clock = manualClock('2026-03-02T09:00:00'); // Monday

describe('traceability and notifications', () => {
  const w = useWorld({ clock, consumerWebhookUrl: 'http://127.0.0.1:1/consumer', providerWebhookUrl: 'http://127.0.0.1:1/provider' });
  const ctx = w.ctx;

  it('records a Route B application step by step, with deadlines met and missed', async () => {
    const resource = await resourceOf(w, { shareType: 2 });
    const a = await submit(w, resource.id, clock());
    const reviewDue = endOfDay('2026-03-05').toISOString(); // Mon → Tue, Wed, Thu

    clock.set('2026-03-04T16:30:00'); // reviewed in time
    await ok(await actions.accept(w, a.id));
    const providerDue = endOfDay('2026-03-18').toISOString(); // 10 working days after Wednesday 03-04

    clock.set('2026-03-19T10:00:00'); // the provider decides a day late
    await ok(await call(w, 'POST', `/v1/applications/${a.id}/decision`, w.provider.admin, {
      decision: 'approve', reason: '同意，限定字段', fields: ['name'], conditions: '仅用于户籍迁移', validTo: '2026-12-31T00:00:00+08:00',
    }));
    clock.set('2026-03-02T09:00:00');

    const app = await ok(await call(w, 'GET', `/v1/applications/${a.id}`, w.consumer.operator));
    expect(app).toMatchObject({
      status: 'granted', route: 'B', fields: ['id_number', 'name'], decidedFields: ['name'], conditions: '仅用于户籍迁移',
      decidedValidTo: new Date('2026-12-31T00:00:00+08:00').toISOString(), dueAt: null, sla: null, step: null,
    });
    const actor = (dept: string | null, kind = 'user') => expect.objectContaining({ kind, departmentCode: dept });
    expect(app.timeline).toEqual([
      expect.objectContaining({ action: 'submit', toStatus: 'pending_review', actor: actor(w.consumer.code), at: new Date('2026-03-02T09:00:00+08:00').toISOString(), nextDueAt: reviewDue }),
      expect.objectContaining({
        action: 'accept', fromStatus: 'pending_review', toStatus: 'pending_provider', decision: 'accept', actor: actor(ctx.config.PLATFORM_DEPARTMENT_CODE),
        step: 'review', dueAt: reviewDue, deadlineMet: true, nextDueAt: providerDue, at: new Date('2026-03-04T16:30:00+08:00').toISOString(),
      }),
      expect.objectContaining({
        action: 'approve', fromStatus: 'pending_provider', toStatus: 'granted', decision: 'approve', reason: '同意，限定字段',
        actor: actor(w.provider.code), step: 'provider_decision', dueAt: providerDue, deadlineMet: false, nextDueAt: null,
      }),
    ]);

    const grant = await ok(await call(w, 'GET', `/v1/grants/${app.grantId}`, w.consumer.operator));
    expect(grant).toMatchObject({
      applicationId: a.id, status: 'active', fields: ['name'], resourceVersion: 1, conditions: '仅用于户籍迁移',
      serviceItemCode: '330100-000-XK-00123', dailyQuota: 500, validTo: new Date('2026-12-31T00:00:00+08:00').toISOString(),
    });

    const events = await ctx.db('events').where({ entity_type: 'application', entity_id: a.id }).orderBy('id').pluck('action');
    expect(events).toEqual(['application.submit', 'application.accept', 'application.approve']);
    expect(await ctx.db('events').where({ entity_type: 'grant', entity_id: app.grantId }).pluck('action')).toEqual(['grant.issue']);
  });

  it('notifies the applicant of every decision and pushes Route B to the provider, ids only', async () => {
    const resource = await resourceOf(w, { shareType: 2 });
    const a = await submit(w, resource.id, clock());
    await ok(await actions.accept(w, a.id));
    await ok(await actions.deny(w, a.id));
    await ok(await actions.coordination(w, a.id));
    await ok(await actions.coordinationGrant(w, a.id));
    const rows = await ctx.db('outbox').where({ application_id: a.id }).orderBy('created_at').orderBy('type').select('type', 'department_code', 'data', 'status');
    const party = (code: string) => (code === w.consumer.code ? 'consumer' : code === w.provider.code ? 'provider' : code === ctx.config.PLATFORM_DEPARTMENT_CODE ? 'platform' : code);
    const sent = rows.map((r) => `${r.type}→${party(r.department_code)}`);
    // the platform is told of a coordination request too: it must decide within its deadline
    expect(sent.sort()).toEqual([
      'application.accepted→consumer', 'application.coordination_decided→provider', 'application.coordination_requested→platform',
      'application.coordination_requested→provider', 'application.denied→consumer', 'application.granted→consumer', 'application.pending_provider→provider',
    ]);
    for (const r of rows) {
      expect(r.status).toBe('pending');
      expect(Object.keys(r.data).sort()).toEqual(expect.arrayContaining(['applicationId', 'resourceId', 'status']));
      // never the purpose, fields, reasons or anything a person wrote
      expect(JSON.stringify(r.data)).not.toMatch(/户籍|超出|协调|id_number/);
    }
    const push = rows.find((r) => r.type === 'application.pending_provider')!;
    expect(push.data).toMatchObject({ applicationId: a.id, status: 'pending_provider', consumerCode: w.consumer.code });

    const notes = await ok(await call(w, 'GET', '/v1/notifications?type=application.pending_provider&limit=200', w.provider.admin));
    expect(notes.items.map((n: { data: { applicationId: string } }) => n.data.applicationId)).toContain(a.id);
  });

  it('tells a provider already asked when the application is withdrawn', async () => {
    const resource = await resourceOf(w, { shareType: 2 });
    const a = await submit(w, resource.id, clock());
    await ok(await actions.withdraw(w, a.id));
    expect(await ctx.db('outbox').where({ application_id: a.id }).count({ n: '*' }).first()).toEqual({ n: 0 });
    const b = await submit(w, resource.id, clock());
    await ok(await actions.accept(w, b.id));
    const res = await ok(await actions.withdraw(w, b.id));
    expect(res.timeline.at(-1)).toMatchObject({ action: 'withdraw', reason: '业务调整', step: 'provider_decision', deadlineMet: true });
    expect(await ctx.db('outbox').where({ application_id: b.id, type: 'application.withdrawn', department_code: w.provider.code }).first()).toBeTruthy();
  });

  it('refuses a narrowing that widens: fields not applied for, a longer validity', async () => {
    const resource = await resourceOf(w, { shareType: 2 });
    const a = await submit(w, resource.id, clock());
    await ok(await actions.accept(w, a.id));
    const wider = await call(w, 'POST', `/v1/applications/${a.id}/decision`, w.provider.admin, { decision: 'approve', fields: ['name', 'address'] });
    expect(wider.statusCode).toBe(400);
    expect(wider.json().errors).toEqual([{ pointer: '/body/fields/1', message: "'address' was not applied for; a decision may only narrow the fields" }]);
    const longer = await call(w, 'POST', `/v1/applications/${a.id}/decision`, w.provider.admin, { decision: 'approve', validTo: '2031-01-01T00:00:00Z' });
    expect(longer.statusCode).toBe(400);
    expect(longer.json().errors[0].pointer).toBe('/body/validTo');
    const past = await call(w, 'POST', `/v1/applications/${a.id}/decision`, w.provider.admin, { decision: 'approve', validTo: '2026-03-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect((await ok(await call(w, 'GET', `/v1/applications/${a.id}`, w.admin))).status).toBe('pending_provider');
  });

  it('lets the platform narrow when it grants after coordination', async () => {
    const resource = await resourceOf(w, { shareType: 2 });
    const a = await submit(w, resource.id, clock());
    await ok(await actions.accept(w, a.id));
    await ok(await actions.deny(w, a.id));
    await ok(await actions.coordination(w, a.id));
    const res = await ok(await call(w, 'POST', `/v1/applications/${a.id}/coordination/decision`, w.admin, { decision: 'grant', fields: ['id_number'], reason: '协调一致' }));
    expect(res).toMatchObject({ status: 'granted', decidedFields: ['id_number'] });
    expect(res.timeline.at(-1)).toMatchObject({ action: 'coordination_grant', decision: 'grant', step: 'coordination', deadlineMet: true });
    expect((await ok(await call(w, 'GET', `/v1/grants/${res.grantId}`, w.admin))).fields).toEqual(['id_number']);
  });
});
