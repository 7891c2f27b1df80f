import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeDepartment, makeSystem, makeUser } from '../../helpers/fixtures.js';
import { makeResource } from '../../helpers/resource-fixtures.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { personId } from './records-fixtures.js';

// The provider side of hosted records over HTTP, with real API keys: who may load what, record
// validation, tombstones, bulk loads (per line, idempotent), and the bulk body's own limits.

const BULK_LIMIT = 4096;
type System = Awaited<ReturnType<typeof makeSystem>>;

describe('loading hosted records (PUT, DELETE, bulk)', () => {
  let ctx: TestContext;
  let provider: System;
  let outsider: System;
  let hosted: { id: string; code: string };
  let draft: { id: string; code: string };
  let providerApi: { id: string; code: string };

  beforeAll(async () => {
    ctx = await buildTestApp({ BULK_LIMIT_BYTES: String(BULK_LIMIT) });
    const providerDept = await makeDepartment(ctx);
    const outsiderDept = await makeDepartment(ctx);
    provider = await makeSystem(ctx, providerDept.code);
    outsider = await makeSystem(ctx, outsiderDept.code);
    hosted = await makeResource(ctx, { providerCode: providerDept.code });
    draft = await makeResource(ctx, { providerCode: providerDept.code, status: 'draft' });
    providerApi = await makeResource(ctx, { providerCode: providerDept.code, delivery: { mode: 'provider_api', endpoint: 'https://gat.example.gov.cn/records' } });
  });
  afterAll(async () => ctx.close());

  const put = (system: System, resourceId: string, subjectId: string, payload: unknown) =>
    ctx.app.inject({ method: 'PUT', url: `/v1/resources/${encodeURIComponent(resourceId)}/records/${subjectId}`, headers: system.headers, payload: payload as object });
  const del = (system: System, resourceId: string, subjectId: string) =>
    ctx.app.inject({ method: 'DELETE', url: `/v1/resources/${resourceId}/records/${subjectId}`, headers: system.headers });
  const bulk = (system: System, resourceId: string, body: string | Readable, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST', url: `/v1/resources/${resourceId}/records/bulk`,
      headers: { ...system.headers, 'content-type': 'application/x-ndjson', ...headers }, payload: body,
    });
  const person = (n: number, extra: Record<string, unknown> = {}) => ({ id_number: personId(n), name: `示例甲${n}`, birth_date: '1980-01-02', address: '示例省示例市示例路1号', ...extra });
  const rowsOf = async (resourceId: string) => ctx.db('records').where('resource_id', resourceId).orderBy('subject_hash').select('*');
  const historyOf = async (resourceId: string) => ctx.db('record_history').where('resource_id', resourceId).select('*');
  const problem = (res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return res.json() as { code: string; errors?: { pointer: string; message: string }[]; detail: string };
  };

  it('upserts one record: 201 then 200; the reply, the row and the trail hold no value and no plain id', async () => {
    const id = personId(1);
    const first = await put(provider, hosted.id, id, person(1));
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({ resourceId: hosted.id, resourceVersion: 1, subjectMasked: `${id.slice(0, 6)}********${id.slice(14)}`, outcome: 'inserted', warnings: [] });
    expect(first.body).not.toContain('示例甲1');

    const again = await put(provider, hosted.code, id, person(1));
    expect(again.statusCode).toBe(200);
    expect(again.json().outcome).toBe('unchanged');
    const changed = await put(provider, hosted.id, id, person(1, { name: '示例乙1' }));
    expect(changed.json().outcome).toBe('updated');
    expect(await historyOf(hosted.id)).toHaveLength(1);

    const rows = await rowsOf(hosted.id);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(JSON.stringify(rows)).not.toContain('示例路');
    const events = await ctx.db('events').where({ entity_id: hosted.id }).whereLike('action', 'records.%').select('action', 'actor_id', 'details');
    expect(events.map((e) => e.action)).toEqual(['records.upsert', 'records.upsert', 'records.upsert']);
    expect(events[0].actor_id).toBe(provider.id);
    expect(JSON.stringify(events)).not.toContain(id);
    expect(JSON.stringify(events)).not.toContain('示例');
  });

  it('validates against the data items: 400 naming the field, nothing written', async () => {
    const id = personId(2);
    const badDate = problem(await put(provider, hosted.id, id, person(2, { birth_date: '1980-02-30' })));
    expect(badDate.code).toBe('VALIDATION_FAILED');
    expect(badDate.errors!.map((e) => e.pointer)).toEqual(['/body/birth_date']);

    const unknown = problem(await put(provider, hosted.id, id, person(2, { salary: 1 })));
    expect(unknown.errors!.map((e) => e.pointer)).toEqual(['/body/salary']);

    const tooLong = problem(await put(provider, hosted.id, id, person(2, { name: '示'.repeat(51) })));
    expect(tooLong.errors!.map((e) => e.pointer)).toEqual(['/body/name']);

    // The record must name the subject of the path.
    const other = problem(await put(provider, hosted.id, id, person(3)));
    expect(other.errors!.map((e) => e.pointer)).toEqual(['/body/id_number']);

    // A subject id failing GB 11643's check character, in the path.
    const wrongCheck = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    const badPath = await put(provider, hosted.id, wrongCheck, person(2, { id_number: wrongCheck }));
    expect(badPath.statusCode).toBe(400);
    const body = problem(badPath);
    expect(body.code).toBe('INVALID_SUBJECT_ID');
    expect(body.detail).not.toContain(wrongCheck);

    // ... and in the body, with a valid path id.
    const badBody = problem(await put(provider, hosted.id, id, person(2, { id_number: wrongCheck })));
    expect(badBody.errors!.map((e) => e.pointer)).toEqual(['/body/id_number']);

    expect(await ctx.db('records').where('resource_id', hosted.id).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('lets only a system of the providing department load: others get 403 (published) or 404 (draft, unknown)', async () => {
    const id = personId(4);
    const published = problem(await put(outsider, hosted.id, id, person(4)));
    expect(published.code).toBe('OTHER_DEPARTMENT');
    const bulkOther = await bulk(outsider, hosted.id, `${JSON.stringify(person(4))}\n`);
    expect(bulkOther.statusCode).toBe(403);
    expect(problem(await del(outsider, hosted.id, personId(1))).code).toBe('OTHER_DEPARTMENT');

    const hidden = await put(outsider, draft.id, id, person(4));
    const unknown = await put(outsider, randomUUID(), id, person(4));
    expect(hidden.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    const strip = (b: { detail: string; instance?: string }) => ({ ...b, detail: b.detail.replace(/resource \S+/, 'resource X'), instance: undefined });
    expect(strip(hidden.json())).toEqual(strip(unknown.json()));

    // A user, even of the providing department, does not load records: systems do.
    const deptAdmin = await makeUser(ctx, 'dept_admin', provider.departmentCode);
    const byUser = await ctx.app.inject({ method: 'PUT', url: `/v1/resources/${hosted.id}/records/${id}`, headers: deptAdmin.headers, payload: person(4) });
    expect(byUser.statusCode).toBe(403);
    expect(problem(byUser).code).toBe('FORBIDDEN');
    const anonymous = await ctx.app.inject({ method: 'PUT', url: `/v1/resources/${hosted.id}/records/${id}`, payload: person(4) });
    expect(anonymous.statusCode).toBe(401);
    const badKey = await ctx.app.inject({ method: 'PUT', url: `/v1/resources/${hosted.id}/records/${id}`, headers: bearer('shk_nope'), payload: person(4) });
    expect(badKey.statusCode).toBe(401);
    expect(await ctx.db('records').where('resource_id', hosted.id).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('refuses a provider_api resource (409 NOT_HOSTED) and an own unpublished draft (409 RESOURCE_NOT_PUBLISHED)', async () => {
    const id = personId(5);
    const api = await put(provider, providerApi.id, id, person(5));
    expect(api.statusCode).toBe(409);
    expect(problem(api).code).toBe('NOT_HOSTED');
    expect(problem(await bulk(provider, providerApi.id, `${JSON.stringify(person(5))}\n`)).code).toBe('NOT_HOSTED');
    const unpublished = await put(provider, draft.id, id, person(5));
    expect(unpublished.statusCode).toBe(409);
    expect(problem(unpublished).code).toBe('RESOURCE_NOT_PUBLISHED');
    expect(await ctx.db('records').whereIn('resource_id', [providerApi.id, draft.id]).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('tombstones with DELETE (204, history kept); an unknown or deleted subject is 404 SUBJECT_NOT_FOUND', async () => {
    const id = personId(6);
    expect((await put(provider, hosted.id, id, person(6))).statusCode).toBe(201);
    const before = (await historyOf(hosted.id)).length;
    const gone = await del(provider, hosted.id, id);
    expect(gone.statusCode).toBe(204);
    const live = await ctx.db('records').where('resource_id', hosted.id).whereNull('deleted_at').count({ n: '*' });
    expect(live).toEqual([{ n: 1 }]);
    const history = await historyOf(hosted.id);
    expect(history).toHaveLength(before + 1);
    expect(history.some((h) => h.change === 'deleted' && h.changed_by === provider.id)).toBe(true);

    const again = await del(provider, hosted.id, id);
    expect(again.statusCode).toBe(404);
    expect(problem(again).code).toBe('SUBJECT_NOT_FOUND');
    expect(problem(again).detail).not.toContain(id);
    expect(problem(await del(provider, hosted.id, personId(999))).code).toBe('SUBJECT_NOT_FOUND');
    expect(problem(await del(provider, hosted.id, '123')).code).toBe('INVALID_SUBJECT_ID');
    const events = await ctx.db('events').where({ entity_id: hosted.id, action: 'records.delete' }).count({ n: '*' });
    expect(events).toEqual([{ n: 1 }]);
  });

  it('bulk: bad lines reported (line, field, problem), good lines loaded; a retried Idempotency-Key answers the same and changes nothing', async () => {
    const body = [
      JSON.stringify(person(10)),
      JSON.stringify(person(11, { birth_date: 'yesterday' })),
      'not json',
      '',
      JSON.stringify(person(12)),
    ].join('\n') + '\n';
    const first = await bulk(provider, hosted.id, body, { 'idempotency-key': 'load-2026-11-29' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({
      resourceId: hosted.id, resourceVersion: 1, received: 4, inserted: 2, updated: 0, unchanged: 0, rejected: 2,
      errors: [{ line: 2, field: 'birth_date', problem: expect.any(String) }, { line: 3, field: '', problem: 'is not valid JSON' }],
      errorsTruncated: false,
    });
    const rows = await rowsOf(hosted.id);
    const history = await historyOf(hosted.id);

    // The same key and body after the records changed: the first reply, nothing written.
    expect((await put(provider, hosted.id, personId(10), person(10, { name: '示例丙' }))).json().outcome).toBe('updated');
    const rowsAfterPut = await rowsOf(hosted.id);
    const historyAfterPut = await historyOf(hosted.id);
    const retry = await bulk(provider, hosted.id, body, { 'idempotency-key': 'load-2026-11-29' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect(await rowsOf(hosted.id)).toEqual(rowsAfterPut);
    expect(await historyOf(hosted.id)).toEqual(historyAfterPut);
    expect(rows.length).toBe(rowsAfterPut.length);
    expect(history.length + 1).toBe(historyAfterPut.length);

    // The same key with another body is a conflict.
    const reused = await bulk(provider, hosted.id, `${JSON.stringify(person(13))}\n`, { 'idempotency-key': 'load-2026-11-29' });
    expect(reused.statusCode).toBe(409);
    expect(problem(reused).code).toBe('CONFLICT');
    const badKey = await bulk(provider, hosted.id, `${JSON.stringify(person(13))}\n`, { 'idempotency-key': 'has space' });
    expect(badKey.statusCode).toBe(400);
    expect(await rowsOf(hosted.id)).toEqual(rowsAfterPut);

    // Without a key the load runs every time (here: equal values, nothing changed).
    const noKey = await bulk(provider, hosted.id, `${JSON.stringify(person(12))}\n`);
    expect(noKey.json()).toMatchObject({ received: 1, unchanged: 1, inserted: 0 });
    const events = await ctx.db('events').where({ entity_id: hosted.id, action: 'records.bulk_load' }).select('details');
    expect(JSON.stringify(events)).not.toContain(personId(10));
    expect(events[0].details).toMatchObject({ inserted: 2, rejected: 2, systemId: provider.id });
  });

  it('refuses an oversize bulk body with 413 problem+json, declared or streamed, and loads nothing', async () => {
    const line = JSON.stringify(person(20));
    const lines: string[] = [];
    for (let i = 20; lines.join('\n').length <= BULK_LIMIT; i++) lines.push(JSON.stringify(person(i)));
    const big = lines.join('\n') + '\n';
    expect(big.length).toBeGreaterThan(BULK_LIMIT);
    const declared = await bulk(provider, hosted.id, big);
    expect(declared.statusCode).toBe(413);
    expect(problem(declared).code).toBe('PAYLOAD_TOO_LARGE');

    // Streamed without a Content-Length: counted as it arrives, the load rolled back.
    // (Over a real socket: inject aborts a stream payload the server answers before reading it all.)
    const address = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const streamed = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = httpRequest(`${address}/v1/resources/${hosted.id}/records/bulk`, {
        method: 'POST',
        headers: { ...provider.headers, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text }));
      });
      req.on('error', reject);
      for (const l of lines) req.write(`${l}\n`);
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(streamed.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(streamed.body).code).toBe('PAYLOAD_TOO_LARGE');
    expect(line.length).toBeLessThan(BULK_LIMIT);
    const loaded = await ctx.db('records').where('resource_id', hosted.id).count({ n: '*' });
    expect(loaded).toEqual([{ n: 4 }]);
  });

  it('refuses a bulk body that is not NDJSON with 415', async () => {
    const res = await ctx.app.inject({
      method: 'POST', url: `/v1/resources/${hosted.id}/records/bulk`, headers: provider.headers, payload: person(30),
    });
    expect(res.statusCode).toBe(415);
    expect(problem(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const text = await bulk(provider, hosted.id, JSON.stringify(person(30)), { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
  });
});
