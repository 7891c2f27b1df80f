import type { Knex } from 'knex';
import { AppError, type FieldProblem } from '../../lib/errors.js';
import { isWeekend, WorkingDayCalendar, yearOf, type CalendarYear, type IsoDay } from '../../lib/working-days.js';
import { recordEvent, type Actor } from '../audit/events.js';

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

function view(year: number, row: CalendarYearRow | undefined) {
  const calendar = new WorkingDayCalendar(row ? [toYear(row)] : []);
  return {
    year,
    hasData: row !== undefined,
    fallbackToWeekdays: row === undefined,
    holidays: [...(row?.holidays ?? [])].sort(),
    makeupWorkdays: [...(row?.makeup_workdays ?? [])].sort(),
    workingDays: calendar.workingDaysInYear(year),
    source: row?.source ?? null,
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

/** Replaces a year's holidays and make-up working days. Deadlines already set keep their dates. */
export async function putCalendarYear(
  db: Knex,
  actor: Actor,
  year: number,
  input: { holidays: string[]; makeupWorkdays: string[]; source?: string },
  requestId?: string,
) {
  const problems = calendarProblems(year, input.holidays, input.makeupWorkdays);
  if (problems.length) {
    throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.pointer}: ${p.message}`).join('; '), { errors: problems });
  }
  return db.transaction(async (trx) => {
    const existed = await trx('calendar_years').where('year', year).first('year');
    const [row] = await trx('calendar_years')
      .insert({
        year,
        holidays: JSON.stringify([...input.holidays].sort()),
        makeup_workdays: JSON.stringify([...input.makeupWorkdays].sort()),
        source: input.source ?? null,
        updated_at: trx.fn.now(),
        updated_by: 'userId' in actor ? actor.userId : null,
      })
      .onConflict('year')
      .merge()
      .returning('*');
    await recordEvent(trx, {
      actor,
      entityType: 'calendar',
      entityId: String(year),
      action: existed ? 'calendar.update' : 'calendar.create',
      requestId,
      details: { holidays: input.holidays.length, makeupWorkdays: input.makeupWorkdays.length },
    });
    return { created: !existed, year: view(year, row as CalendarYearRow) };
  });
}
