import { describe, expect, it } from 'vitest';
import { addDays, endOfDay, shanghaiDay, startOfDay, WorkingDayCalendar } from '../../src/lib/working-days.js';
import { YEAR_2025, YEAR_2026 } from '../helpers/calendar-data.js';

const cal = new WorkingDayCalendar([YEAR_2025, YEAR_2026]);
const at = (local: string) => new Date(`${local}+08:00`);

describe('working-day calendar', () => {
  it('has 248 working days in 2025 and in 2026, as the State Council notices say', () => {
    expect(cal.workingDaysInYear(2025)).toBe(248);
    expect(cal.workingDaysInYear(2026)).toBe(248);
  });

  it('counts make-up Saturdays and Sundays, and not weekday holidays', () => {
    expect(cal.isWorkingDay('2026-02-14')).toBe(true); // Saturday, 调休上班
    expect(cal.isWorkingDay('2026-02-28')).toBe(true); // Saturday, 调休上班
    expect(cal.isWorkingDay('2026-01-04')).toBe(true); // Sunday, 调休上班
    expect(cal.isWorkingDay('2026-02-16')).toBe(false); // Monday, Spring Festival
    expect(cal.isWorkingDay('2025-10-08')).toBe(false); // Wednesday, National Day
    expect(cal.isWorkingDay('2026-03-07')).toBe(false); // an ordinary Saturday
    expect(cal.isWorkingDay('2026-03-09')).toBe(true); // an ordinary Monday
  });

  it('counts a year without its notice on its statutory holidays, never Monday–Friday alone', () => {
    expect(cal.isOfficial(2026)).toBe(true);
    expect(cal.isOfficial(2027)).toBe(false);
    expect(cal.workingDaysInYear(2027)).toBe(254); // 261 weekdays less 7 statutory weekdays
    expect(cal.isWorkingDay('2027-01-01')).toBe(false); // 元旦, a Friday
    expect(cal.isWorkingDay('2027-02-08')).toBe(false); // 正月初三, a Monday
    expect(cal.isWorkingDay('2027-06-09')).toBe(false); // 端午, a Wednesday
    expect(cal.isWorkingDay('2027-01-02')).toBe(false); // an ordinary Saturday: no make-up days
    expect(cal.isWorkingDay('2027-01-04')).toBe(true);
  });

  it('works in Asia/Shanghai: an instant late in the UTC evening is the next day', () => {
    expect(shanghaiDay(new Date('2026-03-05T15:59:59.999Z'))).toBe('2026-03-05');
    expect(shanghaiDay(new Date('2026-03-05T16:00:00.000Z'))).toBe('2026-03-06');
    expect(startOfDay('2026-03-06').toISOString()).toBe('2026-03-05T16:00:00.000Z');
    expect(endOfDay('2026-03-06').toISOString()).toBe('2026-03-06T15:59:59.999Z');
  });

  describe('deadlines (the close of the nth working day after the day of the event)', () => {
    it('crosses a weekend', () => {
      // Thursday → Fri (1), Mon (2), Tue (3)
      expect(cal.deadline(at('2026-03-05T10:00:00'), 3)).toEqual(endOfDay('2026-03-10'));
      // 17:00 UTC on Thursday is 01:00 on Friday in Shanghai: Friday is the day of the event
      expect(cal.deadline(new Date('2026-03-05T17:00:00Z'), 1)).toEqual(endOfDay('2026-03-09'));
    });

    it('stores the close of the day as UTC', () => {
      expect(cal.deadline(at('2026-03-05T10:00:00'), 3).toISOString()).toBe('2026-03-10T15:59:59.999Z');
    });

    it('skips the 2026 Spring Festival block and counts its make-up Saturdays', () => {
      // Thu 02-12 → Fri 02-13 (1), Sat 02-14 make-up (2), 02-15…02-23 off, Tue 02-24 (3)
      expect(cal.deadline(at('2026-02-12T09:00:00'), 3)).toEqual(endOfDay('2026-02-24'));
      // Fri 02-13 → 02-14 (1), 02-24 (2), 02-25 (3)
      expect(cal.deadline(at('2026-02-13T16:00:00'), 3)).toEqual(endOfDay('2026-02-25'));
      // ten working days: 02-14, 24, 25, 26, 27, 28 (make-up Saturday), 03-02, 03, 04, 05
      expect(cal.deadline(at('2026-02-13T16:00:00'), 10)).toEqual(endOfDay('2026-03-05'));
    });

    it('starts counting after a holiday when the event falls on one', () => {
      expect(cal.deadline(at('2026-02-16T11:00:00'), 1)).toEqual(endOfDay('2026-02-24'));
    });

    it('crosses into the next year using its make-up Sunday', () => {
      // 2026-01-01…03 off, Sunday 01-04 is a working day
      expect(cal.deadline(at('2025-12-31T18:00:00'), 1)).toEqual(endOfDay('2026-01-04'));
    });

    it('crosses into a year without its notice on the statutory holidays, and says the deadline is provisional', () => {
      // Thu 2026-12-31 → Fri 2027-01-01 元旦 (off), Mon 01-04 (1), Tue 01-05 (2), Wed 01-06 (3)
      expect(cal.deadlineOf(at('2026-12-31T10:00:00'), 3)).toEqual({ due: endOfDay('2027-01-06'), provisional: true });
      // Mon 2026-12-28 + 10: 12-29, 30, 31, (01-01 off), 01-04, 05, 06, 07, 08, 11, 12
      expect(cal.deadlineOf(at('2026-12-28T10:00:00'), 10)).toEqual({ due: endOfDay('2027-01-12'), provisional: true });
      // with the year's notice entered the deadline is not provisional
      const with2027 = new WorkingDayCalendar([YEAR_2025, YEAR_2026, { year: 2027, holidays: ['2027-01-01'], makeupWorkdays: [] }]);
      expect(with2027.deadlineOf(at('2026-12-28T10:00:00'), 10)).toEqual({ due: endOfDay('2027-01-12'), provisional: false });
    });

    it('is provisional only when a day it counts lies in a year without its notice', () => {
      expect(cal.deadlineOf(at('2026-12-10T10:00:00'), 3)).toEqual({ due: endOfDay('2026-12-15'), provisional: false });
      // the event's own day is not counted: an event on 2026-12-31 counting into 2027 is provisional,
      // one on 2024-12-31 (a year without a row) counting into 2025 is not
      expect(cal.deadlineOf(at('2024-12-31T10:00:00'), 1)).toEqual({ due: endOfDay('2025-01-02'), provisional: false });
      expect(cal.isProvisionalBetween('2026-01-01', '2026-12-31')).toBe(false);
      expect(cal.isProvisionalBetween('2026-12-31', '2027-01-01')).toBe(true);
    });

    it('refuses a deadline of no working days', () => {
      expect(() => cal.deadline(at('2026-03-05T10:00:00'), 0)).toThrow();
    });
  });

  describe('adding and counting working days', () => {
    it('adds forwards and backwards, never counting the starting day', () => {
      expect(cal.addWorkingDays('2026-03-06', 1)).toBe('2026-03-09');
      expect(cal.addWorkingDays('2026-03-09', -1)).toBe('2026-03-06');
      expect(cal.addWorkingDays('2026-02-24', -1)).toBe('2026-02-14');
      expect(cal.addWorkingDays('2026-03-06', 0)).toBe('2026-03-06');
    });

    it('counts the working days after the first instant’s day up to the second’s', () => {
      expect(cal.countWorkingDays(at('2026-02-13T10:00:00'), at('2026-02-24T09:00:00'))).toBe(2);
      expect(cal.countWorkingDays(at('2026-03-05T10:00:00'), at('2026-03-05T18:00:00'))).toBe(0);
      expect(cal.countWorkingDays(at('2026-03-05T10:00:00'), at('2026-03-10T23:00:00'))).toBe(3);
      expect(cal.countWorkingDays(at('2026-03-10T23:00:00'), at('2026-03-05T10:00:00'))).toBe(-3);
    });

    it('agrees with deadline(): acting on the deadline day counts exactly n', () => {
      for (let start = '2026-01-20'; start < '2026-03-20'; start = addDays(start, 1)) {
        const event = at(`${start}T12:00:00`);
        for (const n of [1, 3, 10]) {
          const due = cal.deadline(event, n);
          expect(cal.countWorkingDays(event, due)).toBe(n);
          expect(cal.isWorkingDay(shanghaiDay(due))).toBe(true);
          const nextDay = new Date(due.getTime() + 1);
          expect(cal.countWorkingDays(event, nextDay)).toBe(cal.isWorkingDay(shanghaiDay(nextDay)) ? n + 1 : n);
        }
      }
    });
  });

  describe('yellow warning start', () => {
    it('starts when only the threshold of working days is left', () => {
      expect(cal.warningStart(endOfDay('2026-03-10'), 1)).toEqual(startOfDay('2026-03-10'));
      // a Monday deadline turns yellow on the Saturday before: Monday is the only working day left
      expect(cal.warningStart(endOfDay('2026-03-09'), 1)).toEqual(startOfDay('2026-03-07'));
      // after the Spring Festival block: the last working day before 02-24 is the make-up Saturday 02-14
      expect(cal.warningStart(endOfDay('2026-02-24'), 1)).toEqual(startOfDay('2026-02-15'));
      expect(cal.warningStart(endOfDay('2026-03-10'), 2)).toEqual(startOfDay('2026-03-07'));
    });
  });
});
