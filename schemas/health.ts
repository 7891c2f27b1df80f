export const HEALTH_STATES = ['ok', 'unavailable'] as const;
/** What /readyz checks; `failing` names those that are not ok. */
export const READY_CHECKS = ['postgres', 'redis', 'outbox'] as const;

export const healthSchema = {
  $id: 'Health',
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: HEALTH_STATES },
    failing: { type: 'array', items: { type: 'string', enum: READY_CHECKS } },
    checks: {
      type: 'object',
      properties: {
        postgres: { type: 'string' },
        redis: { type: 'string' },
        outbox: { type: 'string' },
      },
    },

  },
} as const;
