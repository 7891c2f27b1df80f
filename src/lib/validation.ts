import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// Strict validation: unknown fields are errors (never silently removed), and a JSON body's types
// are never coerced ("12" is not a number). Query strings and path parameters arrive as text, so
// those alone are coerced.
const COMMON: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

function makeAjv(coerceTypes: Options['coerceTypes']) {
  const ajv = new Ajv({ ...COMMON, coerceTypes });
  addFormats.default(ajv);
  ajv.addKeyword({ keyword: 'example' });
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv('array');

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema) as ReturnType<FastifySchemaCompiler<object>>;

export { strictAjv };
