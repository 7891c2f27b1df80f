import { describe, expect, it, beforeAll } from 'vitest';
import { sweepDeadlines } from '../../../src/modules/applications/deadline-sweep.js';
import { schedulerContext } from '../../../src/modules/context.js';
import { manualClock } from '../../helpers/clock.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';
import { actions, call, ok, resourceOf, submit } from '../../helpers/workflow.js';

// The per-department figures of May 2026 against a scenario counted by hand. May 2026 opens with
// the Labour Day block (05-01 … 05-05 off, Friday to Tuesday) and has a make-up working
// Saturday (05-09). Deadlines: review 3 WD, provider decision 10 WD, coordination 10 WD; yellow
// from the start of the day after the last working day but one (WARNING_WORKING_DAYS = 1).
//
//   A1 submitted Wed 05-06 09:00 (due Sat 05-09, make-up); accepted Thu 05-07: review 1 WD, on time.
//      provider due Wed 05-20; approved Mon 05-11: 3 WD (05-08, 05-09, 05-11), on time.
//   A2 submitted Thu 05-07 09:00 (due Mon 05-11); yellow at the sweep of Mon 05-11 08:00;
//      accepted Mon 05-11 15:00: review 3 WD, on time. Provider due Mon 05-25; red card at the
//      sweep of Tue 05-26; denied Wed 05-27: 12 WD, late. Coordination asked Wed 05-27 11:00,
//      granted Fri 05-29: 2 WD, on time (a coordinated step).
//   A3 submitted Fri 05-08 09:00 (due Tue 05-12); red card at the sweep of Wed 05-13 (no sweep in
//      its yellow window); accepted Wed 05-13: review 4 WD (05-09, 11, 12, 13), late. Provider due
//      Wed 05-27: yellow at the sweep of Wed 05-27 09:00, still open.
//   A4 (Route A, hosted) submitted and accepted Mon 05-11: review 0 WD, on time; its provision
//      step opens and closes at once (the hub serves hosted records itself): 0 WD, on time.
//   A5 submitted Tue 05-12, withdrawn the same day: received, never decided.
//
// Platform: review received 5, decided 4 (durations 1, 3, 4, 0), 3 on time → 0.75, mean 2.0,
//   p90 (nearest rank: 4th of 4) 4; 1 yellow (A2), 1 red (A3); coordination received 1, decided 1
//   in 2 WD; provision received 1, decided 1 in 0 WD. Totals: received 7, decided 6 (0, 0, 1, 2, 3,
//   4), on time 5 → 0.8333, mean 10 / 6 = 1.7, p90 (6th of 6) 4.
// Provider: decision received 3 (A1, A2, A3), decided 2 (3 and 12 WD), 1 on time → 0.5, mean 7.5,
//   p90 12; 1 red (A2) and 1 yellow (A3) raised, A3's yellow open now.
// Rank: the platform 1st (0.8333), the provider 2nd (0.5).

const clock = manualClock('2026-05-06T09:00:00');

describe('GET /v1/supervision/departments', () => {
  const w = useWorld({ clock });
  const conditional = useFixture(() => resourceOf(w, { shareType: 2 }));
  const unconditional = useFixture(() => resourceOf(w, { shareType: 1 }));

  const at = (local: string) => clock.set(local);
  const sweep = (local: string) => {
    at(local);
    return sweepDeadlines(schedulerContext(w.ctx.db, clock()));
  };
  const act = async (local: string, action: keyof typeof actions, id: string) => {
    at(local);
    return ok(await actions[action](w, id));
  };

  beforeAll(async () => {
    at('2026-05-06T09:00:00');
    const a1 = await submit(w, conditional.id, clock());
    at('2026-05-07T09:00:00');
    const a2 = await submit(w, conditional.id, clock());
    await act('2026-05-07T10:00:00', 'accept', a1.id);
    at('2026-05-08T09:00:00');
    const a3 = await submit(w, conditional.id, clock());
    expect((await sweep('2026-05-11T08:00:00')).warned).toEqual([a2.id]);
    at('2026-05-11T09:00:00');
    const a4 = await submit(w, unconditional.id, clock());
    expect((await act('2026-05-11T09:30:00', 'accept', a4.id)).status).toBe('granted');
    await act('2026-05-11T10:00:00', 'approve', a1.id);
    await act('2026-05-11T15:00:00', 'accept', a2.id);
    at('2026-05-12T09:00:00');
    const a5 = await submit(w, conditional.id, clock());
    await act('2026-05-12T10:00:00', 'withdraw', a5.id);
    expect((await sweep('2026-05-13T08:00:00')).overdue).toEqual([a3.id]);
    await act('2026-05-13T10:00:00', 'accept', a3.id);
    expect((await sweep('2026-05-26T08:00:00')).overdue).toEqual([a2.id]);
    expect((await sweep('2026-05-27T09:00:00')).warned).toEqual([a3.id]);
    await act('2026-05-27T10:00:00', 'deny', a2.id);
    await act('2026-05-27T11:00:00', 'coordination', a2.id);
    await act('2026-05-29T10:00:00', 'coordinationGrant', a2.id);
    at('2026-05-29T12:00:00');
  });

  const step = (s: string, f: Partial<Record<string, number | null>>) => ({
    step: s, received: 0, decided: 0, onTime: 0, onTimeRate: null, meanWorkingDays: null, p90WorkingDays: null,
    warnings: 0, redCards: 0, openWarnings: 0, openRedCards: 0, ...f,
  });
  const platformRow = () => ({
    departmentCode: w.ctx.config.PLATFORM_DEPARTMENT_CODE,
    departmentName: w.ctx.config.PLATFORM_DEPARTMENT_NAME,
    rank: 1,
    // A3's red card opened a case on 05-13; its acceptance closed it
    casesOpened: 1,
    casesOpen: 0,
    totals: step('all', { received: 7, decided: 6, onTime: 5, onTimeRate: 0.8333, meanWorkingDays: 1.7, p90WorkingDays: 4, warnings: 1, redCards: 1 }),
    steps: [
      step('review', { received: 5, decided: 4, onTime: 3, onTimeRate: 0.75, meanWorkingDays: 2, p90WorkingDays: 4, warnings: 1, redCards: 1 }),
      step('provision', { received: 1, decided: 1, onTime: 1, onTimeRate: 1, meanWorkingDays: 0, p90WorkingDays: 0 }),
      step('coordination', { received: 1, decided: 1, onTime: 1, onTimeRate: 1, meanWorkingDays: 2, p90WorkingDays: 2 }),
    ],
  });
  const providerRow = () => {
    const decision = { received: 3, decided: 2, onTime: 1, onTimeRate: 0.5, meanWorkingDays: 7.5, p90WorkingDays: 12, warnings: 1, redCards: 1, openWarnings: 1 };
    // A2's red card opened a case on 05-26; the denial closed it
    return { departmentCode: w.provider.code, departmentName: expect.any(String), rank: 2, casesOpened: 1, casesOpen: 0, totals: step('all', decision), steps: [step('provider_decision', decision)] };
  };

  it('gives the auditor every department, with the hand-counted figures and the ranking', async () => {
    const body = await ok(await call(w, 'GET', '/v1/supervision/departments?period=2026-05', w.auditor));
    expect(body.period).toEqual({ from: '2026-05-01', to: '2026-05-31', timeZone: 'Asia/Shanghai' });
    expect(body.items).toEqual([platformRow(), providerRow()]);
  });

  it('defaults to this month (Asia/Shanghai) and gives the platform admin the same', async () => {
    const body = await ok(await call(w, 'GET', '/v1/supervision/departments', w.admin));
    expect(body.items).toEqual([platformRow(), providerRow()]);
  });

  it('counts a week by its own days: Monday 05-11 to Sunday 05-17', async () => {
    const body = await ok(await call(w, 'GET', '/v1/supervision/departments?period=2026-W20', w.auditor));
    expect(body.period).toMatchObject({ from: '2026-05-11', to: '2026-05-17' });
    // opened: A4, A5 reviews (05-11, 05-12), provider A2 (05-11), A3 (05-13); decided: A4 0 WD,
    // A2 3 WD, A3 4 WD late, A4's provision 0 WD; provider A1 3 WD; cards: A2 yellow (05-11), A3
    // red (05-13). The provider (1 of 1 on time) ranks before the platform (3 of 4).
    const [first, second] = body.items;
    const [platform, provider] = [second, first];
    expect(provider.departmentCode).toBe(w.provider.code);
    expect(platform.steps).toEqual([
      step('review', { received: 2, decided: 3, onTime: 2, onTimeRate: 0.6667, meanWorkingDays: 2.3, p90WorkingDays: 4, warnings: 1, redCards: 1 }),
      step('provision', { received: 1, decided: 1, onTime: 1, onTimeRate: 1, meanWorkingDays: 0, p90WorkingDays: 0 }),
    ]);
    expect(provider.steps).toEqual([step('provider_decision', { received: 2, decided: 1, onTime: 1, onTimeRate: 1, meanWorkingDays: 3, p90WorkingDays: 3, openWarnings: 1 })]);
    expect([platform.rank, provider.rank]).toEqual([2, 1]);
    expect([platform.casesOpened, provider.casesOpened]).toEqual([1, 0]);
  });

  it('shows a department its own figures only, ranked among all', async () => {
    const provider = await ok(await call(w, 'GET', '/v1/supervision/departments?period=2026-05', w.provider.operator));
    expect(provider.items).toEqual([providerRow()]);
    const consumer = await ok(await call(w, 'GET', '/v1/supervision/departments?period=2026-05', w.consumer.admin));
    expect(consumer.items).toEqual([{ departmentCode: w.consumer.code, departmentName: expect.any(String), rank: null, casesOpened: 0, casesOpen: 0, totals: step('all', {}), steps: [] }]);
  });

  it('answers CSV for Accept: text/csv', async () => {
    const byQuery = await call(w, 'GET', '/v1/supervision/departments?period=2026-05', { ...w.auditor, accept: 'text/csv' });
    expect(byQuery.statusCode).toBe(200);
    expect(byQuery.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = byQuery.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('period_from,period_to,department_code,department_name,rank,cases_opened,cases_open,step,received,decided,on_time,on_time_rate,mean_working_days,p90_working_days,warnings,red_cards,open_warnings,open_red_cards');
    const platform = w.ctx.config.PLATFORM_DEPARTMENT_CODE;
    expect(lines.slice(1).map((l) => l.split(',').filter((_, i) => i !== 3).join(','))).toEqual([
      `2026-05-01,2026-05-31,${platform},1,1,0,review,5,4,3,0.75,2,4,1,1,0,0`,
      `2026-05-01,2026-05-31,${platform},1,1,0,provision,1,1,1,1,0,0,0,0,0,0`,
      `2026-05-01,2026-05-31,${platform},1,1,0,coordination,1,1,1,1,2,2,0,0,0,0`,
      `2026-05-01,2026-05-31,${platform},1,1,0,all,7,6,5,0.8333,1.7,4,1,1,0,0`,
      `2026-05-01,2026-05-31,${w.provider.code},2,1,0,provider_decision,3,2,1,0.5,7.5,12,1,1,1,0`,
      `2026-05-01,2026-05-31,${w.provider.code},2,1,0,all,3,2,1,0.5,7.5,12,1,1,1,0`,
    ]);
    const json = await call(w, 'GET', '/v1/supervision/departments?period=2026-05', { ...w.auditor, accept: 'application/json, text/csv' });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
  });

  it('refuses a bad period or format (400)', async () => {
    for (const q of ['period=2026-05-32', 'format=csv', 'period=2026-06-01..2026-05-01']) {
      expect((await call(w, 'GET', `/v1/supervision/departments?${q}`, w.auditor)).statusCode, q).toBe(400);
    }
  });
});
