import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sweepDeadlines } from '../../../src/modules/applications/deadline-sweep.js';
import { schedulerContext } from '../../../src/modules/context.js';
import { manualClock } from '../../helpers/clock.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';
import { actions, call, ok, resourceOf, submit } from '../../helpers/workflow.js';

// 督办: a red card opens one supervision case (who, which step, how late); the platform records
// its actions; the case closes when the step is done — all on the trail.

const clock = manualClock('2026-03-05T10:00:00'); // Thursday

describe('supervision cases (督办)', () => {
  const w = useWorld({ clock });
  const conditional = useFixture(() => resourceOf(w, { shareType: 2 }));
  const sweep = (local: string) => {
    clock.set(local);
    return sweepDeadlines(schedulerContext(w.ctx.db, clock()));
  };
  const cases = async (headers: Record<string, string>, status?: 'open' | 'closed') => (await ok(await call(w, 'GET', '/v1/supervision/cases', headers))).items
    .filter((c: { closedAt: string | null }) => status === undefined || (status === 'open') === (c.closedAt === null));

  it('opens one case per red card, tells how late, records actions, and closes when the step is done', async () => {
    clock.set('2026-03-05T10:00:00');
    const a = await submit(w, conditional.id, clock()); // review due Tue 03-10
    expect((await sweep('2026-03-12T10:00:00')).overdue).toEqual([a.id]);
    await sweep('2026-03-13T10:00:00'); // again: no second case
    const [open] = await cases(w.admin, 'open');
    expect(open).toMatchObject({
      applicationId: a.id, step: 'review', responsibleCode: w.ctx.config.PLATFORM_DEPARTMENT_CODE, dueAt: a.dueAt,
      openedAt: '2026-03-12T02:00:00.000Z', closedAt: null,
      workingDaysLate: 3, // 03-11, 03-12, 03-13
      actions: [],
    });
    expect(await cases(w.auditor)).toHaveLength(1);
    expect(await cases(w.provider.admin)).toEqual([]); // the platform's own step

    const reminded = await ok(await call(w, 'POST', `/v1/supervision/cases/${open.id}/actions`, w.admin, { kind: 'reminder', note: '请尽快完成规范性审查' }), 201);
    expect(reminded.actions).toEqual([{ kind: 'reminder', note: '请尽快完成规范性审查', at: '2026-03-13T02:00:00.000Z' }]);
    const note = await w.ctx.db('outbox').where({ type: 'supervision.reminder', application_id: a.id }).first('department_code', 'data');
    expect(note).toEqual({ department_code: w.ctx.config.PLATFORM_DEPARTMENT_CODE, data: { caseId: open.id, applicationId: a.id, step: 'review', dueAt: a.dueAt } });
    await ok(await call(w, 'POST', `/v1/supervision/cases/${open.id}/actions`, w.admin, { kind: 'interview', note: '约谈审查岗' }), 201);

    clock.set('2026-03-16T09:00:00'); // Monday: the late review is done
    await ok(await actions.accept(w, a.id));
    const [closed] = await cases(w.admin, 'closed');
    expect(closed).toMatchObject({ id: open.id, closedAt: '2026-03-16T01:00:00.000Z', workingDaysLate: 4 });
    expect(closed.actions.map((x: { kind: string }) => x.kind)).toEqual(['reminder', 'interview']);
    expect(await cases(w.admin, 'open')).toEqual([]);
    const late = await call(w, 'POST', `/v1/supervision/cases/${open.id}/actions`, w.admin, { kind: 'report', note: '通报' });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'ILLEGAL_STATE', currentState: 'closed' });

    // the provider's own red card: its case is the provider's to see, and a withdrawal closes it
    expect((await sweep('2026-03-31T10:00:00')).overdue).toEqual([a.id]); // due Mon 03-30
    const [providers] = await cases(w.provider.admin);
    expect(providers).toMatchObject({ applicationId: a.id, step: 'provider_decision', responsibleCode: w.provider.code, closedAt: null });
    expect(await cases(w.outsider.admin)).toEqual([]);
    clock.set('2026-04-01T10:00:00');
    await ok(await actions.withdraw(w, a.id));
    expect((await cases(w.provider.admin))[0]).toMatchObject({ closedAt: '2026-04-01T02:00:00.000Z', workingDaysLate: 2 });

    const trail = await w.ctx.db('events').where({ entity_type: 'application', entity_id: a.id }).where('action', 'like', 'supervision.%').orderBy('id').pluck('action');
    expect(trail).toEqual(['supervision.case_open', 'supervision.case_action', 'supervision.case_action', 'supervision.case_close', 'supervision.case_open', 'supervision.case_close']);
  });

  it('refuses an unknown action, an empty note (400) and an unknown case (404)', async () => {
    const id = randomUUID();
    for (const body of [{ kind: 'email', note: 'x' }, { kind: 'reminder', note: ' ' }, { kind: 'reminder' }]) {
      expect((await call(w, 'POST', `/v1/supervision/cases/${id}/actions`, w.admin, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    const missing = await call(w, 'POST', `/v1/supervision/cases/${id}/actions`, w.admin, { kind: 'report', note: '通报' });
    expect(missing.statusCode).toBe(404);
  });
});
