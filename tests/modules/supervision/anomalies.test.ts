import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { addDays } from '../../../src/lib/working-days.js';
import { createAccessAppender, type AccessEvent } from '../../../src/modules/audit/access-events.js';
import { jobContext } from '../../../src/modules/context.js';
import { anomalySettings, detectAnomalies, median } from '../../../src/modules/supervision/anomalies.js';
import { refreshAccessRollups } from '../../../src/modules/supervision/rollups.js';
import { anomalyScan } from '../../../workers/access-rollup.js';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';
import { resourceOf } from '../../helpers/workflow.js';

// Fourteen days of calls replayed with a manual clock, the roll-ups and the scan run each day as
// the workers would; then a fifteenth day with a burst and an enumeration, each beside a control
// system that stays just inside the thresholds (defaults: 5× the 14-day median and at least 100
// calls; SUBJECT_NOT_FOUND ≥ 50 % of at least 50 calls).

const clock = manualClock('2026-03-01T10:00:00');
const FIRST_DAY = '2026-03-01';

describe('anomaly alerts', () => {
  const w = useWorld({ clock });
  const resource = useFixture(() => resourceOf(w, { shareType: 1 }));
  const s = useFixture(async () => ({
    burst: await makeSystem(w.ctx, w.consumer.code),
    steady: await makeSystem(w.ctx, w.consumer.code),
    prober: await makeSystem(w.ctx, w.outsider.code),
    careful: await makeSystem(w.ctx, w.outsider.code),
  }));

  const calls = (system: { id: string }, departmentCode: string, n: number, reason: string | null = null): AccessEvent[] =>
    Array.from({ length: n }, () => ({
      systemId: system.id, departmentCode, action: 'record.read', resourceId: resource.id, grantId: null, subjectHash: null, subjectMasked: null,
      fields: [], serviceItemCode: null, caseId: null, operatorId: null, outcome: reason ? 'failure' : 'success', reason, requestId: randomUUID(),
      latencyMs: 3, occurredAt: clock(),
    }));
  const append = async (events: AccessEvent[]) => {
    const appender = createAccessAppender(w.ctx.db);
    await appender.append(events);
    await appender.close();
  };
  /** What the two supervision jobs do, an hour after the calls. */
  const runJobs = async () => {
    const later = new Date(clock().getTime() + 3_600_000);
    await refreshAccessRollups(jobContext(w.ctx.db, later), { settleSeconds: 120 });
    return detectAnomalies(jobContext(w.ctx.db, later, { kind: 'scheduler' }), anomalySettings(w.ctx.config));
  };

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([20, 0, 10, 30])).toBe(15);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('raises no alert over fourteen ordinary days', async () => {
    for (let i = 0; i < 14; i++) {
      clock.set(`${addDays(FIRST_DAY, i)}T10:00:00`);
      // 20 calls a day each; on three days the burst system is quiet (its median stays 20)
      await append([...calls(s.burst, w.consumer.code, i % 5 === 0 ? 0 : 20), ...calls(s.steady, w.consumer.code, 20),
        ...calls(s.prober, w.outsider.code, 10), ...calls(s.prober, w.outsider.code, 2, 'SUBJECT_NOT_FOUND')]);
      expect(await runJobs(), `day ${i + 1}`).toEqual([]);
    }
  });

  it('alerts on a burst above 5× the median and on enumeration, not on the controls, once a day', async () => {
    clock.set(`${addDays(FIRST_DAY, 14)}T10:00:00`); // 2026-03-15
    await append([
      ...calls(s.burst, w.consumer.code, 101), // > 5 × 20
      ...calls(s.steady, w.consumer.code, 100), // = 5 × 20: not above it
      ...calls(s.prober, w.outsider.code, 20), ...calls(s.prober, w.outsider.code, 40, 'SUBJECT_NOT_FOUND'), // 40 / 60
      ...calls(s.careful, w.outsider.code, 31), ...calls(s.careful, w.outsider.code, 29, 'SUBJECT_NOT_FOUND'), // 29 / 60
    ]);
    const alerts = await runJobs();
    expect(alerts.map((a) => [a.kind, a.systemId, a.observed, a.baseline]).sort()).toEqual([
      ['enumeration', s.prober.id, 40, 60],
      ['volume', s.burst.id, 101, 20],
    ].sort());

    // the trail and the notifications: to the provider and to the platform
    const events = await w.ctx.db('events').where({ entity_type: 'resource', entity_id: resource.id }).where('action', 'like', 'supervision.anomaly_%').pluck('action');
    expect(events.sort()).toEqual(['supervision.anomaly_enumeration', 'supervision.anomaly_volume']);
    const notes = await w.ctx.db('outbox').where('type', 'supervision.anomaly').select('department_code', 'data');
    expect(notes.map((n: { department_code: string; data: { kind: string } }) => `${n.data.kind} ${n.department_code}`).sort()).toEqual([
      `enumeration ${w.ctx.config.PLATFORM_DEPARTMENT_CODE}`, `enumeration ${w.provider.code}`,
      `volume ${w.ctx.config.PLATFORM_DEPARTMENT_CODE}`, `volume ${w.provider.code}`,
    ].sort());
    expect(notes[0].data).toMatchObject({ day: '2026-03-15', resourceId: resource.id });

    // more calls the same day: no second alert; the worker's processor runs the same scan
    await append(calls(s.burst, w.consumer.code, 50));
    expect(await runJobs()).toEqual([]);
    const deps = { db: w.ctx.db, config: w.ctx.config, keys: deriveKeys(w.ctx.config.SHAREHUB_SECRET_KEY), clock, log: pino({ level: 'silent' }), enqueue: async () => {},
      invalidate: async () => { throw new Error('the anomaly scan changes no grant'); } };
    expect(await anomalyScan({}, deps)).toEqual({ alerts: 0 });
    expect(Number((await w.ctx.db('anomaly_alerts').count({ n: '*' }).first())!.n)).toBe(2);
  });
});
