import { afterEach, describe, expect, it } from 'vitest';
import { endOfDay, startOfDay } from '../../../src/lib/working-days.js';
import { sweepDeadlines } from '../../../src/modules/applications/deadline-sweep.js';
import { schedulerContext } from '../../../src/modules/context.js';
import { manualClock } from '../../helpers/clock.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { actions, call, makeWorld, ok, resourceOf, submit, type World } from '../../helpers/workflow.js';

// DOMAIN.md §5: a year without its holiday notice counts its statutory holidays, never Monday to
// Friday alone; what is computed on it is marked provisional, and recomputed when the notice is
// entered. The 2027 notices below are hypothetical (the real one is not out): each is chosen so
// that the deadlines it yields differ from the provisional ones.

/** Hypothetical 2027 notice A: 元旦 01-01…01-03, the Saturday 01-09 worked. */
const NOTICE_A = { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], makeupWorkdays: ['2027-01-09'], source: 'hypothetical 2027 notice A' };
/** Hypothetical 2027 notice B: 元旦 01-01…01-04 (Monday off too), no make-up day in January. */
const NOTICE_B = { holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04'], makeupWorkdays: [], source: 'hypothetical 2027 notice B' };

interface TimelineEntry {
  action: string;
  step: string | null;
  dueAt: string | null;
  dueProvisional: boolean | null;
  nextDueAt: string | null;
  nextDueProvisional: boolean | null;
  actor: { kind: string; id: string | null };
}

describe('deadlines over a year without its holiday notice', () => {
  const clock = manualClock('2026-12-28T09:00:00');
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  async function world(): Promise<{ w: World; conditional: { id: string } }> {
    clock.set('2026-12-28T09:00:00');
    ctx = await buildTestApp({}, { clock });
    const w = await makeWorld(ctx);
    return { w, conditional: await resourceOf(w, { shareType: 2 }) };
  }
  const get = async (w: World, id: string) => ok(await call(w, 'GET', `/v1/applications/${id}`, w.consumer.admin));
  const putYear = (w: World, body: unknown) => call(w, 'PUT', '/v1/calendar/2027', w.admin, body);

  /** Submitted Monday 2026-12-28 09:00, accepted at 10:00: the provider's 10 working days start then. */
  async function acceptedOn28th(w: World, resourceId: string) {
    clock.set('2026-12-28T09:00:00');
    const a = await submit(w, resourceId, clock());
    clock.set('2026-12-28T10:00:00');
    return ok(await actions.accept(w, a.id));
  }

  it('without a 2027 calendar: 元旦 is a holiday, so 10 working days from 2026-12-28 end on 2027-01-12, marked provisional', async () => {
    const { w, conditional } = await world();
    expect((await ok(await call(w, 'GET', '/v1/calendar/2027', {}))).provisional).toBe(true);
    const accepted = await acceptedOn28th(w, conditional.id);
    // 12-29 (1), 12-30 (2), 12-31 (3), 01-01 元旦 off, weekend, 01-04 (4) … 01-08 (8), 01-11 (9), 01-12 (10)
    expect(accepted).toMatchObject({ status: 'pending_provider', dueAt: endOfDay('2027-01-12').toISOString(), dueProvisional: true });
    expect(accepted.dueAt).toBe('2027-01-12T15:59:59.999Z');
    const [submitted, accept] = accepted.timeline as TimelineEntry[];
    // The review (3 working days, all in 2026) was not provisional; the provider's deadline is.
    expect(submitted).toMatchObject({ action: 'submit', nextDueAt: endOfDay('2026-12-31').toISOString(), nextDueProvisional: false });
    expect(accept).toMatchObject({
      action: 'accept', dueAt: endOfDay('2026-12-31').toISOString(), dueProvisional: false,
      nextDueAt: endOfDay('2027-01-12').toISOString(), nextDueProvisional: true,
    });
    // listed the same way
    const listed = await ok(await call(w, 'GET', '/v1/inbox', w.provider.admin));
    expect(listed.items[0]).toMatchObject({ id: accepted.id, dueProvisional: true });
  });

  it('with a 2027 calendar entered first: the deadline follows the notice and is not provisional', async () => {
    const { w, conditional } = await world();
    await ok(await putYear(w, NOTICE_A), 201);
    expect((await ok(await call(w, 'GET', '/v1/calendar/2027', {}))).provisional).toBe(false);
    const accepted = await acceptedOn28th(w, conditional.id);
    // 12-29, 30, 31 (3), 01-04 … 01-08 (8), Saturday 01-09 worked (9), 01-11 (10)
    expect(accepted).toMatchObject({ dueAt: endOfDay('2027-01-11').toISOString(), dueProvisional: false });
    expect(accepted.timeline.at(-1)).toMatchObject({ action: 'accept', nextDueAt: endOfDay('2027-01-11').toISOString(), nextDueProvisional: false });
  });

  it('entering 2027 afterwards recomputes open deadlines from their start, traced on the timeline and the trail; a missed one stays missed', async () => {
    const { w, conditional } = await world();
    const open = await acceptedOn28th(w, conditional.id); // due 2027-01-12, provisional
    clock.set('2026-12-31T10:00:00');
    const late = await submit(w, conditional.id, clock()); // review: 01-04, 05, 06 → due 2027-01-06, provisional
    expect(late).toMatchObject({ dueAt: endOfDay('2027-01-06').toISOString(), dueProvisional: true });
    clock.set('2027-01-07T10:00:00');
    await sweepDeadlines(schedulerContext(ctx!.db, clock())); // the late review gets its red card

    // Notice B makes Monday 01-04 a holiday: the open deadline moves a day later; the missed review
    // would move to 01-07 — in the future — but stays missed.
    const put = await putYear(w, NOTICE_B);
    expect(put.statusCode, put.body).toBe(201);
    expect(put.json()).toMatchObject({ year: 2027, provisional: false });

    const moved = await get(w, open.id);
    expect(moved).toMatchObject({ dueAt: endOfDay('2027-01-13').toISOString(), dueProvisional: false, sla: 'on_time' });
    const entry = (moved.timeline as TimelineEntry[]).at(-1)!;
    expect(entry).toMatchObject({
      action: 'deadline_recomputed', step: 'provider_decision',
      dueAt: endOfDay('2027-01-12').toISOString(), dueProvisional: true,
      nextDueAt: endOfDay('2027-01-13').toISOString(), nextDueProvisional: false,
      actor: { kind: 'user' },
    });
    // the warning window moved with it: one working day left from the day after 01-12
    const row = await ctx!.db('applications').where('id', open.id).first();
    expect(row.warn_at).toEqual(startOfDay('2027-01-13'));
    expect(row.due_working_days).toBe(10);
    const [event] = await ctx!.db('events').where({ entity_id: open.id, action: 'application.deadline_recompute' });
    expect(event.details).toMatchObject({
      calendarYear: 2027, step: 'provider_decision', workingDays: 10,
      dueAt: endOfDay('2027-01-12').toISOString(), dueProvisional: true,
      newDueAt: endOfDay('2027-01-13').toISOString(), newDueProvisional: false,
    });
    expect(event.actor_kind).toBe('user');
    const [calendarEvent] = await ctx!.db('events').where({ entity_type: 'calendar', entity_id: '2027' });
    expect(calendarEvent).toMatchObject({ action: 'calendar.create', details: expect.objectContaining({ deadlinesRecomputed: 1 }) });

    const missed = await get(w, late.id);
    expect(missed).toMatchObject({ dueAt: endOfDay('2027-01-06').toISOString(), dueProvisional: true, sla: 'overdue' });
    expect(missed.timeline.map((e: TimelineEntry) => e.action)).toEqual(['submit', 'supervise']);
    expect(await ctx!.db('events').where('entity_id', late.id).where('action', 'application.deadline_recompute')).toEqual([]);

    // The same notice again changes nothing; a corrected notice moves the deadline again.
    await ok(await putYear(w, NOTICE_B));
    expect((await get(w, open.id)).timeline.filter((e: TimelineEntry) => e.action === 'deadline_recomputed')).toHaveLength(1);
    await ok(await putYear(w, NOTICE_A));
    const again = await get(w, open.id);
    expect(again).toMatchObject({ dueAt: endOfDay('2027-01-11').toISOString(), dueProvisional: false });
    expect(again.timeline.at(-1)).toMatchObject({
      action: 'deadline_recomputed', dueAt: endOfDay('2027-01-13').toISOString(), nextDueAt: endOfDay('2027-01-11').toISOString(),
    });
    expect(await ctx!.db('events').where({ entity_id: open.id, action: 'application.deadline_recompute' })).toHaveLength(2);
  });

  it('marks deadlines set before this change (counted Monday–Friday) provisional, and fixes them when 2027 is entered', async () => {
    const { w, conditional } = await world();
    const open = await acceptedOn28th(w, conditional.id);
    // As the hub stored it before: 元旦 counted as a working day, due 01-11, nothing else known.
    await ctx!.db.migrate.down({ name: '20261129130200_add_due_working_days_to_applications' });
    await ctx!.db.migrate.down({ name: '20261129130100_add_due_provisional_to_applications' });
    await ctx!.db('applications').where('id', open.id).update({ due_at: endOfDay('2027-01-11') });
    await ctx!.db.migrate.latest();
    const row = await ctx!.db('applications').where('id', open.id).first();
    expect(row).toMatchObject({ due_provisional: true, due_working_days: 10 });
    clock.set('2027-01-04T10:00:00');
    await ok(await putYear(w, NOTICE_B), 201);
    // 12-29, 30, 31, (01-01…04 off), 01-05 … 01-08 (7), 01-11 (8), 01-12 (9), 01-13 (10)
    expect(await get(w, open.id)).toMatchObject({ dueAt: endOfDay('2027-01-13').toISOString(), dueProvisional: false });
  });

  it('recomputes nothing when the PUT is refused', async () => {
    const { w, conditional } = await world();
    const open = await acceptedOn28th(w, conditional.id);
    const res = await putYear(w, { holidays: ['2027-01-01', '2028-01-04'], makeupWorkdays: [] });
    expect(res.statusCode).toBe(400);
    expect(await get(w, open.id)).toMatchObject({ dueAt: endOfDay('2027-01-12').toISOString(), dueProvisional: true });
    const forbidden = await call(w, 'PUT', '/v1/calendar/2027', w.provider.admin, NOTICE_B);
    expect(forbidden.statusCode).toBe(403);
    expect((await get(w, open.id)).timeline.map((e: TimelineEntry) => e.action)).toEqual(['submit', 'accept']);
  });
});
