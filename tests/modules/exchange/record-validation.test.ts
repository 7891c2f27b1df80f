import { describe, expect, it } from 'vitest';
import { usccWithCheck } from '../../../src/lib/identifiers.js';
import type { DataItem } from '../../../src/modules/catalog/resource-validation.js';
import {
  checkerFor,
  compileRecordValidator,
  MAX_PROBLEMS_PER_RECORD,
  validateRecord,
  type RecordShape,
} from '../../../src/modules/exchange/record-validation.js';
import { citizenId, int, pick, rng, text } from './generators.js';
import { manualClock } from '../../helpers/clock.js';

/** Subject ids are checked against today (a birth date is never in the future). */
const clock = manualClock('2026-11-29T10:00:00');

const item = (key: string, type: DataItem['type'], length: number, mask = 'none'): DataItem =>
  ({ key, name: key, type, length, sensitivity: 'internal', mask });

/** A 人口基础信息-like resource with one item of every type letter. */
const PERSON: RecordShape = {
  subjectType: 'person',
  subjectKey: 'idNumber',
  dataItems: [
    item('idNumber', 'C', 18, 'first:6,last:4'),
    item('fullName', 'C', 50, 'first:1'),
    item('income', 'N', 12),
    item('balance', 'Y', 10),
    item('birthDate', 'D', 8),
    item('registeredAt', 'T', 20),
    item('married', 'L', 1),
    item('remarks', 'M', 4000),
    item('photo', 'G', 16),
    item('height', 'B', 12),
    item('children', 'I', 2),
    item('score', 'F', 8),
    // A legal item key that is also a property of every object's prototype.
    item('constructor', 'C', 10),
  ],
};
const ID = '11010519491231002X';

/** The value a single item accepts, normalised, or the problem. */
function check(type: DataItem['type'], length: number, value: unknown) {
  const r = checkerFor({ type, length })(value);
  return r.ok ? { value: r.value } : { problem: r.problem };
}
const accepts = (type: DataItem['type'], length: number, value: unknown, normalised: unknown = value) =>
  expect(check(type, length, value), `${type}(${length}) ${JSON.stringify(value)}`).toEqual({ value: normalised });
const refuses = (type: DataItem['type'], length: number, value: unknown, problem: RegExp) =>
  expect(check(type, length, value).problem, `${type}(${length}) ${JSON.stringify(value)}`).toMatch(problem);

describe('C 字符: one line of text, length in characters (code points)', () => {
  it('accepts text up to the length, counting a non-BMP character as one', () => {
    accepts('C', 3, '张三');
    accepts('C', 3, '𠀀𠮷𪚥'); // 6 UTF-16 units, 3 characters
    accepts('C', 3, '');
    accepts('C', 2, 'é😀');
  });
  it('refuses a longer text', () => {
    refuses('C', 2, '张小三', /longer than 2 characters/);
    refuses('C', 2, '𠀀𠮷𪚥', /longer than 2 characters/);
  });
  it('refuses non-strings: a number would lose leading zeros of a phone or code', () => {
    refuses('C', 20, 13800138000, /must be a string/);
    refuses('C', 20, true, /must be a string/);
    refuses('C', 20, { a: 1 }, /must be a string/);
    refuses('C', 20, ['a'], /must be a string/);
  });
  it('refuses U+0000, lone surrogates and control characters', () => {
    refuses('C', 20, 'a\u0000b', /U\+0000/);
    refuses('C', 20, 'a\ud800b', /unpaired UTF-16 surrogate/);
    refuses('C', 20, '\udc00', /unpaired UTF-16 surrogate/);
    refuses('C', 20, '𠀀'.slice(0, 1), /unpaired/);
    refuses('C', 20, 'line\nbreak', /control character/);
    refuses('C', 20, 'tab\there', /control character/);
    refuses('C', 20, 'del\u007f', /control character/);
  });
});

describe('M 备注: long text', () => {
  it('accepts line breaks and tabs, counts code points', () => {
    accepts('M', 100, '第一行\n第二行\r\n\t缩进');
    accepts('M', 2, '𠀀𠀁');
    refuses('M', 2, '𠀀𠀁𠀂', /longer than 2 characters/);
  });
  it('refuses U+0000 and lone surrogates', () => {
    refuses('M', 100, 'a\u0000', /U\+0000/);
    refuses('M', 100, 'a\udbff', /unpaired/);
    refuses('M', 100, 5, /must be a string/);
  });
});

describe('G 通用: base64 binary, length in bytes', () => {
  it('accepts canonical base64 up to the length in decoded bytes', () => {
    const bytes = Buffer.from('ShareHub licence').toString('base64'); // 16 bytes
    accepts('G', 16, bytes);
    accepts('G', 16, '');
    accepts('G', 1, 'QQ==');
    accepts('G', 2, 'QUI=');
    refuses('G', 15, bytes, /longer than 15 bytes/);
  });
  it('refuses text that is not canonical base64', () => {
    refuses('G', 100, 'not base64!', /must be base64/);
    refuses('G', 100, 'QQ', /must be base64/); // padding missing
    refuses('G', 100, 'QUJD\nREVG', /must be base64/);
    refuses('G', 100, 'QR==', /not canonical/); // same byte as QQ==
    refuses('G', 100, 'QUJ=', /not canonical/);
    refuses('G', 100, 'QUJD-_==', /must be base64/); // base64url alphabet
    refuses('G', 100, 12, /base64 string/);
  });
});

describe('N 数值: exact decimal, length = total digits', () => {
  it('accepts numbers and decimal strings and stores the canonical decimal string', () => {
    accepts('N', 12, 1234.5, '1234.5');
    accepts('N', 12, '1234.50', '1234.5');
    accepts('N', 12, '-0012.340', '-12.34');
    accepts('N', 12, 0, '0');
    accepts('N', 12, -0, '0');
    accepts('N', 12, '-0.00', '0');
    accepts('N', 12, 0.1, '0.1');
    accepts('N', 12, 1.5e-7, '0.00000015');
    accepts('N', 3, '0.001', '0.001');
    accepts('N', 3, '100', '100');
  });
  it('counts digits without leading or trailing zeros', () => {
    accepts('N', 4, '0012.3400', '12.34');
    refuses('N', 3, '12.34', /4 digits; at most 3/);
    refuses('N', 3, '1000', /4 digits/);
    refuses('N', 2, '0.001', /3 digits/);
  });
  it('keeps every digit of a decimal string beyond what a double holds', () => {
    accepts('N', 30, '12345678901234567890.123456789', '12345678901234567890.123456789');
  });
  it('refuses a JSON number with more than 15 significant digits: JSON.parse may already have changed it', () => {
    refuses('N', 30, 0.1 + 0.2, /send it as a decimal string/);
    refuses('N', 30, JSON.parse('12345678901234567890'), /send it as a decimal string/);
    accepts('N', 30, 1e21, '1000000000000000000000');
  });
  it('refuses other shapes', () => {
    for (const bad of ['1e3', '+1', '1,000', ' 1', '1.', '.5', '', '0x10', 'NaN', 'Infinity', '１２']) refuses('N', 12, bad, /decimal number/);
    refuses('N', 12, true, /number or a decimal string/);
    refuses('N', 12, null, /number or a decimal string/);
    refuses('N', 12, Number.NaN, /finite/);
    refuses('N', 12, Number.POSITIVE_INFINITY, /finite/);
  });
});

describe('Y 货币: money, at most 2 fraction digits, length = total digits including them', () => {
  it('stores exactly two fraction digits', () => {
    accepts('Y', 10, 12.5, '12.50');
    accepts('Y', 10, '12', '12.00');
    accepts('Y', 10, '-3.1', '-3.10');
    accepts('Y', 10, '0.05', '0.05');
    accepts('Y', 10, 0, '0.00');
    accepts('Y', 10, '1.500', '1.50'); // trailing zeros are no extra precision
    accepts('Y', 10, '99999999.99');
  });
  it('refuses fractions of a 分 and amounts beyond the length', () => {
    refuses('Y', 10, '1.234', /more than 2 fraction digits/);
    refuses('Y', 10, 0.001, /more than 2 fraction digits/);
    refuses('Y', 10, '100000000', /needs 11 digits/);
    refuses('Y', 10, '1e3', /decimal number/);
  });
});

describe('I 整型: safe integer, length = digits', () => {
  it('accepts integers up to the digit count, sign not counted', () => {
    accepts('I', 2, 0);
    accepts('I', 2, 99);
    accepts('I', 2, -99);
    accepts('I', 2, -0, 0);
    accepts('I', 16, Number.MAX_SAFE_INTEGER);
    refuses('I', 2, 100, /3 digits; at most 2/);
  });
  it('refuses fractions, unsafe integers and strings', () => {
    refuses('I', 10, 1.5, /integer/);
    refuses('I', 20, 2 ** 53, /safe integer/);
    refuses('I', 10, '12', /integer/);
    refuses('I', 10, Number.NaN, /integer/);
  });
});

describe('B 双精度 and F 浮点: finite numbers', () => {
  it.each(['B', 'F'] as const)('%s accepts any finite number and ignores the length', (type) => {
    accepts(type, 1, 0.1 + 0.2);
    accepts(type, 1, -1.5e300);
    accepts(type, 1, 12345678.25);
    accepts(type, 1, -0, 0);
    refuses(type, 12, Number.POSITIVE_INFINITY, /finite/);
    refuses(type, 12, Number.NaN, /finite/);
    refuses(type, 12, '1.5', /finite number/);
    refuses(type, 12, false, /finite number/);
  });
});

describe('L 逻辑: boolean', () => {
  it('accepts true and false only', () => {
    accepts('L', 1, true);
    accepts('L', 1, false);
    for (const bad of [0, 1, 'true', 'Y', '是', 'false']) refuses('L', 1, bad, /true or false/);
  });
});

describe('D 日期: a real calendar date YYYY-MM-DD', () => {
  it('accepts real dates, leap days included, and ignores the length (the guideline says 8 for CCYYMMDD)', () => {
    accepts('D', 8, '2024-02-29');
    accepts('D', 8, '2000-02-29');
    accepts('D', 8, '0001-01-01');
    accepts('D', 8, '9999-12-31');
  });
  it('refuses impossible dates and other spellings', () => {
    refuses('D', 8, '2023-02-29', /day must be 01–28/);
    refuses('D', 8, '1900-02-29', /day must be 01–28/);
    refuses('D', 8, '2024-04-31', /day must be 01–30/);
    refuses('D', 8, '2024-13-01', /month/);
    refuses('D', 8, '2024-00-10', /month/);
    refuses('D', 8, '0000-01-01', /year/);
    refuses('D', 8, '2024-1-5', /YYYY-MM-DD/);
    refuses('D', 8, '20240105', /YYYY-MM-DD/);
    refuses('D', 8, '2024-01-05T00:00:00Z', /YYYY-MM-DD/);
    refuses('D', 8, 20240105, /date string/);
  });
});

describe('T 日期时间: RFC 3339 with an offset, stored in UTC', () => {
  it('converts to one UTC spelling', () => {
    accepts('T', 20, '2024-05-01T09:30:00+08:00', '2024-05-01T01:30:00Z');
    accepts('T', 20, '2024-05-01T01:30:00Z', '2024-05-01T01:30:00Z');
    accepts('T', 20, '2024-05-01t01:30:00z', '2024-05-01T01:30:00Z');
    accepts('T', 20, '2024-01-01T05:00:00+08:00', '2023-12-31T21:00:00Z');
    accepts('T', 20, '2024-02-28T23:30:00-01:00', '2024-02-29T00:30:00Z');
    accepts('T', 20, '2024-05-01T01:30:00.120-00:00', '2024-05-01T01:30:00.12Z');
    accepts('T', 20, '2024-05-01T01:30:00.123456+05:45', '2024-04-30T19:45:00.123456Z');
    accepts('T', 20, '2024-05-01T01:30:00.000Z', '2024-05-01T01:30:00Z');
  });
  it('refuses a missing offset, impossible times and lost precision', () => {
    refuses('T', 20, '2024-05-01T09:30:00', /with an offset/);
    refuses('T', 20, '2024-05-01 09:30:00+08:00', /RFC 3339/);
    refuses('T', 20, '2024-02-30T09:30:00Z', /day must be/);
    refuses('T', 20, '2024-05-01T24:00:00Z', /time must be/);
    refuses('T', 20, '2016-12-31T23:59:60Z', /time must be/);
    refuses('T', 20, '2024-05-01T09:30:00+24:00', /offset/);
    refuses('T', 20, '2024-05-01T09:30:00.1234567Z', /beyond 6 digits/);
    refuses('T', 20, '0001-01-01T00:30:00+01:00', /0001–9999/);
    refuses('T', 20, 1714527000000, /date-time string/);
  });
  it('agrees with Date for generated instants', () => {
    const r = rng(3339);
    for (let n = 0; n < 500; n++) {
      const ms = int(r, Date.UTC(1900, 0, 1), Date.UTC(2100, 0, 1));
      const offset = int(r, -14 * 60, 14 * 60);
      const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
      const sign = offset < 0 ? '-' : '+';
      const abs = Math.abs(offset);
      const input = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      const expected = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      expect(check('T', 20, input), input).toEqual({ value: expected });
    }
  });
});

describe('a whole record', () => {
  const validate = compileRecordValidator(PERSON, clock);

  it('normalises every type and returns the subject id', () => {
    const r = validate({
      idNumber: ID,
      fullName: '张小三',
      income: 120000.5,
      balance: '88.8',
      birthDate: '1949-12-31',
      registeredAt: '2020-01-01T08:00:00+08:00',
      married: false,
      remarks: '测试\n记录',
      photo: 'AAEC',
      height: 172.5,
      children: 2,
      score: -0,
      constructor: 'ok',
    });
    expect(r).toEqual({
      ok: true,
      subjectId: ID,
      warnings: [],
      record: {
        idNumber: ID, fullName: '张小三', income: '120000.5', balance: '88.80', birthDate: '1949-12-31',
        registeredAt: '2020-01-01T00:00:00Z', married: false, remarks: '测试\n记录', photo: 'AAEC', height: 172.5,
        children: 2, score: 0, constructor: 'ok',
      },
    });
  });

  it('treats absent and null alike as unknown: both are left out of the record', () => {
    const r = validate({ idNumber: ID, fullName: null, income: null });
    expect(r).toEqual({ ok: true, subjectId: ID, warnings: [], record: { idNumber: ID } });
  });

  it('stores a lowercase x in the subject id uppercase', () => {
    const r = validate({ idNumber: ID.toLowerCase() });
    expect(r).toMatchObject({ ok: true, subjectId: ID, record: { idNumber: ID } });
  });

  it('requires the subject key, and does not find it on the prototype', () => {
    expect(validate({ fullName: '张三' })).toEqual({ ok: false, problems: [{ field: 'idNumber', problem: expect.stringMatching(/is required/) }] });
    expect(validate({ idNumber: null })).toEqual({ ok: false, problems: [{ field: 'idNumber', problem: expect.stringMatching(/is required/) }] });
    // 'constructor' is a data item here; an object without it must not read Object.prototype.constructor.
    const shape: RecordShape = { subjectType: 'person', subjectKey: 'constructor', dataItems: [item('constructor', 'C', 18)] };
    expect(validateRecord({}, shape, clock)).toEqual({ ok: false, problems: [{ field: 'constructor', problem: expect.stringMatching(/is required/) }] });
    expect(validateRecord({ constructor: ID }, shape, clock)).toMatchObject({ ok: true, subjectId: ID });
  });

  it('refuses an invalid subject id with the GB 11643 reason', () => {
    expect(validate({ idNumber: '110105194912310021' })).toEqual({
      ok: false, problems: [{ field: 'idNumber', problem: expect.stringMatching(/GB 11643.*check character/) }],
    });
    expect(validate({ idNumber: 110105194912310020 })).toEqual({
      ok: false, problems: [{ field: 'idNumber', problem: expect.stringMatching(/must be a string/) }],
    });
  });

  it('checks a legal entity record against GB 32100 and reports an unknown type pair as a warning', () => {
    const shape: RecordShape = { subjectType: 'legal_entity', subjectKey: 'uscc', dataItems: [item('uscc', 'C', 18), item('name', 'C', 100)] };
    expect(validateRecord({ uscc: '91350100m000100y43', name: '示例公司' }, shape, clock)).toMatchObject({ ok: true, subjectId: '91350100M000100Y43' });
    expect(validateRecord({ uscc: '91350203M0001QAY9B' }, shape, clock)).toMatchObject({ ok: false, problems: [{ field: 'uscc', problem: expect.stringMatching(/GB 32100/) }] });
    expect(validateRecord({ uscc: '11010519491231002X' }, shape, clock)).toMatchObject({ ok: false });
    const odd = usccWithCheck('99330100123456789');
    expect(validateRecord({ uscc: odd }, shape, clock)).toEqual({
      ok: true, subjectId: odd, record: { uscc: odd }, warnings: [{ field: 'uscc', problem: expect.stringMatching(/unknown registration authority/) }],
    });
  });

  it('checks the subject id in the path of a PUT', () => {
    expect(validate({ idNumber: ID }, { subjectId: ID })).toMatchObject({ ok: true });
    expect(validate({ idNumber: ID }, { subjectId: '440524188001010014' })).toEqual({
      ok: false, problems: [{ field: 'idNumber', problem: 'does not match the subject id in the path' }],
    });
  });

  it('refuses unknown keys, naming each, together with the other problems', () => {
    const r = validate({ idNumber: ID, nickname: '三儿', children: 1.5, __proto__x: 1 });
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: 'nickname', problem: 'is not a data item of this resource' },
        { field: 'children', problem: 'must be an integer' },
        { field: '__proto__x', problem: 'is not a data item of this resource' },
      ],
    });
    // A key named __proto__ from JSON.parse is an own key like any other.
    expect(validate(JSON.parse(`{"idNumber":"${ID}","__proto__":{"fullName":"x"}}`))).toEqual({
      ok: false, problems: [{ field: '__proto__', problem: 'is not a data item of this resource' }],
    });
  });

  it('refuses what is not a JSON object', () => {
    for (const bad of [null, [], 'x', 1, true, undefined]) {
      expect(validate(bad)).toEqual({ ok: false, problems: [{ field: '', problem: 'a record must be a JSON object' }] });
    }
  });

  it('lists at most MAX_PROBLEMS_PER_RECORD problems and cuts long unknown keys', () => {
    const input: Record<string, unknown> = { idNumber: ID };
    for (let i = 0; i < 1000; i++) input[`k${i}`] = i;
    const r = validate(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(MAX_PROBLEMS_PER_RECORD + 1);
      expect(r.problems.at(-1)).toEqual({ field: '', problem: `${1000 - MAX_PROBLEMS_PER_RECORD} more problems not listed` });
    }
    const long = validate({ idNumber: ID, ['x'.repeat(500)]: 1 });
    expect(long).toEqual({ ok: false, problems: [{ field: `${'x'.repeat(64)}…`, problem: 'is not a data item of this resource' }] });
  });

  it('has no subject rules for a resource without subjects', () => {
    const shape: RecordShape = { subjectType: 'none', subjectKey: null, dataItems: [item('code', 'C', 10)] };
    expect(validateRecord({}, shape, clock)).toEqual({ ok: true, record: {}, subjectId: null, warnings: [] });
  });

  it('refuses to compile a shape whose subject key is no data item (a catalog bug, not bad input)', () => {
    expect(() => compileRecordValidator({ ...PERSON, subjectKey: 'missing' }, clock)).toThrow(/not a data item/);
    expect(() => compileRecordValidator({ ...PERSON, subjectKey: null }, clock)).toThrow(/not a data item/);
  });

  it('property: a generated valid record is accepted, and normalising it again changes nothing', () => {
    const r = rng(2024);
    for (let n = 0; n < 500; n++) {
      const input: Record<string, unknown> = { idNumber: citizenId(r) };
      if (r() < 0.8) input.fullName = text(r, 50);
      if (r() < 0.8) input.income = pick(r, [int(r, -1e6, 1e6) / 100, String(int(r, 0, 1e9)) + '.' + String(int(r, 0, 99))]);
      if (r() < 0.8) input.balance = (int(r, -1e9, 1e9) / 100).toFixed(2);
      if (r() < 0.8) input.remarks = text(r, 200);
      if (r() < 0.8) input.children = int(r, -99, 99);
      if (r() < 0.8) input.married = r() < 0.5;
      const first = validate(input);
      expect(first.ok, JSON.stringify(input)).toBe(true);
      if (!first.ok) continue;
      expect(validate(first.record)).toEqual(first);
    }
  });

  it('property: a text one character over the length is refused, whatever the plane of its characters', () => {
    const r = rng(50);
    for (let n = 0; n < 300; n++) {
      const length = int(r, 1, 20);
      let s = text(r, length);
      const chars = Array.from(s).length;
      expect(check('C', length, s)).toEqual({ value: s });
      while (Array.from(s).length <= length) s += pick(r, ['张', '𠀀', 'a', '😀']);
      expect(check('C', length, s).problem, `${chars} → ${Array.from(s).length}`).toMatch(/longer than/);
    }
  });
});
