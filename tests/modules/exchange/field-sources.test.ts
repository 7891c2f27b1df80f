import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProvisioning } from '../../../src/modules/applications/applications-service.js';
import { workflowSettings } from '../../../src/modules/applications/settings.js';
import { manualClock } from '../../helpers/clock.js';
import { makeDepartment, makeSystem } from '../../helpers/fixtures.js';
import { startProviderServer, type ProviderServer } from '../../helpers/provider-server.js';
import { DATA_ITEMS, makeResource } from '../../helpers/resource-fixtures.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { actions, applicationBody, call, makeWorld, ok, type World } from '../../helpers/workflow.js';
import { PERSON_A, PERSON_B, UNKNOWN_PERSON, dataHeaders, loadRecords } from './query-fixtures.js';

// Field-level answers from several sources (一数一源): a hosted resource whose `name` and
// `birth_date` name their authoritative sources, two provider-served resources of two other
// departments. A system granted on all three gets each item from its source, with the source's
// department and update time; one source's outage blanks only its own item.
describe('field-level answers from authoritative sources', () => {
  const clock = manualClock('2026-12-01T10:00:00');
  let ctx: TestContext;
  let w: World;
  let nameServer: ProviderServer;
  let birthServer: ProviderServer;
  let birthDept: { code: string; webhookSecret: string };
  let nameDept: { code: string; webhookSecret: string };
  const ids = { composite: '', names: '', births: '' };
  const codes = { names: '', births: '' };

  const nowSeconds = () => Math.floor(clock().getTime() / 1000);

  async function grantOn(systemId: string, resourceId: string, fields: string[]) {
    const application = await ok(await call(w, 'POST', '/v1/applications', w.consumer.operator, applicationBody(resourceId, systemId, clock(), { fields })), 201);
    const accepted = await ok(await actions.accept(w, application.id));
    if (accepted.status === 'provisioning') {
      await completeProvisioning({ db: ctx.db, settings: workflowSettings(ctx.config), now: clock(), actor: { kind: 'worker' } }, application.id);
    }
  }

  beforeAll(async () => {
    ctx = await buildTestApp({ PROVIDER_TIMEOUT_MS: '300', PROVIDER_BREAKER_FAILURES: '100' }, { clock });
    w = await makeWorld(ctx);
    // One department serves names, another birth dates.
    nameDept = await makeDepartment(ctx);
    birthDept = await makeDepartment(ctx);
    nameServer = await startProviderServer({ secret: nameDept.webhookSecret, nowSeconds });
    birthServer = await startProviderServer({ secret: birthDept.webhookSecret, nowSeconds });
    nameServer.records.set(PERSON_A.id_number, { updatedAt: '2026-11-01T00:00:00Z', fields: { name: '张三丰' } });
    birthServer.records.set(PERSON_A.id_number, { updatedAt: '2026-10-01T00:00:00Z', fields: { birth_date: '1949-12-31' } });
    const names = await makeResource(ctx, { providerCode: nameDept.code, name: '姓名权威库', delivery: { mode: 'provider_api', endpoint: nameServer.url } });
    const births = await makeResource(ctx, { providerCode: birthDept.code, name: '出生日期权威库', delivery: { mode: 'provider_api', endpoint: birthServer.url } });
    Object.assign(ids, { names: names.id, births: births.id });
    Object.assign(codes, { names: names.code, births: births.code });
    const composite = await makeResource(ctx, {
      providerCode: w.provider.code,
      name: '人口综合信息',
      dataItems: DATA_ITEMS.map((item) => (item.key === 'name' ? { ...item, authoritativeSource: { resourceCode: names.code, itemKey: 'name' } }
        : item.key === 'birth_date' ? { ...item, authoritativeSource: { resourceCode: births.code, itemKey: 'birth_date' } } : item)),
    });
    ids.composite = composite.id;
    // The composite's own (stale) copy.
    await loadRecords(ctx, composite.id, [{ ...PERSON_A, name: '张三', birth_date: '1950-01-01' }, { ...PERSON_B, name: '李', birth_date: '1880-01-02' }], clock());
    // The name source knows B, the birth-date source does not.
    nameServer.records.set(PERSON_B.id_number, { updatedAt: '2026-11-02T00:00:00Z', fields: { name: '李四' } });
  });
  afterAll(async () => {
    await nameServer?.close();
    await birthServer?.close();
    await ctx?.close();
  });

  const read = (system: { headers: Record<string, string> }) =>
    ctx.app.inject({ method: 'GET', url: `/v1/resources/${ids.composite}/records/${PERSON_A.id_number}`, headers: dataHeaders(system) });

  it('answers each item from its authoritative source, with that department and update time, audited under each grant', async () => {
    const system = await makeSystem(ctx, w.consumer.code);
    await grantOn(system.id, ids.composite, ['id_number', 'name', 'birth_date']);
    await grantOn(system.id, ids.names, ['id_number', 'name']);
    await grantOn(system.id, ids.births, ['id_number', 'birth_date']);
    const body = await ok(await read(system));
    expect(body.fields).toEqual({ id_number: '110105************', name: '张**', birth_date: '1949-12-31' });
    expect(body.fieldInfo).toEqual({
      id_number: { departmentCode: w.provider.code, updatedAt: body.source.updatedAt },
      name: { departmentCode: nameDept.code, updatedAt: '2026-11-01T00:00:00.000Z' },
      birth_date: { departmentCode: birthDept.code, updatedAt: '2026-10-01T00:00:00.000Z' },
    });
    // each source was asked for its own item only
    expect(nameServer.received.at(-1)!.json.fields).toEqual(['name']);
    expect(birthServer.received.at(-1)!.json.fields).toEqual(['birth_date']);
    const events = await ctx.db('events').where({ actor_id: system.id, action: 'record.read' }).orderBy('id').select('resource_id', 'fields', 'outcome');
    expect(events).toEqual([
      { resource_id: ids.composite, fields: ['id_number'], outcome: 'success' },
      expect.objectContaining({ fields: expect.any(Array), outcome: 'success' }),
      expect.objectContaining({ fields: expect.any(Array), outcome: 'success' }),
    ]);
    expect(new Map(events.slice(1).map((e) => [e.resource_id, e.fields]))).toEqual(new Map([[ids.names, ['name']], [ids.births, ['birth_date']]]));
  });

  it("one source's outage blanks only its own item: the reply stands, the item says why", async () => {
    const system = await makeSystem(ctx, w.consumer.code);
    await grantOn(system.id, ids.composite, ['id_number', 'name', 'birth_date']);
    await grantOn(system.id, ids.names, ['id_number', 'name']);
    await grantOn(system.id, ids.births, ['id_number', 'birth_date']);
    birthServer.mode = 'hang_up';
    try {
      const body = await ok(await read(system));
      expect(body.fields).toEqual({ id_number: '110105************', name: '张**', birth_date: null });
      expect(body.fieldInfo.name).toEqual({ departmentCode: nameDept.code, updatedAt: '2026-11-01T00:00:00.000Z' });
      expect(body.fieldInfo.birth_date).toEqual({ departmentCode: birthDept.code, updatedAt: null, unavailable: 'provider_unavailable' });
      const failed = await ctx.db('events').where({ actor_id: system.id, resource_id: ids.births }).first('outcome', 'reason');
      expect(failed).toEqual({ outcome: 'failure', reason: 'PROVIDER_UNREACHABLE' });
    } finally {
      birthServer.mode = 'normal';
    }
  });

  /** A system granted on the composite and on both sources. */
  async function grantedOnAll() {
    const system = await makeSystem(ctx, w.consumer.code);
    await grantOn(system.id, ids.composite, ['id_number', 'name', 'birth_date']);
    await grantOn(system.id, ids.names, ['id_number', 'name']);
    await grantOn(system.id, ids.births, ['id_number', 'birth_date']);
    return system;
  }
  const batchGet = (system: { headers: Record<string, string> }, payload: { ids: string[] }) =>
    ctx.app.inject({ method: 'POST', url: `/v1/resources/${ids.composite}/records/batch-get`, headers: dataHeaders(system), payload });
  const verify = (system: { headers: Record<string, string> }, claims: Record<string, string>) =>
    ctx.app.inject({ method: 'POST', url: `/v1/resources/${ids.composite}/records/verify`, headers: dataHeaders(system), payload: { id: PERSON_A.id_number, claims } });
  const eventsOf = (systemId: string, action: string) =>
    ctx.db('events').where({ actor_id: systemId, action }).orderBy('id').select('resource_id', 'subject_masked', 'fields', 'outcome', 'reason');

  it('batch-get answers each item from its source too: one call per source for the whole batch, an event per subject and source', async () => {
    const system = await grantedOnAll();
    const [namesBefore, birthsBefore] = [nameServer.received.length, birthServer.received.length];
    const body = await ok(await batchGet(system, { ids: [PERSON_A.id_number, PERSON_B.id_number, UNKNOWN_PERSON] }));
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['found', 'found', 'not_found']);
    const [a, b] = body.results;
    expect(a.fields).toEqual({ id_number: '110105************', name: '张**', birth_date: '1949-12-31' });
    // fieldInfo names the items answered by their sources; id_number is the provider's own, as of a.updatedAt
    expect(a.fieldInfo).toEqual({
      name: { departmentCode: nameDept.code, updatedAt: '2026-11-01T00:00:00.000Z' },
      birth_date: { departmentCode: birthDept.code, updatedAt: '2026-10-01T00:00:00.000Z' },
    });
    // B: the name from its source; the birth-date source has no record of B, so no value (not the copy's 1880-01-02)
    expect(b.fields).toEqual({ id_number: '440524************', name: '李*', birth_date: null });
    expect(b.fieldInfo.birth_date).toEqual({ departmentCode: birthDept.code, updatedAt: null });
    // one forwarded call per source for the whole batch, only the found subjects, only its own item
    expect(nameServer.received.slice(namesBefore).map((r) => [r.json.subjectIds, r.json.fields])).toEqual([[[PERSON_A.id_number, PERSON_B.id_number], ['name']]]);
    expect(birthServer.received.slice(birthsBefore).map((r) => [r.json.subjectIds, r.json.fields])).toEqual([[[PERSON_A.id_number, PERSON_B.id_number], ['birth_date']]]);
    const events = await eventsOf(system.id, 'record.batch_read');
    expect(events.filter((e) => e.resource_id === ids.composite).map((e) => [e.fields, e.outcome, e.reason])).toEqual([
      [['id_number'], 'success', null], [['id_number'], 'success', null], [[], 'failure', 'SUBJECT_NOT_FOUND'],
    ]);
    expect(events.filter((e) => e.resource_id === ids.names).map((e) => [e.subject_masked, e.fields, e.outcome])).toEqual([
      ['110105********002X', ['name'], 'success'], ['440524********0014', ['name'], 'success'],
    ]);
    expect(events.filter((e) => e.resource_id === ids.births).map((e) => [e.subject_masked, e.fields, e.outcome, e.reason])).toEqual([
      ['110105********002X', ['birth_date'], 'success', null], ['440524********0014', [], 'failure', 'SUBJECT_NOT_FOUND'],
    ]);
    // the body of a batch result keeps its receipt: the read resource's event of that subject
    const receipts = await ctx.db('events').whereIn('id', body.results.map((r: { eventId: string }) => r.eventId)).pluck('resource_id');
    expect(receipts).toEqual([ids.composite, ids.composite, ids.composite]);
  });

  it("batch-get: a source's outage blanks its item for every subject of the batch, and nothing else", async () => {
    const system = await grantedOnAll();
    birthServer.mode = 'hang_up';
    try {
      const body = await ok(await batchGet(system, { ids: [PERSON_A.id_number, PERSON_B.id_number] }));
      expect(body.results.map((r: { fields: Record<string, unknown> }) => r.fields)).toEqual([
        { id_number: '110105************', name: '张**', birth_date: null }, { id_number: '440524************', name: '李*', birth_date: null },
      ]);
      for (const r of body.results) expect(r.fieldInfo.birth_date).toEqual({ departmentCode: birthDept.code, updatedAt: null, unavailable: 'provider_unavailable' });
      const failed = (await eventsOf(system.id, 'record.batch_read')).filter((e) => e.resource_id === ids.births);
      expect(failed.map((e) => [e.outcome, e.reason])).toEqual([['failure', 'PROVIDER_UNREACHABLE'], ['failure', 'PROVIDER_UNREACHABLE']]);
    } finally {
      birthServer.mode = 'normal';
    }
  });

  it('verify checks a claim against the authoritative source, never showing a value; an outage makes it unavailable', async () => {
    const system = await grantedOnAll();
    // the source says 张三丰 and 1949-12-31; the composite's own copy says 张三 and 1950-01-01
    expect((await ok(await verify(system, { name: '张三丰', birth_date: '1950-01-01' }))).results).toEqual({ name: 'match', birth_date: 'no_match' });
    expect(nameServer.received.at(-1)!.json.fields).toEqual(['name']);
    birthServer.mode = 'hang_up';
    try {
      const res = await verify(system, { name: '张三', birth_date: '1949-12-31' });
      expect((await ok(res)).results).toEqual({ name: 'no_match', birth_date: 'unavailable' });
      expect(res.body).not.toContain('张三丰');
    } finally {
      birthServer.mode = 'normal';
    }
    const events = await eventsOf(system.id, 'record.verify');
    expect(events.map((e) => [e.resource_id, e.fields, e.outcome, e.reason])).toEqual([
      [ids.composite, [], 'success', null],
      expect.anything(), expect.anything(),
      [ids.composite, [], 'success', null],
      expect.anything(), expect.anything(),
    ]);
    const bySource = events.filter((e) => e.resource_id !== ids.composite).map((e) => [e.resource_id, e.fields, e.reason]);
    expect(bySource).toEqual(expect.arrayContaining([
      [ids.names, ['name'], null], [ids.births, ['birth_date'], null], [ids.names, ['name'], null], [ids.births, [], 'PROVIDER_UNREACHABLE'],
    ]));
    expect(bySource).toHaveLength(4);
  });

  it("without a grant on the source, the resource's own value is answered (deny by default)", async () => {
    const system = await makeSystem(ctx, w.consumer.code);
    await grantOn(system.id, ids.composite, ['id_number', 'name', 'birth_date']);
    const before = nameServer.received.length;
    const body = await ok(await read(system));
    expect(body.fields).toEqual({ id_number: '110105************', name: '张*', birth_date: '1950-01-01' });
    expect(body.fieldInfo.name.departmentCode).toBe(w.provider.code);
    expect(nameServer.received.length).toBe(before);
  });

  it('the catalog refuses a source that is not a published resource holding the item, or the resource itself', async () => {
    const draft = (authoritativeSource: { resourceCode: string; itemKey: string }) => ({
      code: '101001/99999001', name: '测试', summary: '测试资源', format: 'database', formatSubtype: 'PostgreSQL', shareType: 1, shareMethod: 'interface',
      openToPublic: false, updateCycle: 'daily', relatedCodes: [], subjectType: 'person', subjectKey: 'id_number', controlParams: [],
      delivery: { mode: 'hosted' }, contact: { name: '联系人', phone: '0571-87000000' },
      dataItems: DATA_ITEMS.map((i) => (i.key === 'name' ? { ...i, authoritativeSource } : i)),
    });
    const post = (body: unknown) => call(w, 'POST', '/v1/resources', w.provider.admin, body);
    const pointerOf = async (res: Awaited<ReturnType<typeof post>>) => {
      expect(res.statusCode, res.body).toBe(400);
      return res.json().errors.map((e: { pointer: string }) => e.pointer);
    };
    expect(await pointerOf(await post(draft({ resourceCode: '101001/77777777', itemKey: 'name' })))).toEqual(['/body/dataItems/1/authoritativeSource/resourceCode']);
    expect(await pointerOf(await post(draft({ resourceCode: codes.names, itemKey: 'nickname' })))).toEqual(['/body/dataItems/1/authoritativeSource/itemKey']);
    expect(await pointerOf(await post(draft({ resourceCode: '101001/99999001', itemKey: 'name' })))).toEqual(['/body/dataItems/1/authoritativeSource/resourceCode']);
    const created = await post(draft({ resourceCode: codes.names, itemKey: 'name' }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().dataItems[1].authoritativeSource).toEqual({ resourceCode: codes.names, itemKey: 'name' });
  });
});
