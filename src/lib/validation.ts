import { Ajv, type AnySchema, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { SHARED_SCHEMAS } from '../../schemas/index.js';
import { checkUscc } from './identifiers.js';

// Strict validation: unknown fields are errors (never silently removed), and a JSON body's types
// are never coerced ("12" is not a number). Query strings and path parameters arrive as text, so
// those alone are coerced, and only from decimal digits (see decimalPrecheck).
const COMMON: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

// ── text ──────────────────────────────────────────────────────────────────────────────────
// Text is stored as sent or refused (issue 7). Two rules, both ajv keywords defined here once:
//  - `storableText` is added by the compilers below to EVERY string schema of every request part:
//    a lone surrogate (JSON "\ud800", or invalid UTF-8 bytes, which the body parser turns into
//    one) would be stored as U+FFFD, and U+0000 cannot be stored by PostgreSQL at all.
//  - `x-visible-text` is set by visibleTextSchema() (schemas/common.ts) on text a person must be
//    able to read: names, purpose, legal basis, reasons … It refuses text made only of
//    characters that show nothing.

/**
 * Characters that show nothing on their own: white space (Zs, Zl, Zp, tabs, U+3000 …), controls
 * (Cc), format characters (Cf: U+200B–U+200F, U+2060, U+FEFF, bidi controls, tags …), every
 * default-ignorable code point (Hangul fillers U+3164/U+FFA0, variation selectors …), combining
 * marks with no base (M), lone surrogates (Cs) and the braille blank U+2800. Private-use and
 * unassigned code points count as visible: rare characters in names (生僻字) live there.
 */
const VISIBLE_CHARACTER = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Z}\p{M}\p{Cs}\p{Default_Ignorable_Code_Point}\u2800]/u;

export const hasVisibleCharacter = (text: string) => VISIBLE_CHARACTER.test(text);

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored as sent, or undefined when it can. */
export function unstorableText(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode: it holds a lone surrogate or bytes that are not UTF-8';
  if (text.includes('\u0000')) return 'must not contain U+0000';
  return undefined;
}

type KeywordValidate = ((data: unknown) => boolean) & { errors?: Partial<ErrorObject>[] };

function textKeywords(ajv: Ajv) {
  ajv.addKeyword({
    keyword: 'storableText',
    type: 'string',
    schemaType: 'boolean',
    errors: true,
    compile(enabled: boolean) {
      const validate: KeywordValidate = (data) => {
        const problem = enabled ? unstorableText(data as string) : undefined;
        validate.errors = problem ? [{ keyword: 'storableText', message: problem, params: {} }] : undefined;
        return !problem;
      };
      return validate;
    },
  });
  ajv.addKeyword({
    keyword: 'x-visible-text',
    type: 'string',
    schemaType: 'boolean',
    errors: true,
    compile(enabled: boolean) {
      const validate: KeywordValidate = (data) => {
        const ok = !enabled || hasVisibleCharacter(data as string);
        validate.errors = ok ? undefined : [{
          keyword: 'x-visible-text',
          message: 'must contain a visible character (not only spaces, zero-width or other invisible characters)',
          params: {},
        }];
        return ok;
      };
      return validate;
    },
  });
  // 统一社会信用代码 with its check character (GB 32100), wherever usccSchema is used: query
  // filters, path parameters and bodies alike. The message says what is wrong with the code.
  ajv.addKeyword({
    keyword: 'x-uscc',
    type: 'string',
    schemaType: 'boolean',
    errors: true,
    compile(enabled: boolean) {
      const validate: KeywordValidate = (data) => {
        const check = enabled ? checkUscc(data as string) : undefined;
        validate.errors = check && !check.valid
          ? [{ keyword: 'x-uscc', message: `is not a valid 统一社会信用代码: ${check.reason}`, params: {} }]
          : undefined;
        return !check || check.valid;
      };
      return validate;
    },
  });
}

const STRING_SUBSCHEMA_KEYS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'] as const;
const STRING_SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const STRING_SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const allowsString = (type: unknown) => type === 'string' || (Array.isArray(type) && type.includes('string'));

/** A copy of `schema` in which every string (sub)schema also carries `storableText: true`. */
function withStorableText(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = { ...schema };
  if (allowsString(out.type) && out.storableText === undefined) out.storableText = true;
  for (const key of STRING_SUBSCHEMA_KEYS) if (key in out) out[key] = withStorableText(out[key]);
  for (const key of STRING_SUBSCHEMA_LISTS) if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(withStorableText);
  for (const key of STRING_SUBSCHEMA_MAPS) {
    if (isObject(out[key])) out[key] = Object.fromEntries(Object.entries(out[key]).map(([k, v]) => [k, withStorableText(v)]));
  }
  return out;
}

function makeAjv(coerceTypes: Options['coerceTypes']) {
  const ajv = new Ajv({ ...COMMON, coerceTypes });
  addFormats.default(ajv);
  ajv.addKeyword({ keyword: 'example' });
  textKeywords(ajv);
  // Every schema this ajv compiles gets the text rule: route schemas, the catalog file schema and
  // the CLI's, without each of them having to remember it. The rewritten copy is memoised per
  // schema object, so ajv's own cache still recognises a schema compiled twice.
  const rewritten = new WeakMap<object, AnySchema>();
  const compile = ajv.compile.bind(ajv) as (schema: AnySchema, meta?: boolean) => ValidateFunction;
  ajv.compile = ((schema: AnySchema, meta?: boolean) => {
    if (!isObject(schema)) return compile(schema, meta);
    let copy = rewritten.get(schema);
    if (!copy) {
      copy = withStorableText(schema) as AnySchema;
      rewritten.set(schema, copy);
    }
    return compile(copy, meta);
  }) as Ajv['compile'];
  // The shared schemas (schemas/index.ts), so that the `$ref`s of every schema compiled here resolve;
  // they get the text rule like the schemas that refer to them.
  for (const schema of SHARED_SCHEMAS) ajv.addSchema(withStorableText(schema) as AnySchema);
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv('array');

// ── decimal numbers in URLs ───────────────────────────────────────────────────────────────
// Ajv coerces with Number(): "0x7E9" would be 2025, "1e3" 1000, " 2" 2 and "0b10" 2. A number in
// a path or a query string is written in decimal digits, with a minus sign where negatives are
// allowed (the schema's minimum then decides), and a fraction only where the schema wants a number.
const DECIMAL_INTEGER = /^-?[0-9]+$/;
const DECIMAL_NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

function numericKind(schema: unknown): 'integer' | 'number' | undefined {
  if (!isObject(schema)) return undefined;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('string')) return undefined;
  if (types.includes('number')) return 'number';
  if (types.includes('integer')) return 'integer';
  if (isObject(schema.items)) return numericKind(schema.items);
  return undefined;
}

/** Properties of a flat params/querystring schema whose text must be a decimal number. */
function numericProperties(schema: unknown): [string, RegExp][] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  return Object.entries(schema.properties).flatMap(([name, sub]) => {
    const kind = numericKind(sub);
    return kind ? [[name, kind === 'integer' ? DECIMAL_INTEGER : DECIMAL_NUMBER] as [string, RegExp]] : [];
  });
}

type FastifyValidate = ((data: unknown, ctx?: unknown) => boolean) & { errors?: unknown; schemaEnv?: unknown };

/** Runs before ajv's coercion, which would otherwise read hexadecimal, binary and exponents. */
function decimalPrecheck(inner: ValidateFunction, numeric: [string, RegExp][]): FastifyValidate {
  const validate: FastifyValidate = (data, ctx) => {
    if (isObject(data)) {
      const errors: Partial<ErrorObject>[] = [];
      for (const [name, pattern] of numeric) {
        const values = Array.isArray(data[name]) ? (data[name] as unknown[]) : [data[name]];
        if (values.some((v) => typeof v === 'string' && !pattern.test(v))) {
          errors.push({
            instancePath: `/${name}`,
            keyword: 'type',
            message: pattern === DECIMAL_INTEGER ? 'must be an integer in decimal digits' : 'must be a number in decimal digits',
            params: {},
          });
        }
      }
      if (errors.length > 0) {
        validate.errors = errors;
        return false;
      }
    }
    const ok = (inner as unknown as FastifyValidate)(data, ctx);
    validate.errors = inner.errors;
    return ok;
  };
  validate.schemaEnv = inner.schemaEnv;
  return validate;
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  if (httpPart === 'body') return strictAjv.compile(schema) as ReturnType<FastifySchemaCompiler<object>>;
  const inner = coercingAjv.compile(schema);
  const numeric = numericProperties(schema);
  return (numeric.length > 0 ? decimalPrecheck(inner, numeric) : inner) as ReturnType<FastifySchemaCompiler<object>>;
};

// ── bytes and URLs ────────────────────────────────────────────────────────────────────────

/**
 * Decodes a UTF-8 body. Each invalid byte sequence (maximal subpart, as TextDecoder counts them)
 * becomes a lone surrogate instead of U+FFFD, so that the text rule above refuses it and names
 * the field it sits in; the common case (valid UTF-8) is one native decode.
 */
export function decodeUtf8Strictly(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    let out = '';
    let start = 0;
    let i = 0;
    const n = bytes.length;
    while (i < n) {
      const b = bytes[i]!;
      if (b < 0x80) { i++; continue; }
      let need = 0;
      let lo = 0x80;
      let hi = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b === 0xe0) { need = 2; lo = 0xa0; }
      else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) need = 2;
      else if (b === 0xed) { need = 2; hi = 0x9f; }
      else if (b === 0xf0) { need = 3; lo = 0x90; }
      else if (b >= 0xf1 && b <= 0xf3) need = 3;
      else if (b === 0xf4) { need = 3; hi = 0x8f; }
      let j = i + 1;
      let complete = need > 0;
      for (let k = 0; k < need; k++, j++) {
        const c = bytes[j];
        if (c === undefined || c < lo || c > hi) { complete = false; break; }
        lo = 0x80;
        hi = 0xbf;
      }
      if (complete) { i = j; continue; }
      out += decoder.decode(bytes.subarray(start, i)) + '\udfff';
      i = Math.max(j, i + 1);
      start = i;
    }
    out += decoder.decode(bytes.subarray(start));
    // A leading BOM is not part of the JSON text.
    return out.charCodeAt(0) === 0xfeff ? out.slice(1) : out;
  }
}

/**
 * The name of the first query parameter whose percent-encoding is broken or does not decode to
 * UTF-8 (fast-querystring would keep such text as written, "%ED%A0%80" included), or undefined.
 */
export function badlyEncodedQueryParameter(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  for (const pair of url.slice(q + 1).split('&')) {
    if (!pair.includes('%')) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    try {
      decodeURIComponent(pair.replaceAll('+', ' '));
    } catch {
      try {
        return decodeURIComponent(rawKey.replaceAll('+', ' '));
      } catch {
        return rawKey;
      }
    }
  }
  return undefined;
}

export { strictAjv };
