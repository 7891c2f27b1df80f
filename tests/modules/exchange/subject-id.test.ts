import { describe, expect, it } from 'vitest';
import { maskCitizenId, usccWithCheck } from '../../../src/lib/identifiers.js';
import { maskSubjectId, maskUscc, normaliseSubjectId } from '../../../src/modules/exchange/subject-id.js';
import { citizenId, int, rng, uscc } from './generators.js';

/** 2026-11-29 10:00, Asia/Shanghai: subject ids are checked against today. */
const NOW = new Date('2026-11-29T02:00:00Z');

describe('normaliseSubjectId: 公民身份号码 (GB 11643)', () => {
  it.each(['11010519491231002X', '440524188001010014'])('accepts the standard example %s unchanged', (id) => {
    expect(normaliseSubjectId('person', id, NOW)).toEqual({ ok: true, id, warnings: [] });
  });

  it('accepts a lowercase check character x and stores it uppercase', () => {
    expect(normaliseSubjectId('person', '11010519491231002x', NOW)).toEqual({ ok: true, id: '11010519491231002X', warnings: [] });
  });

  it.each([
    ['11010519491231002Y', /17 digits and a digit or X/],
    ['110105194912310021', /check character/],
    ['1101051949123100', /18 characters/],
    ['11010519491231002X0', /18 characters/],
    [' 11010519491231002X'.slice(0, 18), /17 digits/],
    ['１１０１０５１９４９１２３１００２Ｘ', /17 digits/],
    ['', /18 characters/],
  ])('refuses %j with INVALID_SUBJECT_ID', (raw, reason) => {
    const r = normaliseSubjectId('person', raw, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('INVALID_SUBJECT_ID');
      expect(r.reason).toMatch(reason);
    }
  });

  it('refuses a birth date after today or before 1800, by the clock given, without echoing it', () => {
    const tomorrow = normaliseSubjectId('person', '320102202611305822', NOW);
    expect(tomorrow).toMatchObject({ ok: false, code: 'INVALID_SUBJECT_ID', reason: expect.stringMatching(/birth date is in the future$/) });
    expect(JSON.stringify(tomorrow)).not.toContain('20261130');
    expect(normaliseSubjectId('person', '320102202611305822', new Date('2026-11-30T00:00:00+08:00')).ok).toBe(true);
    expect(normaliseSubjectId('person', '000000000001010017', NOW)).toMatchObject({ ok: false, reason: expect.stringMatching(/birth date is before 1800$/) });
  });

  it('refuses an impossible birth date without echoing it (the date is personal data)', () => {
    // 1990-02-30 does not exist; the check character is right for the body.
    const body = '33010619900230123';
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = weights.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
    const r = normaliseSubjectId('person', body + '10X98765432'[sum % 11], NOW);
    expect(r).toMatchObject({ ok: false, code: 'INVALID_SUBJECT_ID' });
    if (!r.ok) {
      expect(r.reason).toMatch(/birth date is not a calendar date/);
      expect(r.reason).not.toContain('19900230');
    }
  });

  it('accepts every generated valid id and refuses it with any single digit changed', () => {
    const r = rng(11643);
    for (let n = 0; n < 300; n++) {
      const id = citizenId(r);
      expect(normaliseSubjectId('person', id, NOW)).toMatchObject({ ok: true, id });
      // Changing one of the 17 body digits always changes the weighted sum mod 11 (weights are non-zero mod 11).
      const at = int(r, 0, 16);
      const digit = (Number(id[at]) + int(r, 1, 9)) % 10;
      const changed = id.slice(0, at) + digit + id.slice(at + 1);
      expect(normaliseSubjectId('person', changed, NOW).ok, `${id} → ${changed}`).toBe(false);
    }
  });
});

describe('normaliseSubjectId: 统一社会信用代码 (GB 32100)', () => {
  it.each(['91350100M000100Y43', '91350200776049653A', '91310110666007217T', '9144030071526726XG'])('accepts %s', (code) => {
    expect(normaliseSubjectId('legal_entity', code, NOW)).toEqual({ ok: true, id: code, warnings: [] });
  });

  it('accepts lowercase letters and stores the code uppercase', () => {
    expect(normaliseSubjectId('legal_entity', '91350100m000100y43', NOW)).toMatchObject({ ok: true, id: '91350100M000100Y43' });
  });

  it('refuses the standard counter-example and letters GB 32100 leaves out, even lowercase', () => {
    expect(normaliseSubjectId('legal_entity', '91350203M0001QAY9B', NOW)).toMatchObject({ ok: false, code: 'INVALID_SUBJECT_ID' });
    const r = normaliseSubjectId('legal_entity', '91350100o000100Y43', NOW);
    expect(r).toMatchObject({ ok: false, code: 'INVALID_SUBJECT_ID' });
    if (!r.ok) expect(r.reason).toMatch(/not allowed/);
  });

  it('does not case-map non-ASCII letters (ß would upper-case to two characters)', () => {
    expect(normaliseSubjectId('legal_entity', '9135010ßM000100Y43', NOW).ok).toBe(false);
  });

  it('warns, without refusing, on an unknown authority/type pair (DOMAIN.md §4)', () => {
    // Authority 9 (市场监管) defines types 1–3 only.
    const code = usccWithCheck('99330100123456789');
    const r = normaliseSubjectId('legal_entity', code, NOW);
    expect(r).toMatchObject({ ok: true, id: code });
    if (r.ok) expect(r.warnings).toEqual([expect.stringMatching(/unknown registration authority\/type pair 99/)]);
  });

  it('refuses a 公民身份号码 given as a legal entity and the other way round', () => {
    expect(normaliseSubjectId('legal_entity', '11010519491231002X', NOW).ok).toBe(false);
    expect(normaliseSubjectId('person', '91350100M000100Y43', NOW).ok).toBe(false);
  });

  it('accepts generated codes', () => {
    const r = rng(32100);
    for (let n = 0; n < 300; n++) {
      const code = uscc(r);
      expect(normaliseSubjectId('legal_entity', code, NOW)).toMatchObject({ ok: true, id: code });
    }
  });
});

describe('maskSubjectId', () => {
  it('keeps the first 6 and last 4 of a 公民身份号码, as maskCitizenId does', () => {
    expect(maskSubjectId('11010519491231002X')).toBe('110105********002X');
    const r = rng(6);
    for (let n = 0; n < 100; n++) {
      const id = citizenId(r);
      expect(maskSubjectId(id)).toBe(maskCitizenId(id));
    }
  });

  it('masks a 统一社会信用代码 the same way', () => {
    expect(maskUscc('91350100M000100Y43')).toBe('913501********0Y43');
  });

  it('masks anything that is not 18 characters whole, at most 18 stars', () => {
    expect(maskSubjectId('1101051949')).toBe('**********');
    expect(maskSubjectId('1'.repeat(40))).toBe('*'.repeat(18));
    expect(maskSubjectId('')).toBe('');
    // Code points: a non-BMP character is one star, never half a surrogate pair.
    expect(maskSubjectId('𠀀𠀁')).toBe('**');
  });
});
