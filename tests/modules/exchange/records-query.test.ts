import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { call, makeWorld, ok, resourceOf, type World } from '../../helpers/workflow.js';
import { PERSON_A, PERSON_B, UNKNOWN_PERSON, dataHeaders, grantedSystem, loadRecords } from './query-fixtures.js';

// The consumer's query path through HTTP, on real PostgreSQL and Redis, with systems holding real
// API keys and grants issued by the workflow.
describe('GET /v1/resources/{id}/records/{subjectId}', () => {
  const clock = manualClock('2026-12-01T10:00:00');
  let ctx: TestContext;
  let w: World;
  let resourceId: string;

  beforeAll(async () => {
    ctx = await buildTestApp({ VERIFY_DAILY_LIMIT_PER_SUBJECT: '3' }, { clock });
    w = await makeWorld(ctx);
    resourceId = (await resourceOf(w)).id;
    await loadRecords(ctx, resourceId, [PERSON_A, PERSON_B], clock());
  });
  afterAll(async () => ctx?.close());

  const get = (headers: Record<string, string>, subject = PERSON_A.id_number, query = '', resource = resourceId) =>
    ctx.app.inject({ method: 'GET', url: `/v1/resources/${resource}/records/${subject}${query}`, headers });
  const problem = (res: Awaited<ReturnType<typeof get>>, status: number, code: string) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
    return res.json() as { detail: string };
  };
  const subjectHashHex = (id: string) => createHmac('sm3', deriveKeys(ctx.config.SHAREHUB_SECRET_KEY).subject).update(id).digest('hex');

  it('answers the granted fields, masked per data item, with the source and a receipt; the event is durable and hashed', async () => {
    const { system, grantId } = await grantedSystem(w, resourceId, clock());
    const res = await get(dataHeaders(system));
    const body = await ok(res);
    expect(body).toEqual({
      resourceId,
      subjectId: '110105********002X',
      fields: { id_number: '110105************', name: '张**', birth_date: '1949-12-31' },
      // field-level answer: every field of a hosted record has the provider's source and load time
      fieldInfo: Object.fromEntries(['id_number', 'name', 'birth_date'].map((f) => [f, { departmentCode: w.provider.code, updatedAt: body.source.updatedAt }])),
      source: { departmentCode: w.provider.code, updatedAt: expect.any(String) },
      receipt: { eventId: expect.any(String) },
    });
    // address is not granted: it never appears, masked or not
    expect(res.body).not.toContain('address');
    expect(res.body).not.toContain('北京市');
    const event = await ctx.db('events').where('id', body.receipt.eventId).first();
    expect(event).toMatchObject({
      actor_kind: 'system', actor_id: system.id, actor_department: w.consumer.code, action: 'record.read', outcome: 'success',
      resource_id: resourceId, grant_id: grantId, subject_masked: '110105********002X', fields: ['id_number', 'name', 'birth_date'],
      service_item_code: '330100-000-XK-00123', case_id: 'CASE-2026-0001', operator_id: 'op-007', request_id: res.headers['x-request-id'],
    });
    expect(event.subject_hash.toString('hex')).toBe(subjectHashHex(PERSON_A.id_number));
    expect(event.latency_ms).toBeGreaterThanOrEqual(0);
    // the plain id is nowhere in the trail
    const { rows } = await ctx.db.raw(`select string_agg(e::text, '|') as t from events e`);
    expect(rows[0].t).not.toContain(PERSON_A.id_number);
    expect(rows[0].t).not.toContain('19491231');
  });

  it('narrows to ?fields= and refuses a field not granted, naming it (FIELD_NOT_GRANTED)', async () => {
    const { system } = await grantedSystem(w, resourceId, clock());
    expect((await ok(await get(dataHeaders(system), PERSON_A.id_number, '?fields=name'))).fields).toEqual({ name: '张**' });
    const refused = problem(await get(dataHeaders(system), PERSON_A.id_number, '?fields=name,address'), 403, 'FIELD_NOT_GRANTED');
    expect(refused.detail).toContain('address');
    expect(refused.detail).not.toContain('北京');
  });

  it('requires each query context header: 400 naming it', async () => {
    const { system } = await grantedSystem(w, resourceId, clock());
    for (const header of ['x-case-id', 'x-operator-id', 'x-service-item']) {
      const res = await get(dataHeaders(system, { [header]: undefined }));
      expect(problem(res, 400, 'VALIDATION_FAILED').detail).toContain(header);
    }
  });

  it('refuses another service item (SERVICE_ITEM_MISMATCH), a system without a grant and an unknown resource (GRANT_REQUIRED); refusals are audited', async () => {
    const { system } = await grantedSystem(w, resourceId, clock());
    problem(await get(dataHeaders(system, { 'x-service-item': '330100-000-XK-99999' })), 403, 'SERVICE_ITEM_MISMATCH');
    const stranger = await makeSystem(ctx, w.consumer.code);
    problem(await get(dataHeaders(stranger)), 403, 'GRANT_REQUIRED');
    problem(await get(dataHeaders(system), PERSON_A.id_number, '', '00000000-0000-4000-8000-000000000000'), 403, 'GRANT_REQUIRED');
    const refusals = await ctx.db('events').where({ actor_id: stranger.id, action: 'record.read' }).select('outcome', 'reason', 'subject_masked');
    expect(refusals).toEqual([{ outcome: 'failure', reason: 'GRANT_REQUIRED', subject_masked: '110105********002X' }]);
  });

  it('refuses a malformed subject id (INVALID_SUBJECT_ID) and answers 404 SUBJECT_NOT_FOUND for a valid unknown one', async () => {
    const { system } = await grantedSystem(w, resourceId, clock());
    problem(await get(dataHeaders(system), '110105194912310021'), 400, 'INVALID_SUBJECT_ID');
    problem(await get(dataHeaders(system), UNKNOWN_PERSON), 404, 'SUBJECT_NOT_FOUND');
    const events = await ctx.db('events').where({ actor_id: system.id }).orderBy('id').select('reason', 'subject_hash');
    expect(events.map((e) => e.reason)).toEqual(['INVALID_SUBJECT_ID', 'SUBJECT_NOT_FOUND']);
    expect(events[0].subject_hash).toBeNull();
    expect(events[1].subject_hash.toString('hex')).toBe(subjectHashHex(UNKNOWN_PERSON));
  });

  it('refuses at once after a revocation (GRANT_REVOKED) and after the validity (GRANT_EXPIRED)', async () => {
    const revoked = await grantedSystem(w, resourceId, clock());
    await ok(await get(dataHeaders(revoked.system)));
    await ok(await call(w, 'POST', `/v1/grants/${revoked.grantId}/revoke`, w.provider.admin, { reason: '停止共享' }));
    problem(await get(dataHeaders(revoked.system)), 403, 'GRANT_REVOKED');

    const expiring = await grantedSystem(w, resourceId, clock(), { validTo: new Date(clock().getTime() + 3_600_000).toISOString() });
    await ok(await get(dataHeaders(expiring.system)));
    const saved = clock();
    clock.advance(3_600_000);
    try {
      // no sweep has run: the validity is checked against the request's time on every call (even cached)
      problem(await get(dataHeaders(expiring.system)), 403, 'GRANT_EXPIRED');
    } finally {
      clock.set(saved);
    }
  });

  it('counts the daily quota per grant: 429 QUOTA_EXCEEDED with Retry-After until Shanghai midnight, and a new day resets it', async () => {
    const saved = clock();
    try {
      clock.set('2026-12-02T23:59:00');
      const { system } = await grantedSystem(w, resourceId, clock(), { expectedDailyCalls: 3 });
      for (let i = 0; i < 3; i++) await ok(await get(dataHeaders(system)));
      const refused = await get(dataHeaders(system));
      problem(refused, 429, 'QUOTA_EXCEEDED');
      expect(refused.headers['retry-after']).toBe('60');
      clock.set('2026-12-03T00:00:00');
      await ok(await get(dataHeaders(system)));
    } finally {
      clock.set(saved);
    }
  });

  it('group-commits the events of concurrent requests: fewer transactions than requests, every reply after its commit', async () => {
    const { system } = await grantedSystem(w, resourceId, clock());
    const replies = await Promise.all(Array.from({ length: 20 }, () => get(dataHeaders(system))));
    const ids = replies.map((r) => { expect(r.statusCode, r.body).toBe(200); return r.json().receipt.eventId as string; });
    const rows = await ctx.db('events').whereIn('id', ids).select(ctx.db.raw('xmin::text as xid'));
    expect(rows).toHaveLength(20); // committed: visible to another connection once the replies are in
    expect(new Set(rows.map((r) => r.xid)).size).toBeLessThan(20);
  });

  it('serves systems only: a user token is refused by role', async () => {
    const res = await get({ ...w.consumer.admin, 'x-case-id': 'c', 'x-operator-id': 'o', 'x-service-item': 's' });
    problem(res, 403, 'FORBIDDEN');
  });

  describe('batch-get', () => {
    it('answers one result per id in order — found, not_found, invalid_id — with one event per subject in one insert', async () => {
      const { system } = await grantedSystem(w, resourceId, clock());
      const ids = [PERSON_A.id_number, UNKNOWN_PERSON, 'not-an-id', PERSON_B.id_number];
      const body = await ok(await ctx.app.inject({
        method: 'POST', url: `/v1/resources/${resourceId}/records/batch-get`, headers: dataHeaders(system), payload: { ids, fields: ['name'] },
      }));
      expect(body.source).toEqual({ departmentCode: w.provider.code });
      expect(body.results.map((r: { status: string }) => r.status)).toEqual(['found', 'not_found', 'invalid_id', 'found']);
      // Every field from the provider as of the result's updatedAt: no fieldInfo repeating it per field.
      expect(body.results[0]).toEqual({ subjectId: '110105********002X', status: 'found', fields: { name: '张**' }, updatedAt: expect.any(String), eventId: expect.any(String) });
      expect(body.results[3].fields).toEqual({ name: '李*' });
      expect(JSON.stringify(body)).not.toContain(PERSON_A.id_number);
      const events = await ctx.db('events').where({ actor_id: system.id }).orderBy('id').select('id', 'reason', ctx.db.raw('xmin::text as xid'));
      expect(events.map((e) => e.reason)).toEqual([null, 'SUBJECT_NOT_FOUND', 'INVALID_SUBJECT_ID', null]);
      expect(body.results.map((r: { eventId: string }) => r.eventId)).toEqual(events.map((e) => String(e.id)));
      // one insert: one transaction wrote them all
      expect(new Set(events.map((e) => e.xid)).size).toBe(1);
    });

    it('refuses more than 1,000 ids and a field not granted', async () => {
      const { system } = await grantedSystem(w, resourceId, clock());
      const url = `/v1/resources/${resourceId}/records/batch-get`;
      const tooMany = await ctx.app.inject({ method: 'POST', url, headers: dataHeaders(system), payload: { ids: Array(1001).fill(PERSON_A.id_number) } });
      problem(tooMany, 400, 'VALIDATION_FAILED');
      problem(await ctx.app.inject({ method: 'POST', url, headers: dataHeaders(system), payload: { ids: [PERSON_A.id_number], fields: ['address'] } }), 403, 'FIELD_NOT_GRANTED');
    });
  });

  describe('verify', () => {
    const verify = (headers: Record<string, string>, payload: unknown) =>
      ctx.app.inject({ method: 'POST', url: `/v1/resources/${resourceId}/records/verify`, headers, payload: payload as object });

    it('answers match / no_match / not_found per claim and never a value', async () => {
      const { system } = await grantedSystem(w, resourceId, clock(), { fields: ['id_number', 'name', 'birth_date'] });
      await loadRecords(ctx, resourceId, [{ id_number: '440524188001010014', name: '李四' }], clock()); // no birth date any more
      const res = await verify(dataHeaders(system), { id: PERSON_B.id_number, claims: { name: '李四', birth_date: '1880-01-01' } });
      expect((await ok(res)).results).toEqual({ name: 'match', birth_date: 'not_found' });
      const other = await ok(await verify(dataHeaders(system), { id: PERSON_A.id_number, claims: { name: '张三', birth_date: '1949-12-31' } }));
      expect(other).toEqual({ resourceId, subjectId: '110105********002X', results: { name: 'no_match', birth_date: 'match' }, receipt: { eventId: expect.any(String) } });
      expect(JSON.stringify(other)).not.toContain('张三丰');
      await loadRecords(ctx, resourceId, [PERSON_B], clock());
    });

    it('refuses claims on fields not granted', async () => {
      const { system } = await grantedSystem(w, resourceId, clock());
      problem(await verify(dataHeaders(system), { id: PERSON_A.id_number, claims: { address: '北京' } }), 403, 'FIELD_NOT_GRANTED');
    });

    it('allows VERIFY_DAILY_LIMIT_PER_SUBJECT verifications per system and subject a day, then 429', async () => {
      const { system } = await grantedSystem(w, resourceId, clock());
      for (let i = 0; i < 3; i++) await ok(await verify(dataHeaders(system), { id: PERSON_A.id_number, claims: { name: `猜${i}` } }));
      const refused = await verify(dataHeaders(system), { id: PERSON_A.id_number, claims: { name: '张三丰' } });
      problem(refused, 429, 'VERIFY_LIMIT_EXCEEDED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // another subject is not limited by this one
      await ok(await verify(dataHeaders(system), { id: PERSON_B.id_number, claims: { name: '李四' } }));
    });
  });
});
