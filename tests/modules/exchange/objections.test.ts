import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { schedulerContext } from '../../../src/modules/context.js';
import { sweepObjectionDeadlines } from '../../../src/modules/exchange/objections-service.js';
import { recordKeyring } from '../../../src/modules/exchange/record-keys.js';
import { getRecordHistory } from '../../../src/modules/exchange/records-repository.js';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { call, makeWorld, ok, resourceOf, type World } from '../../helpers/workflow.js';
import { PERSON_A, PERSON_B, UNKNOWN_PERSON, dataHeaders, grantedSystem, loadRecords } from './query-fixtures.js';

// 纠错: a consumer objects to a field; the provider gets it through the outbox with a deadline of
// OBJECTION_WORKING_DAYS (default 5) working days that turns yellow and red; the provider's system
// corrects (through the record path, with history) or rejects; a correction tells every consumer
// system that received the field of that subject in the last 90 days. Time is the manual clock.
describe('objections (纠错)', () => {
  const clock = manualClock('2026-08-03T10:00:00');
  let ctx: TestContext;
  let w: World;
  let resourceId: string;
  let reader1: Awaited<ReturnType<typeof grantedSystem>>;
  let reader2: Awaited<ReturnType<typeof grantedSystem>>;
  let oldReader: Awaited<ReturnType<typeof grantedSystem>>;
  let birthOnly: Awaited<ReturnType<typeof grantedSystem>>;
  let providerSystem: { id: string; headers: Record<string, string> };
  const receipts: Record<string, string> = {};

  const read = async (system: { headers: Record<string, string> }, query = '') => ok(await ctx.app.inject({
    method: 'GET', url: `/v1/resources/${resourceId}/records/${PERSON_A.id_number}${query}`, headers: dataHeaders(system),
  }));
  const raise = (headers: Record<string, string>, body: Record<string, unknown>, subject: string = PERSON_A.id_number) =>
    ctx.app.inject({ method: 'POST', url: `/v1/resources/${resourceId}/records/${subject}/objections`, headers, payload: body });
  const decide = (headers: Record<string, string>, id: string, body: Record<string, unknown>) =>
    ctx.app.inject({ method: 'POST', url: `/v1/objections/${id}/decision`, headers, payload: body });
  const outbox = (type: string) => ctx.db('outbox').where({ type }).orderBy('created_at').select('department_code', 'data');

  beforeAll(async () => {
    ctx = await buildTestApp({}, { clock });
    w = await makeWorld(ctx);
    resourceId = (await resourceOf(w)).id;
    await loadRecords(ctx, resourceId, [PERSON_A, PERSON_B], clock());
    providerSystem = await makeSystem(ctx, w.provider.code);
    // More than 90 days before the objection: this read is not "recent".
    oldReader = await grantedSystem(w, resourceId, clock());
    await read(oldReader.system);
    clock.set('2026-11-20T10:00:00'); // a Friday
    reader1 = await grantedSystem(w, resourceId, clock());
    reader2 = await grantedSystem(w, resourceId, clock());
    birthOnly = await grantedSystem(w, resourceId, clock());
    receipts.r1 = (await read(reader1.system)).receipt.eventId;
    receipts.r2a = (await read(reader2.system, '?fields=name')).receipt.eventId;
    receipts.r2b = (await read(reader2.system)).receipt.eventId;
    await read(birthOnly.system, '?fields=birth_date');
  });
  afterAll(async () => ctx?.close());

  it('reaches the provider through the outbox with a 5-working-day deadline, then turns yellow and red, once each', async () => {
    const res = await raise(reader1.system.headers, { field: 'name', reason: '户籍系统中姓名为张三峰，疑为录入错误' });
    expect(res.statusCode, res.body).toBe(201);
    const objection = res.json();
    expect(objection).toMatchObject({
      resourceId, itemKey: 'name', subjectId: '110105********002X', status: 'open', sla: 'on_time', dueProvisional: false,
      consumerDepartmentCode: w.consumer.code, providerDepartmentCode: w.provider.code, decidedAt: null, notifiedSystems: null,
      // Fri 20 Nov + 5 working days = Fri 27 Nov, end of day in Asia/Shanghai
      dueAt: '2026-11-27T15:59:59.999Z',
    });
    const raised = (await outbox('objection.raised')).filter((m) => m.data.objectionId === objection.id);
    expect(raised).toEqual([{ department_code: w.provider.code, data: { objectionId: objection.id, resourceId, itemKey: 'name', dueAt: '2026-11-27T15:59:59.999Z' } }]);
    expect(JSON.stringify(raised)).not.toContain('张');

    const sweep = () => sweepObjectionDeadlines(schedulerContext(ctx.db, clock()));
    const saved = clock();
    try {
      clock.set('2026-11-26T12:00:00');
      expect(await sweep()).toEqual({ warned: [], overdue: [] });
      clock.set('2026-11-27T09:00:00'); // the last working day: yellow
      expect(await sweep()).toEqual({ warned: [objection.id], overdue: [] });
      expect(await sweep()).toEqual({ warned: [], overdue: [] });
      clock.set('2026-11-28T09:00:00'); // past the deadline: red
      expect(await sweep()).toEqual({ warned: [], overdue: [objection.id] });
      expect(await sweep()).toEqual({ warned: [], overdue: [] });
      const colours = (await ctx.db('outbox').whereIn('type', ['deadline.warning', 'deadline.overdue']).orderBy('created_at').select('type', 'department_code', 'data'))
        .filter((m) => m.data.objectionId === objection.id);
      expect(colours).toEqual([
        { type: 'deadline.warning', department_code: w.provider.code, data: { objectionId: objection.id, step: 'objection', status: 'open', dueAt: objection.dueAt, sla: 'warning' } },
        { type: 'deadline.overdue', department_code: w.provider.code, data: { objectionId: objection.id, step: 'objection', status: 'open', dueAt: objection.dueAt, sla: 'overdue' } },
      ]);
      const listed = await ok(await call(w, 'GET', '/v1/objections?side=provider&status=open', w.provider.admin));
      expect(listed.items.map((o: { id: string; sla: string }) => [o.id, o.sla])).toEqual([[objection.id, 'overdue']]);
    } finally {
      clock.set(saved);
    }

    // the correction: a new value through the record path, the old one in history, recent recipients told
    clock.set('2026-11-30T10:00:00');
    const decided = await ok(await decide(providerSystem.headers, objection.id, { decision: 'correct', reason: '已核实并更正', value: '张三峰' }));
    expect(decided).toMatchObject({ status: 'corrected', decisionReason: '已核实并更正', notifiedSystems: 2, decidedAt: clock().toISOString() });
    const verify = await ok(await ctx.app.inject({
      method: 'POST', url: `/v1/resources/${resourceId}/records/verify`, headers: dataHeaders(reader1.system), payload: { id: PERSON_A.id_number, claims: { name: '张三峰' } },
    }));
    expect(verify.results).toEqual({ name: 'match' });
    const keyring = recordKeyring(deriveKeys(ctx.config.SHAREHUB_SECRET_KEY));
    const history = await getRecordHistory(ctx.db, keyring, resourceId, 'id_number', PERSON_A.id_number);
    expect(history[0]!.record.name).toBe('张三丰');
    expect(history[0]!.changedBy).toBe(providerSystem.id);

    const corrected = await outbox('record.corrected');
    expect(corrected).toHaveLength(1);
    expect(corrected[0]!.department_code).toBe(w.consumer.code);
    expect(new Set(corrected[0]!.data.systemIds)).toEqual(new Set([reader1.system.id, reader2.system.id]));
    // their own receipts, so they can find the cases; the old reader (> 90 days) and the birth-date-only reader are not told
    expect(new Set(corrected[0]!.data.receipts)).toEqual(new Set([receipts.r1, receipts.r2a, receipts.r2b]));
    expect(corrected[0]!.data.systemIds).not.toContain(oldReader.system.id);
    expect(corrected[0]!.data.systemIds).not.toContain(birthOnly.system.id);
    expect(JSON.stringify(corrected)).not.toContain('张');
    const toConsumer = (await outbox('objection.decided')).filter((m) => m.data.objectionId === objection.id);
    expect(toConsumer).toEqual([{ department_code: w.consumer.code, data: { objectionId: objection.id, resourceId, itemKey: 'name', decision: 'corrected' } }]);

    // decided once
    expect((await decide(providerSystem.headers, objection.id, { decision: 'reject', reason: '重复' })).statusCode).toBe(409);
  });

  it('a rejection keeps the record and carries its reason; a department user may raise too', async () => {
    const res = await raise(w.consumer.operator, { field: 'birth_date', reason: '出生日期与户口簿不一致' });
    expect(res.statusCode, res.body).toBe(201);
    const rejected = await ok(await decide(providerSystem.headers, res.json().id, { decision: 'reject', reason: '经核实，出生日期以户籍档案为准' }));
    expect(rejected).toMatchObject({ status: 'rejected', decisionReason: '经核实，出生日期以户籍档案为准', notifiedSystems: null });
    const verify = await ok(await ctx.app.inject({
      method: 'POST', url: `/v1/resources/${resourceId}/records/verify`, headers: dataHeaders(reader1.system), payload: { id: PERSON_A.id_number, claims: { birth_date: '1949-12-31' } },
    }));
    expect(verify.results).toEqual({ birth_date: 'match' });
  });

  it('refuses what it must: a field not received, the subject key, an unknown subject, the provider itself, others deciding, a bad value', async () => {
    const expectProblem = async (res: Awaited<ReturnType<typeof raise>>, status: number, code: string) => {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe(code);
    };
    const reason = { reason: '有误' };
    await expectProblem(await raise(reader1.system.headers, { field: 'address', ...reason }), 403, 'FIELD_NOT_GRANTED');
    await expectProblem(await raise(reader1.system.headers, { field: 'id_number', ...reason }), 400, 'VALIDATION_FAILED');
    await expectProblem(await raise(reader1.system.headers, { field: 'name', ...reason }, UNKNOWN_PERSON), 404, 'SUBJECT_NOT_FOUND');
    await expectProblem(await raise(reader1.system.headers, { field: 'name', ...reason }, '110105194912310021'), 400, 'INVALID_SUBJECT_ID');
    await expectProblem(await raise(providerSystem.headers, { field: 'name', ...reason }), 403, 'FORBIDDEN');
    await expectProblem(await raise(reader1.system.headers, { field: 'name' }), 400, 'VALIDATION_FAILED');

    const open = (await raise(reader2.system.headers, { field: 'birth_date', reason: '疑有误' })).json();
    await expectProblem(await decide(reader1.system.headers, open.id, { decision: 'reject', reason: 'x' }), 403, 'OTHER_DEPARTMENT');
    const stranger = await makeSystem(ctx, w.outsider.code);
    await expectProblem(await decide(stranger.headers, open.id, { decision: 'reject', reason: 'x' }), 404, 'NOT_FOUND');
    await expectProblem(await decide(providerSystem.headers, open.id, { decision: 'correct', reason: '更正' }), 400, 'VALIDATION_FAILED');
    await expectProblem(await decide(providerSystem.headers, open.id, { decision: 'correct', reason: '更正', value: '1949-13-01' }), 400, 'VALIDATION_FAILED');
    await expectProblem(await decide(providerSystem.headers, open.id, { decision: 'reject', reason: '不予更正', value: 'x' }), 400, 'VALIDATION_FAILED');
    // nothing of it was written: still open, the record unchanged
    const listed = await ok(await call(w, 'GET', '/v1/objections?status=open', w.consumer.admin));
    expect(listed.items.map((o: { id: string }) => o.id)).toEqual([open.id]);
    expect((await ok(await call(w, 'GET', '/v1/objections', w.outsider.admin))).total).toBe(0);
  });
});
