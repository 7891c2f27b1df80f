import { describe, expect, it } from 'vitest';
import { completeProvisioning } from '../../../src/modules/applications/applications-service.js';
import { workflowSettings } from '../../../src/modules/applications/settings.js';
import { manualClock } from '../../helpers/clock.js';
import { republish } from '../../helpers/resource-fixtures.js';
import { actions, call, ok, resourceOf, submit } from '../../helpers/workflow.js';
import { useWorld } from '../../helpers/use-test-app.js';

// The sharing rule (DOMAIN.md §1) applies to the resource as it is published when a decision is
// made, not as it was when the application was submitted: a provider that republishes its
// resource as conditional (2), not shared (3), guarded by control parameters, or without some
// fields, is heard at acceptance and at every later grant. The grant pins the version decided on.

const clock = manualClock('2026-03-02T09:00:00'); // a Monday
type Res = Awaited<ReturnType<typeof call>>;

describe('routing and granting on the resource version in force', () => {
  const w = useWorld({ clock });
  const ctx = w.ctx;

  const detail = async (id: string) => ok(await call(w, 'GET', `/v1/applications/${id}`, w.admin));
  const grantsOf = (id: string) => ctx.db('grants').where('application_id', id);
  const inbox = async () => (await ok(await call(w, 'GET', '/v1/inbox?limit=200', w.provider.admin))).items.map((a: { id: string }) => a.id);

  /** A 4xx that changed nothing: same status, same timeline, no grant. */
  async function expectRefused(res: Res, id: string, status: number, code: string) {
    const before = await detail(id);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
    const after = await detail(id);
    expect(after.status).toBe(before.status);
    expect(after.timeline).toHaveLength(before.timeline.length);
    expect(await grantsOf(id)).toEqual([]);
    return res.json() as { detail: string; errors?: { pointer: string; message: string }[] };
  }

  /** Published as share type 1 with no control parameters (Route A), applied for on version 1. */
  async function appliedOnType1(fields = ['id_number', 'name']) {
    const resource = await resourceOf(w, { shareType: 1 });
    const app = await submit(w, resource.id, clock(), { fields });
    expect(app.resourceVersion).toBe(1);
    return { resource, app };
  }

  describe('at acceptance by the platform', () => {
    it('routes to the provider (Route B) a resource republished as conditional (type 2)', async () => {
      const { resource, app } = await appliedOnType1();
      expect(await republish(ctx, resource.id, { shareType: 2 })).toBe(2);
      const accepted = await ok(await actions.accept(w, app.id));
      expect(accepted).toMatchObject({ status: 'pending_provider', route: 'B', resourceVersion: 2, grantId: null });
      expect(await grantsOf(app.id)).toEqual([]);
      expect(await inbox()).toContain(app.id);
      const event = await ctx.db('events').where({ entity_type: 'application', entity_id: app.id, action: 'application.accept' }).first();
      expect(event).toMatchObject({ entity_version: 2, details: { route: 'B', resourceVersion: 2 } });
      // and the provider's approval grants on that version
      const granted = await ok(await actions.approve(w, app.id));
      expect(await ok(await call(w, 'GET', `/v1/grants/${granted.grantId}`, w.consumer.admin))).toMatchObject({ resourceVersion: 2 });
    });

    it('routes to the provider (Route B) a type 1 resource republished with control parameters', async () => {
      const { resource, app } = await appliedOnType1();
      await republish(ctx, resource.id, { controlParams: ['办件编号'] });
      expect(await ok(await actions.accept(w, app.id))).toMatchObject({ status: 'pending_provider', route: 'B', resourceVersion: 2 });
      expect(await grantsOf(app.id)).toEqual([]);
      expect(await inbox()).toContain(app.id);
    });

    it('refuses with SHARE_TYPE_NOT_SHARED a resource republished as not shared (type 3); the platform can reject it', async () => {
      const { resource, app } = await appliedOnType1();
      await republish(ctx, resource.id, { shareType: 3 });
      const problem = await expectRefused(await actions.accept(w, app.id), app.id, 403, 'SHARE_TYPE_NOT_SHARED');
      expect(problem.detail).toContain(resource.code);
      expect(problem.detail).toContain('version 2');
      expect(problem.detail).toContain('不予共享');
      expect((await detail(app.id)).status).toBe('pending_review');
      expect((await ok(await actions.reject(w, app.id))).status).toBe('rejected');
    });

    it('returns to the applicant, naming them, an application for fields the current version no longer has', async () => {
      const { resource, app } = await appliedOnType1(['id_number', 'name', 'birth_date']);
      await republish(ctx, resource.id, { itemKeys: ['id_number', 'address'] });
      const returned = await ok(await actions.accept(w, app.id));
      expect(returned).toMatchObject({ status: 'returned', route: null, grantId: null, step: 'correction', responsibleDepartment: w.consumer.code });
      expect(await grantsOf(app.id)).toEqual([]);
      const last = returned.timeline.at(-1);
      expect(last).toMatchObject({ action: 'return', fromStatus: 'pending_review', toStatus: 'returned', decision: 'return' });
      expect(last.reason).toContain("'name', 'birth_date'");
      expect(last.reason).not.toContain("'id_number'");
      expect(last.reason).toContain('version 2');
      const event = await ctx.db('events').where({ entity_type: 'application', entity_id: app.id, action: 'application.return' }).first();
      expect(event.details).toMatchObject({ missingFields: ['name', 'birth_date'], resourceVersion: 2 });
      const told = await ctx.db('outbox').where({ application_id: app.id, type: 'application.returned' }).pluck('department_code');
      expect(told).toEqual([w.consumer.code]);
      // The applicant corrects the fields; the resubmission pins version 2 and is then granted on it.
      const fixed = await ok(await call(w, 'POST', `/v1/applications/${app.id}/resubmit`, w.consumer.operator, { fields: ['id_number', 'address'] }));
      expect(fixed).toMatchObject({ status: 'pending_review', resourceVersion: 2 });
      const granted = await ok(await actions.accept(w, app.id));
      expect(granted).toMatchObject({ status: 'granted', route: 'A' });
      expect(await grantsOf(app.id)).toMatchObject([{ resource_version: 2, fields: ['id_number', 'address'] }]);
    });

    it('grants on Route A, pinning the current version, a resource still type 1 with no control parameters', async () => {
      const { resource, app } = await appliedOnType1();
      await republish(ctx, resource.id, { itemKeys: ['id_number', 'name', 'birth_date'] }); // a field not applied for goes
      const granted = await ok(await actions.accept(w, app.id));
      expect(granted).toMatchObject({ status: 'granted', route: 'A', resourceVersion: 2 });
      expect(await grantsOf(app.id)).toMatchObject([{ resource_version: 2, fields: ['id_number', 'name'] }]);
      expect(await ok(await call(w, 'GET', `/v1/grants/${granted.grantId}`, w.consumer.admin))).toMatchObject({ resourceVersion: 2 });
    });

    it('provisions a provider-served Route A grant on the version accepted, not the one submitted', async () => {
      const resource = await resourceOf(w, { shareType: 1, delivery: { mode: 'provider_api', endpoint: 'https://provider.example.gov.cn/records' } });
      const app = await submit(w, resource.id, clock());
      await republish(ctx, resource.id, { itemKeys: ['id_number', 'name', 'birth_date'] });
      expect(await ok(await actions.accept(w, app.id))).toMatchObject({ status: 'provisioning', route: 'A', resourceVersion: 2 });
      // The acceptance decided on version 2; a revision while the endpoint is awaited does not reopen it.
      await republish(ctx, resource.id, { itemKeys: ['id_number', 'name'] });
      expect(await completeProvisioning({ db: ctx.db, settings: workflowSettings(ctx.config), now: clock(), actor: { kind: 'worker' } }, app.id)).toBe('granted');
      expect(await grantsOf(app.id)).toMatchObject([{ resource_version: 2 }]);
    });
  });

  describe('at a later grant (provider approval, coordination)', () => {
    /** Conditional (type 2), applied for and accepted on version 1: waiting for the provider. */
    async function pendingProvider(fields = ['id_number', 'name']) {
      const resource = await resourceOf(w, { shareType: 2 });
      const app = await submit(w, resource.id, clock(), { fields });
      expect((await ok(await actions.accept(w, app.id))).status).toBe('pending_provider');
      return { resource, app };
    }
    async function inCoordination(fields = ['id_number', 'name']) {
      const made = await pendingProvider(fields);
      await ok(await actions.deny(w, made.app.id));
      expect((await ok(await actions.coordination(w, made.app.id))).status).toBe('in_coordination');
      return made;
    }
    const approveWith = (id: string, body: Record<string, unknown>) =>
      call(w, 'POST', `/v1/applications/${id}/decision`, w.provider.admin, { decision: 'approve', ...body });
    const coordinateWith = (id: string, body: Record<string, unknown>) =>
      call(w, 'POST', `/v1/applications/${id}/coordination/decision`, w.admin, { decision: 'grant', reason: '经协调同意', ...body });

    it('pins the version in force at the approval', async () => {
      const { resource, app } = await pendingProvider();
      await republish(ctx, resource.id, { controlParams: ['办件编号'] });
      const granted = await ok(await actions.approve(w, app.id));
      expect(granted).toMatchObject({ status: 'granted', resourceVersion: 2 });
      expect(await grantsOf(app.id)).toMatchObject([{ resource_version: 2 }]);
      const event = await ctx.db('events').where({ entity_type: 'application', entity_id: app.id, action: 'application.approve' }).first();
      expect(event).toMatchObject({ entity_version: 2, details: { resourceVersion: 2 } });
    });

    it('refuses an approval with SHARE_TYPE_NOT_SHARED once the resource is type 3; the provider can deny', async () => {
      const { resource, app } = await pendingProvider();
      await republish(ctx, resource.id, { shareType: 3 });
      const problem = await expectRefused(await actions.approve(w, app.id), app.id, 403, 'SHARE_TYPE_NOT_SHARED');
      expect(problem.detail).toContain('version 2');
      expect(problem.detail).toContain('deny');
      expect((await ok(await actions.deny(w, app.id))).status).toBe('denied');
    });

    it('refuses with FIELDS_NOT_PUBLISHED an approval of fields the version no longer has; a narrowed one is granted', async () => {
      const { resource, app } = await pendingProvider(['id_number', 'name', 'address']);
      await republish(ctx, resource.id, { itemKeys: ['id_number', 'name', 'birth_date'] });
      const problem = await expectRefused(await actions.approve(w, app.id), app.id, 409, 'FIELDS_NOT_PUBLISHED');
      expect(problem.detail).toContain("'address'");
      expect(problem.detail).not.toContain("'name'");
      expect(problem.detail).toContain('version 2');
      // narrowing to a field that is gone is a 400 naming it
      const bad = await expectRefused(await approveWith(app.id, { fields: ['name', 'address'] }), app.id, 400, 'VALIDATION_FAILED');
      expect(bad.errors).toEqual([{ pointer: '/body/fields/1', message: expect.stringContaining("'address' is no longer a data item") }]);
      const granted = await ok(await approveWith(app.id, { fields: ['id_number', 'name'] }));
      expect(granted).toMatchObject({ status: 'granted', resourceVersion: 2, decidedFields: ['id_number', 'name'] });
      expect(await grantsOf(app.id)).toMatchObject([{ resource_version: 2, fields: ['id_number', 'name'] }]);
    });

    it('refuses a coordination grant with SHARE_TYPE_NOT_SHARED once the resource is type 3; the platform can deny', async () => {
      const { resource, app } = await inCoordination();
      await republish(ctx, resource.id, { shareType: 3 });
      const problem = await expectRefused(await coordinateWith(app.id, {}), app.id, 403, 'SHARE_TYPE_NOT_SHARED');
      expect(problem.detail).toContain('version 2');
      expect((await ok(await actions.coordinationDeny(w, app.id))).status).toBe('denied');
    });

    it('refuses a coordination grant of fields the version no longer has; a narrowed one pins the current version', async () => {
      const { resource, app } = await inCoordination(['id_number', 'name', 'address']);
      await republish(ctx, resource.id, { itemKeys: ['id_number', 'name'] });
      const problem = await expectRefused(await coordinateWith(app.id, {}), app.id, 409, 'FIELDS_NOT_PUBLISHED');
      expect(problem.detail).toContain("'address'");
      await expectRefused(await coordinateWith(app.id, { fields: ['address'] }), app.id, 400, 'VALIDATION_FAILED');
      const granted = await ok(await coordinateWith(app.id, { fields: ['id_number'] }));
      expect(granted).toMatchObject({ status: 'granted', resourceVersion: 2 });
      expect(await grantsOf(app.id)).toMatchObject([{ resource_version: 2, fields: ['id_number'] }]);
    });
  });
});
