import { AppError } from '../../lib/errors.js';
import { addDays, shanghaiDay, startOfDay, weekday, type IsoDay } from '../../lib/working-days.js';

// The period of the supervision figures, in Asia/Shanghai days, written as ISO 8601 writes
// dates: `2026-03` (a month), `2026-W10` (an ISO week, Monday to Sunday), `2026-03-09` (a day),
// `2026-03-01..2026-03-15` (days, inclusive) — or `month`, `week`, `day` for the current one.
// Default: this month.

/** The longest range a caller may ask for: a year and a day (a leap year's 366 days). */
export const MAX_PERIOD_DAYS = 366;

export interface Period {
  /** First and last day, inclusive. */
  fromDay: IsoDay;
  toDay: IsoDay;
  /** [from, to): 00:00 Asia/Shanghai of the first day to 00:00 of the day after the last. */
  from: Date;
  to: Date;
}

const bad = (message: string) => {
  const pointer = '/querystring/period';
  return new AppError('VALIDATION_FAILED', `${pointer}: ${message}`, { errors: [{ pointer, message }] });
};

const isRealDay = (day: string) => {
  const t = new Date(`${day}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === day;
};

function range(fromDay: IsoDay, toDay: IsoDay): Period {
  return { fromDay, toDay, from: startOfDay(fromDay), to: startOfDay(addDays(toDay, 1)) };
}

const mondayOf = (day: IsoDay) => addDays(day, -((weekday(day) + 6) % 7));

function month(first: IsoDay): Period {
  return range(first, addDays(`${addDays(first, 32).slice(0, 7)}-01`, -1));
}

/** ISO week `week` of ISO year `year`: week 1 holds 4 January; a year has 52 or 53 weeks. */
function isoWeek(year: number, week: number): Period {
  const monday = addDays(mondayOf(`${year}-01-04`), (week - 1) * 7);
  // Every week of the year has its Thursday in that year.
  if (week < 1 || addDays(monday, 3).slice(0, 4) !== String(year)) throw bad(`${year} has no ISO week ${week}`);
  return range(monday, addDays(monday, 6));
}

export function periodOf(now: Date, period: string | undefined): Period {
  const today = shanghaiDay(now);
  const p = period ?? 'month';
  if (p === 'day') return range(today, today);
  if (p === 'week') return range(mondayOf(today), addDays(mondayOf(today), 6));
  if (p === 'month') return month(`${today.slice(0, 7)}-01`);
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})$/.exec(p))) {
    if (Number(m[2]) < 1 || Number(m[2]) > 12) throw bad(`${p} is not a month`);
    return month(`${p}-01`);
  }
  if ((m = /^(\d{4})-W(\d{2})$/.exec(p))) return isoWeek(Number(m[1]), Number(m[2]));
  const [from = '', to = from] = p.split('..');
  if (!isRealDay(from) || !isRealDay(to)) throw bad(`'${p}' is not a month (2026-03), an ISO week (2026-W10), a day or a range of days (2026-03-01..2026-03-15)`);
  if (to < from) throw bad('the range ends before it starts');
  if (addDays(from, MAX_PERIOD_DAYS - 1) < to) throw bad(`the range spans more than ${MAX_PERIOD_DAYS} days`);
  return range(from, to);
}
