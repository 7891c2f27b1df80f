import { cursorQuerySchema, cursorReplyProperties, pageQuerySchema, timestampSchema, uuidSchema } from './common.js';

const messageData = {
  type: 'object',
  description: 'ids and decisions only; fetch the application or grant for details',
  additionalProperties: true,
} as const;

export const notificationSchema = {
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
        status: { type: 'string', enum: ['pending', 'queued', 'delivered', 'no_webhook', 'dead'] },
        attempts: { type: 'integer' },
        deliveredAt: { type: ['string', 'null'], format: 'date-time' },
        lastError: { type: ['string', 'null'] },
      },
    },
  },
} as const;

export const notificationListSchema = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: notificationSchema }, ...cursorReplyProperties },
} as const;

export const listNotificationsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { type: { type: 'string', maxLength: 64 }, ...pageQuerySchema, ...cursorQuerySchema },
} as const;

export const deadLetterSchema = {
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

export const deadLetterListSchema = {
  type: 'object',
  required: ['items', 'total'],
  properties: { items: { type: 'array', items: deadLetterSchema }, total: { type: 'integer' } },
} as const;
