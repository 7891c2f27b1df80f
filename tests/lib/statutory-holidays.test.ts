import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { statutoryHolidays, statutoryHolidaysByName } from '../../src/lib/statutory-holidays.js';
import { provisionalYear, WorkingDayCalendar } from '../../src/lib/working-days.js';
import { YEAR_2025, YEAR_2026 } from '../helpers/calendar-data.js';

// The provisional calendar of a year without its notice (DOMAIN.md §5): the statutory holidays of
// the 全国年节及纪念日放假办法 (2024 revision), computed with tyme4ts. chinese-days is an
// independent implementation (its own lunar table and solar-term formula, and the official
// notices up to 2026), used here only to check ours.

const { getHolidaysInRange, getLunarFestivals, getSolarDateFromLunar, getSolarTermDate } = chineseDays;

describe('statutory holidays (provisional calendar)', () => {
  it('gives 2027 exactly as DOMAIN.md §5 lists it', () => {
    expect(statutoryHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08',
      '2027-04-05',
      '2027-05-01', '2027-05-02',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01', '2027-10-02', '2027-10-03',
    ]);
    expect(statutoryHolidaysByName(2027).map((h) => [h.name, h.days.length])).toEqual([
      ['元旦', 1], ['春节', 4], ['清明节', 1], ['劳动节', 2], ['端午节', 1], ['中秋节', 1], ['国庆节', 3],
    ]);
  });

  it('starts 春节 on 除夕, the last day of the 12th month, also when that month has 29 days', () => {
    // 2024: 除夕 was 腊月三十 (02-09); 2025–2029 have no 腊月三十, so 除夕 is 腊月廿九.
    expect(statutoryHolidaysByName(2024)[1]!.days).toEqual(['2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12']);
    expect(statutoryHolidaysByName(2025)[1]!.days).toEqual(['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31']);
    expect(statutoryHolidaysByName(2026)[1]!.days).toEqual(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19']);
  });

  it('counts 中秋 on 国庆 once', () => {
    // 2028-10-03 is 八月十五
    expect(statutoryHolidaysByName(2028)[5]!.days).toEqual(['2028-10-03']);
    expect(statutoryHolidays(2028).filter((d) => d === '2028-10-03')).toHaveLength(1);
    expect(statutoryHolidays(2028)).toHaveLength(12);
  });

  it('is a subset of the official 2025 and 2026 notices, which add bridge days and make-up days to it', () => {
    for (const official of [YEAR_2025, YEAR_2026]) {
      const days = statutoryHolidays(official.year);
      expect(days).toHaveLength(13);
      expect(days.filter((d) => !official.holidays.includes(d))).toEqual([]);
      expect(days.filter((d) => official.makeupWorkdays.includes(d))).toEqual([]);
      // and of chinese-days' copy of the same notices
      const listed = getHolidaysInRange(`${official.year}-01-01`, `${official.year}-12-31`, false);
      expect(days.filter((d) => !listed.includes(d))).toEqual([]);
    }
  });

  it('agrees with chinese-days on every lunar date and 清明 from 2000 to 2099', () => {
    const disagreements: string[] = [];
    for (let y = 2000; y <= 2099; y++) {
      const [, spring, qingming, , duanwu, zhongqiu] = statutoryHolidaysByName(y);
      const eve = getLunarFestivals(`${y}-01-15`, `${y}-02-25`).find((f) => f.name.includes('除夕'))?.date;
      const theirs = [eve, getSolarDateFromLunar(`${y}-01-01`).date, getSolarTermDate(y, 4, 'pure_brightness'),
        getSolarDateFromLunar(`${y}-05-05`).date, getSolarDateFromLunar(`${y}-08-15`).date];
      const ours = [spring!.days[0], spring!.days[1], qingming!.days[0], duanwu!.days[0], zhongqiu!.days[0]];
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) disagreements.push(`${y}: ${ours} vs ${theirs}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('has no make-up working days, so 2027 has 254 working days (261 weekdays less 7 statutory weekdays)', () => {
    expect(provisionalYear(2027).makeupWorkdays).toEqual([]);
    expect(new WorkingDayCalendar().workingDaysInYear(2027)).toBe(254);
  });
});

describe('the seeded 2025 and 2026 calendars', () => {
  it('match chinese-days, an independent copy of the State Council notices', () => {
    for (const official of [YEAR_2025, YEAR_2026]) {
      const calendar = new WorkingDayCalendar([official]);
      const from = `${official.year}-01-01`;
      const to = `${official.year}-12-31`;
      expect([...official.holidays].sort()).toEqual(getHolidaysInRange(from, to, false));
      const theirWorkdays = chineseDays.getWorkdaysInRange(from, to, true);
      const ours: string[] = [];
      for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) {
        const day = d.toISOString().slice(0, 10);
        if (calendar.isWorkingDay(day)) ours.push(day);
      }
      expect(ours).toEqual(theirWorkdays);
    }
  });
});
