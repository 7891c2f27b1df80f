import { cursorQuerySchema, cursorReplyProperties, pageQuerySchema, timestampSchema, usccSchema, uuidSchema, visibleTextSchema } from './common.js';

export const grantStatusSchema = { type: 'string', enum: ['active', 'revoked', 'expired'] } as const;

export const grantSchema = {
  type: 'object',
  required: ['id', 'applicationId', 'status', 'consumerCode', 'providerCode', 'systemId', 'resourceId', 'resourceVersion', 'fields',
    'purpose', 'legalBasis', 'serviceItemCode', 'conditions', 'validFrom', 'validTo', 'dailyQuota', 'expiryNoticeAt', 'createdAt',
    'revokedAt', 'revokeReason', 'expiredAt'],
  properties: {
    id: uuidSchema,
    applicationId: uuidSchema,
    status: grantStatusSchema,
    consumerCode: usccSchema,
    providerCode: usccSchema,
    systemId: uuidSchema,
    resourceId: uuidSchema,
    resourceVersion: { type: 'integer', description: 'the resource version the grant pins' },
    fields: { type: 'array', items: { type: 'string' } },
    purpose: { type: 'string' },
    legalBasis: { type: 'string' },
    serviceItemCode: { type: 'string', description: '事项编码; data calls must name it' },
    conditions: { type: ['string', 'null'] },
    validFrom: timestampSchema,
    validTo: timestampSchema,
    dailyQuota: { type: 'integer' },
    expiryNoticeAt: { ...timestampSchema, description: 'when the consumer is told the grant runs out' },
    createdAt: timestampSchema,
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    revokeReason: { type: ['string', 'null'] },
    expiredAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const grantListSchema = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: grantSchema }, ...cursorReplyProperties },
} as const;

export const listGrantsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: grantStatusSchema,
    side: { type: 'string', enum: ['consumer', 'provider', 'all'], default: 'all' },
    applicationId: uuidSchema,
    systemId: uuidSchema,
    resourceId: uuidSchema,
    ...pageQuerySchema,
    ...cursorQuerySchema,
  },
} as const;

export const revokeGrantBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: visibleTextSchema(2000) },
} as const;
