export const HEALTH_STATES = ['ok', 'unavailable'] as const;

export const healthSchema = {
  $id: 'Health',
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: HEALTH_STATES },
    checks: {
      type: 'object',
      properties: { postgres: { type: 'string' }, redis: { type: 'string' } },
    },
  },
} as const;
