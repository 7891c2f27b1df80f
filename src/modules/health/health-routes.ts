import type { FastifyPluginAsync } from 'fastify';

const READY_TIMEOUT_MS = 2_000;

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: {
      type: 'object',
      properties: { postgres: { type: 'string' }, redis: { type: 'string' } },
    },
  },
} as const;

const withTimeout = <T>(p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS).unref())]);

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', {
    config: { public: true },
    schema: { tags: ['operations'], summary: 'Liveness', security: [], response: { 200: statusSchema } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { public: true },
    schema: { tags: ['operations'], summary: 'Readiness: PostgreSQL and Redis answer', security: [], response: { 200: statusSchema, 503: statusSchema } },
  }, async (_request, reply) => {
    const [postgres, redis] = await Promise.all([
      withTimeout(app.db.raw('select 1')).then(() => 'ok', () => 'unavailable'),
      withTimeout(app.redis.ping()).then(() => 'ok', () => 'unavailable'),
    ]);
    const ok = postgres === 'ok' && redis === 'ok';
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: { postgres, redis } });
  });
};
