import { queryOf, ref, usccSchema, uuidSchema } from './common.js';

// 效能监督: the supervision figures (departments, resources), supervision cases (督办) and alerts.

/** The period query shared by the figures' routes (spread into their querystrings). */
export const periodQuery = {
  period: {
    type: 'string',
    maxLength: 22,
    pattern: '^(day|week|month|\\d{4}-(\\d{2}|W\\d{2})|\\d{4}-\\d{2}-\\d{2}(\\.\\.\\d{4}-\\d{2}-\\d{2})?)$',
    description: 'Asia/Shanghai: 2026-03, 2026-W10 (ISO week), 2026-03-09, 2026-03-01..2026-03-15, or day|week|month (current; default month)',
  },
} as const;

export const supervisionPeriodSchema = {
  $id: 'SupervisionPeriod',
  type: 'object',
  required: ['from', 'to', 'timeZone'],
  properties: {
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date', description: 'inclusive' },
    timeZone: { type: 'string', enum: ['Asia/Shanghai'] },
  },
} as const;

const msOrNull = { type: ['number', 'null'] } as const;

export const resourceFiguresSchema = {
  $id: 'ResourceFigures',
  type: 'object',
  required: ['resourceId', 'resourceCode', 'resourceName', 'providerCode', 'calls', 'errors', 'errorsByCode', 'quotaRefusals', 'notFound', 'latencyMs', 'topConsumers'],
  properties: {
    resourceId: uuidSchema,
    resourceCode: { type: ['string', 'null'] },
    resourceName: { type: ['string', 'null'] },
    providerCode: { type: ['string', 'null'] },
    calls: { type: 'integer' },
    errors: { type: 'integer' },
    errorsByCode: { type: 'object', additionalProperties: { type: 'integer' } },
    quotaRefusals: { type: 'integer' },
    notFound: { type: 'integer' },
    latencyMs: {
      type: 'object',
      required: ['p50', 'p95', 'p99', 'mean'],
      properties: { p50: msOrNull, p95: msOrNull, p99: msOrNull, mean: msOrNull },
    },
    topConsumers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['departmentCode', 'calls', 'errors'],
        properties: { departmentCode: usccSchema, calls: { type: 'integer' }, errors: { type: 'integer' } },
      },
    },
  },
} as const;

export const resourceFiguresQuery = queryOf({
  ...periodQuery,
  resourceId: uuidSchema,
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
});

export const resourceFiguresListSchema = {
  type: 'object',
  required: ['period', 'items'],
  properties: { period: ref(supervisionPeriodSchema), items: { type: 'array', items: ref(resourceFiguresSchema) } },
} as const;
