import { cursorQuery, cursorReplyProperties, listOf, pageQuery, queryOf, ref, timestampSchema, uuidSchema } from './common.js';

const messageData = {
  type: 'object',
  description: 'ids and decisions only; fetch the application or grant for details',
  additionalProperties: true,
} as const;

export const DELIVERY_STATUSES = ['pending', 'queued', 'delivered', 'no_webhook', 'dead'] as const;

export const notificationSchema = {
  $id: 'Notification',
  type: 'object',
  required: ['id', 'type', 'createdAt', 'data', 'departmentCode', 'delivery'],
  properties: {
    id: { ...uuidSchema, description: 'also the Idempotency-Key of the webhook delivery' },
    type: { type: 'string', description: 'e.g. application.pending_provider, application.granted, deadline.warning, deadline.overdue, grant.expiring, calendar.missing' },
    createdAt: timestampSchema,
    data: messageData,
    departmentCode: { type: 'string' },
    delivery: {
      type: 'object',
      required: ['status', 'attempts', 'deliveredAt', 'lastError'],
      properties: {
        status: { type: 'string', enum: DELIVERY_STATUSES },
        attempts: { type: 'integer' },
        deliveredAt: { type: ['string', 'null'], format: 'date-time' },
        lastError: { type: ['string', 'null'] },
      },
    },
  },
} as const;

/** Keyset-paged: total only on offset pages (requests without a cursor). */
export const notificationListSchema = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: ref(notificationSchema) }, ...cursorReplyProperties },
} as const;

export const listNotificationsQuery = queryOf({ type: { type: 'string', maxLength: 64 }, ...pageQuery, cursor: cursorQuery.cursor });

export const deadLetterSchema = {
  $id: 'DeadLetter',
  type: 'object',
  required: ['id', 'type', 'createdAt', 'data', 'departmentCode', 'applicationId', 'grantId', 'attempts', 'redrives', 'lastError', 'deadAt'],
  properties: {
    id: uuidSchema,
    type: { type: 'string' },
    createdAt: timestampSchema,
    data: messageData,
    departmentCode: { type: ['string', 'null'] },
    applicationId: { type: ['string', 'null'], format: 'uuid' },
    grantId: { type: ['string', 'null'], format: 'uuid' },
    attempts: { type: 'integer' },
    redrives: { type: 'integer' },
    lastError: { type: ['string', 'null'] },
    deadAt: timestampSchema,
  },
} as const;

export const deadLetterListSchema = listOf(ref(deadLetterSchema));

export const listDeadLettersQuery = queryOf(pageQuery);
