import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import type { ProviderServer } from '../../helpers/provider-server.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { makeWorld, ok, type World } from '../../helpers/workflow.js';
import { PROVIDER_UPDATED, providerFieldsOf, providerWithGrant as grantedProvider } from './provider-fixtures.js';
import { PERSON_A, PERSON_B, UNKNOWN_PERSON, dataHeaders } from './query-fixtures.js';

// Provider-served resources (delivery.mode = provider_api): the hub forwards each query to the
// provider's endpoint — here a real HTTP server on 127.0.0.1 that verifies the hub's signature
// with the verifier exported for providers — under the same grant, projection, masking and audit
// as hosted records.
describe('provider-served records (forwarding to the provider endpoint)', () => {
  const clock = manualClock('2026-12-01T10:00:00');
  let ctx: TestContext;
  let w: World;
  const servers: ProviderServer[] = [];

  beforeAll(async () => {
    ctx = await buildTestApp({ PROVIDER_TIMEOUT_MS: '300', PROVIDER_BREAKER_FAILURES: '3', PROVIDER_BREAKER_HALF_OPEN_MS: '600000' }, { clock });
    w = await makeWorld(ctx);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await ctx?.close();
  });

  const UPDATED = PROVIDER_UPDATED;
  const fieldsOf = providerFieldsOf;
  const providerWithGrant = (fields?: string[]) => grantedProvider(w, clock, servers, fields);

  const get = (resourceId: string, headers: Record<string, string>, subject: string = PERSON_A.id_number, query = '') =>
    ctx.app.inject({ method: 'GET', url: `/v1/resources/${resourceId}/records/${subject}${query}`, headers });
  const problem = (res: Awaited<ReturnType<typeof get>>, status: number, code: string) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
    return res;
  };
  const eventsOf = (systemId: string) => ctx.db('events').where({ actor_id: systemId }).orderBy('id').select('action', 'outcome', 'reason', 'fields', 'grant_id');

  it('forwards a read, signed and asking only the wanted fields, and answers it masked like a hosted record, with field-level sources and an audit event', async () => {
    const { server, resourceId, system, grantId } = await providerWithGrant();
    const res = await get(resourceId, dataHeaders(system));
    const body = await ok(res);
    expect(body).toEqual({
      resourceId,
      subjectId: '110105********002X',
      fields: { id_number: '110105************', name: '张**', birth_date: '1949-12-31' },
      fieldInfo: {
        id_number: { departmentCode: w.provider.code, updatedAt: '2026-11-30T08:00:00.000Z' },
        name: { departmentCode: w.provider.code, updatedAt: '2026-11-30T08:00:00.000Z' },
        birth_date: { departmentCode: w.provider.code, updatedAt: '2026-11-30T08:00:00.000Z' },
      },
      source: { departmentCode: w.provider.code, updatedAt: '2026-11-30T08:00:00.000Z' },
      receipt: { eventId: expect.any(String) },
    });
    expect(server.received).toHaveLength(1);
    const forwarded = server.received[0]!;
    // the provider verified the hub's signature with the exported verifier
    expect(forwarded.verification).toEqual({ ok: true });
    expect(forwarded.method).toBe('POST');
    expect(forwarded.path).toBe('/api/records');
    // the subject key is the query, not a field; address is not granted and never asked
    expect(forwarded.json).toEqual({
      resourceId, resourceVersion: 1, subjectIds: [PERSON_A.id_number], fields: ['name', 'birth_date'],
      consumer: { departmentCode: w.consumer.code, serviceItem: '330100-000-XK-00123' },
    });
    expect(forwarded.headers['x-sharehub-request-id']).toBe(res.headers['x-request-id']);
    expect(await eventsOf(system.id)).toEqual([
      { action: 'record.read', outcome: 'success', reason: null, fields: ['id_number', 'name', 'birth_date'], grant_id: grantId },
    ]);
  });

  it('never passes on fields or subjects the provider answered without being asked', async () => {
    const { server, resourceId, system } = await providerWithGrant();
    server.extraFields = { address: '北京市朝阳区测试路1号', secret_flag: true };
    server.extraRecords = [{ subjectId: PERSON_B.id_number, updatedAt: UPDATED, fields: fieldsOf(PERSON_B) }];
    const res = await get(resourceId, dataHeaders(system), PERSON_A.id_number, '?fields=name');
    expect((await ok(res)).fields).toEqual({ name: '张**' });
    expect(server.received[0]!.json.fields).toEqual(['name']);
    for (const leaked of ['address', '北京市', 'secret_flag', 'birth_date', '李', PERSON_B.id_number.slice(0, 6)]) expect(res.body).not.toContain(leaked);

    const batch = await ctx.app.inject({ method: 'POST', url: `/v1/resources/${resourceId}/records/batch-get`, headers: dataHeaders(system), payload: { ids: [PERSON_A.id_number] } });
    expect((await ok(batch)).results).toHaveLength(1);
    expect(batch.body).not.toContain('北京市');
    expect(batch.body).not.toContain('440524');
  });

  it('marks a field the provider did not return (or returned invalid) as unavailable with a reason; the event lists only what was delivered', async () => {
    const { server, resourceId, system } = await providerWithGrant();
    server.records.set(PERSON_A.id_number, { updatedAt: UPDATED, fields: { name: PERSON_A.name, birth_date: '1949-13-45' } });
    server.records.set(PERSON_B.id_number, { updatedAt: UPDATED, fields: { birth_date: PERSON_B.birth_date } });
    const a = await ok(await get(resourceId, dataHeaders(system)));
    expect(a.fields).toEqual({ id_number: '110105************', name: '张**', birth_date: null });
    expect(a.fieldInfo.birth_date).toEqual({ departmentCode: w.provider.code, updatedAt: null, unavailable: 'invalid_value' });
    const b = await ok(await get(resourceId, dataHeaders(system), PERSON_B.id_number));
    expect(b.fields.name).toBeNull();
    expect(b.fieldInfo.name).toEqual({ departmentCode: w.provider.code, updatedAt: null, unavailable: 'not_returned' });
    const events = await eventsOf(system.id);
    expect(events.map((e) => e.fields)).toEqual([['id_number', 'name'], ['id_number', 'birth_date']]);
    // In a batch, fieldInfo names only what did not come as the result's updatedAt says: here the unavailable fields.
    const batch = await ok(await ctx.app.inject({
      method: 'POST', url: `/v1/resources/${resourceId}/records/batch-get`, headers: dataHeaders(system), payload: { ids: [PERSON_A.id_number, PERSON_B.id_number] },
    }));
    expect(batch.results.map((r: { fieldInfo?: unknown }) => r.fieldInfo)).toEqual([
      { birth_date: { departmentCode: w.provider.code, updatedAt: null, unavailable: 'invalid_value' } },
      { name: { departmentCode: w.provider.code, updatedAt: null, unavailable: 'not_returned' } },
    ]);
  });

  it('batch-get and verify go through the provider too; verify never shows a value', async () => {
    const { server, resourceId, system } = await providerWithGrant();
    const batch = await ok(await ctx.app.inject({
      method: 'POST', url: `/v1/resources/${resourceId}/records/batch-get`, headers: dataHeaders(system),
      payload: { ids: [PERSON_A.id_number, UNKNOWN_PERSON, 'nonsense'], fields: ['name'] },
    }));
    expect(batch.results.map((r: { status: string }) => r.status)).toEqual(['found', 'not_found', 'invalid_id']);
    expect(batch.results[0].fields).toEqual({ name: '张**' });
    // one forwarded call for the batch, the invalid id never leaves the hub
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.json.subjectIds).toEqual([PERSON_A.id_number, UNKNOWN_PERSON]);

    const verify = await ok(await ctx.app.inject({
      method: 'POST', url: `/v1/resources/${resourceId}/records/verify`, headers: dataHeaders(system),
      payload: { id: PERSON_A.id_number, claims: { name: '张三丰', birth_date: '1950-01-01' } },
    }));
    expect(verify.results).toEqual({ name: 'match', birth_date: 'no_match' });
    expect(server.received[1]!.json.fields).toEqual(['name', 'birth_date']);
  });

  it('answers the same problem codes as hosted records, audited the same way', async () => {
    const { server, resourceId, system } = await providerWithGrant();
    problem(await get(resourceId, dataHeaders(system), PERSON_A.id_number, '?fields=address'), 403, 'FIELD_NOT_GRANTED');
    problem(await get(resourceId, dataHeaders(system, { 'x-service-item': '330100-000-XK-99999' })), 403, 'SERVICE_ITEM_MISMATCH');
    problem(await get(resourceId, dataHeaders(system), '110105194912310021'), 400, 'INVALID_SUBJECT_ID');
    problem(await get(resourceId, dataHeaders(system), UNKNOWN_PERSON), 404, 'SUBJECT_NOT_FOUND');
    const stranger = await makeSystem(ctx, w.consumer.code);
    problem(await get(resourceId, dataHeaders(stranger)), 403, 'GRANT_REQUIRED');
    // only the unknown subject was worth asking the provider about
    expect(server.received.map((r) => r.json.subjectIds)).toEqual([[UNKNOWN_PERSON]]);
    expect((await eventsOf(system.id)).map((e) => [e.outcome, e.reason])).toEqual([
      ['failure', 'FIELD_NOT_GRANTED'], ['failure', 'SERVICE_ITEM_MISMATCH'], ['failure', 'INVALID_SUBJECT_ID'], ['failure', 'SUBJECT_NOT_FOUND'],
    ]);
    expect((await eventsOf(stranger.id)).map((e) => e.reason)).toEqual(['GRANT_REQUIRED']);
  });

  it('never asks the provider about a call its quota refuses (a hosted record is read while the quota is counted; a provider is not)', async () => {
    const { server, resourceId, system, grantId } = await providerWithGrant();
    await w.ctx.db('grants').where('id', grantId).update({ daily_quota: 1 }); // before the first call: nothing is cached yet
    await ok(await get(resourceId, dataHeaders(system)));
    problem(await get(resourceId, dataHeaders(system), PERSON_B.id_number), 429, 'QUOTA_EXCEEDED');
    const batch = await ctx.app.inject({ method: 'POST', url: `/v1/resources/${resourceId}/records/batch-get`, headers: dataHeaders(system), payload: { ids: [PERSON_B.id_number] } });
    problem(batch, 429, 'QUOTA_EXCEEDED');
    expect(server.received.map((r) => r.json.subjectIds)).toEqual([[PERSON_A.id_number]]);
  });

  it('answers 504 PROVIDER_TIMEOUT when the provider is slow', async () => {
    const { server, resourceId, system } = await providerWithGrant();
    server.mode = 'slow';
    server.delayMs = 2_000;
    const res = problem(await get(resourceId, dataHeaders(system)), 504, 'PROVIDER_TIMEOUT');
    expect(res.body).not.toContain('127.0.0.1');
    expect((await eventsOf(system.id)).map((e) => [e.outcome, e.reason])).toEqual([['failure', 'PROVIDER_TIMEOUT']]);
  });

  it('answers 502 when the provider is down, fails or replies with something unusable', async () => {
    const { server, resourceId, system } = await providerWithGrant();
    server.mode = 'status500';
    problem(await get(resourceId, dataHeaders(system)), 502, 'PROVIDER_BAD_REPLY');
    server.mode = 'not_json';
    problem(await get(resourceId, dataHeaders(system)), 502, 'PROVIDER_BAD_REPLY');

    const down = await providerWithGrant();
    await down.server.close();
    const res = problem(await get(down.resourceId, dataHeaders(down.system)), 502, 'PROVIDER_UNREACHABLE');
    expect(res.body).not.toContain('127.0.0.1');
    expect((await eventsOf(down.system.id)).map((e) => e.reason)).toEqual(['PROVIDER_UNREACHABLE']);
  });

  it('opens the breaker after consecutive failures: then 503 PROVIDER_CIRCUIT_OPEN at once, without calling the provider', async () => {
    const { server, resourceId, system } = await providerWithGrant();
    server.mode = 'hang_up';
    for (let i = 0; i < 3; i++) problem(await get(resourceId, dataHeaders(system)), 502, 'PROVIDER_UNREACHABLE');
    expect(server.received).toHaveLength(3);
    server.mode = 'normal';
    const res = problem(await get(resourceId, dataHeaders(system)), 503, 'PROVIDER_CIRCUIT_OPEN');
    expect(Number(res.headers['retry-after'])).toBe(600);
    expect(server.received).toHaveLength(3);
    expect((await eventsOf(system.id)).at(-1)).toMatchObject({ outcome: 'failure', reason: 'PROVIDER_CIRCUIT_OPEN' });

    // another provider's endpoint has its own breaker
    const other = await providerWithGrant();
    await ok(await get(other.resourceId, dataHeaders(other.system)));
  });

  it("refuses a forwarded query whose signature the provider cannot verify (another department's secret)", async () => {
    const { server, resourceId, system } = await providerWithGrant();
    server.secret = w.consumer.webhookSecret;
    problem(await get(resourceId, dataHeaders(system)), 502, 'PROVIDER_BAD_REPLY');
    expect(server.received[0]!.verification).toEqual({ ok: false, reason: 'mismatch' });
  });
});

// The breaker's half-open state on real time (cockatiel measures its open period with Date.now,
// so no clock can move it): a 0.4 s half-open delay, waited out for real. Long enough for the
// calls that open the breaker and the call refused after them to fit inside it on a busy machine.
describe("a provider endpoint's circuit breaker after its half-open delay", () => {
  const clock = manualClock('2026-12-01T10:00:00');
  const HALF_OPEN_MS = 400;
  let ctx: TestContext;
  let w: World;
  const servers: ProviderServer[] = [];

  beforeAll(async () => {
    ctx = await buildTestApp({ PROVIDER_TIMEOUT_MS: '300', PROVIDER_BREAKER_FAILURES: '2', PROVIDER_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS) }, { clock });
    w = await makeWorld(ctx);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await ctx?.close();
  });

  const get = (resourceId: string, system: { headers: Record<string, string> }) =>
    ctx.app.inject({ method: 'GET', url: `/v1/resources/${resourceId}/records/${PERSON_A.id_number}`, headers: dataHeaders(system) });
  const codeOf = (res: Awaited<ReturnType<typeof get>>) => (res.statusCode === 200 ? 'OK' : res.json().code as string);
  const halfOpenDelay = () => new Promise((resolve) => setTimeout(resolve, HALF_OPEN_MS + 100));

  /** Two failures open the breaker; the next call is refused at once, the provider not called. */
  async function openBreaker() {
    const granted = await grantedProvider(w, clock, servers);
    granted.server.mode = 'hang_up';
    expect([codeOf(await get(granted.resourceId, granted.system)), codeOf(await get(granted.resourceId, granted.system))]).toEqual(['PROVIDER_UNREACHABLE', 'PROVIDER_UNREACHABLE']);
    const open = await get(granted.resourceId, granted.system);
    expect(open.statusCode).toBe(503);
    expect(codeOf(open)).toBe('PROVIDER_CIRCUIT_OPEN');
    expect(Number(open.headers['retry-after'])).toBe(1);
    expect(granted.server.received).toHaveLength(2);
    return granted;
  }

  it('lets one trial call through after the delay; its success closes the breaker', async () => {
    const { server, resourceId, system } = await openBreaker();
    await halfOpenDelay();
    server.mode = 'slow';
    server.delayMs = 100;
    // Two calls at once: the first is the trial, the second waits for its outcome instead of reaching the provider alongside it.
    const [trial, waiting] = await Promise.all([get(resourceId, system), get(resourceId, system)]);
    expect([codeOf(trial), codeOf(waiting)]).toEqual(['OK', 'OK']);
    expect(server.received).toHaveLength(4);
    // Closed again: a failure is an ordinary failure (the count starts again), not a refusal.
    server.mode = 'hang_up';
    expect(codeOf(await get(resourceId, system))).toBe('PROVIDER_UNREACHABLE');
    server.mode = 'normal';
    expect(codeOf(await get(resourceId, system))).toBe('OK');
    expect(server.received).toHaveLength(6);
  });

  it('re-opens the breaker when the trial call fails: the call waiting on it and the next are refused without calling the provider', async () => {
    const { server, resourceId, system } = await openBreaker();
    await halfOpenDelay();
    const [trial, waiting] = await Promise.all([get(resourceId, system), get(resourceId, system)]);
    // (whichever of the two reached the breaker first was the trial)
    expect([codeOf(trial), codeOf(waiting)].sort()).toEqual(['PROVIDER_CIRCUIT_OPEN', 'PROVIDER_UNREACHABLE']);
    expect(server.received).toHaveLength(3);
    server.mode = 'normal';
    expect(codeOf(await get(resourceId, system))).toBe('PROVIDER_CIRCUIT_OPEN');
    expect(server.received).toHaveLength(3);
    // …until the next delay has passed: then a good trial closes it.
    await halfOpenDelay();
    expect(codeOf(await get(resourceId, system))).toBe('OK');
    expect(server.received).toHaveLength(4);
  });
});
