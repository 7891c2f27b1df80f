// Shared JSON Schemas. Every schema used in more than one place carries an `$id`, is listed in
// schemas/index.ts (registered once with app.addSchema, added to the validators' ajv instances,
// named after its `$id` in the OpenAPI components) and is used through ref(). Request bodies,
// query strings and path parameters stay inline in their route (see schemas/README.md).

/** A `$ref` to a shared schema, by the schema object itself so that its `$id` cannot be mistyped. */
export const ref = <S extends { readonly $id: string }>(schema: S) => ({ $ref: schema.$id }) as { readonly $ref: S['$id'] };

export const problemSchema = {
  $id: 'Problem',
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

/**
 * Each error status a route may declare: its component name in the OpenAPI document (the status
 * itself: operations refer to these hundreds of times, so a short name keeps the document under its
 * 100 KB) and what it means.
 */
export const ERROR_RESPONSES = {
  400: { name: '400', description: 'The input does not match the schema, or a field is invalid' },
  401: { name: '401', description: 'No credentials, or invalid or expired ones' },
  403: { name: '403', description: 'The caller may not do this' },
  404: { name: '404', description: 'Not found, or not visible to the caller' },
  409: { name: '409', description: 'The current state does not allow this' },
  413: { name: '413', description: 'The body is larger than allowed' },
  415: { name: '415', description: 'The body is not of a type the route accepts' },
  429: { name: '429', description: 'Too many attempts: try again later' },
  /** A provider's endpoint (provider-served records) failed or answered badly. */
  502: { name: '502', description: "The provider's endpoint failed or gave a reply the hub cannot use" },
  503: { name: '503', description: 'A service the hub needs does not answer' },
  504: { name: '504', description: "The provider's endpoint did not answer in time" },
} as const;
type Status = keyof typeof ERROR_RESPONSES;

type ProblemResponse = {
  readonly description: string;
  readonly content: { readonly 'application/problem+json': { readonly schema: { readonly $ref: 'Problem' } } };
};

/**
 * The error responses a route declares next to its success schemas: each is
 * `application/problem+json` (the type src/plugins/errors.ts sends) with the shared Problem schema.
 */
export function errorResponses<S extends Status>(...statuses: S[]): Record<S, ProblemResponse> {
  return Object.fromEntries(statuses.map((s) => [s, {
    description: ERROR_RESPONSES[s].description,
    content: { 'application/problem+json': { schema: ref(problemSchema) } },
  }])) as Record<S, ProblemResponse>;
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
/** The same, as the one component the OpenAPI document points to wherever a code appears. */
export const usccComponent = { $id: 'Uscc', ...usccSchema } as const;
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

/** The one offset page of a query string: spread into the route's querystring properties. */
export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
} as const;

/**
 * The keyset page of a query string, for lists that grow without bound: spread into the route's
 * querystring properties. The cursor is opaque: the `nextCursor` of the previous page.
 */
export const cursorQuery = {
  limit: pageQuery.limit,
  cursor: {
    type: 'string', minLength: 1, maxLength: 512,
    description: 'nextCursor of the previous page, unchanged: the rows after it (no total is counted). Not combined with offset.',
  },
} as const;

/** A query string schema of the given properties, with no others allowed. */
export const queryOf = <const P extends Record<string, unknown>>(properties: P) =>
  ({ type: 'object', additionalProperties: false, properties }) as const;

const nextCursorSchema = {
  type: ['string', 'null'],
  description: 'opaque cursor of the next page (send it as ?cursor=); null on the last page',
} as const;

/** `total: 'optional'`: counted on offset pages only (keyset lists keep offset for old clients). */
type ListOptions = { total?: boolean | 'optional'; nextCursor?: boolean };
type ListOf<I, O extends ListOptions> = {
  readonly type: 'object';
  readonly required: readonly ['items', ...(O['total'] extends false | 'optional' ? [] : ['total']), ...(O['nextCursor'] extends true ? ['nextCursor'] : [])];
  readonly properties: { readonly items: { readonly type: 'array'; readonly items: I } }
    & (O['total'] extends false ? unknown : { readonly total: { readonly type: 'integer' } })
    & (O['nextCursor'] extends true ? { readonly nextCursor: typeof nextCursorSchema } : unknown);
};

/**
 * The one list envelope: `{ items, total }` by default; `{ total: false }` for lists without a
 * count, `{ nextCursor: true }` for keyset-paginated lists.
 */
export function listOf<const I, const O extends ListOptions = { total: true }>(items: I, options?: O): ListOf<I, O> {
  const total = options?.total !== false;
  const totalRequired = total && options?.total !== 'optional';
  const cursor = options?.nextCursor === true;
  return {
    type: 'object',
    required: ['items', ...(totalRequired ? ['total'] : []), ...(cursor ? ['nextCursor'] : [])],
    properties: {
      items: { type: 'array', items },
      ...(total ? { total: { type: 'integer' } } : {}),
      ...(cursor ? { nextCursor: nextCursorSchema } : {}),
    },
  } as unknown as ListOf<I, O>;
}

export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: uuidSchema },
} as const;
