import { addDays, type CalendarYear, type IsoDay } from '../../src/lib/working-days.js';

// DOMAIN.md §5, typed in again independently of the seeding migration so each checks the other.
const expand = (ranges: string[]): IsoDay[] =>
  ranges.flatMap((r) => {
    const [from, to = from] = r.split('…') as [string, string?];
    const days: IsoDay[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
    return days;
  });

export const YEAR_2025: CalendarYear = {
  year: 2025,
  holidays: expand(['2025-01-01', '2025-01-28…2025-02-04', '2025-04-04…2025-04-06', '2025-05-01…2025-05-05',
    '2025-05-31…2025-06-02', '2025-10-01…2025-10-08']),
  makeupWorkdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
};

export const YEAR_2026: CalendarYear = {
  year: 2026,
  holidays: expand(['2026-01-01…2026-01-03', '2026-02-15…2026-02-23', '2026-04-04…2026-04-06', '2026-05-01…2026-05-05',
    '2026-06-19…2026-06-21', '2026-09-25…2026-09-27', '2026-10-01…2026-10-07']),
  makeupWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};
