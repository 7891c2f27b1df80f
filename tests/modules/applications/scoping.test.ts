import { beforeAll, describe, expect, it } from 'vitest';
import { makeSystem } from '../../helpers/fixtures.js';
import { manualClock } from '../../helpers/clock.js';
import { makeResource } from '../../helpers/resource-fixtures.js';
import { actions, applicationBody, call, ok, resourceOf, submit } from '../../helpers/workflow.js';
import { useWorld } from '../../helpers/use-test-app.js';

// Department scoping on every route of the workflow: who may call it at all (401/403 by role),
// and whose data it shows (lists filtered). A department never sees another's applications unless
// it provides the resource: for it they answer 404 like an unknown id. A party that sees an
// application but is not the one to act on it gets 403 OTHER_DEPARTMENT.

const clock = manualClock('2026-03-02T09:00:00');

describe('department scoping of the workflow routes', () => {
  const w = useWorld({ clock });
  const ctx = w.ctx;
  let system: { headers: Record<string, string> };
  let pendingReview: string;
  let pendingProvider: string;
  let denied: string;
  let inCoordination: string;
  let returned: string;
  let granted: string;
  let grantId: string;
  let otherApp: string; // the outsider's own application, to a third provider

  beforeAll(async () => {
    system = await makeSystem(ctx, w.consumer.code);
    const conditional = await resourceOf(w, { shareType: 2 });
    pendingReview = (await submit(w, conditional.id, clock())).id;
    pendingProvider = (await submit(w, conditional.id, clock())).id;
    await ok(await actions.accept(w, pendingProvider));
    denied = (await submit(w, conditional.id, clock())).id;
    await ok(await actions.accept(w, denied));
    await ok(await actions.deny(w, denied));
    inCoordination = (await submit(w, conditional.id, clock())).id;
    await ok(await actions.accept(w, inCoordination));
    await ok(await actions.deny(w, inCoordination));
    await ok(await actions.coordination(w, inCoordination));
    returned = (await submit(w, conditional.id, clock())).id;
    await ok(await actions.return(w, returned));
    granted = (await submit(w, conditional.id, clock())).id;
    await ok(await actions.accept(w, granted));
    grantId = (await ok(await actions.approve(w, granted))).grantId;
    // The outsider applies to the consumer's resource: the provider department sees none of it.
    const consumersResource = await makeResource(ctx, { providerCode: w.consumer.code, shareType: 2 });
    const outsiderSystem = await makeSystem(ctx, w.outsider.code);
    const body = applicationBody(consumersResource.id, outsiderSystem.id, clock());
    otherApp = (await ok(await call(w, 'POST', '/v1/applications', w.outsider.operator, body), 201)).id;
  });

  const noAuth = {} as Record<string, string>;

  it('asks every route for a token (401), except none', async () => {
    const routes: [string, string][] = [
      ['POST', '/v1/applications'], ['GET', '/v1/applications'], ['GET', `/v1/applications/${pendingReview}`],
      ['POST', `/v1/applications/${pendingReview}/review`], ['POST', `/v1/applications/${pendingProvider}/decision`],
      ['POST', `/v1/applications/${pendingReview}/withdraw`], ['POST', `/v1/applications/${returned}/resubmit`],
      ['POST', `/v1/applications/${denied}/coordination`], ['POST', `/v1/applications/${inCoordination}/coordination/decision`],
      ['GET', '/v1/inbox'], ['GET', '/v1/grants'], ['GET', `/v1/grants/${grantId}`], ['POST', `/v1/grants/${grantId}/revoke`],
      ['GET', '/v1/notifications'], ['GET', '/v1/admin/dead-letters'], ['POST', `/v1/admin/dead-letters/${grantId}/redrive`],
    ];
    for (const [method, url] of routes) {
      const res = await call(w, method as 'GET', url, noAuth, method === 'POST' ? {} : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('refuses roles a route does not allow with 403 FORBIDDEN', async () => {
    const cases: [string, string, Record<string, string>[], unknown?][] = [
      ['POST', '/v1/applications', [w.admin, w.auditor, system.headers], {}],
      ['GET', '/v1/applications', [system.headers]],
      ['POST', `/v1/applications/${pendingReview}/review`, [w.auditor, w.consumer.admin, w.provider.admin, system.headers], { decision: 'accept' }],
      ['POST', `/v1/applications/${pendingProvider}/decision`, [w.admin, w.auditor, w.provider.operator, system.headers], { decision: 'approve' }],
      ['POST', `/v1/applications/${pendingReview}/withdraw`, [w.admin, w.auditor, system.headers], {}],
      ['POST', `/v1/applications/${returned}/resubmit`, [w.admin, w.auditor, system.headers], {}],
      ['POST', `/v1/applications/${denied}/coordination`, [w.admin, w.auditor, system.headers], { reason: 'x' }],
      ['POST', `/v1/applications/${inCoordination}/coordination/decision`, [w.auditor, w.consumer.admin, w.provider.admin], { decision: 'grant' }],
      ['GET', '/v1/inbox', [w.admin, w.auditor, system.headers]],
      ['GET', '/v1/grants', [system.headers]],
      ['POST', `/v1/grants/${grantId}/revoke`, [w.auditor, w.provider.operator, w.consumer.operator, system.headers], { reason: 'x' }],
      ['GET', '/v1/admin/dead-letters', [w.consumer.admin, w.provider.admin]],
      ['POST', `/v1/admin/dead-letters/${grantId}/redrive`, [w.auditor, w.consumer.admin]],
    ];
    for (const [method, url, who, body] of cases) {
      for (const headers of who) {
        const res = await call(w, method as 'GET', url, headers, body);
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
      }
    }
  });

  it('hides an application from a department that is neither applicant nor provider', async () => {
    for (const headers of [w.outsider.admin, w.outsider.operator]) {
      const res = await call(w, 'GET', `/v1/applications/${pendingReview}`, headers);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
      expect(res.body).not.toContain(w.consumer.code);
    }
    const res = await call(w, 'GET', `/v1/applications/${otherApp}`, w.provider.admin);
    expect(res.statusCode).toBe(404);
  });

  it('shows an application to the applicant, the provider, the platform and the auditor', async () => {
    for (const headers of [w.consumer.admin, w.consumer.operator, w.provider.admin, w.provider.operator, w.admin, w.auditor]) {
      expect((await call(w, 'GET', `/v1/applications/${pendingReview}`, headers)).statusCode).toBe(200);
    }
  });

  it('lists by side: a department sees what it applied for and what it provides, nothing else', async () => {
    const ids = async (headers: Record<string, string>, query = '') =>
      (await ok(await call(w, 'GET', `/v1/applications?limit=200${query}`, headers))).items.map((a: { id: string }) => a.id).sort();
    const consumerOwn = [pendingReview, pendingProvider, denied, inCoordination, returned, granted].sort();
    expect(await ids(w.consumer.operator, '&side=consumer')).toEqual(consumerOwn);
    expect(await ids(w.consumer.operator, '&side=provider')).toEqual([otherApp]);
    expect(await ids(w.consumer.operator)).toEqual([...consumerOwn, otherApp].sort());
    expect(await ids(w.provider.admin)).toEqual(consumerOwn);
    expect(await ids(w.provider.admin, '&side=consumer')).toEqual([]);
    expect(await ids(w.outsider.admin)).toEqual([otherApp]);
    expect(await ids(w.outsider.admin, '&side=provider')).toEqual([]);
    for (const headers of [w.admin, w.auditor]) expect(await ids(headers)).toEqual([...consumerOwn, otherApp].sort());
    expect(await ids(w.admin, '&status=denied')).toEqual([denied]);
    const page = await ok(await call(w, 'GET', '/v1/applications?side=consumer&limit=2&offset=2', w.consumer.admin));
    expect(page.items).toHaveLength(2);
    expect(page.total).toBe(consumerOwn.length);
  });

  it('lets only the providing department decide, and only the applicant withdraw, resubmit or ask coordination', async () => {
    const decide = await call(w, 'POST', `/v1/applications/${pendingProvider}/decision`, w.consumer.admin, { decision: 'approve' });
    expect(decide.statusCode).toBe(403);
    expect(decide.json().code).toBe('OTHER_DEPARTMENT');
    expect((await call(w, 'POST', `/v1/applications/${pendingProvider}/decision`, w.outsider.admin, { decision: 'approve' })).statusCode).toBe(404);
    // The provider sees the application (403, nothing hidden); the outsider does not (404).
    for (const [headers, code] of [[w.provider.admin, 'OTHER_DEPARTMENT'], [w.outsider.admin, 'NOT_FOUND']] as const) {
      expect((await call(w, 'POST', `/v1/applications/${pendingReview}/withdraw`, headers, {})).json().code).toBe(code);
      expect((await call(w, 'POST', `/v1/applications/${returned}/resubmit`, headers, {})).json().code).toBe(code);
      expect((await call(w, 'POST', `/v1/applications/${denied}/coordination`, headers, { reason: 'x' })).json().code).toBe(code);
    }
    const statuses = await ctx.db('applications').whereIn('id', [pendingProvider, pendingReview, returned, denied]).pluck('status');
    expect(statuses.sort()).toEqual(['denied', 'pending_provider', 'pending_review', 'returned']);
  });

  it("shows the inbox of the caller's department only: its Route B applications waiting for a decision", async () => {
    const inbox = async (headers: Record<string, string>) => (await ok(await call(w, 'GET', '/v1/inbox', headers))).items.map((a: { id: string }) => a.id);
    expect(await inbox(w.provider.admin)).toEqual([pendingProvider]);
    expect(await inbox(w.provider.operator)).toEqual([pendingProvider]);
    expect(await inbox(w.consumer.admin)).toEqual([]);
    expect(await inbox(w.outsider.admin)).toEqual([]);
    const [item] = (await ok(await call(w, 'GET', '/v1/inbox', w.provider.admin))).items;
    expect(item).toMatchObject({ status: 'pending_provider', sla: 'on_time', responsibleDepartment: w.provider.code });
    expect(item.dueAt).toBeTruthy();
  });

  it('scopes grants like applications, and lets only the provider or the platform revoke', async () => {
    for (const headers of [w.consumer.operator, w.provider.operator, w.admin, w.auditor]) {
      expect((await call(w, 'GET', `/v1/grants/${grantId}`, headers)).statusCode).toBe(200);
      expect((await ok(await call(w, 'GET', '/v1/grants', headers))).items.map((g: { id: string }) => g.id)).toEqual([grantId]);
    }
    expect((await call(w, 'GET', `/v1/grants/${grantId}`, w.outsider.admin)).json().code).toBe('NOT_FOUND');
    expect((await ok(await call(w, 'GET', '/v1/grants', w.outsider.admin))).items).toEqual([]);
    expect((await ok(await call(w, 'GET', '/v1/grants?side=provider', w.consumer.admin))).items).toEqual([]);
    const byConsumer = await call(w, 'POST', `/v1/grants/${grantId}/revoke`, w.consumer.admin, { reason: '不再需要' });
    expect(byConsumer.statusCode).toBe(403);
    expect(byConsumer.json().code).toBe('OTHER_DEPARTMENT');
    expect((await call(w, 'POST', `/v1/grants/${grantId}/revoke`, w.outsider.admin, { reason: 'x' })).statusCode).toBe(404);
    expect((await ctx.db('grants').where('id', grantId).first()).status).toBe('active');
  });

  it("lists a department's own notifications only; the auditor sees all", async () => {
    const types = async (headers: Record<string, string>) =>
      (await ok(await call(w, 'GET', '/v1/notifications?limit=200', headers))).items.map((n: { departmentCode: string }) => n.departmentCode);
    expect(new Set(await types(w.consumer.admin))).toEqual(new Set([w.consumer.code]));
    expect(new Set(await types(w.provider.operator))).toEqual(new Set([w.provider.code]));
    expect(await types(w.outsider.admin)).toEqual([]);
    const platform = ctx.config.PLATFORM_DEPARTMENT_CODE; // told of coordination requests
    expect(new Set(await types(w.admin))).toEqual(new Set([platform]));
    expect(new Set(await types(w.auditor))).toEqual(new Set([w.consumer.code, w.provider.code, platform]));
  });
});
