// Validation of one hosted record (a JSON object a provider loads) against the data items of a
// resource version. Problems are returned, not thrown, so the bulk loader can report every bad
// line (it adds the line number) and keep going; the rules per type letter are in README.md.
import type { Clock } from '../../lib/clock.js';
import type { DataItem, SubjectType } from '../catalog/resource-validation.js';
import { formatDecimal, readDecimal } from './decimal.js';
import { readDate, readDateTime } from './date-time.js';
import { normaliseSubjectId } from './subject-id.js';

/** A value as stored: N and Y are canonical decimal strings, D and T canonical date strings, G base64. */
export type RecordValue = string | number | boolean;
/** A normalised record: data item key → value; an item without a value (unknown) is absent. */
export type ExchangeRecord = Record<string, RecordValue>;

/** The part of a resource version a record is checked against. */
export type RecordShape = {
  dataItems: readonly DataItem[];
  subjectType: SubjectType;
  subjectKey: string | null;
};

/** `field` is the data item key, or '' for the record as a whole. */
export type RecordProblem = { field: string; problem: string };

export type RecordCheck =
  | { ok: true; record: ExchangeRecord; subjectId: string | null; warnings: RecordProblem[] }
  | { ok: false; problems: RecordProblem[] };

export type RecordValidator = (input: unknown, opts?: { subjectId?: string }) => RecordCheck;

/** A line of a bulk report stays readable: a record with thousands of stray keys is not listed whole. */
export const MAX_PROBLEMS_PER_RECORD = 20;
/** Unknown keys are echoed back in problems; a long one is cut. */
const MAX_FIELD_NAME_CHARS = 64;

type ValueCheck = { ok: true; value: RecordValue } | { ok: false; problem: string };
type Checker = (value: unknown) => ValueCheck;

const fail = (problem: string): ValueCheck => ({ ok: false, problem });

/** Code points, not UTF-16 units: a CJK Extension B character (𠀀) is one character. */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point (lone ones are refused earlier).
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// A lone surrogate is not Unicode text (it cannot be written as UTF-8) and U+0000 cannot be
// stored in PostgreSQL text or jsonb. C 字符 is one line of text: no control characters at all.
const LONE_SURROGATE = /\p{Cs}/u;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const MEMO_FORBIDDEN = /[\u0000]|\p{Cs}/u;
// eslint-disable-next-line no-control-regex -- as above
const CHAR_FORBIDDEN = /[\u0000-\u001f\u007f]|\p{Cs}/u;

function textChecker(length: number, forbidden: RegExp, what: string): Checker {
  return (value) => {
    if (typeof value !== 'string') return fail('must be a string');
    if (forbidden.test(value)) {
      if (LONE_SURROGATE.test(value)) return fail('contains an unpaired UTF-16 surrogate (not Unicode text)');
      return fail(value.includes('\u0000') ? 'contains U+0000' : `contains a control character (${what})`);
    }
    // Code points never exceed UTF-16 units, so short values skip the count.
    if (value.length > length && codePointLength(value) > length) return fail(`is longer than ${length} characters`);
    return { ok: true, value };
  };
}

// RFC 4648 §4 base64 with padding, no line breaks.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function binaryChecker(length: number): Checker {
  return (value) => {
    if (typeof value !== 'string') return fail('must be a base64 string');
    if (!BASE64.test(value)) return fail('must be base64 (RFC 4648, with padding, no line breaks)');
    const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
    const bytes = (value.length / 4) * 3 - padding;
    if (bytes > length) return fail(`is longer than ${length} bytes`);
    // Non-zero bits in the last character before the padding would decode the same as a different
    // string; one spelling per content keeps verify and history comparisons exact.
    if (padding > 0 && Buffer.from(value.slice(-4), 'base64').toString('base64') !== value.slice(-4)) {
      return fail('is not canonical base64 (unused bits before the padding must be zero)');
    }
    return { ok: true, value };
  };
}

function numericChecker(length: number): Checker {
  return (value) => {
    const read = readDecimal(value);
    if (!read.ok) return fail(read.problem);
    const digits = read.value.int.length + read.value.frac.length;
    if (digits > length) return fail(`has ${digits} digits; at most ${length}`);
    return { ok: true, value: formatDecimal(read.value) };
  };
}

/** Fraction digits of money (元.角分). */
const MONEY_SCALE = 2;

function moneyChecker(length: number): Checker {
  return (value) => {
    const read = readDecimal(value);
    if (!read.ok) return fail(read.problem);
    if (read.value.frac.length > MONEY_SCALE) return fail(`has more than ${MONEY_SCALE} fraction digits`);
    if (read.value.int.length + MONEY_SCALE > length) {
      return fail(`needs ${read.value.int.length + MONEY_SCALE} digits with the ${MONEY_SCALE} fraction digits; at most ${length}`);
    }
    return { ok: true, value: formatDecimal(read.value, MONEY_SCALE) };
  };
}

function integerChecker(length: number): Checker {
  return (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return fail('must be an integer');
    if (!Number.isSafeInteger(value)) return fail('must be within ±9007199254740991 (a safe integer)');
    const digits = value === 0 ? 1 : String(Math.abs(value)).length;
    if (digits > length) return fail(`has ${digits} digits; at most ${length}`);
    return { ok: true, value: value === 0 ? 0 : value };
  };
}

const floatChecker: Checker = (value) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a finite number');
  // -0 and 0 are one value to a consumer; store one.
  return { ok: true, value: value === 0 ? 0 : value };
};

const booleanChecker: Checker = (value) => (typeof value === 'boolean' ? { ok: true, value } : fail('must be true or false'));

const dateChecker: Checker = (value) => {
  const r = readDate(value);
  return r.ok ? r : fail(r.problem);
};

const dateTimeChecker: Checker = (value) => {
  const r = readDateTime(value);
  return r.ok ? r : fail(r.problem);
};

/** The value rule of one data item, by its type letter (DOMAIN.md §3). */
export function checkerFor(item: Pick<DataItem, 'type' | 'length'>): Checker {
  switch (item.type) {
    case 'C': return textChecker(item.length, CHAR_FORBIDDEN, 'a C item is one line of text');
    case 'M': return textChecker(item.length, MEMO_FORBIDDEN, 'U+0000');
    case 'G': return binaryChecker(item.length);
    case 'N': return numericChecker(item.length);
    case 'Y': return moneyChecker(item.length);
    case 'I': return integerChecker(item.length);
    case 'B':
    case 'F': return floatChecker;
    case 'L': return booleanChecker;
    case 'D': return dateChecker;
    case 'T': return dateTimeChecker;
  }
}

const fieldName = (key: string) => {
  const chars = Array.from(key);
  return chars.length > MAX_FIELD_NAME_CHARS ? `${chars.slice(0, MAX_FIELD_NAME_CHARS).join('')}…` : key;
};

/**
 * Compiles the rules of a resource version once; the bulk loader calls the result per line.
 *
 * - Every key of the record must be a data item; an absent item or `null` means "unknown" and is
 *   left out of the normalised record (one representation of "no value").
 * - The subject key item is required and must be a valid id of the subject type; it is stored
 *   normalised (uppercase). With `opts.subjectId` (the normalised id from the URL of a PUT), it
 *   must name the same subject.
 */
export function compileRecordValidator(shape: RecordShape, clock: Clock): RecordValidator {
  const checkers = new Map<string, Checker>(shape.dataItems.map((item) => [item.key, checkerFor(item)]));
  const subjectKey = shape.subjectType === 'none' ? null : shape.subjectKey;
  if (shape.subjectType !== 'none' && (subjectKey === null || !checkers.has(subjectKey))) {
    // checkResource() refuses such a resource; reaching this is a bug, not bad input.
    throw new Error(`subjectKey ${String(subjectKey)} is not a data item of the resource`);
  }
  const subjectType = shape.subjectType === 'none' ? null : shape.subjectType;

  return (input, opts = {}) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { ok: false, problems: [{ field: '', problem: 'a record must be a JSON object' }] };
    }
    const problems: RecordProblem[] = [];
    const warnings: RecordProblem[] = [];
    const record: ExchangeRecord = {};
    const source = input as Record<string, unknown>;
    let subjectId: string | null = null;

    for (const key of Object.keys(source)) {
      const check = checkers.get(key);
      if (check === undefined) {
        problems.push({ field: fieldName(key), problem: 'is not a data item of this resource' });
        continue;
      }
      let value = source[key];
      if (value === null || value === undefined) continue;
      if (key === subjectKey && subjectType !== null) {
        if (typeof value !== 'string') {
          problems.push({ field: key, problem: 'must be a string (the subject id)' });
          continue;
        }
        const id = normaliseSubjectId(subjectType, value, clock());
        if (!id.ok) {
          problems.push({ field: key, problem: id.reason });
          continue;
        }
        warnings.push(...id.warnings.map((problem) => ({ field: key, problem })));
        value = id.id;
        subjectId = id.id;
      }
      const checked = check(value);
      if (checked.ok) record[key] = checked.value;
      else problems.push({ field: key, problem: checked.problem });
    }

    // Own properties only: `constructor` is a legal item key and must not be found on the prototype.
    if (subjectKey !== null && (!Object.hasOwn(source, subjectKey) || source[subjectKey] === null || source[subjectKey] === undefined)) {
      problems.push({ field: subjectKey, problem: 'is required: the subject id of the record' });
    }
    if (subjectId !== null && opts.subjectId !== undefined && subjectId !== opts.subjectId) {
      problems.push({ field: subjectKey!, problem: 'does not match the subject id in the path' });
    }

    if (problems.length > 0) {
      if (problems.length <= MAX_PROBLEMS_PER_RECORD) return { ok: false, problems };
      const listed = problems.slice(0, MAX_PROBLEMS_PER_RECORD);
      listed.push({ field: '', problem: `${problems.length - MAX_PROBLEMS_PER_RECORD} more problems not listed` });
      return { ok: false, problems: listed };
    }
    return { ok: true, record, subjectId, warnings };
  };
}

/** One-off validation; for many records of one resource, compile once with compileRecordValidator. */
export function validateRecord(input: unknown, shape: RecordShape, clock: Clock, opts?: { subjectId?: string }): RecordCheck {
  return compileRecordValidator(shape, clock)(input, opts);
}
