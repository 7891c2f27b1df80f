// 办事工作日制度: every deadline of the workflow is counted in working days (DOMAIN.md §5). A
// working day is Monday–Friday and not a public holiday, or a listed make-up working day
// (调休上班, always a weekend day). Holidays are published each November by the State Council
// General Office, so years are data (the calendar_years table), not code. A year without its
// notice is never counted Monday–Friday alone: it takes the provisional calendar of its statutory
// holidays (statutory-holidays.ts, no make-up days), and whatever is computed on it says so.
//
// All arithmetic is on calendar days in Asia/Shanghai. China has had no daylight saving time
// since 1991, so the fixed offset +08:00 is exact for every date this hub handles; no time-zone
// database is needed.

import { statutoryHolidays, type IsoDay } from './statutory-holidays.js';

// IsoDay is declared beside the statutory holidays (which need it) so the two files import one way only.
export type { IsoDay };

export interface CalendarYear {
  year: number;
  /** Days off (放假), including weekend days inside a holiday block. */
  holidays: readonly IsoDay[];
  /** Weekend days that are working days (调休上班). */
  makeupWorkdays: readonly IsoDay[];
}

export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayToUtcMidnight(day: IsoDay): number {
  const m = ISO_DAY.exec(day);
  if (!m) throw new Error(`not a calendar day: ${day}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

const utcMidnightToDay = (ms: number): IsoDay => new Date(ms).toISOString().slice(0, 10);

/** The Asia/Shanghai calendar day an instant falls on. */
export const shanghaiDay = (instant: Date): IsoDay => utcMidnightToDay(instant.getTime() + SHANGHAI_OFFSET_MS);

/** `day` shifted by `delta` calendar days. */
export const addDays = (day: IsoDay, delta: number): IsoDay => utcMidnightToDay(dayToUtcMidnight(day) + delta * DAY_MS);

/** 00:00:00.000 Asia/Shanghai on `day`. */
export const startOfDay = (day: IsoDay): Date => new Date(dayToUtcMidnight(day) - SHANGHAI_OFFSET_MS);

/** 23:59:59.999 Asia/Shanghai on `day`: the close of the day, when a deadline on it ends. */
export const endOfDay = (day: IsoDay): Date => new Date(dayToUtcMidnight(day) + DAY_MS - 1 - SHANGHAI_OFFSET_MS);

/** 0 = Sunday … 6 = Saturday. */
export const weekday = (day: IsoDay): number => new Date(dayToUtcMidnight(day)).getUTCDay();

export const isWeekend = (day: IsoDay): boolean => {
  const d = weekday(day);
  return d === 0 || d === 6;
};

export const yearOf = (day: IsoDay): number => Number(day.slice(0, 4));

/** A year without its notice: the statutory holidays of the 2024 revision, no make-up days. */
export const provisionalYear = (year: number): CalendarYear => ({ year, holidays: statutoryHolidays(year), makeupWorkdays: [] });

/** A deadline and whether any working day it counts lies in a year without its notice. */
export interface Deadline {
  due: Date;
  provisional: boolean;
}

interface YearDays {
  holidays: ReadonlySet<IsoDay>;
  makeup: ReadonlySet<IsoDay>;
}

export class WorkingDayCalendar {
  /** The years whose notice has been entered (official). */
  private readonly years = new Map<number, YearDays>();
  private readonly provisional = new Map<number, YearDays>();

  constructor(years: Iterable<CalendarYear> = []) {
    for (const y of years) this.years.set(y.year, { holidays: new Set(y.holidays), makeup: new Set(y.makeupWorkdays) });
  }

  /** True when the year's notice has been entered; otherwise it counts on its provisional calendar. */
  isOfficial(year: number): boolean {
    return this.years.has(year);
  }

  private yearDays(year: number): YearDays {
    const official = this.years.get(year);
    if (official) return official;
    let days = this.provisional.get(year);
    if (!days) {
      days = { holidays: new Set(provisionalYear(year).holidays), makeup: new Set() };
      this.provisional.set(year, days);
    }
    return days;
  }

  isWorkingDay(day: IsoDay): boolean {
    const year = this.yearDays(yearOf(day));
    if (year.makeup.has(day)) return true;
    if (year.holidays.has(day)) return false;
    return !isWeekend(day);
  }

  /** Whether a count over the days `from`…`to` (inclusive) meets a year without its notice. */
  isProvisionalBetween(from: IsoDay, to: IsoDay): boolean {
    const [first, last] = from <= to ? [yearOf(from), yearOf(to)] : [yearOf(to), yearOf(from)];
    for (let y = first; y <= last; y++) if (!this.isOfficial(y)) return true;
    return false;
  }

  /**
   * The `n`th working day after `day` (n ≥ 1), or before it when n < 0; `day` itself is never
   * counted. n = 0 returns `day`.
   */
  addWorkingDays(day: IsoDay, n: number): IsoDay {
    if (!Number.isInteger(n)) throw new Error(`working days must be an integer, got ${n}`);
    const step = n < 0 ? -1 : 1;
    let current = day;
    for (let left = Math.abs(n); left > 0; ) {
      current = addDays(current, step);
      if (this.isWorkingDay(current)) left--;
    }
    return current;
  }

  /**
   * A deadline of `n` working days from an event: the close (23:59:59.999 Asia/Shanghai) of the
   * nth working day after the day of the event. An event on a holiday or a weekend starts the
   * count the same way: the next working day is the first.
   */
  deadline(event: Date, n: number): Date {
    return this.deadlineOf(event, n).due;
  }

  /**
   * `deadline()`, and whether it is provisional: some day it counts (after the day of the event,
   * up to the due day) lies in a year whose notice has not been entered.
   */
  deadlineOf(event: Date, n: number): Deadline {
    if (n < 1) throw new Error(`a deadline needs at least one working day, got ${n}`);
    const first = addDays(shanghaiDay(event), 1);
    const last = this.addWorkingDays(shanghaiDay(event), n);
    return { due: endOfDay(last), provisional: this.isProvisionalBetween(first, last) };
  }

  /**
   * When a step turns yellow (黄牌预警): once no more than `threshold` working days are left
   * before `deadline`, i.e. from the start of the day after the working day that lies
   * `threshold` working days before the deadline's day.
   */
  warningStart(deadline: Date, threshold: number): Date {
    if (threshold < 1) return new Date(deadline.getTime() + 1);
    const before = this.addWorkingDays(shanghaiDay(deadline), -threshold);
    return startOfDay(addDays(before, 1));
  }

  /**
   * Working days between two instants: those whose day is after the day of `from` and no later
   * than the day of `to`. An action taken on the nth working day after an event counts n, so
   * "within a deadline of N working days" is exactly `countWorkingDays(event, action) <= N`.
   * Negative when `to` is before `from`.
   */
  countWorkingDays(from: Date, to: Date): number {
    if (to.getTime() < from.getTime()) return -this.countWorkingDays(to, from);
    const last = shanghaiDay(to);
    let count = 0;
    for (let day = addDays(shanghaiDay(from), 1); day <= last; day = addDays(day, 1)) {
      if (this.isWorkingDay(day)) count++;
    }
    return count;
  }

  workingDaysInYear(year: number): number {
    let count = 0;
    for (let day = `${year}-01-01`; yearOf(day) === year; day = addDays(day, 1)) {
      if (this.isWorkingDay(day)) count++;
    }
    return count;
  }
}
