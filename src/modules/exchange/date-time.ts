// D 日期 and T 日期时间 values. Plain integer calendar arithmetic (proleptic Gregorian, years
// 0001–9999) rather than Date: Date.UTC maps years 0–99 to 1900–1999 and silently rolls
// 2023-02-30 over to March, both of which would turn a bad value into a wrong one.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 §5.6 date-time; "T" and "Z" may be lowercase there. A leap second (:60) is refused:
// neither Date nor PostgreSQL's timestamptz keeps it.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
/** PostgreSQL timestamptz keeps microseconds; more digits would be rounded away silently. */
const MAX_FRACTION_DIGITS = 6;

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

function calendarProblem(y: number, m: number, d: number): string | undefined {
  if (y < 1) return 'year must be 0001–9999';
  if (m < 1 || m > 12) return 'month must be 01–12';
  if (d < 1 || d > daysIn(y, m)) return `day must be 01–${daysIn(y, m)} in that month`;
  return undefined;
}

export type Parsed = { ok: true; value: string } | { ok: false; problem: string };

/** A calendar date `YYYY-MM-DD`, returned as is. */
export function readDate(value: unknown): Parsed {
  if (typeof value !== 'string') return { ok: false, problem: 'must be a date string YYYY-MM-DD' };
  const m = DATE.exec(value);
  if (!m) return { ok: false, problem: 'must be a date YYYY-MM-DD' };
  const problem = calendarProblem(Number(m[1]), Number(m[2]), Number(m[3]));
  return problem ? { ok: false, problem } : { ok: true, value };
}

// Days from 1970-01-01 and back (H. Hinnant's days_from_civil / civil_from_days).
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An RFC 3339 date-time with an offset (`Z` or `±hh:mm`), returned in UTC as
 * `YYYY-MM-DDTHH:MM:SS[.f]Z` with trailing fraction zeros dropped: one spelling per instant, so
 * two loads of the same instant compare equal and a verify claim can be matched.
 */
export function readDateTime(value: unknown): Parsed {
  if (typeof value !== 'string') return { ok: false, problem: 'must be an RFC 3339 date-time string' };
  const m = DATE_TIME.exec(value);
  if (!m) return { ok: false, problem: 'must be an RFC 3339 date-time with an offset, e.g. 2024-05-01T09:30:00+08:00' };
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const calendar = calendarProblem(y!, mo!, d!);
  if (calendar) return { ok: false, problem: calendar };
  if (h! > 23 || mi! > 59 || s! > 59) return { ok: false, problem: 'time must be 00:00:00–23:59:59' };
  const fraction = m[7] ?? '';
  if (fraction.length > MAX_FRACTION_DIGITS) return { ok: false, problem: `fractional seconds beyond ${MAX_FRACTION_DIGITS} digits are not kept` };
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return { ok: false, problem: 'offset must be within ±23:59' };
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Local time minus the offset is UTC; offsets are whole minutes, so the fraction is untouched.
  const minutes = daysFromCivil(y!, mo!, d!) * 1440 + h! * 60 + mi! - offsetMinutes;
  const days = Math.floor(minutes / 1440);
  const minuteOfDay = minutes - days * 1440;
  const [uy, um, ud] = civilFromDays(days);
  if (uy < 1 || uy > 9999) return { ok: false, problem: 'the instant in UTC must fall in years 0001–9999' };
  const frac = fraction.replace(/0+$/, '');
  return {
    ok: true,
    value: `${pad(uy, 4)}-${pad(um)}-${pad(ud)}T${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}:${pad(s!)}${frac ? `.${frac}` : ''}Z`,
  };
}
