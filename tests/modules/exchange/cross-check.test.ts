import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { DATA_ITEMS, makeResource } from '../../helpers/resource-fixtures.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { call, makeWorld, ok, type World } from '../../helpers/workflow.js';
import { PERSON_A, PERSON_B, UNKNOWN_PERSON } from './query-fixtures.js';

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
    const sourceLoader = await makeSystem(ctx, w.outsider.code);
    for (const p of [PERSON_A, PERSON_B]) {
      await ok(await ctx.app.inject({ method: 'PUT', url: `/v1/resources/${sourceId}/records/${p.id_number}`, headers: sourceLoader.headers, payload: p }), 201);
    }
  });
  afterAll(async () => ctx?.close());

  const put = (record: Record<string, string>) =>
    ctx.app.inject({ method: 'PUT', url: `/v1/resources/${copyId}/records/${record.id_number}`, headers: copyLoader.headers, payload: record });
  const bulk = (records: Record<string, string>[]) => ctx.app.inject({
    method: 'POST', url: `/v1/resources/${copyId}/records/bulk`, headers: { ...copyLoader.headers, 'content-type': 'application/x-ndjson' },
    payload: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  const list = async (headers: Record<string, string>, query = '') => (await ok(await call(w, 'GET', `/v1/discrepancies${query}`, headers))) as { items: Record<string, unknown>[]; total: number };

  it('records a discrepancy for the source department when a load disagrees, counts repeats, and resolves it when a later load agrees', async () => {
    await ok(await put({ ...PERSON_A, name: '张三' }), 201);
    const first = await list(w.outsider.admin, '?side=source&status=open');
    expect(first.items).toEqual([expect.objectContaining({
      resourceId: copyId, itemKey: 'name', copyDepartmentCode: w.provider.code, sourceResourceId: sourceId, sourceItemKey: 'name',
      sourceDepartmentCode: w.outsider.code, subjectId: '110105********002X', status: 'open', occurrences: 1, resolution: null,
    })]);
    // address is highly_sensitive (sealed per row): not compared on load; the equal birth date is not a source item
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
