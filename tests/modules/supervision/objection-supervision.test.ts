import { beforeAll, describe, expect, it } from 'vitest';
import { jobContext, schedulerContext } from '../../../src/modules/context.js';
import { sweepObjectionDeadlines } from '../../../src/modules/exchange/objections-service.js';
import { refreshAccessRollups } from '../../../src/modules/supervision/rollups.js';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { parseMetrics, value } from '../../helpers/prometheus.js';
import { DATA_ITEMS, makeResource } from '../../helpers/resource-fixtures.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';
import { call, ok, resourceOf } from '../../helpers/workflow.js';
import { dataHeaders, grantedSystem, loadRecords, PERSON_A, PERSON_B } from '../exchange/query-fixtures.js';

// 纠错 objections under 督办 and in the figures, with a manual clock across the Labour Day block
// (2026-05-01 … 05-05 off, Friday to Tuesday; Saturday 05-09 a make-up working day). An objection
// is due OBJECTION_WORKING_DAYS = 5 working days after the day it is raised (end of day, Asia/
// Shanghai), yellow from the start of its last working day (WARNING_WORKING_DAYS = 1).
//
//   O1 name of A, raised Wed 04-29 10:00: 04-30, 05-06, 05-07, 05-08, 05-09 → due Sat 05-09.
//      Yellow at the sweep of Sat 05-09 09:00, red at the sweep of Sun 05-10 09:00 (a case opens),
//      corrected Wed 05-13 10:00: the case closes 3 working days late (05-11, 05-12, 05-13);
//      the objection took 8 WD (04-30, 05-06, 07, 08, 09, 11, 12, 13), late.
//   O4 birth date of B, raised Wed 04-29 11:00: due Sat 05-09 too, yellow 05-09, red 05-11,
//      never decided: its case is open, 7 WD late at Tue 05-19 (05-11 … 15, 18, 19).
//      (The sweep runs on days off too: a deadline passes at the end of its day, whatever follows.)
//   O2 birth date of A, raised Thu 05-07 10:00: due Wed 05-13; rejected Mon 05-11 10:00:
//      3 WD (05-08, 05-09, 05-11), on time, no card.
//   O3 name of B, raised Mon 05-11 10:00: 05-12 … 05-15, 05-18 → due Mon 05-18; yellow at the
//      sweep of Mon 05-18 09:00, still open.
//
// The provider's objection step in May: received 2 (O2, O3; O1 and O4 were raised in April),
// decided 2 (O1 8 WD late, O2 3 WD on time) → on time 1, rate 0.5, mean 5.5, p90 (nearest rank,
// 2nd of 2) 8; yellow cards raised 3 (O1, O4, O3), red 2 (O1, O4); open now: 1 yellow (O3), 1 red
// (O4). Cases: 2 opened in May, 1 open. In April: received 2, decided 0, no card raised.
// The resource: 2 open objections (O3 yellow, O4 red), 2 calls in May. 一数一源: the outsider's
// source S and the provider's copy C disagree on the names of A and B (2 discrepancies), the
// source closes B's: S has 1 open as the source, C 1 as the copy.

const clock = manualClock('2026-04-20T10:00:00'); // Monday

describe('纠错 objections under 督办, in the figures and in /metrics', () => {
  const w = useWorld({ clock });
  const r = useFixture(() => resourceOf(w, { name: '户籍人口' }));
  const s = useFixture(() => makeResource(w.ctx, { providerCode: w.outsider.code, name: '姓名权威库' }));
  const c = useFixture(() => makeResource(w.ctx, {
    providerCode: w.provider.code,
    name: '人口信息副本',
    dataItems: DATA_ITEMS.map((i) => (i.key === 'name' ? { ...i, authoritativeSource: { resourceCode: s.code, itemKey: 'name' } } : i)),
  }));
  const ids: Record<'o1' | 'o2' | 'o3' | 'o4', string> = { o1: '', o2: '', o3: '', o4: '' };
  let reader: Awaited<ReturnType<typeof grantedSystem>>;
  let providerSystem: { id: string; headers: Record<string, string> };

  const at = (local: string) => clock.set(local);
  const sweep = (local: string) => {
    at(local);
    return sweepObjectionDeadlines(schedulerContext(w.ctx.db, clock()));
  };
  const raise = async (local: string, subject: string, field: string) => {
    at(local);
    const res = await w.ctx.app.inject({
      method: 'POST', url: `/v1/resources/${r.id}/records/${subject}/objections`, headers: reader.system.headers, payload: { field, reason: '与本部门登记信息不一致' },
    });
    return ok(res, 201);
  };
  const decide = async (local: string, id: string, body: Record<string, unknown>) => {
    at(local);
    return ok(await w.ctx.app.inject({ method: 'POST', url: `/v1/objections/${id}/decision`, headers: providerSystem.headers, payload: body }));
  };
  const cases = async (headers: Record<string, string>) => (await ok(await call(w, 'GET', '/v1/supervision/cases', headers))).items as Record<string, unknown>[];

  beforeAll(async () => {
    await loadRecords(w.ctx, r.id, [PERSON_A, PERSON_B], clock());
    reader = await grantedSystem(w, r.id, clock());
    providerSystem = await makeSystem(w.ctx, w.provider.code);

    // 一数一源: the source holds the right names; the copy's load disagrees for A and B.
    const sourceLoader = await makeSystem(w.ctx, w.outsider.code);
    const copyLoader = await makeSystem(w.ctx, w.provider.code);
    for (const p of [PERSON_A, PERSON_B]) {
      await ok(await w.ctx.app.inject({ method: 'PUT', url: `/v1/resources/${s.id}/records/${p.id_number}`, headers: sourceLoader.headers, payload: p }), 201);
      await ok(await w.ctx.app.inject({ method: 'PUT', url: `/v1/resources/${c.id}/records/${p.id_number}`, headers: copyLoader.headers, payload: { ...p, name: `${p.name}X` } }), 201);
    }
    const open = await ok(await call(w, 'GET', '/v1/discrepancies?side=source&status=open', w.outsider.admin));
    expect(open.total).toBe(2);
    const b = open.items.find((d: { subjectId: string }) => d.subjectId.startsWith('440524'));
    await ok(await call(w, 'POST', `/v1/discrepancies/${b.id}/close`, w.outsider.admin, { note: '经核实，以权威库为准' }));

    const o1 = await raise('2026-04-29T10:00:00', PERSON_A.id_number, 'name');
    expect(o1.dueAt).toBe('2026-05-09T15:59:59.999Z'); // across the holiday block, to the make-up Saturday
    ids.o1 = o1.id;
    const o4 = await raise('2026-04-29T11:00:00', PERSON_B.id_number, 'birth_date');
    expect(o4.dueAt).toBe('2026-05-09T15:59:59.999Z');
    ids.o4 = o4.id;
    expect(await sweep('2026-05-06T09:00:00')).toEqual({ warned: [], overdue: [] });
    const o2 = await raise('2026-05-07T10:00:00', PERSON_A.id_number, 'birth_date');
    expect(o2.dueAt).toBe('2026-05-13T15:59:59.999Z');
    ids.o2 = o2.id;
    expect(await sweep('2026-05-08T09:00:00')).toEqual({ warned: [], overdue: [] });
    expect(new Set((await sweep('2026-05-09T09:00:00')).warned)).toEqual(new Set([ids.o1, ids.o4]));
    const sunday = await sweep('2026-05-10T09:00:00'); // past the end of Saturday: red
    expect(sunday.warned).toEqual([]);
    expect(new Set(sunday.overdue)).toEqual(new Set([ids.o1, ids.o4]));
  });

  it('opens one case per red card (who, which step, how late), records actions, and closes it with the decision', async () => {
    // The Sunday sweep found both past their deadline and opened their cases; once each.
    expect(await sweep('2026-05-11T09:00:00')).toEqual({ warned: [], overdue: [] });
    expect(await w.ctx.db('supervision_cases').whereNotNull('objection_id').count({ n: '*' }).first()).toEqual({ n: 2 });
    const open = await cases(w.admin);
    expect(open).toHaveLength(2);
    const case1 = open.find((x) => x.objectionId === ids.o1)!;
    expect(case1).toMatchObject({
      applicationId: null, objectionId: ids.o1, step: 'objection', responsibleCode: w.provider.code, dueAt: '2026-05-09T15:59:59.999Z',
      openedAt: '2026-05-10T01:00:00.000Z', closedAt: null,
      workingDaysLate: 1, // Mon 05-11 (Sunday 05-10 is off)
      actions: [],
    });
    // the provider sees the cases against it; the consumer does not
    expect((await cases(w.provider.admin)).map((x) => x.objectionId).sort()).toEqual([ids.o1, ids.o4].sort());
    expect(await cases(w.consumer.admin)).toEqual([]);

    const o3 = await raise('2026-05-11T10:00:00', PERSON_B.id_number, 'name');
    expect(o3.dueAt).toBe('2026-05-18T15:59:59.999Z');
    ids.o3 = o3.id;
    expect(await decide('2026-05-11T10:00:00', ids.o2, { decision: 'reject', reason: '经核实，出生日期以户籍档案为准' })).toMatchObject({ status: 'rejected' });

    at('2026-05-12T09:00:00');
    const case4 = open.find((x) => x.objectionId === ids.o4)!;
    const reminded = await ok(await call(w, 'POST', `/v1/supervision/cases/${case4.id}/actions`, w.admin, { kind: 'reminder', note: '请尽快处理纠错申请' }), 201);
    expect(reminded).toMatchObject({ objectionId: ids.o4, workingDaysLate: 2, actions: [{ kind: 'reminder', note: '请尽快处理纠错申请', at: '2026-05-12T01:00:00.000Z' }] });
    const note = (await w.ctx.db('outbox').where({ type: 'supervision.reminder' }).select('department_code', 'application_id', 'data'));
    expect(note).toEqual([{ department_code: w.provider.code, application_id: null, data: { caseId: case4.id, objectionId: ids.o4, step: 'objection', dueAt: '2026-05-09T15:59:59.999Z' } }]);

    expect(await decide('2026-05-13T10:00:00', ids.o1, { decision: 'correct', reason: '已核实并更正', value: '张三峰' })).toMatchObject({ status: 'corrected' });
    const after = await cases(w.admin);
    expect(after.find((x) => x.id === case1.id)).toMatchObject({ closedAt: '2026-05-13T02:00:00.000Z', workingDaysLate: 3 });
    expect(after.find((x) => x.id === case4.id)).toMatchObject({ closedAt: null });
    // a closed case takes no more actions
    const late = await call(w, 'POST', `/v1/supervision/cases/${case1.id}/actions`, w.admin, { kind: 'report', note: '通报' });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'ILLEGAL_STATE', currentState: 'closed' });

    expect((await sweep('2026-05-18T09:00:00')).warned).toEqual([ids.o3]);
    at('2026-05-19T09:00:00');
    expect((await cases(w.auditor)).find((x) => x.id === case4.id)).toMatchObject({ closedAt: null, workingDaysLate: 7 });

    // on the trail of the objections' resource: two openings, the reminder, one closing with the decision
    const trail = await w.ctx.db('events').where({ entity_type: 'resource', entity_id: r.id }).where('action', 'like', 'supervision.%').orderBy('id').select('action', 'details');
    expect(trail.map((e) => e.action)).toEqual(['supervision.case_open', 'supervision.case_open', 'supervision.case_action', 'supervision.case_close']);
    expect(trail[3]!.details).toMatchObject({ caseId: case1.id, objectionId: ids.o1, step: 'objection', reason: 'decided', decision: 'corrected' });
  });

  it('counts objections as a step of the providing department, across the holiday block', async () => {
    at('2026-05-19T09:00:00');
    const may = await ok(await call(w, 'GET', '/v1/supervision/departments?period=2026-05', w.auditor));
    const provider = may.items.find((d: { departmentCode: string }) => d.departmentCode === w.provider.code);
    const objection = {
      step: 'objection', received: 2, decided: 2, onTime: 1, onTimeRate: 0.5, meanWorkingDays: 5.5, p90WorkingDays: 8,
      warnings: 3, redCards: 2, openWarnings: 1, openRedCards: 1,
    };
    // the provider's only step here: its totals are the objections'
    expect(provider).toMatchObject({ casesOpened: 2, casesOpen: 1, steps: [objection], totals: { ...objection, step: 'all' } });
    const april = await ok(await call(w, 'GET', '/v1/supervision/departments?period=2026-04', w.provider.admin));
    expect(april.items).toHaveLength(1);
    expect(april.items[0]).toMatchObject({
      departmentCode: w.provider.code, casesOpened: 0, casesOpen: 1,
      steps: [{ step: 'objection', received: 2, decided: 0, onTime: 0, onTimeRate: null, warnings: 0, redCards: 0, openWarnings: 1, openRedCards: 1 }],
    });

    const csv = await call(w, 'GET', '/v1/supervision/departments?period=2026-05', { ...w.auditor, accept: 'text/csv' });
    expect(csv.statusCode).toBe(200);
    const line = csv.body.split('\r\n').find((l) => l.includes(w.provider.code) && l.includes(',objection,'));
    expect(line?.split(',').slice(7)).toEqual(['objection', '2', '2', '1', '0.5', '5.5', '8', '3', '2', '1', '1']);
  });

  it('shows per resource its open objections (yellow, red) and discrepancies beside its calls', async () => {
    at('2026-05-19T10:00:00');
    for (let i = 0; i < 2; i++) {
      expect((await w.ctx.app.inject({ method: 'GET', url: `/v1/resources/${r.id}/records/${PERSON_A.id_number}`, headers: dataHeaders(reader.system) })).statusCode).toBe(200);
    }
    at('2026-05-19T11:00:00');
    await refreshAccessRollups(jobContext(w.ctx.db, clock()), { settleSeconds: 120 });

    const figures = await ok(await call(w, 'GET', '/v1/supervision/resources?period=2026-05', w.admin));
    const none = { calls: 0, errors: 0, errorsByCode: {}, quotaRefusals: 0, latencyMs: { p50: null, p95: null, p99: null }, topConsumers: [] };
    expect(figures.items[0]).toMatchObject({
      resourceId: r.id, calls: 2, errors: 0, topConsumers: [{ departmentCode: w.consumer.code, calls: 2, errors: 0 }],
      openObjections: { open: 2, warnings: 1, redCards: 1 }, openDiscrepancies: { asSource: 0, asCopy: 0 },
    });
    expect(figures.items.slice(1)).toEqual([
      { ...none, resourceId: s.id, openObjections: { open: 0, warnings: 0, redCards: 0 }, openDiscrepancies: { asSource: 1, asCopy: 0 } },
      { ...none, resourceId: c.id, openObjections: { open: 0, warnings: 0, redCards: 0 }, openDiscrepancies: { asSource: 0, asCopy: 1 } },
    ].sort((a, b) => a.resourceId.localeCompare(b.resourceId)));
    // what is open shows whatever the period asked for; the calls do not
    const march = await ok(await call(w, 'GET', '/v1/supervision/resources?period=2026-03', w.auditor));
    expect(march.items.find((x: { resourceId: string }) => x.resourceId === r.id)).toMatchObject({ calls: 0, openObjections: { open: 2, warnings: 1, redCards: 1 } });
    expect((await call(w, 'GET', '/v1/supervision/resources', w.provider.admin)).statusCode).toBe(403);
  });

  it('exposes open objections by colour and open discrepancies in /metrics, with no id in a label', async () => {
    const res = await w.ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const m = parseMetrics(res.body);
    expect(value(m, 'sharehub_open_deadline_cards', { step: 'objection', sla: 'warning' })).toBe(1);
    expect(value(m, 'sharehub_open_deadline_cards', { step: 'objection', sla: 'overdue' })).toBe(1);
    expect(value(m, 'sharehub_objections_open', { sla: 'on_time' })).toBe(0);
    expect(value(m, 'sharehub_objections_open', { sla: 'warning' })).toBe(1);
    expect(value(m, 'sharehub_objections_open', { sla: 'overdue' })).toBe(1);
    expect(value(m, 'sharehub_discrepancies_open')).toBe(1);
    expect(value(m, 'sharehub_supervision_cases_open')).toBe(1);
    for (const [, labels] of res.body.matchAll(/^sharehub_(?:objections|discrepancies|open_deadline)[a-z_]*\{([^}]*)\}/gm)) {
      expect(labels).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/i);
      expect(labels).not.toContain(w.provider.code);
    }
  });
});
