import { describe, expect, it } from 'vitest';
import { textSchema, usccSchema, visibleTextSchema } from '../../schemas/common.js';
import {
  badlyEncodedQueryParameter,
  decodeUtf8Strictly,
  hasVisibleCharacter,
  strictAjv,
  unstorableText,
  validatorCompiler,
} from '../../src/lib/validation.js';

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: visibleTextSchema(50),
    note: textSchema(50),
    tags: { type: 'array', items: { type: 'string' } },
    nested: { type: 'object', properties: { deep: { anyOf: [{ type: 'string' }, { type: 'null' }] } } },
    code: usccSchema,
  },
} as const;

type Validate = ((data: unknown, ctx?: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; message?: string }[] | null };
const compile = (schema: object, httpPart: string) => validatorCompiler({ schema, httpPart, url: '/t', method: 'GET' }) as unknown as Validate;

function errorsOf(validate: Validate, data: unknown) {
  const ok = validate(data);
  return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('visible text', () => {
  it.each([
    ['', false], [' ', false], ['\t\n\r', false], ['\u3000', false], ['\u200B', false], ['\u200B\u200C\u200D\u2060\uFEFF', false],
    ['\u00AD', false], ['\u202E', false], ['\u3164', false], ['\uFFA0', false], ['\u2800', false], ['\u0301', false], ['\uFE0F', false],
    ['\u{E0041}', false], ['\u0000', false], ['\u0085', false], ['\u2028', false],
    ['a', true], ['婚姻登记', true], [' 名 ', true], ['\u200B名', true], ['\uE000', true], ['e\u0301', true], ['😀', true],
  ])('%j → %s', (text, visible) => {
    expect(hasVisibleCharacter(text)).toBe(visible);
  });
});

describe('storable text', () => {
  it('refuses lone surrogates and U+0000, accepts pairs and U+FFFD as sent', () => {
    expect(unstorableText('\ud800abc')).toMatch(/lone surrogate/);
    expect(unstorableText('abc\udfff')).toMatch(/lone surrogate/);
    expect(unstorableText('\udc00\ud800')).toMatch(/lone surrogate/);
    expect(unstorableText('a\u0000b')).toBe('must not contain U+0000');
    expect(unstorableText('😀\ud83d\ude00')).toBeUndefined();
    expect(unstorableText('\uFFFD')).toBeUndefined();
  });
});

describe('the compiled request schemas', () => {
  const body = compile(bodySchema, 'body');

  it('refuses a lone surrogate in every string, wherever it sits, naming the field', () => {
    expect(errorsOf(body, { name: '\ud800abc' })).toEqual(['/name must be well-formed Unicode: it holds a lone surrogate or bytes that are not UTF-8']);
    expect(errorsOf(body, { note: 'x\udc00' })[0]).toMatch(/^\/note must be well-formed/);
    expect(errorsOf(body, { tags: ['ok', '\ud800'] })[0]).toMatch(/^\/tags\/1 must be well-formed/);
    expect(errorsOf(body, { nested: { deep: '\ud800' } })[0]).toMatch(/^\/nested\/deep must be well-formed/);
    expect(errorsOf(body, { note: '\u0000' })).toEqual(['/note must not contain U+0000']);
    expect(errorsOf(body, { name: '名', note: '', tags: ['😀'], nested: { deep: null } })).toEqual([]);
  });

  it('refuses invisible text where text must be visible, and accepts it where it may be blank', () => {
    expect(errorsOf(body, { name: '\u200B \u3000' })).toEqual(['/name must contain a visible character (not only spaces, zero-width or other invisible characters)']);
    expect(errorsOf(body, { note: '\u200B \u3000' })).toEqual([]);
  });

  it('checks a 统一社会信用代码 with its check character, saying why', () => {
    expect(errorsOf(body, { code: '91350100M000100Y43' })).toEqual([]);
    expect(errorsOf(body, { code: '91350203M0001QAY9B' })).toEqual(['/code is not a valid 统一社会信用代码: check character should be 9']);
  });

  it('applies the text rule to schemas compiled directly (catalog files, the CLI), leaving the schema object unchanged', () => {
    const validate = strictAjv.compile(bodySchema);
    expect(validate({ note: '\ud800' })).toBe(false);
    expect(JSON.stringify(bodySchema)).not.toContain('storableText');
    // Compiling the same object twice reuses ajv's compiled function.
    expect(strictAjv.compile(bodySchema)).toBe(validate);
  });

  const query = compile({
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1 },
      delta: { type: 'integer' },
      ratio: { type: 'number' },
      years: { type: 'array', items: { type: 'integer' } },
      q: { type: 'string' },
    },
  }, 'querystring');

  it.each(['0x2', '0X2', '0b10', '0o7', '1e1', '2.0', ' 2', '2 ', '+2', '２', 'Infinity', '1_000', '-0x2'])('refuses the integer %j, written other than in decimal digits', (text) => {
    expect(errorsOf(query, { limit: text })).toEqual(['/limit must be an integer in decimal digits']);
  });

  it('accepts decimal integers (a minus sign where the schema allows negatives), numbers with a decimal fraction, and coerces them', () => {
    const data: Record<string, unknown> = { limit: '25', delta: '-3', ratio: '0.5', years: ['2025', '2026'], q: '0x2' };
    expect(errorsOf(query, data)).toEqual([]);
    expect(data).toEqual({ limit: 25, delta: -3, ratio: 0.5, years: [2025, 2026], q: '0x2' });
    expect(errorsOf(query, { limit: '007' })).toEqual([]);
    expect(errorsOf(query, { limit: '-1' })).toEqual(['/limit must be >= 1']);
    expect(errorsOf(query, { ratio: '1e-3' })).toEqual(['/ratio must be a number in decimal digits']);
    expect(errorsOf(query, { years: ['2025', '0x7E9'] })).toEqual(['/years must be an integer in decimal digits']);
  });
});

describe('bytes and URLs', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);

  it('decodes valid UTF-8 as is, a BOM dropped', () => {
    expect(decodeUtf8Strictly(new TextEncoder().encode('{"a":"婚姻😀\uFFFD"}'))).toBe('{"a":"婚姻😀\uFFFD"}');
    expect(decodeUtf8Strictly(bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d))).toBe('{}');
  });

  it('turns each invalid sequence into a lone surrogate, which the text rule refuses', () => {
    expect(decodeUtf8Strictly(bytes(0x61, 0xff, 0x62))).toBe('a\udfffb');
    // An encoded surrogate (CESU-8) is three invalid bytes; a truncated sequence is one maximal subpart.
    expect(decodeUtf8Strictly(bytes(0xed, 0xa0, 0x80))).toBe('\udfff\udfff\udfff');
    expect(decodeUtf8Strictly(bytes(0xe5, 0xa9, 0x61))).toBe('\udfffa');
    expect(decodeUtf8Strictly(bytes(0xc0, 0xaf))).toBe('\udfff\udfff');
    expect(decodeUtf8Strictly(bytes(0xf4, 0x90, 0x80, 0x80))).toBe('\udfff\udfff\udfff\udfff');
    expect(decodeUtf8Strictly(bytes(0xef, 0xbb, 0xbf, 0x61, 0xe5))).toBe('a\udfff');
    expect(unstorableText(decodeUtf8Strictly(bytes(0x61, 0xff)))).toMatch(/not UTF-8/);
  });

  it('names the first query parameter that is not valid percent-encoded UTF-8', () => {
    expect(badlyEncodedQueryParameter('/v1/resources?q=%E5%A9%9A&limit=2')).toBeUndefined();
    expect(badlyEncodedQueryParameter('/v1/resources')).toBeUndefined();
    expect(badlyEncodedQueryParameter('/v1/resources?q=%ED%A0%80')).toBe('q');
    expect(badlyEncodedQueryParameter('/v1/resources?limit=2&q=%FF')).toBe('q');
    expect(badlyEncodedQueryParameter('/v1/resources?q=100%')).toBe('q');
    expect(badlyEncodedQueryParameter('/v1/resources?q=%zz')).toBe('q');
    expect(badlyEncodedQueryParameter('/v1/resources?%FF=1')).toBe('%FF');
  });
});
