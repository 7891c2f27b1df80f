import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { remindMissingCalendars } from '../../../src/modules/calendar/calendar-reminder.js';
import { schedulerContext } from '../../../src/modules/context.js';
import { calendarReminder } from '../../../workers/calendar-reminder.js';
import type { JobDeps } from '../../../workers/deps.js';
import { manualClock } from '../../helpers/clock.js';
import { call, ok } from '../../helpers/workflow.js';
import { useWorld } from '../../helpers/use-test-app.js';

// From 1 November (Asia/Shanghai), while next year's holiday notice is missing, the platform's
// admins are told once a day which year to enter; entering it stops the reminders.

describe('reminder to enter next year’s holiday notice', () => {
  const clock = manualClock('2026-10-31T23:59:59');
  const w = useWorld({ clock });
  const ctx = w.ctx;
  let deps: JobDeps;
  beforeAll(async () => {
    deps = {
      db: ctx.db, config: ctx.config, keys: deriveKeys(ctx.config.SHAREHUB_SECRET_KEY), clock, log: pino({ level: 'silent' }),
      enqueue: async () => { throw new Error('the reminder enqueues nothing'); },
      invalidate: async () => { throw new Error('the reminder changes no grant'); },
    };
  });

  const remindersSeenBy = async (headers: Record<string, string>) =>
    (await ok(await call(w, 'GET', '/v1/notifications?type=calendar.missing', headers))).items as { type: string; data: { year: number }; createdAt: string }[];

  it('says nothing before 1 November', async () => {
    clock.set('2026-10-31T23:59:59'); // 15:59:59 UTC: still October in Shanghai
    expect(await remindMissingCalendars(schedulerContext(ctx.db, clock()))).toEqual([]);
    expect(await remindersSeenBy(w.admin)).toEqual([]);
  });

  it('reminds the platform from 00:00 on 1 November (Shanghai), naming the year to enter', async () => {
    clock.set('2026-11-01T00:00:00'); // 2026-10-31T16:00Z
    expect(await calendarReminder({ window: '202610311600' }, deps)).toEqual({ reminded: [2027] });
    const seen = await remindersSeenBy(w.admin);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: 'calendar.missing', data: { year: 2027, path: '/v1/calendar/2027' }, createdAt: '2026-10-31T16:00:00.000Z' });
    // a message to the platform, not to the departments
    expect(await remindersSeenBy(w.consumer.admin)).toEqual([]);
  });

  it('reminds at most once a day, however many sweeps run, concurrently or not', async () => {
    clock.set('2026-11-01T15:00:00');
    const runs = await Promise.all([1, 2, 3].map(() => remindMissingCalendars(schedulerContext(ctx.db, clock()))));
    expect(runs.flat()).toEqual([]);
    clock.set('2026-11-01T23:59:59.999');
    expect(await remindMissingCalendars(schedulerContext(ctx.db, clock()))).toEqual([]);
    expect(await remindersSeenBy(w.admin)).toHaveLength(1);
  });

  it('reminds again the next day, once', async () => {
    clock.set('2026-11-02T08:00:00');
    const runs = await Promise.all([1, 2].map(() => remindMissingCalendars(schedulerContext(ctx.db, clock()))));
    expect(runs.flat()).toEqual([2027]);
    expect(await remindersSeenBy(w.admin)).toHaveLength(2);
  });

  it('stops once the year is entered', async () => {
    await ok(await call(w, 'PUT', '/v1/calendar/2027', w.admin, { holidays: ['2027-01-01'], makeupWorkdays: [] }), 201);
    for (const day of ['2026-11-03T08:00:00', '2026-12-31T23:00:00', '2027-06-01T08:00:00']) {
      clock.set(day);
      expect(await remindMissingCalendars(schedulerContext(ctx.db, clock()))).toEqual([]);
    }
    expect(await remindersSeenBy(w.admin)).toHaveLength(2);
  });

  it('names a year already under way without its notice, every day, and next year too from 1 November', async () => {
    clock.set('2028-03-01T09:00:00');
    expect(await remindMissingCalendars(schedulerContext(ctx.db, clock()))).toEqual([2028]);
    clock.set('2028-11-01T09:00:00');
    expect(await remindMissingCalendars(schedulerContext(ctx.db, clock()))).toEqual([2028, 2029]);
    expect((await remindersSeenBy(w.admin)).slice(0, 3).map((n) => n.data.year).sort()).toEqual([2028, 2028, 2029]);
  });
});
