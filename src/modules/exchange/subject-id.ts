// Subject ids (一号, DOMAIN.md §4) as they arrive in a URL or a loaded record: normalised to the one
// form the hub stores and indexes, checked strictly, and masked for display (audit, receipts).
import { checkCitizenId, checkUscc } from '../../lib/identifiers.js';

export type RecordSubjectType = 'person' | 'legal_entity';

export type SubjectIdResult =
  | { ok: true; id: string; warnings: string[] }
  | { ok: false; code: 'INVALID_SUBJECT_ID'; reason: string };

/** Both identifiers are 18 characters; anything longer is refused before any other work. */
const SUBJECT_ID_LENGTH = 18;

const invalid = (reason: string): SubjectIdResult => ({ ok: false, code: 'INVALID_SUBJECT_ID', reason });

/**
 * Normalises and checks a subject id. Lowercase ASCII letters are accepted and upper-cased (a
 * counter clerk types `x`; GB 11643 and GB 32100 print uppercase only, and the HMAC index needs
 * one spelling); nothing else is changed: no trimming, no full-width digits.
 *
 * Reasons never repeat the id or its birth date, so they are safe in a problem detail or a bulk
 * report that may be logged. `now` (the caller's clock) bounds a birth date: none after today.
 */
export function normaliseSubjectId(subjectType: RecordSubjectType, raw: string, now: Date): SubjectIdResult {
  if (raw.length !== SUBJECT_ID_LENGTH) {
    return invalid(`${subjectType === 'person' ? '公民身份号码' : '统一社会信用代码'} must be ${SUBJECT_ID_LENGTH} characters`);
  }
  if (subjectType === 'person') {
    const id = raw.replace(/x$/, 'X');
    const check = checkCitizenId(id, now);
    if (!check.valid) {
      // checkCitizenId names the birth date it rejects; the date is personal data, so only the
      // kind of problem is kept (not a calendar date, in the future, before 1800).
      const reason = check.reason.startsWith('birth date') ? `birth date ${check.reason.replace(/^birth date \d{8} /, '')}` : check.reason;
      return invalid(`not a valid 公民身份号码 (GB 11643): ${reason}`);
    }
    return { ok: true, id, warnings: check.warnings };
  }
  const id = raw.replace(/[a-z]/g, (c) => c.toUpperCase());
  const check = checkUscc(id);
  if (!check.valid) return invalid(`not a valid 统一社会信用代码 (GB 32100): ${check.reason}`);
  return { ok: true, id, warnings: check.warnings };
}

const KEEP_FIRST = 6;
const KEEP_LAST = 4;

/**
 * Display form of a subject id: the first 6 and last 4 characters of an 18-character id, the 8
 * between masked (for a 公民身份号码 this hides the birth date and part of the sequence, as
 * maskCitizenId does; a 统一社会信用代码 is masked the same way so both read alike). Any other
 * input (an invalid id in an audit entry) is masked whole, at most 18 stars, so a display form
 * never reveals more of a malformed id than of a valid one.
 */
export function maskSubjectId(id: string): string {
  const chars = Array.from(id);
  if (chars.length !== SUBJECT_ID_LENGTH) return '*'.repeat(Math.min(chars.length, SUBJECT_ID_LENGTH));
  return chars.slice(0, KEEP_FIRST).join('') + '*'.repeat(SUBJECT_ID_LENGTH - KEEP_FIRST - KEEP_LAST) + chars.slice(-KEEP_LAST).join('');
}

/** Display form of a 统一社会信用代码: `91350100M000100Y43` → `913501********0Y43`. */
export const maskUscc = maskSubjectId;
