import type { Knex } from 'knex';
import { endOfDay, startOfDay, type WorkingDayCalendar } from '../../lib/working-days.js';
import { recordEvent, type Actor } from '../audit/events.js';
import { addTimeline } from '../timeline/application-timeline.js';
import type { ApplicationRow } from './applications-repository.js';
import { OPEN_STATUSES } from './state-machine.js';
import type { DeadlineHolder, Recomputed } from '../calendar/calendar-service.js';

// When a year's holiday notice is entered or changed, the open deadlines that count days of that
// year are counted again from the event that started them (step_started_at), the same number of
// working days, on the new calendar. Each change is a timeline entry naming the old and the new
// due time and an event on the trail. A deadline already missed stays missed: moving it would
// erase a red card that was (or is about to be) the record of a late step.

/** Open deadlines not yet missed at `now` whose count may meet a day of `year`. */
export function openDeadlinesTouching(db: Knex | Knex.Transaction, year: number, now: Date) {
  return db('applications')
    .whereIn('status', OPEN_STATUSES)
    .whereNotNull('due_at')
    .whereNotNull('step_started_at')
    .where('due_at', '>=', now)
    .where('due_at', '>=', startOfDay(`${year}-01-01`))
    .where('step_started_at', '<=', endOfDay(`${year}-12-31`));
}


/**
 * Recomputes, in the caller's transaction, the open deadlines that touch `year`, from the
 * calendar as it was (`before`, only to recover the length of a deadline set before lengths were
 * stored) to the calendar as it is now (`after`). The caller holds the calendar locked.
 */
export async function recomputeDeadlines(
  trx: Knex.Transaction,
  opts: { year: number; before: WorkingDayCalendar; after: WorkingDayCalendar; now: Date; warningWorkingDays: number; actor: Actor; requestId?: string },
): Promise<Recomputed[]> {
  // SKIP LOCKED: the caller locked every row that matched before it took the calendar lock; a
  // row that matches only now and is held by another transaction is in a use case waiting for
  // the calendar, which will set its next deadline on the new calendar itself.
  const rows: ApplicationRow[] = await openDeadlinesTouching(trx, opts.year, opts.now).forUpdate().skipLocked().orderBy('id');
  const changed: Recomputed[] = [];
  for (const app of rows) {
    const start = app.step_started_at!;
    const oldDue = app.due_at!;
    const days = app.due_working_days ?? opts.before.countWorkingDays(start, oldDue);
    if (days < 1) continue;
    const { due, provisional } = opts.after.deadlineOf(start, days);
    if (due.getTime() === oldDue.getTime() && provisional === app.due_provisional) continue;
    await trx('applications').where('id', app.id).update({
      due_at: due,
      due_provisional: provisional,
      due_working_days: days,
      warn_at: opts.after.warningStart(due, opts.warningWorkingDays),
      updated_at: opts.now,
    });
    await addTimeline(trx, {
      applicationId: app.id,
      at: opts.now,
      action: 'deadline_recomputed',
      actor: opts.actor,
      step: app.step,
      dueAt: oldDue,
      dueProvisional: app.due_provisional,
      nextDueAt: due,
      nextDueProvisional: provisional,
      details: { calendarYear: opts.year, workingDays: days },
    });
    await recordEvent(trx, {
      actor: opts.actor,
      entityType: 'application',
      entityId: app.id,
      entityVersion: app.resource_version,
      action: 'application.deadline_recompute',
      requestId: opts.requestId,
      details: {
        calendarYear: opts.year,
        step: app.step,
        workingDays: days,
        dueAt: oldDue.toISOString(),
        dueProvisional: app.due_provisional,
        newDueAt: due.toISOString(),
        newDueProvisional: provisional,
      },
    });
    changed.push({ applicationId: app.id, from: oldDue.toISOString(), to: due.toISOString(), provisional });
  }
  return changed;
}

/** The applications' deadlines, as the calendar recomputes them when a year's notice changes. */
export const applicationDeadlines: DeadlineHolder = {
  async lockOpen(trx, year, now) {
    await openDeadlinesTouching(trx, year, now).forUpdate().select('id');
  },
  recompute: recomputeDeadlines,
};
