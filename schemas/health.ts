export const HEALTH_STATES = ['ok', 'unavailable'] as const;
/** What /readyz checks; `failing` names those that are not ok. */
export const READY_CHECKS = ['postgres', 'redis', 'outbox'] as const;

export const healthSchema = {
  $id: 'Health',
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: HEALTH_STATES },
    failing: { type: 'array', items: { type: 'string', enum: READY_CHECKS }, description: 'the checks that are not ok' },
    checks: {
      type: 'object',
      properties: {
        postgres: { type: 'string' },
        redis: { type: 'string' },
        outbox: { type: 'string', description: "'backlog' when more messages wait than READY_OUTBOX_BACKLOG_MAX" },
      },
    },
    outbox: {
      type: 'object',
      properties: { backlog: { type: 'integer' }, oldestAgeSeconds: { type: 'number' }, max: { type: 'integer' } },
    },
  },
} as const;
