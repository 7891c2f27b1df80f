import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { actions, applicationBody, call, makeWorld, ok, resourceOf, type World } from '../../helpers/workflow.js';
import { PERSON_A, PERSON_B, UNKNOWN_PERSON, dataHeaders, grantedSystem, loadRecords } from './query-fixtures.js';

// Grants that allow plain (unmasked) values: decided by the party whose decision issues the grant
// (the platform on Route A and after coordination, the provider on Route B), false by default,
// shown on the grant and honoured by the query path for the granted fields only.
describe('grants with plain values', () => {
  const clock = manualClock('2026-12-01T10:00:00');
  let ctx: TestContext;
  let w: World;
  let routeA: string;
  let routeB: string;

  beforeAll(async () => {
    ctx = await buildTestApp({}, { clock });
    w = await makeWorld(ctx);
    routeA = (await resourceOf(w)).id;
    routeB = (await resourceOf(w, { shareType: 2 })).id;
    for (const id of [routeA, routeB]) await loadRecords(ctx, id, [PERSON_A, PERSON_B], clock());
  });
  afterAll(async () => ctx?.close());

  const get = (system: { headers: Record<string, string> }, resourceId: string, query = '') =>
    ctx.app.inject({ method: 'GET', url: `/v1/resources/${resourceId}/records/${PERSON_A.id_number}${query}`, headers: dataHeaders(system) });
  const batch = (system: { headers: Record<string, string> }, resourceId: string, payload: object) =>
    ctx.app.inject({ method: 'POST', url: `/v1/resources/${resourceId}/records/batch-get`, headers: dataHeaders(system), payload });
  const grantOf = async (grantId: string) => ok(await call(w, 'GET', `/v1/grants/${grantId}`, w.consumer.admin));
  const problemAt = (res: Awaited<ReturnType<typeof call>>, pointer: string) => {
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().detail).toContain(pointer);
  };

  /** A new consumer system with an application for `resourceId` (the consumer cannot ask for plain values). */
  async function applied(resourceId: string, fields = ['id_number', 'name', 'birth_date']) {
    const system = await makeSystem(ctx, w.consumer.code);
    const application = await ok(await call(w, 'POST', '/v1/applications', w.consumer.operator, applicationBody(resourceId, system.id, clock(), { fields })), 201);
    return { system, applicationId: application.id as string };
  }

  it('masks by default: the grant says plainValues false and every value is masked per its data item', async () => {
    const { system, grantId } = await grantedSystem(w, routeA, clock());
    expect((await grantOf(grantId)).plainValues).toBe(false);
    expect((await ok(await get(system, routeA))).fields).toEqual({ id_number: '110105************', name: '张**', birth_date: '1949-12-31' });
  });

  it('serves plain values when the platform accepted a Route A application with plainValues: highly sensitive (SM4-sealed) items unsealed', async () => {
    const { system, applicationId } = await applied(routeA, ['id_number', 'name']);
    const decided = await ok(await call(w, 'POST', `/v1/applications/${applicationId}/review`, w.admin, { decision: 'accept', plainValues: true }));
    expect((await grantOf(decided.grantId)).plainValues).toBe(true);
    const res = await get(system, routeA);
    expect((await ok(res)).fields).toEqual({ id_number: PERSON_A.id_number, name: '张三丰' });
    // The granted fields only: the record's address and birth date never leave, plain or masked.
    expect(res.body).not.toContain('北京市');
    expect(res.body).not.toContain('birth_date');
    expect(res.json().subjectId).toBe('110105********002X');
    expect((await ok(await get(system, routeA, '?fields=name'))).fields).toEqual({ name: '张三丰' });
    const refused = await get(system, routeA, '?fields=name,address');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('FIELD_NOT_GRANTED');
    expect(refused.body).not.toContain('北京市');
    // the grant's own event says so
    const event = await ctx.db('events').where({ entity_id: decided.grantId, action: 'grant.issue' }).first('details');
    expect(event.details.plainValues).toBe(true);
  });

  it('serves plain values in batch-get too, for granted fields only', async () => {
    const { system, applicationId } = await applied(routeA, ['name', 'address']);
    await ok(await call(w, 'POST', `/v1/applications/${applicationId}/review`, w.admin, { decision: 'accept', plainValues: true }));
    const body = await ok(await batch(system, routeA, { ids: [PERSON_A.id_number, UNKNOWN_PERSON, PERSON_B.id_number] }));
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['found', 'not_found', 'found']);
    expect(body.results[0].fields).toEqual({ name: '张三丰', address: PERSON_A.address });
    expect(body.results[2].fields).toEqual({ name: '李四', address: PERSON_B.address });
    expect(JSON.stringify(body)).not.toContain(PERSON_A.id_number);
    expect(JSON.stringify(body)).not.toContain('1949-12-31');
    expect((await batch(system, routeA, { ids: [PERSON_A.id_number], fields: ['id_number'] })).json().code).toBe('FIELD_NOT_GRANTED');
    // a masked grant on the same records, in the same batch shape
    const { system: masked } = await grantedSystem(w, routeA, clock(), { fields: ['name', 'address'] });
    expect((await ok(await batch(masked, routeA, { ids: [PERSON_A.id_number] }))).results[0].fields).toEqual({ name: '张**', address: '*'.repeat(PERSON_A.address.length) });
  });

  it('on Route B the provider decides it when approving; the platform cannot set it at acceptance', async () => {
    const { system, applicationId } = await applied(routeB);
    problemAt(await call(w, 'POST', `/v1/applications/${applicationId}/review`, w.admin, { decision: 'accept', plainValues: true }), '/body/plainValues');
    await ok(await actions.accept(w, applicationId));
    const approved = await ok(await call(w, 'POST', `/v1/applications/${applicationId}/decision`, w.provider.admin,
      { decision: 'approve', fields: ['name', 'birth_date'], plainValues: true }));
    expect(await grantOf(approved.grantId)).toMatchObject({ plainValues: true, fields: ['name', 'birth_date'] });
    expect((await ok(await get(system, routeB))).fields).toEqual({ name: '张三丰', birth_date: '1949-12-31' });
    // narrowed away: id_number is not served even though the application asked for it
    expect((await get(system, routeB, '?fields=id_number')).json().code).toBe('FIELD_NOT_GRANTED');
  });

  it('a Route B approval without it masks; the platform may set it when granting after coordination', async () => {
    const plainless = await applied(routeB);
    await ok(await actions.accept(w, plainless.applicationId));
    const approved = await ok(await actions.approve(w, plainless.applicationId));
    expect((await grantOf(approved.grantId)).plainValues).toBe(false);
    expect((await ok(await get(plainless.system, routeB))).fields.name).toBe('张**');

    const coordinated = await applied(routeB);
    await ok(await actions.accept(w, coordinated.applicationId));
    await ok(await actions.deny(w, coordinated.applicationId));
    await ok(await actions.coordination(w, coordinated.applicationId));
    const granted = await ok(await call(w, 'POST', `/v1/applications/${coordinated.applicationId}/coordination/decision`, w.admin,
      { decision: 'grant', reason: '经协调同意', plainValues: true }));
    expect((await grantOf(granted.grantId)).plainValues).toBe(true);
    expect((await ok(await get(coordinated.system, routeB))).fields.name).toBe('张三丰');
  });

  it('is refused outside a decision that grants, and the applicant cannot ask for it', async () => {
    const { system, applicationId } = await applied(routeB);
    problemAt(await call(w, 'POST', `/v1/applications/${applicationId}/review`, w.admin, { decision: 'return', reason: '请补充', plainValues: true }), '/body/plainValues');
    problemAt(await call(w, 'POST', `/v1/applications/${applicationId}/review`, w.admin, { decision: 'reject', reason: '不符', plainValues: true }), '/body/plainValues');
    await ok(await actions.accept(w, applicationId));
    problemAt(await call(w, 'POST', `/v1/applications/${applicationId}/decision`, w.provider.admin, { decision: 'deny', reason: '超出共享条件', plainValues: true }), '/body/plainValues');
    // nothing changed: still waiting for the provider
    expect((await ok(await call(w, 'GET', `/v1/applications/${applicationId}`, w.consumer.admin))).status).toBe('pending_provider');
    const asked = await call(w, 'POST', '/v1/applications', w.consumer.operator, applicationBody(routeA, system.id, clock(), { plainValues: true }));
    expect(asked.statusCode, asked.body).toBe(400);
    expect(asked.json().detail).toContain('plainValues');
  });
});
