// 一号: the two national identifiers the hub validates strictly (DOMAIN.md §4).

/** 统一社会信用代码, GB 32100-2015: 31 characters, no I O S V Z. */
const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** Registration authority (pos 1) → organisation types (pos 2) that GB 32100 defines. */
const USCC_KNOWN_TYPES: Record<string, string> = {
  '1': '129', '2': '19', '3': '12345', '4': '19', '5': '1239', '6': '129', '7': '129', '8': '19',
  '9': '123', A: '19', N: '12345', Y: '1',
};

export type CheckResult = { valid: true; warnings: string[] } | { valid: false; reason: string };

export function checkUscc(code: string): CheckResult {
  if (code.length !== 18) return { valid: false, reason: 'must be 18 characters' };
  const values: number[] = [];
  for (const ch of code) {
    const v = USCC_CHARSET.indexOf(ch);
    if (v < 0) return { valid: false, reason: `character '${ch}' is not allowed (uppercase, no I O S V Z)` };
    values.push(v);
  }
  const sum = USCC_WEIGHTS.reduce((acc, w, i) => acc + w * values[i]!, 0);
  const expected = USCC_CHARSET[(31 - (sum % 31)) % 31]!;
  if (code[17] !== expected) return { valid: false, reason: `check character should be ${expected}` };
  const types = USCC_KNOWN_TYPES[code[0]!];
  const warnings = types?.includes(code[1]!) ? [] : [`unknown registration authority/type pair ${code.slice(0, 2)}`];
  return { valid: true, warnings };
}

/** Appends the GB 32100 check character to a 17-character body (fixtures, demo data). */
export function usccWithCheck(body17: string): string {
  const sum = USCC_WEIGHTS.reduce((acc, w, i) => acc + w * USCC_CHARSET.indexOf(body17[i]!), 0);
  return body17 + USCC_CHARSET[(31 - (sum % 31)) % 31];
}

/** 公民身份号码, GB 11643-1999. */
const CITIZEN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CITIZEN_CHECK = '10X98765432';

export function checkCitizenId(id: string): CheckResult {
  if (!/^\d{17}[\dX]$/.test(id)) return { valid: false, reason: 'must be 17 digits and a digit or X' };
  const birth = id.slice(6, 14);
  const date = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replaceAll('-', '') !== birth) {
    return { valid: false, reason: `birth date ${birth} is not a calendar date` };
  }
  const sum = CITIZEN_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  const expected = CITIZEN_CHECK[sum % 11]!;
  if (id[17] !== expected) return { valid: false, reason: `check character should be ${expected}` };
  return { valid: true, warnings: [] };
}

export function citizenIdWithCheck(body17: string): string {
  const sum = CITIZEN_WEIGHTS.reduce((acc, w, i) => acc + w * Number(body17[i]), 0);
  return body17 + CITIZEN_CHECK[sum % 11];
}

/** Masked form for display and logs: keeps the first 6 and last 4 characters. */
export function maskCitizenId(id: string): string {
  return id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : '*'.repeat(id.length);
}
