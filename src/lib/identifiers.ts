// 一号: the two national identifiers the hub validates strictly (DOMAIN.md §4).

/** 统一社会信用代码, GB 32100-2015: 31 characters, no I O S V Z. */
const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/**
 * GB 32100-2015 Table 1 (as amended: A 中央军委改革和编制办公室 and N 农业 were added later):
 * registration authority (pos 1) → the organisation types (pos 2) it assigns. Checked against an
 * independent implementation, github.com/issue9/webfilter gb32100/gb32100.go (MIT), which lists
 * the same pairs with their names.
 */
const USCC_KNOWN_TYPES: Record<string, string> = {
  '1': '1239', // 机构编制: 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他
  '2': '19', // 外交: 1 外国常驻新闻机构, 9 其他
  '3': '123459', // 司法行政: 1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构, 5 仲裁委员会, 9 其他
  '4': '19', // 文化: 1 外国在华文化中心, 9 其他
  '5': '1239', // 民政: 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他
  '6': '129', // 旅游: 1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地（大陆）代表机构, 9 其他
  '7': '129', // 宗教: 1 宗教活动场所, 2 宗教院校, 9 其他
  '8': '19', // 工会: 1 基层工会, 9 其他
  '9': '123', // 工商: 1 企业, 2 个体工商户, 3 农民专业合作社
  A: '19', // 中央军委改革和编制办公室: 1 军队事业单位, 9 其他
  N: '1239', // 农业: 1 组级, 2 村级, 3 乡镇级集体经济组织, 9 其他
  Y: '1', // 其他: not divided further
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
/**
 * Earliest birth year accepted. The standard sets none, but 18-digit numbers were first issued
 * in 1999 (15-digit ones in 1984), so nobody born before the 19th century could hold one; the
 * standard's own example, 440524188001010014, was born in 1880.
 */
export const CITIZEN_MIN_BIRTH_YEAR = 1800;

/** The calendar date (YYYYMMDD) of `now` in Asia/Shanghai, which keeps UTC+8 all year. */
const shanghaiDate = (now: Date) => new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');

/**
 * `now` is the caller's clock (app.clock in a request): a birth date after today, Asia/Shanghai,
 * is refused, as is one before CITIZEN_MIN_BIRTH_YEAR.
 */
export function checkCitizenId(id: string, now: Date): CheckResult {
  if (!/^\d{17}[\dX]$/.test(id)) return { valid: false, reason: 'must be 17 digits and a digit or X' };
  const birth = id.slice(6, 14);
  const year = Number(birth.slice(0, 4));
  // Years below 1000 are outside what toISOString renders as four digits; they are refused below anyway.
  const date = new Date(Date.UTC(year, Number(birth.slice(4, 6)) - 1, Number(birth.slice(6, 8))));
  date.setUTCFullYear(year);
  const rendered = `${String(date.getUTCFullYear()).padStart(4, '0')}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(date.getUTCDate()).padStart(2, '0')}`;
  if (rendered !== birth) return { valid: false, reason: `birth date ${birth} is not a calendar date` };
  if (year < CITIZEN_MIN_BIRTH_YEAR) return { valid: false, reason: `birth date ${birth} is before ${CITIZEN_MIN_BIRTH_YEAR}` };
  if (birth > shanghaiDate(now)) return { valid: false, reason: `birth date ${birth} is in the future` };
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
