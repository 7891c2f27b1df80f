// 纠错: a consumer's objection to a field of a record, decided by the provider (src/modules/exchange/objections-service.ts).
import { APPLICATION_SIDES } from './applications.js';
import { listOf, pageQuery, queryOf, ref, timestampSchema, uuidSchema, visibleTextSchema } from './common.js';

export const OBJECTION_STATUSES = ['open', 'corrected', 'rejected'] as const;

export const objectionSchema = {
  $id: 'Objection',
  type: 'object',
  required: ['id', 'resourceId', 'itemKey', 'subjectId', 'reason', 'consumerDepartmentCode', 'providerDepartmentCode', 'status', 'dueAt',
    'dueProvisional', 'sla', 'createdAt', 'decidedAt', 'decisionReason', 'notifiedSystems'],
  properties: {
    id: uuidSchema,
    resourceId: uuidSchema,
    itemKey: { type: 'string' },
    subjectId: { type: 'string' },
    reason: { type: 'string' },
    consumerDepartmentCode: { type: 'string' },
    providerDepartmentCode: { type: 'string' },
    status: { type: 'string', enum: OBJECTION_STATUSES },
    dueAt: timestampSchema,
    dueProvisional: { type: 'boolean' },
    sla: { type: 'string', enum: ['on_time', 'warning', 'overdue'] },
    createdAt: timestampSchema,
    decidedAt: { type: ['string', 'null'], format: 'date-time' },
    decisionReason: { type: ['string', 'null'] },
    notifiedSystems: { type: ['integer', 'null'] },
  },
} as const;

export const objectionListSchema = listOf(ref(objectionSchema));

export const listObjectionsQuery = queryOf({
  side: { type: 'string', enum: APPLICATION_SIDES, default: 'all' },
  status: { type: 'string', enum: OBJECTION_STATUSES },
  resourceId: uuidSchema,
  ...pageQuery,
});

export const raiseObjectionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['field', 'reason'],
  properties: { field: { type: 'string', minLength: 1, maxLength: 64 }, reason: visibleTextSchema(2000) },
} as const;

export const decideObjectionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['decision', 'reason'],
  properties: {
    decision: { type: 'string', enum: ['correct', 'reject'] },
    reason: visibleTextSchema(2000),
    value: { type: ['string', 'number', 'boolean'] },
  },
} as const;
