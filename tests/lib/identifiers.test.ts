import { describe, expect, it } from 'vitest';
import { checkCitizenId, checkUscc, citizenIdWithCheck, maskCitizenId, usccWithCheck } from '../../src/lib/identifiers.js';

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

  it('computes check characters that validate', () => {
    expect(usccWithCheck('91350100M000100Y4')).toBe('91350100M000100Y43');
  });
});

describe('公民身份号码 (GB 11643)', () => {
  it.each(['11010519491231002X', '440524188001010014'])('accepts %s from the standard', (id) => {
    expect(checkCitizenId(id).valid).toBe(true);
  });

  it('refuses a wrong check character, naming the right one', () => {
    expect(checkCitizenId('110105194912310021')).toEqual({ valid: false, reason: 'check character should be X' });
  });

  it('refuses an impossible birth date', () => {
    expect(checkCitizenId(citizenIdWithCheck('11010519490231002'))).toMatchObject({ valid: false, reason: expect.stringContaining('19490231') });
  });

  it('refuses a lowercase x and wrong lengths', () => {
    expect(checkCitizenId('11010519491231002x').valid).toBe(false);
    expect(checkCitizenId('1101051949123100').valid).toBe(false);
  });

  it('masks all but the region and the last four', () => {
    expect(maskCitizenId('11010519491231002X')).toBe('110105********002X');
  });
});
