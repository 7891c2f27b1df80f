import { describe, expect, it } from 'vitest';
import { checkCitizenId, checkUscc, citizenIdWithCheck, maskCitizenId, usccWithCheck } from '../../src/lib/identifiers.js';

/** 2026-11-29 10:00 in Asia/Shanghai. */
const NOW = new Date('2026-11-29T02:00:00Z');

describe('统一社会信用代码 (GB 32100)', () => {
  it.each(['91350100M000100Y43', '91350200776049653A', '91310110666007217T', '9144030071526726XG'])('accepts %s', (code) => {
    expect(checkUscc(code)).toEqual({ valid: true, warnings: [] });
  });

  it('names the expected check character of a wrong code', () => {
    expect(checkUscc('91350203M0001QAY9B')).toEqual({ valid: false, reason: 'check character should be 9' });
  });

  it.each([
    ['9135010OM000100Y43', "character 'O' is not allowed"],
    ['91350100m000100Y43', "character 'm' is not allowed"],
    ['91350100M000100Y4', 'must be 18 characters'],
  ])('refuses %s', (code, reason) => {
    expect(checkUscc(code)).toMatchObject({ valid: false, reason: expect.stringContaining(reason) });
  });

  it('warns about, but accepts, an unknown authority/type pair', () => {
    const code = usccWithCheck('Z1350100M000100Y4'.replace('Z', 'H'));
    expect(checkUscc(code)).toEqual({ valid: true, warnings: ['unknown registration authority/type pair H1'] });
  });

  // GB 32100-2015 Table 1 (as amended with A and N); see USCC_KNOWN_TYPES for the source.
  const TABLE_1 = ['11', '12', '13', '19', '21', '29', '31', '32', '33', '34', '35', '39', '41', '49', '51', '52', '53', '59',
    '61', '62', '69', '71', '72', '79', '81', '89', '91', '92', '93', 'A1', 'A9', 'N1', 'N2', 'N3', 'N9', 'Y1'];
  const withPair = (pair: string) => usccWithCheck(`${pair}350100M000100Y4`);

  it('accepts every pair of Table 1 without a warning (13, 39 and N9 included)', () => {
    for (const pair of TABLE_1) expect(checkUscc(withPair(pair)), pair).toEqual({ valid: true, warnings: [] });
  });

  it('warns about, but accepts, every other pair (N4 and N5 included)', () => {
    const authorities = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (const a of authorities) {
      for (const t of authorities) {
        const pair = a + t;
        if (TABLE_1.includes(pair)) continue;
        expect(checkUscc(withPair(pair)), pair).toEqual({ valid: true, warnings: [`unknown registration authority/type pair ${pair}`] });
      }
    }
  });

  it('computes check characters that validate', () => {
    expect(usccWithCheck('91350100M000100Y4')).toBe('91350100M000100Y43');
  });
});

describe('公民身份号码 (GB 11643)', () => {
  it.each(['11010519491231002X', '440524188001010014'])('accepts %s from the standard', (id) => {
    expect(checkCitizenId(id, NOW).valid).toBe(true);
  });

  it('refuses a wrong check character, naming the right one', () => {
    expect(checkCitizenId('110105194912310021', NOW)).toEqual({ valid: false, reason: 'check character should be X' });
  });

  it('refuses an impossible birth date', () => {
    expect(checkCitizenId(citizenIdWithCheck('11010519490231002'), NOW)).toMatchObject({ valid: false, reason: expect.stringContaining('19490231') });
  });

  it('refuses a birth date after today in Asia/Shanghai, and accepts today', () => {
    expect(checkCitizenId('320102202611305822', NOW)).toEqual({ valid: false, reason: 'birth date 20261130 is in the future' });
    const bornToday = citizenIdWithCheck('32010220261129582');
    expect(checkCitizenId(bornToday, NOW)).toEqual({ valid: true, warnings: [] });
    // 2026-11-28 16:30 UTC is already the 29th in Shanghai: born "today" there.
    expect(checkCitizenId(bornToday, new Date('2026-11-28T16:30:00Z')).valid).toBe(true);
    expect(checkCitizenId(bornToday, new Date('2026-11-28T15:30:00Z'))).toMatchObject({ valid: false, reason: expect.stringContaining('future') });
    // The same number is valid once the clock reaches its birth date.
    expect(checkCitizenId('320102202611305822', new Date('2026-11-30T00:00:00+08:00')).valid).toBe(true);
  });

  it('refuses year 0000 and years before 1800, accepts 1800 and the standard 1880 example', () => {
    expect(checkCitizenId('000000000001010017', NOW)).toEqual({ valid: false, reason: 'birth date 00000101 is before 1800' });
    expect(checkCitizenId(citizenIdWithCheck('11010517991231002'), NOW)).toEqual({ valid: false, reason: 'birth date 17991231 is before 1800' });
    expect(checkCitizenId(citizenIdWithCheck('11010518000101002'), NOW).valid).toBe(true);
    expect(checkCitizenId('440524188001010014', NOW).valid).toBe(true);
  });

  it('refuses a lowercase x and wrong lengths', () => {
    expect(checkCitizenId('11010519491231002x', NOW).valid).toBe(false);
    expect(checkCitizenId('1101051949123100', NOW).valid).toBe(false);
  });

  it('masks all but the region and the last four', () => {
    expect(maskCitizenId('11010519491231002X')).toBe('110105********002X');
  });
});
