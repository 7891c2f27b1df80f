import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAccessAppender, type AccessEvent } from '../../../src/modules/audit/access-events.js';
import { jobContext } from '../../../src/modules/context.js';
import { latencyQuantile, LATENCY_BUCKETS_MS, refreshAccessRollups } from '../../../src/modules/supervision/rollups.js';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';
import { call, ok, resourceOf } from '../../helpers/workflow.js';
import { dataHeaders, grantedSystem, loadRecords, PERSON_A } from '../exchange/query-fixtures.js';

// Hourly roll-ups of the data-access events, per resource, consumer system and hour, counted
// incrementally behind a watermark, and the per-resource figures read from them. The events are
// written by the trail's own group-commit appender, with chosen times and latencies, so every
// figure below is counted by hand.

const clock = manualClock('2026-03-10T12:00:00');
const SETTLE_S = 120;

describe('access roll-ups and GET /v1/supervision/resources', () => {
  const w = useWorld({ clock });
  const r1 = useFixture(() => resourceOf(w, { shareType: 1, name: '户籍人口' }));
  const r2 = useFixture(() => resourceOf(w, { shareType: 1, name: '婚姻登记' }));
  const systems = useFixture(async () => ({ s1: await makeSystem(w.ctx, w.consumer.code), s2: await makeSystem(w.ctx, w.outsider.code) }));

  const event = (system: { id: string }, departmentCode: string, resourceId: string, at: string, latencyMs: number, reason: string | null = null): AccessEvent => ({
    systemId: system.id, departmentCode, action: 'record.read', resourceId, grantId: null, subjectHash: null, subjectMasked: null, fields: [],
    serviceItemCode: null, caseId: null, operatorId: null, outcome: reason ? 'failure' : 'success', reason, requestId: randomUUID(), latencyMs,
    occurredAt: new Date(`${at}+08:00`),
  });
  const append = async (events: AccessEvent[]) => {
    const appender = createAccessAppender(w.ctx.db);
    const ids = await appender.append(events);
    await appender.close();
    return ids;
  };
  const refresh = () => refreshAccessRollups(jobContext(w.ctx.db, clock()), { settleSeconds: SETTLE_S });
  const figures = async (query: string) => ok(await call(w, 'GET', `/v1/supervision/resources?${query}`, w.auditor));

  it('computes quantiles from bucket counts as histogram_quantile does', () => {
    const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    expect(latencyQuantile(buckets, 0.5)).toBeNull();
    buckets[0] = 10; // ≤ 5 ms
    expect(latencyQuantile(buckets, 0.5)).toBe(2.5);
    buckets[LATENCY_BUCKETS_MS.length] = 10; // above 10 s
    expect(latencyQuantile(buckets, 0.99)).toBe(10_000);
  });

  it('rolls up calls, errors by problem code, quota refusals and latency per resource, consumer department and hour', async () => {
    const { s1, s2 } = systems;
    // consumer system: 6 served, 3 not found, 1 over quota on Monday 03-09 10:xx
    await append([
      ...[3, 3, 8, 8, 20, 40].map((ms, i) => event(s1, w.consumer.code, r1.id, `2026-03-09T10:0${i}:00`, ms)),
      ...[4, 4, 4].map((ms) => event(s1, w.consumer.code, r1.id, '2026-03-09T10:30:00', ms, 'SUBJECT_NOT_FOUND')),
      event(s1, w.consumer.code, r1.id, '2026-03-09T10:59:59', 1, 'QUOTA_EXCEEDED'),
    ]);
    // another department's system: 10 served at 300 ms, 15:xx
    await append(Array.from({ length: 10 }, () => event(s2, w.outsider.code, r1.id, '2026-03-09T15:10:00', 300)));
    // last month: outside the period asked for below
    await append([event(s1, w.consumer.code, r1.id, '2026-02-27T09:00:00', 5)]);

    expect((await refresh()).events).toBe(21);
    const hours = await w.ctx.db('access_rollups').where('resource_id', r1.id).orderBy('hour').select('consumer_code', 'hour', 'calls', 'errors', 'errors_by_code', 'latency_buckets');
    expect(hours).toEqual([
      { consumer_code: w.consumer.code, hour: new Date('2026-02-27T01:00:00Z'), calls: 1, errors: 0, errors_by_code: {}, latency_buckets: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
      { consumer_code: w.consumer.code, hour: new Date('2026-03-09T02:00:00Z'), calls: 10, errors: 4, errors_by_code: { SUBJECT_NOT_FOUND: 3, QUOTA_EXCEEDED: 1 }, latency_buckets: [6, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0] },
      { consumer_code: w.outsider.code, hour: new Date('2026-03-09T07:00:00Z'), calls: 10, errors: 0, errors_by_code: {}, latency_buckets: [0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0] },
    ]);

    const march = await figures('period=2026-03');
    expect(march.period).toEqual({ from: '2026-03-01', to: '2026-03-31', timeZone: 'Asia/Shanghai' });
    expect(march.items).toEqual([{
      resourceId: r1.id,
      calls: 20,
      errors: 4,
      errorsByCode: { SUBJECT_NOT_FOUND: 3, QUOTA_EXCEEDED: 1 },
      quotaRefusals: 1,
      // 20 calls: ≤5 ms 6, ≤10 2, ≤25 1, ≤50 1, ≤500 10. p50 = 10th call, the one in (25, 50];
      // p95 = 19th: 250 + 250·9/10; p99 = 19.8th: 250 + 250·9.8/10.
      latencyMs: { p50: 50, p95: 475, p99: 495 },
      topConsumers: [
        { departmentCode: w.consumer.code, calls: 10, errors: 4 },
        { departmentCode: w.outsider.code, calls: 10, errors: 0 },
      ].sort((a, b) => a.departmentCode.localeCompare(b.departmentCode)),
      // nothing waits on it (objections and discrepancies: objection-supervision.test.ts)
      openObjections: { open: 0, warnings: 0, redCards: 0 },
      openDiscrepancies: { asSource: 0, asCopy: 0 },
    }]);
    // the same calls for that day alone; February alone has its 1 call
    expect((await figures('period=2026-03-09')).items[0].calls).toBe(20);
    expect((await figures('period=2026-02-01..2026-02-28')).items).toMatchObject([{ resourceId: r1.id, calls: 1, errors: 0 }]);
    expect((await figures('period=2026-W11')).period).toEqual({ from: '2026-03-09', to: '2026-03-15', timeZone: 'Asia/Shanghai' });
    // ISO weeks across a year's end: 2026-W01 starts on Monday 2025-12-29; 2026 has 53 weeks
    expect((await figures('period=2026-W01')).period).toMatchObject({ from: '2025-12-29', to: '2026-01-04' });
    expect((await figures('period=2026-W53')).period).toMatchObject({ from: '2026-12-28', to: '2027-01-03' });
    // the current week and month by the clock (Tuesday 2026-03-10)
    expect((await figures('period=week')).period).toMatchObject({ from: '2026-03-09', to: '2026-03-15' });
    expect((await figures('')).period).toMatchObject({ from: '2026-03-01', to: '2026-03-31' });
  });

  it('adds only what is new on the next run, and counts nothing twice', async () => {
    const before = (await figures('period=2026-03')).items[0];
    await append([event(systems.s1, w.consumer.code, r1.id, '2026-03-09T10:45:00', 8, 'SUBJECT_NOT_FOUND')]);
    expect((await refresh()).events).toBe(1);
    expect((await refresh()).events).toBe(0);
    const after = (await figures('period=2026-03')).items[0];
    expect(after).toMatchObject({ calls: before.calls + 1, errors: before.errors + 1, errorsByCode: { ...before.errorsByCode, SUBJECT_NOT_FOUND: before.errorsByCode.SUBJECT_NOT_FOUND + 1 } });
    const row = await w.ctx.db('access_rollups').where({ resource_id: r1.id, hour: new Date('2026-03-09T02:00:00Z') }).first('calls', 'errors_by_code', 'latency_buckets');
    expect(row).toEqual({ calls: 11, errors_by_code: { SUBJECT_NOT_FOUND: 4, QUOTA_EXCEEDED: 1 }, latency_buckets: [6, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0] });
  });

  it('waits for an event that is not settled yet, and for every event after it', async () => {
    clock.set('2026-03-10T12:00:00');
    // a quick call started 10 s ago is written first; a slow one started 5 minutes ago after it
    const [young, old] = await append([
      event(systems.s1, w.consumer.code, r2.id, '2026-03-10T11:59:50', 5),
      event(systems.s1, w.consumer.code, r2.id, '2026-03-10T11:55:00', 5),
    ]);
    expect(Number(old)).toBeGreaterThan(Number(young));
    expect((await refresh()).events).toBe(0);
    clock.set('2026-03-10T12:02:00'); // 130 s after the young one
    expect((await refresh()).events).toBe(2);
    expect((await figures('period=2026-03-10')).items).toMatchObject([{ resourceId: r2.id, calls: 2 }]);
  });

  it('counts the events of real data calls', async () => {
    clock.set('2026-03-11T09:00:00');
    const hosted = await resourceOf(w, { shareType: 1 });
    const { system } = await grantedSystem(w, hosted.id, clock());
    await loadRecords(w.ctx, hosted.id, [PERSON_A], clock());
    for (const id of [PERSON_A.id_number, '110101199003074514']) {
      await w.ctx.app.inject({ method: 'GET', url: `/v1/resources/${hosted.id}/records/${id}`, headers: dataHeaders(system) });
    }
    clock.set('2026-03-11T09:10:00');
    await refresh();
    const figure = (await figures('period=day')).items.find((f: { resourceId: string }) => f.resourceId === hosted.id);
    expect(figure).toMatchObject({ calls: 2, errors: 1, errorsByCode: { SUBJECT_NOT_FOUND: 1 }, topConsumers: [{ departmentCode: w.consumer.code, calls: 2, errors: 1 }] });
  });

  it('refuses a period that is not one (400, naming the field)', async () => {
    for (const period of ['2026-03-02..2026-03-01', '2026-01-01..2027-01-02', '2026-02-30', '2026-3-1', 'year', '2026-13', '2025-W53', '2026-W00', '2026-03-01..']) {
      const res = await call(w, 'GET', `/v1/supervision/resources?period=${period}`, w.admin);
      expect(res.statusCode, period).toBe(400);
      expect(res.json().errors.map((e: { pointer: string }) => e.pointer), period).toEqual(['/querystring/period']);
    }
  });
});
