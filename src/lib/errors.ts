// One registry of the errors the hub answers with; the error handler renders them as
// application/problem+json (API.md). Codes are stable: clients switch on them.

export const ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  /** Any other 4xx the framework answers with; rendered with the framework's status. */
  CLIENT_ERROR: { status: 400, title: 'The request cannot be served' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  INVALID_IDENTIFIER: { status: 400, title: 'An identifier fails its checksum' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  INVALID_CREDENTIALS: { status: 401, title: 'The credentials are not valid' },
  FORBIDDEN: { status: 403, title: 'Your role does not allow this' },
  OTHER_DEPARTMENT: { status: 403, title: 'This belongs to another department' },
  SHARE_TYPE_NOT_SHARED: { status: 403, title: 'The resource is not shared (不予共享)' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  CONFLICT: { status: 409, title: 'Conflicts with existing data' },
  ALREADY_EXISTS: { status: 409, title: 'Already exists' },
  ILLEGAL_STATE: { status: 409, title: 'Not allowed in the current state' },
  RESOURCE_DEPRECATED: { status: 409, title: 'The resource is deprecated and takes no new applications' },
  RESOURCE_NOT_PUBLISHED: { status: 409, title: 'The resource is no longer published' },
  APPLICATION_ALREADY_OPEN: { status: 409, title: 'An application for this system and resource is already open' },
  FIELDS_NOT_PUBLISHED: { status: 409, title: 'Fields applied for are no longer in the published resource version' },
  /** Hosted records (issue 9): the resource is served by its provider's own endpoint, not stored by the hub. */
  NOT_HOSTED: { status: 409, title: 'The resource is not hosted by the hub' },
  VALIDITY_EXPIRED: { status: 409, title: 'The validity applied for has already ended' },
  /** Not HTTP/1.1 as RFC 9112 writes it (bad framing, header syntax or version, no Host): answered before routing. */
  MALFORMED_REQUEST: { status: 400, title: 'The request is not valid HTTP' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request took too long to arrive' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL: { status: 500, title: 'Internal error' },
  UNAVAILABLE: { status: 503, title: 'A dependency is unavailable' },
  /** Load shedding (@fastify/under-pressure): the hub refuses work before its event loop stalls. */
  OVERLOADED: { status: 503, title: 'The hub is overloaded' },
  // The data exchange's query path (issue 9, API.md "Data exchange").
  INVALID_SUBJECT_ID: { status: 400, title: 'The subject id fails its format or checksum' },
  GRANT_REQUIRED: { status: 403, title: 'No grant lets this system read this resource' },
  GRANT_EXPIRED: { status: 403, title: 'The grant has expired' },
  GRANT_REVOKED: { status: 403, title: 'The grant has been revoked' },
  FIELD_NOT_GRANTED: { status: 403, title: 'A field asked for is not granted' },
  SERVICE_ITEM_MISMATCH: { status: 403, title: 'The service item is not the one the grant was issued for' },
  SUBJECT_NOT_FOUND: { status: 404, title: 'No record of this subject' },
  QUOTA_EXCEEDED: { status: 429, title: 'The daily quota of the grant is used up' },
  VERIFY_LIMIT_EXCEEDED: { status: 429, title: 'Too many verifications of this subject today' },
  // Provider-served records (issue 10): the provider's endpoint, not the caller, failed.
  PROVIDER_UNREACHABLE: { status: 502, title: "The provider's endpoint could not be reached" },
  PROVIDER_BAD_REPLY: { status: 502, title: "The provider's endpoint gave a reply the hub cannot use" },
  PROVIDER_TIMEOUT: { status: 504, title: "The provider's endpoint did not answer in time" },
  PROVIDER_CIRCUIT_OPEN: { status: 503, title: "The provider's endpoint is failing: refused at once for a while" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldProblem {
  pointer: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: FieldProblem[];
  readonly extra?: Record<string, unknown>;

  constructor(code: ErrorCode, detail: string, opts: { errors?: FieldProblem[]; extra?: Record<string, unknown> } = {}) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.errors = opts.errors;
    this.extra = opts.extra;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const otherDepartment = (what: string) => new AppError('OTHER_DEPARTMENT', `${what} belongs to another department`);
export const invalidField = (pointer: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${pointer} ${message}`, { errors: [{ pointer, message }] });
export const illegalState = (what: string, current: string, action: string, because?: string) =>
  new AppError('ILLEGAL_STATE', `cannot ${action} ${what} in state '${current}'${because ? `: ${because}` : ''}`, { extra: { currentState: current } });
