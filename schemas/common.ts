// Shared JSON Schemas. Route schemas import these objects directly (one source of truth for
// validation, serialization, OpenAPI and TypeScript types via json-schema-to-ts).

export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'request id' },
    code: { type: 'string', description: 'stable error code, e.g. GRANT_REQUIRED' },
    currentState: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pointer', 'message'],
        properties: { pointer: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

/** The problem+json response schemas a route declares next to its success schemas. */
export function errorResponses<S extends Status>(...statuses: S[]): Record<S, typeof problemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema])) as Record<S, typeof problemSchema>;
}

/** Every authenticated route can answer these. */
export const AUTH_ERRORS = [400, 401, 403] as const;

export const uuidSchema = { type: 'string', format: 'uuid' } as const;
export const usccSchema = {
  type: 'string',
  // The x-uscc rule of src/lib/validation.ts: 18 characters of 0-9 A-H J-N P-R T U W-Y ending in
  // the check character.
  'x-uscc': true,
  description: '统一社会信用代码 (GB 32100), checksum validated',
} as const;
/**
 * Text a person must be able to read (names, purpose, legal basis, reasons, titles …): at least
 * one visible character, so neither blank nor only spaces, zero-width or other invisible
 * characters (the `x-visible-text` rule of src/lib/validation.ts). Like every string in a request,
 * it must also be well-formed Unicode without U+0000 (`storableText`, added there to all strings).
 */
export const visibleTextSchema = <N extends number>(maxLength: N) =>
  ({ type: 'string', minLength: 1, maxLength, 'x-visible-text': true }) as const;

/** Optional free text (descriptions, search terms): anything storable, blank included. */
export const textSchema = <N extends number>(maxLength: N) => ({ type: 'string', maxLength }) as const;

export const timestampSchema = { type: 'string', format: 'date-time' } as const;

// An offset past any real list is a client error, not a number for PostgreSQL to overflow on.
export const MAX_OFFSET = 1_000_000;

export const pageQuerySchema = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
} as const;

// Keyset paging for the lists that grow without bound (src/lib/paginate.ts keysetPaginate).
export const cursorQuerySchema = {
  cursor: {
    type: 'string', minLength: 1, maxLength: 512,
    description: 'nextCursor of the previous page, unchanged: the rows after it (no total is counted). Not combined with offset.',
  },
} as const;

/** Reply fields of a keyset-paged list: total only on offset pages (legacy), nextCursor always. */
export const cursorReplyProperties = {
  total: { type: 'integer', description: 'rows the list pages through; only on offset pages (requests without cursor)' },
  nextCursor: { type: ['string', 'null'], description: 'pass as cursor for the next page; null on the last page' },
} as const;

export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: uuidSchema },
} as const;
