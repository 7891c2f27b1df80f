import type { Knex } from 'knex';
import { AppError, type FieldProblem } from '../../lib/errors.js';
import { isWeekend, provisionalYear, WorkingDayCalendar, yearOf, type CalendarYear, type IsoDay } from '../../lib/working-days.js';
import type { Context } from '../context.js';
import { recordEvent, type Actor } from '../audit/events.js';

/** What a year without an entered notice is counted on, as GET /v1/calendar/{year} names it. */
export const PROVISIONAL_SOURCE = '全国年节及纪念日放假办法 (2024 revision): statutory holidays only, no make-up working days; provisional until the notice is entered';

interface CalendarYearRow {
  year: number;
  holidays: IsoDay[];
  makeup_workdays: IsoDay[];
  source: string | null;
  updated_at: Date;
}

const toYear = (row: CalendarYearRow): CalendarYear => ({ year: row.year, holidays: row.holidays, makeupWorkdays: row.makeup_workdays });

/**
 * The calendar as it stands in the database. Read per use rather than cached: the table holds a
 * row per year, and an administrator's edit must count at once on every replica.
 */
export async function loadCalendar(db: Knex | Knex.Transaction): Promise<WorkingDayCalendar> {
  const rows: CalendarYearRow[] = await db('calendar_years').select('*');
  return new WorkingDayCalendar(rows.map(toYear));
}

/** A year as the API shows it: its notice when entered, otherwise its provisional calendar. */
function view(year: number, row: CalendarYearRow | undefined) {
  const days = row ? toYear(row) : provisionalYear(year);
  return {
    year,
    provisional: row === undefined,
    holidays: [...days.holidays].sort(),
    makeupWorkdays: [...days.makeupWorkdays].sort(),
    workingDays: new WorkingDayCalendar(row ? [days] : []).workingDaysInYear(year),
    source: row ? row.source : PROVISIONAL_SOURCE,
    updatedAt: row?.updated_at.toISOString() ?? null,
  };
}

export async function getCalendarYear(db: Knex, year: number) {
  return view(year, await db('calendar_years').where('year', year).first());
}

export function calendarProblems(year: number, holidays: readonly IsoDay[], makeupWorkdays: readonly IsoDay[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const holidaySet = new Set(holidays);
  holidays.forEach((day, i) => {
    if (yearOf(day) !== year) problems.push({ pointer: `/body/holidays/${i}`, message: `${day} is not in ${year}` });
  });
  makeupWorkdays.forEach((day, i) => {
    const pointer = `/body/makeupWorkdays/${i}`;
    if (yearOf(day) !== year) problems.push({ pointer, message: `${day} is not in ${year}` });
    else if (holidaySet.has(day)) problems.push({ pointer, message: `${day} is also listed as a holiday` });
    else if (!isWeekend(day)) problems.push({ pointer, message: `${day} is a weekday; a make-up working day (调休上班) is a Saturday or Sunday` });
  });
  return problems;
}

/** One recomputed deadline, as the timeline and the PUT reply name it. */
export interface Recomputed {
  applicationId: string;
  from: string;
  to: string;
  provisional: boolean;
}

/**
 * A module whose deadlines count working days (applications today): the calendar calls it when a
 * year changes, without importing it. `lockOpen` locks the open deadlines that may count days of
 * `year` (before the calendar lock: see putCalendarYear); `recompute` counts them again on the
 * new calendar in the same transaction. Wired in modules/index.ts.
 */
export interface DeadlineHolder {
  lockOpen(trx: Knex.Transaction, year: number, now: Date): Promise<void>;
  recompute(
    trx: Knex.Transaction,
    opts: { year: number; before: WorkingDayCalendar; after: WorkingDayCalendar; now: Date; warningWorkingDays: number; actor: Actor; requestId?: string },
  ): Promise<Recomputed[]>;
}

/**
 * Enters or replaces a year's holidays and make-up working days, and in the same transaction
 * recomputes every open deadline that counts days of that year (each DeadlineHolder's).
 */
export async function putCalendarYear(
  ctx: Context,
  year: number,
  input: { holidays: string[]; makeupWorkdays: string[]; source?: string },
  rules: { warningWorkingDays: number; deadlines: readonly DeadlineHolder[] },
) {
  const { db, actor } = ctx;
  const opts = { now: ctx.now, warningWorkingDays: rules.warningWorkingDays, requestId: ctx.requestId };
  const problems = calendarProblems(year, input.holidays, input.makeupWorkdays);
  if (problems.length) {
    throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.pointer}: ${p.message}`).join('; '), { errors: problems });
  }
  return db.transaction(async (trx) => {
    // Lock order, so no deadline is computed on the old calendar and committed after this change:
    // first the open deadlines of the year (use cases holding one of them may still read the
    // calendar and finish), then the calendar itself, exclusively: a use case that read it commits
    // before we go on, and one that has not read it yet waits and reads the new one.
    for (const holder of rules.deadlines) await holder.lockOpen(trx, year, opts.now);
    await trx.raw('lock table calendar_years in access exclusive mode');
    const before = await loadCalendar(trx);
    const existed = await trx('calendar_years').where('year', year).first('year');
    const [row] = await trx('calendar_years')
      .insert({
        year,
        holidays: JSON.stringify([...input.holidays].sort()),
        makeup_workdays: JSON.stringify([...input.makeupWorkdays].sort()),
        source: input.source ?? null,
        updated_at: opts.now,
        updated_by: 'userId' in actor ? actor.userId : null,
      })
      .onConflict('year')
      .merge()
      .returning('*');
    const after = await loadCalendar(trx);
    const recomputed: Recomputed[] = [];
    for (const holder of rules.deadlines) {
      recomputed.push(...await holder.recompute(trx, { year, before, after, now: opts.now, warningWorkingDays: opts.warningWorkingDays, actor, requestId: opts.requestId }));
    }
    await recordEvent(trx, {
      actor,
      entityType: 'calendar',
      entityId: String(year),
      action: existed ? 'calendar.update' : 'calendar.create',
      requestId: opts.requestId,
      details: { holidays: input.holidays.length, makeupWorkdays: input.makeupWorkdays.length, deadlinesRecomputed: recomputed.length },
    });
    return { created: !existed, year: view(year, row as CalendarYearRow), recomputed };
  });
}
