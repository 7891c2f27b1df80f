import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { endOfDay, startOfDay } from '../../../src/lib/working-days.js';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { sweepDeadlines } from '../../../src/modules/applications/deadline-sweep.js';
import { schedulerContext } from '../../../src/modules/context.js';
import { slaSweep } from '../../../workers/sla-sweep.js';
import { manualClock } from '../../helpers/clock.js';
import { actions, call, ok, resourceOf, submit } from '../../helpers/workflow.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';

// Deadlines in working days with a controllable clock: across weekends, the 2026 Spring Festival
// block and its make-up Saturdays, a year without calendar data; yellow and red at the exact
// moments; one supervision event (督办) per red card however often the sweep runs.

const clock = manualClock('2026-02-12T10:00:00');
const MS = 1;

describe('deadlines, yellow warnings and red cards', () => {
  const w = useWorld({ clock });
  const ctx = w.ctx;
  const conditional = useFixture(() => resourceOf(w, { shareType: 2 }));

  const get = async (id: string) => ok(await call(w, 'GET', `/v1/applications/${id}`, w.consumer.admin));
  const sweepAt = (local: string | Date) => {
    clock.set(local);
    return sweepDeadlines(schedulerContext(ctx.db, clock()));
  };

  describe('due dates', () => {
    it('skips the Spring Festival block and counts the make-up Saturday before it', async () => {
      clock.set('2026-02-12T10:00:00'); // Thursday
      const a = await submit(w, conditional.id, clock());
      // Fri 02-13 (1), Sat 02-14 make-up (2), 02-15…02-23 off, Tue 02-24 (3)
      expect(a.dueAt).toBe(endOfDay('2026-02-24').toISOString());
    });

    it('counts the make-up Saturday after it', async () => {
      clock.set('2026-02-27T17:00:00'); // Friday
      const a = await submit(w, conditional.id, clock());
      // Sat 02-28 make-up (1), Mon 03-02 (2), Tue 03-03 (3)
      expect(a.dueAt).toBe(endOfDay('2026-03-03').toISOString());
    });

    it('crosses an ordinary weekend', async () => {
      clock.set('2026-03-05T10:00:00'); // Thursday
      const a = await submit(w, conditional.id, clock());
      expect(a.dueAt).toBe(endOfDay('2026-03-10').toISOString());
    });

    it('gives the provider 10 working days from acceptance, through the make-up Saturday', async () => {
      clock.set('2026-02-12T10:00:00');
      const a = await submit(w, conditional.id, clock());
      clock.set('2026-02-13T16:00:00'); // accepted on Friday before the holiday
      const accepted = await ok(await actions.accept(w, a.id));
      // 02-14, 24, 25, 26, 27, 28 (make-up), 03-02, 03, 04, 05
      expect(accepted.dueAt).toBe(endOfDay('2026-03-05').toISOString());
    });

    it('counts a year without its notice on its statutory holidays, and marks the deadline provisional', async () => {
      const year = await ok(await call(w, 'GET', '/v1/calendar/2027', {}));
      expect(year).toMatchObject({ provisional: true });
      clock.set('2026-12-30T10:00:00'); // Wednesday
      const a = await submit(w, conditional.id, clock());
      // Thu 12-31 (1), Fri 2027-01-01 元旦 (a statutory holiday, notice or not), Mon 01-04 (2), Tue 01-05 (3)
      expect(a.dueAt).toBe(endOfDay('2027-01-05').toISOString());
      expect(a.dueProvisional).toBe(true);
    });
  });

  describe('colours', () => {
    it('turns yellow when one working day is left and red one millisecond after the close of the last, recording each once', async () => {
      clock.set('2026-03-05T10:00:00'); // Thursday; due Tue 03-10 23:59:59.999, yellow from Tue 00:00
      const a = await submit(w, conditional.id, clock());
      const due = new Date(a.dueAt);
      const yellowFrom = startOfDay('2026-03-10');

      expect((await sweepAt(new Date(yellowFrom.getTime() - MS))).warned).not.toContain(a.id);
      expect((await get(a.id)).sla).toBe('on_time');

      expect((await sweepAt(yellowFrom)).warned).toContain(a.id);
      expect((await get(a.id)).sla).toBe('warning');
      expect((await sweepAt(new Date(yellowFrom.getTime() + 60_000))).warned).not.toContain(a.id);

      expect((await sweepAt(due)).overdue).not.toContain(a.id);
      expect((await get(a.id)).sla).toBe('warning');

      expect((await sweepAt(new Date(due.getTime() + MS))).overdue).toContain(a.id);
      const red = await get(a.id);
      expect(red.sla).toBe('overdue');
      expect(red.timeline.slice(-2)).toEqual([
        expect.objectContaining({ action: 'warn', decision: 'yellow_card', step: 'review', dueAt: a.dueAt, actor: expect.objectContaining({ kind: 'scheduler' }) }),
        expect.objectContaining({ action: 'supervise', decision: 'red_card', step: 'review', dueAt: a.dueAt }),
      ]);

      await sweepAt(new Date(due.getTime() + 3_600_000));
      await sweepAt(new Date(due.getTime() + 86_400_000));
      const events = await ctx.db('events').where({ entity_type: 'application', entity_id: a.id }).whereIn('action', ['application.warn', 'application.supervise']).pluck('action');
      expect(events).toEqual(['application.warn', 'application.supervise']);
      const notes = await ctx.db('outbox').where({ application_id: a.id }).whereIn('type', ['deadline.warning', 'deadline.overdue']).select('type', 'department_code');
      expect(notes).toEqual([
        { type: 'deadline.warning', department_code: ctx.config.PLATFORM_DEPARTMENT_CODE },
        { type: 'deadline.overdue', department_code: ctx.config.PLATFORM_DEPARTMENT_CODE },
      ]);

      // the late review closes the step as missed; the provider's step starts green
      clock.set('2026-03-11T09:00:00');
      const accepted = await ok(await actions.accept(w, a.id));
      expect(accepted).toMatchObject({ sla: 'on_time', step: 'provider_decision' });
      expect(accepted.timeline.at(-1)).toMatchObject({ action: 'accept', deadlineMet: false, dueAt: a.dueAt });
    });

    it('holds the yellow over a weekend before a Monday deadline, and notifies the provider of its own red card', async () => {
      clock.set('2026-02-26T09:00:00'); // Thursday
      const a = await submit(w, conditional.id, clock());
      const accepted = await ok(await actions.accept(w, a.id));
      // 10 working days after Thu 02-26: 27, 28 (make-up), 03-02 … 03-06, 09, 10, 11 → Wed 03-11
      expect(accepted.dueAt).toBe(endOfDay('2026-03-11').toISOString());
      expect((await sweepAt('2026-03-10T23:59:59.999')).warned).not.toContain(a.id);
      expect((await sweepAt('2026-03-11T00:00:00')).warned).toContain(a.id);
      expect((await sweepAt('2026-03-12T00:00:00')).overdue).toContain(a.id);
      const inbox = await ok(await call(w, 'GET', '/v1/inbox', w.provider.admin));
      expect(inbox.items.find((i: { id: string }) => i.id === a.id)).toMatchObject({ sla: 'overdue' });
      const note = await ctx.db('outbox').where({ application_id: a.id, type: 'deadline.overdue' }).first();
      expect(note.department_code).toBe(w.provider.code);
      const listed = await ok(await call(w, 'GET', '/v1/notifications?type=deadline.overdue', w.provider.admin));
      expect(listed.items.map((n: { data: { applicationId: string } }) => n.data.applicationId)).toContain(a.id);
    });

    it('goes straight to red when no sweep ran during the yellow window', async () => {
      clock.set('2026-03-05T10:00:00');
      const a = await submit(w, conditional.id, clock());
      const { overdue, warned } = await sweepAt('2026-03-12T10:00:00');
      expect(overdue).toContain(a.id);
      expect(warned).not.toContain(a.id);
    });

    it('has no deadline while the applicant corrects a returned application', async () => {
      clock.set('2026-03-05T10:00:00');
      const a = await submit(w, conditional.id, clock());
      await ok(await actions.return(w, a.id));
      await sweepAt('2026-06-01T10:00:00');
      expect(await get(a.id)).toMatchObject({ status: 'returned', sla: null, dueAt: null });
    });

    it('filters the list by colour at the current time', async () => {
      clock.set('2026-04-13T10:00:00'); // Monday; due Thu 04-16
      const a = await submit(w, conditional.id, clock());
      const ids = async (sla: string) => (await ok(await call(w, 'GET', `/v1/applications?sla=${sla}&limit=200`, w.admin))).items.map((x: { id: string }) => x.id);
      expect(await ids('on_time')).toContain(a.id);
      clock.set('2026-04-16T08:00:00');
      expect(await ids('warning')).toContain(a.id);
      expect(await ids('on_time')).not.toContain(a.id);
      clock.set('2026-04-17T08:00:00');
      expect(await ids('overdue')).toContain(a.id);
      expect(await ids('warning')).not.toContain(a.id);
    });
  });

  describe('sweeps on several replicas', () => {
    it('record one red card however many sweeps run at once', async () => {
      clock.set('2026-05-11T10:00:00'); // Monday
      const batch = await Promise.all(Array.from({ length: 3 }, () => submit(w, conditional.id, clock())));
      clock.set('2026-05-20T10:00:00');
      const results = await Promise.all(Array.from({ length: 4 }, () => sweepDeadlines(schedulerContext(ctx.db, clock()))));
      for (const a of batch) {
        expect(results.filter((r) => r.overdue.includes(a.id))).toHaveLength(1);
        expect(await ctx.db('events').where({ entity_id: a.id, action: 'application.supervise' }).count({ n: '*' }).first()).toEqual({ n: 1 });
      }
    });

    it('runs as a plain job processor', async () => {
      clock.set('2026-05-11T10:00:00');
      const a = await submit(w, conditional.id, clock());
      clock.set('2026-05-15T00:00:00');
      const deps = {
        db: ctx.db, config: ctx.config, keys: deriveKeys(ctx.config.SHAREHUB_SECRET_KEY), clock, log: pino({ level: 'silent' }),
        enqueue: async () => { throw new Error('not used'); },
        invalidate: async () => { throw new Error('not used'); },
      };
      const result = await slaSweep({ window: '202605141600' }, deps);
      expect(result.overdue).toBeGreaterThanOrEqual(1);
      expect((await get(a.id)).sla).toBe('overdue');
      expect(await slaSweep({ window: '202605141600' }, deps)).toEqual({ warned: 0, overdue: 0 });
    });
  });
});
