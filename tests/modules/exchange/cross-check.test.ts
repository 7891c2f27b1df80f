import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { DATA_ITEMS, makeResource } from '../../helpers/resource-fixtures.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { call, makeWorld, ok, type World } from '../../helpers/workflow.js';
import { PERSON_A, PERSON_B, UNKNOWN_PERSON, grantedSystem } from './query-fixtures.js';

// 一数一源、多元校核: the outsider department holds the authoritative names and addresses (a hosted
// source); the provider department loads a copy whose `name` and `address` name that source.
// Each load of the copy is compared with the source in one statement per batch.
describe('cross-checks of loaded copies against their authoritative source', () => {
  const clock = manualClock('2026-12-01T10:00:00');
  let ctx: TestContext;
  let w: World;
  let sourceId: string;
  let copyId: string;
  let copyLoader: { headers: Record<string, string> };
  let sourceLoader: { headers: Record<string, string> };

  beforeAll(async () => {
    ctx = await buildTestApp({}, { clock });
    w = await makeWorld(ctx);
    const source = await makeResource(ctx, { providerCode: w.outsider.code, name: '姓名权威库' });
    sourceId = source.id;
    const copy = await makeResource(ctx, {
      providerCode: w.provider.code,
      name: '人口信息副本',
      dataItems: DATA_ITEMS.map((i) => (i.key === 'name' || i.key === 'address' ? { ...i, authoritativeSource: { resourceCode: source.code, itemKey: i.key } } : i)),
    });
    copyId = copy.id;
    copyLoader = await makeSystem(ctx, w.provider.code);
    sourceLoader = await makeSystem(ctx, w.outsider.code);
    for (const p of [PERSON_A, PERSON_B]) {
      await ok(await ctx.app.inject({ method: 'PUT', url: `/v1/resources/${sourceId}/records/${p.id_number}`, headers: sourceLoader.headers, payload: p }), 201);
    }
  });
  afterAll(async () => ctx?.close());

  const putTo = (resourceId: string, loader: { headers: Record<string, string> }, record: Record<string, string>) =>
    ctx.app.inject({ method: 'PUT', url: `/v1/resources/${resourceId}/records/${record.id_number}`, headers: loader.headers, payload: record });
  const bulkTo = (resourceId: string, loader: { headers: Record<string, string> }, records: Record<string, string>[]) => ctx.app.inject({
    method: 'POST', url: `/v1/resources/${resourceId}/records/bulk`, headers: { ...loader.headers, 'content-type': 'application/x-ndjson' },
    payload: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  const put = (record: Record<string, string>) => putTo(copyId, copyLoader, record);
  const bulk = (records: Record<string, string>[]) => bulkTo(copyId, copyLoader, records);

  /** A fresh source (outsider, hosted, PERSON_A and PERSON_B loaded) and a copy (provider) naming it for name and address. */
  async function freshPair() {
    const source = await makeResource(ctx, { providerCode: w.outsider.code, name: '权威库' });
    const copy = await makeResource(ctx, {
      providerCode: w.provider.code,
      name: '副本',
      dataItems: DATA_ITEMS.map((i) => (i.key === 'name' || i.key === 'address' ? { ...i, authoritativeSource: { resourceCode: source.code, itemKey: i.key } } : i)),
    });
    await ok(await bulkTo(source.id, sourceLoader, [PERSON_A, PERSON_B]));
    const open = async () => (await ctx.db('discrepancies').where({ resource_id: copy.id, status: 'open' }).orderBy(['item_key', 'subject_masked'])
      .select('item_key', 'subject_masked', 'occurrences', 'last_seen_at')) as { item_key: string; subject_masked: string; occurrences: number; last_seen_at: Date }[];
    return { sourceId: source.id as string, copyId: copy.id as string, open };
  }
  const list = async (headers: Record<string, string>, query = '') => (await ok(await call(w, 'GET', `/v1/discrepancies${query}`, headers))) as { items: Record<string, unknown>[]; total: number };

  it('records a discrepancy for the source department when a load disagrees, counts repeats, and resolves it when a later load agrees', async () => {
    await ok(await put({ ...PERSON_A, name: '张三' }), 201);
    const first = await list(w.outsider.admin, '?side=source&status=open');
    expect(first.items).toEqual([expect.objectContaining({
      resourceId: copyId, itemKey: 'name', copyDepartmentCode: w.provider.code, sourceResourceId: sourceId, sourceItemKey: 'name',
      sourceDepartmentCode: w.outsider.code, subjectId: '110105********002X', status: 'open', occurrences: 1, resolution: null,
    })]);
    // address (highly_sensitive, sealed) is compared too and agrees; the equal birth date is not a source item
    // the copy's department sees it too; the value is in no discrepancy
    const copySide = await call(w, 'GET', '/v1/discrepancies?side=copy', w.provider.admin);
    expect(copySide.json().total).toBe(1);
    expect(copySide.body).not.toContain('张三');

    // a bulk load: A disagrees again (one more occurrence), B agrees, an unknown subject has nothing to compare with
    const unknown = { ...PERSON_B, id_number: UNKNOWN_PERSON, name: '王五' };
    const loaded = await ok(await bulk([{ ...PERSON_A, name: '張三丰' }, PERSON_B, unknown]));
    expect(loaded.rejected).toBe(0);
    const again = await list(w.outsider.admin, '?status=open');
    expect(again.items).toHaveLength(1);
    expect(again.items[0]).toMatchObject({ itemKey: 'name', occurrences: 2 });

    await ok(await bulk([PERSON_A]));
    expect((await list(w.outsider.admin, '?status=open')).total).toBe(0);
    expect((await list(w.outsider.admin, '?status=resolved')).items[0]).toMatchObject({ resolution: 'agreed', resolvedAt: clock().toISOString() });
  });

  it('compares sealed (highly_sensitive) items by their decrypted values, in a PUT and in a bulk load, and no value reaches a reply or a discrepancy', async () => {
    const pair = await freshPair();
    const moved = '上海市浦东新区另一条路9号';
    const putRes = await putTo(pair.copyId, copyLoader, { ...PERSON_A, address: moved });
    await ok(putRes, 201);
    expect((await pair.open()).map((d) => [d.item_key, d.subject_masked, d.occurrences])).toEqual([['address', '110105********002X', 1]]);
    // B's sealed address agrees, A's differs again (one more occurrence): compared in a bulk load's batch
    await ok(await bulkTo(pair.copyId, copyLoader, [{ ...PERSON_A, address: moved }, PERSON_B]));
    expect((await pair.open()).map((d) => [d.item_key, d.occurrences])).toEqual([['address', 2]]);
    const listed = await call(w, 'GET', '/v1/discrepancies?side=copy', w.provider.admin);
    expect(listed.body).not.toContain('浦东');
    expect(putRes.body).not.toContain('浦东');
    // a load that agrees resolves it
    await ok(await bulkTo(pair.copyId, copyLoader, [PERSON_A]));
    expect(await pair.open()).toEqual([]);
    expect(await ctx.db('discrepancies').where({ resource_id: pair.copyId, item_key: 'address' }).first('status', 'resolution')).toEqual({ status: 'resolved', resolution: 'agreed' });
  });

  it("a load of the source re-checks the open discrepancies of the subjects it loads: resolved when the copy now agrees, counted when not", async () => {
    const pair = await freshPair();
    // The copy says 张三 (A) and 李四四 (B), and a different sealed address for B: three discrepancies.
    await ok(await bulkTo(pair.copyId, copyLoader, [{ ...PERSON_A, name: '张三' }, { ...PERSON_B, name: '李四四', address: '广东省汕头市另一条路3号' }]));
    expect((await pair.open()).map((d) => [d.item_key, d.subject_masked, d.occurrences])).toEqual([
      ['address', '440524********0014', 1], ['name', '110105********002X', 1], ['name', '440524********0014', 1],
    ]);
    clock.advance(3_600_000);
    // The source corrects A's name to the copy's value (a PUT): that one is resolved.
    await ok(await putTo(pair.sourceId, sourceLoader, { ...PERSON_A, name: '张三' }));
    expect((await pair.open()).map((d) => d.subject_masked + ':' + d.item_key)).toEqual(['440524********0014:address', '440524********0014:name']);
    expect(await ctx.db('discrepancies').where({ resource_id: pair.copyId, subject_masked: '110105********002X' }).first('status', 'resolution', 'resolved_at'))
      .toEqual({ status: 'resolved', resolution: 'agreed', resolved_at: clock() });
    // A bulk load of the source: B's address now agrees with the copy (resolved, sealed on both sides), B's name still differs (counted, seen now).
    clock.advance(3_600_000);
    await ok(await bulkTo(pair.sourceId, sourceLoader, [{ ...PERSON_B, name: '李四', address: '广东省汕头市另一条路3号' }]));
    const left = await pair.open();
    expect(left.map((d) => [d.subject_masked, d.item_key, d.occurrences])).toEqual([['440524********0014', 'name', 2]]);
    expect(left[0]!.last_seen_at).toEqual(clock());
  });

  it('a correction of the source after an objection (纠错) re-checks the discrepancy like a load of the source', async () => {
    const pair = await freshPair();
    await ok(await putTo(pair.copyId, copyLoader, { ...PERSON_A, name: '张三' }), 201);
    expect((await pair.open()).map((d) => d.item_key)).toEqual(['name']);
    const reader = await grantedSystem(w, pair.sourceId, clock());
    const raised = await ok(await ctx.app.inject({
      method: 'POST', url: `/v1/resources/${pair.sourceId}/records/${PERSON_A.id_number}/objections`, headers: reader.system.headers,
      payload: { field: 'name', reason: '户籍登记姓名为张三' },
    }), 201);
    await ok(await ctx.app.inject({
      method: 'POST', url: `/v1/objections/${raised.id}/decision`, headers: sourceLoader.headers, payload: { decision: 'correct', reason: '已核实并更正', value: '张三' },
    }));
    expect(await pair.open()).toEqual([]);
    expect(await ctx.db('discrepancies').where({ resource_id: pair.copyId }).first('status', 'resolution')).toEqual({ status: 'resolved', resolution: 'agreed' });
  });

  it('a copy of a provider-served source is not checked on load: the load says so on its audit event', async () => {
    const source = await makeResource(ctx, { providerCode: w.outsider.code, name: '前置机权威库', delivery: { mode: 'provider_api', endpoint: 'http://127.0.0.1:9/api/records' } });
    const copy = await makeResource(ctx, {
      providerCode: w.provider.code,
      name: '副本（前置机来源）',
      dataItems: DATA_ITEMS.map((i) => (i.key === 'name' ? { ...i, authoritativeSource: { resourceCode: source.code, itemKey: 'name' } } : i)),
    });
    await ok(await putTo(copy.id, copyLoader, { ...PERSON_A, name: '张三' }), 201);
    await ok(await bulkTo(copy.id, copyLoader, [PERSON_B]));
    expect(Number((await ctx.db('discrepancies').where({ resource_id: copy.id }).count({ n: '*' }).first())?.n)).toBe(0);
    const events = await ctx.db('events').where({ entity_id: copy.id }).whereIn('action', ['records.upsert', 'records.bulk_load']).orderBy('id').select('details');
    expect(events.map((e) => e.details.notCrossChecked)).toEqual([
      [{ itemKey: 'name', reason: 'provider_served_source' }], [{ itemKey: 'name', reason: 'provider_served_source' }],
    ]);
  });

  it('only the source department closes it (the copy 403, another department 404), once (409)', async () => {
    await ok(await put({ ...PERSON_B, name: '李四四' }));
    const open = (await list(w.outsider.admin, '?status=open')).items[0]!;
    const close = (headers: Record<string, string>) => call(w, 'POST', `/v1/discrepancies/${open.id}/close`, headers, { note: '经核实，权威库姓名正确，已通知副本部门更正' });
    expect((await close(w.provider.admin)).json().code).toBe('OTHER_DEPARTMENT');
    const outsiderOfBoth = await makeWorld(ctx);
    expect((await close(outsiderOfBoth.provider.admin)).statusCode).toBe(404);
    expect((await list(outsiderOfBoth.provider.admin)).total).toBe(0);
    const closed = await ok(await close(w.outsider.admin));
    expect(closed).toMatchObject({ status: 'resolved', resolution: 'closed', note: '经核实，权威库姓名正确，已通知副本部门更正' });
    expect((await close(w.outsider.admin)).statusCode).toBe(409);
    expect(Number((await ctx.db('events').where({ action: 'discrepancy.closed' }).count({ n: '*' }).first())?.n)).toBe(1);
    // the platform and the auditor see every discrepancy
    expect((await list(w.auditor)).total).toBe((await list(w.outsider.admin)).total);
  });

  it('refuses a body without a note, naming it', async () => {
    const res = await call(w, 'POST', '/v1/discrepancies/00000000-0000-4000-8000-000000000000/close', w.outsider.admin, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toContain('note');
  });
});
