// The consumer side of the data exchange (API.md "Data exchange"): reading, batch-reading and
// verifying records under a grant. The provider side (PUT/DELETE/bulk) is in records-load.ts.
import { ref, timestampSchema, usccSchema, uuidSchema, visibleTextSchema } from './common.js';

/** The query context headers every data call by a system carries (required: 400 names a missing one). */
export const queryHeadersSchema = {
  type: 'object',
  required: ['x-case-id', 'x-operator-id', 'x-service-item'],
  properties: {
    'x-case-id': { ...visibleTextSchema(128), description: '办件编号: the case the data is read for' },
    'x-operator-id': { ...visibleTextSchema(128), description: 'the civil servant at the counter' },
    'x-service-item': { ...visibleTextSchema(64), description: '事项编码: must equal the grant\'s service item code' },
  },
} as const;

export const recordParamsSchema = {
  type: 'object',
  required: ['id', 'subjectId'],
  additionalProperties: false,
  properties: {
    id: uuidSchema,
    subjectId: { type: 'string', minLength: 1, maxLength: 64, description: '公民身份号码 (GB 11643) or 统一社会信用代码 (GB 32100)' },
  },
} as const;

export const resourceParamsSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: uuidSchema },
} as const;

const fieldKey = { type: 'string', minLength: 1, maxLength: 64 } as const;

export const readRecordQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    fields: { type: 'string', maxLength: 4096, description: 'comma-separated data item keys: only these (all granted when absent); a key not granted is 403 FIELD_NOT_GRANTED' },
  },
} as const;

const recordValue = { type: ['string', 'number', 'boolean', 'null'] } as const;

/** Returned values: data item key → value, masked per data item (a masked value is a string). */
const recordFieldsSchema = {
  type: 'object',
  additionalProperties: recordValue,
  description: 'granted fields only, in catalog order; null when the record has no value (or when fieldInfo marks it unavailable)',
} as const;

/**
 * Field-level answer (Myinfo-like): per returned field, the department it comes from and when that
 * source last changed it, or why it could not be answered. A field whose source did not answer is
 * null in `fields` and `unavailable` here: null alone means the source holds no value. Reasons:
 * not_returned (the provider's reply lacked it), invalid_value (not a valid value of its data item),
 * provider_unavailable (that field's source failed while the others answered).
 */
export const UNAVAILABLE_REASONS = ['not_returned', 'invalid_value', 'provider_unavailable'] as const;

export const fieldInfoSchema = {
  $id: 'FieldInfo',
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['departmentCode', 'updatedAt'],
    properties: {
      departmentCode: { type: 'string' },
      updatedAt: { type: ['string', 'null'], format: 'date-time' },
      unavailable: { type: 'string', enum: UNAVAILABLE_REASONS },
    },
  },
} as const;

const receiptSchema = {
  type: 'object',
  required: ['eventId'],
  properties: { eventId: { type: 'string', description: 'id of the audit event of this access: a receipt to cite' } },
} as const;

export const recordReplySchema = {
  $id: 'RecordReply',
  type: 'object',
  required: ['resourceId', 'subjectId', 'fields', 'source', 'receipt'],
  properties: {
    resourceId: uuidSchema,
    subjectId: { type: 'string', description: 'the subject id, masked (first 6 and last 4 characters)' },
    fields: recordFieldsSchema,
    fieldInfo: ref(fieldInfoSchema),
    source: {
      type: 'object',
      required: ['departmentCode', 'updatedAt'],
      properties: {
        departmentCode: { ...usccSchema, description: 'the providing department, the authoritative source (一数一源)' },
        updatedAt: { ...timestampSchema, description: 'when the record was last loaded or changed' },
      },
    },
    receipt: receiptSchema,
  },
} as const;

export const batchGetBody = {
  type: 'object',
  additionalProperties: false,
  required: ['ids'],
  properties: {
    ids: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 64 } },
    fields: { type: 'array', maxItems: 200, items: fieldKey },
  },
} as const;

export const batchResultSchema = {
  $id: 'BatchRecordResult',
  type: 'object',
  description: 'One id\'s result. A found result\'s fieldInfo names only the fields that did not come from the reply\'s source '
    + 'department as of the result\'s updatedAt — those answered by their authoritative source (一数一源) and those unavailable — '
    + 'and is absent when there are none.',
  required: ['subjectId', 'status', 'eventId'],
  properties: {
    subjectId: { type: 'string', description: 'the id asked for, masked' },
    status: { type: 'string', enum: ['found', 'not_found', 'invalid_id'] },
    fields: recordFieldsSchema,
    fieldInfo: ref(fieldInfoSchema),
    updatedAt: { ...timestampSchema, description: 'when the providing department last loaded or changed this record' },
    eventId: { type: 'string', description: 'the audit event of this subject' },
  },
} as const;

export const batchReplySchema = {
  type: 'object',
  required: ['resourceId', 'source', 'results'],
  properties: {
    resourceId: uuidSchema,
    source: { type: 'object', required: ['departmentCode'], properties: { departmentCode: usccSchema } },
    results: { type: 'array', items: ref(batchResultSchema), description: 'one per id, in the order asked' },
  },
} as const;

export const verifyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'claims'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 64 },
    claims: {
      type: 'object',
      minProperties: 1,
      maxProperties: 50,
      propertyNames: { maxLength: 64 },
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
  },
} as const;

export const verifyReplySchema = {
  type: 'object',
  required: ['resourceId', 'subjectId', 'results', 'receipt'],
  properties: {
    resourceId: uuidSchema,
    subjectId: { type: 'string' },
    results: {
      type: 'object',
      additionalProperties: { type: 'string', enum: ['match', 'no_match', 'not_found', 'unavailable'] },
      description: 'per claimed field (not_found: no value; unavailable: the provider did not answer); never a value',
    },
    receipt: receiptSchema,
  },
} as const;
