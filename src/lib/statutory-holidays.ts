import { LunarDay, SolarTerm } from 'tyme4ts';

/** A calendar day in Asia/Shanghai, `YYYY-MM-DD`. */
export type IsoDay = string;

// 全国年节及纪念日放假办法 (2024 revision, in force 2025): the holidays every year has whatever the
// State Council General Office's notice adds to them (bridge days, make-up working days). Until
// a year's notice is entered they are its provisional calendar (DOMAIN.md §5), so a year without
// a notice is never counted Monday–Friday alone.
//
// The lunar dates (除夕, 正月初一…初三, 五月初五, 八月十五) and the 清明 solar term are
// astronomical computations in Beijing time; they come from tyme4ts (6tail's successor to
// lunar-typescript), not from hand-written tables. Years before 2025 fell under earlier revisions
// (春节 3 days, 劳动节 1 day); every such year the hub meets has its notice, so one rule is kept.

const iso = (y: number, m: number, d: number): IsoDay =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

function lunarToIso(day: LunarDay): IsoDay {
  const solar = day.getSolarDay();
  return iso(solar.getYear(), solar.getMonth(), solar.getDay());
}

export interface StatutoryHoliday {
  name: string;
  days: IsoDay[];
}

/** The statutory holidays of a Gregorian year, by festival, in the order of the 办法. */
export function statutoryHolidaysByName(year: number): StatutoryHoliday[] {
  // 正月初一 of lunar year `year` always falls between 21 January and 20 February of `year`, and
  // 除夕 is the day before it (the 29th or 30th of the last month, leap or not).
  const newYear = LunarDay.fromYmd(year, 1, 1);
  const clearAndBright = SolarTerm.fromName(year, '清明').getJulianDay().getSolarDay();
  return [
    { name: '元旦', days: [iso(year, 1, 1)] },
    { name: '春节', days: [-1, 0, 1, 2].map((n) => lunarToIso(newYear.next(n))) },
    { name: '清明节', days: [iso(clearAndBright.getYear(), clearAndBright.getMonth(), clearAndBright.getDay())] },
    { name: '劳动节', days: [iso(year, 5, 1), iso(year, 5, 2)] },
    { name: '端午节', days: [lunarToIso(LunarDay.fromYmd(year, 5, 5))] },
    { name: '中秋节', days: [lunarToIso(LunarDay.fromYmd(year, 8, 15))] },
    { name: '国庆节', days: [iso(year, 10, 1), iso(year, 10, 2), iso(year, 10, 3)] },
  ];
}

const cache = new Map<number, readonly IsoDay[]>();

/** The statutory days off of a Gregorian year, sorted, each once (中秋 may fall on 国庆). */
export function statutoryHolidays(year: number): readonly IsoDay[] {
  let days = cache.get(year);
  if (!days) {
    days = [...new Set(statutoryHolidaysByName(year).flatMap((h) => h.days))].sort();
    cache.set(year, days);
  }
  return days;
}
