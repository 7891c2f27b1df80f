import { APPLICATION_SIDES } from './applications.js';
import { cursorQuery, listOf, pageQuery, queryOf, ref, timestampSchema, usccSchema, uuidSchema, visibleTextSchema } from './common.js';

export const GRANT_STATUSES = ['active', 'revoked', 'expired'] as const;

export const grantStatusSchema = { $id: 'GrantStatus', type: 'string', enum: GRANT_STATUSES } as const;

export const grantSchema = {
  $id: 'Grant',
  type: 'object',
  required: ['id', 'applicationId', 'status', 'consumerCode', 'providerCode', 'systemId', 'resourceId', 'resourceVersion', 'fields',
    'purpose', 'legalBasis', 'serviceItemCode', 'conditions', 'validFrom', 'validTo', 'dailyQuota', 'plainValues', 'expiryNoticeAt', 'createdAt',
    'revokedAt', 'revokeReason', 'expiredAt'],
  properties: {
    id: uuidSchema,
    applicationId: uuidSchema,
    status: ref(grantStatusSchema),
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
    plainValues: {
      type: 'boolean',
      description: 'true: data calls return the granted fields unmasked; false (default): masked per data item (脱敏). Set only by the decision ' +
        'that issued the grant: the platform accepting on Route A or granting after coordination, the provider approving on Route B',
    },
    expiryNoticeAt: { ...timestampSchema, description: 'when the consumer is told the grant runs out' },
    createdAt: timestampSchema,
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    revokeReason: { type: ['string', 'null'] },
    expiredAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const grantListSchema = listOf(ref(grantSchema), { total: 'optional', nextCursor: true });

export const listGrantsQuery = queryOf({
  status: { type: 'string', enum: GRANT_STATUSES },
  side: { type: 'string', enum: APPLICATION_SIDES, default: 'all' },
  applicationId: uuidSchema,
  systemId: uuidSchema,
  resourceId: uuidSchema,
  ...pageQuery,
  cursor: cursorQuery.cursor,
});

export const revokeGrantBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: visibleTextSchema(2000) },
} as const;
