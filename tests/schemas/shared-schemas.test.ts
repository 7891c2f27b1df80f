import { describe, expect, it } from 'vitest';
import { applicationStatusSchema, APPLICATION_STATUSES } from '../../schemas/applications.js';
import { cursorQuery, errorResponses, listOf, pageQuery, problemSchema, queryOf, ref } from '../../schemas/common.js';
import { SHARED_SCHEMAS } from '../../schemas/index.js';
import { userSchema } from '../../schemas/identity.js';
import { validatorCompiler } from '../../src/lib/validation.js';

type Validate = ((data: unknown, ctx?: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
const compile = (schema: object, httpPart: string) => validatorCompiler({ schema, httpPart, url: '/t', method: 'GET' }) as unknown as Validate;
const errorsOf = (validate: Validate, data: unknown) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

describe('the shared schemas', () => {
  it('each have an $id of their own', () => {
    const ids = SHARED_SCHEMAS.map((s) => s.$id);
    expect(ids.every((id) => /^[A-Z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolve in the body validator, strict, with the text rule', () => {
    const validate = compile({ type: 'object', properties: { status: ref(applicationStatusSchema), problem: ref(problemSchema) } }, 'body');
    expect(errorsOf(validate, { status: 'granted' })).toEqual([]);
    expect(errorsOf(validate, { status: 'nonsense' })).toEqual(['/status must be equal to one of the allowed values']);
    // The shared schema got storableText like any route schema: U+0000 cannot be stored.
    expect(errorsOf(validate, { problem: { type: 'a', title: 't\u0000', status: 400, code: 'X' } })).toEqual(['/problem/title must not contain U+0000']);
    expect(errorsOf(validate, { problem: { type: 'a', title: 't', status: '400', code: 'X' } })).toEqual(['/problem/status must be integer']);
  });

  it('resolve in the query string validator, which coerces', () => {
    const validate = compile(queryOf({ status: ref(applicationStatusSchema), ...pageQuery }), 'querystring');
    const query: Record<string, unknown> = { status: 'withdrawn', limit: '10' };
    expect(errorsOf(validate, query)).toEqual([]);
    expect(query).toEqual({ status: 'withdrawn', limit: 10, offset: 0 });
    expect(errorsOf(validate, { status: 'x' })).toEqual(['/status must be equal to one of the allowed values']);
  });

  it('take their enums from one constant', () => {
    expect(applicationStatusSchema.enum).toBe(APPLICATION_STATUSES);
  });
});

describe('listOf', () => {
  it('is { items, total } by default', () => {
    expect(listOf(ref(userSchema))).toEqual({
      type: 'object',
      required: ['items', 'total'],
      properties: { items: { type: 'array', items: { $ref: 'User' } }, total: { type: 'integer' } },
    });
  });

  it('leaves out total, or adds the next cursor, when asked', () => {
    expect(listOf(ref(userSchema), { total: false }).required).toEqual(['items']);
    const keyset = listOf(ref(userSchema), { total: false, nextCursor: true });
    expect(keyset.required).toEqual(['items', 'nextCursor']);
    expect(keyset.properties.nextCursor.type).toEqual(['string', 'null']);
  });
});

describe('cursorQuery', () => {
  const validate = compile(queryOf(cursorQuery), 'querystring');

  it('takes a limit in decimal digits and an opaque cursor', () => {
    const query: Record<string, unknown> = { limit: '20', cursor: 'eyJrIjoxfQ' };
    expect(errorsOf(validate, query)).toEqual([]);
    expect(query).toEqual({ limit: 20, cursor: 'eyJrIjoxfQ' });
    expect(errorsOf(validate, { limit: '0x10' })).toEqual(['/limit must be an integer in decimal digits']);
    expect(errorsOf(validate, { cursor: '' })).toEqual(['/cursor must NOT have fewer than 1 characters']);
    expect(errorsOf(validate, { offset: '10' })).toEqual([' must NOT have additional properties']);
  });
});

describe('errorResponses', () => {
  it('declares each status as problem+json with the shared Problem schema', () => {
    expect(errorResponses(404)).toEqual({
      404: { description: 'Not found, or not visible to the caller', content: { 'application/problem+json': { schema: { $ref: 'Problem' } } } },
    });
  });
});
