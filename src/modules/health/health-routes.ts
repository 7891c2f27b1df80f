import type { FastifyPluginAsync } from 'fastify';
import { errorResponses, ref } from '../../../schemas/common.js';
import { healthSchema } from '../../../schemas/health.js';

const READY_TIMEOUT_MS = 2_000;


const withTimeout = <T>(p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS).unref())]);

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', {
    config: { public: true },
    schema: { operationId: 'getLiveness', tags: ['operations'], summary: 'Liveness', security: [], response: { 200: ref(healthSchema), ...errorResponses(400) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { public: true },
    schema: {
      operationId: 'getReadiness',
      tags: ['operations'],
      summary: 'Readiness: PostgreSQL and Redis answer',
      security: [],
      response: { 200: ref(healthSchema), 503: ref(healthSchema), ...errorResponses(400) },
    },
  }, async (_request, reply) => {
    const [postgres, redis] = await Promise.all([
      withTimeout(app.db.raw('select 1')).then(() => 'ok', () => 'unavailable'),
      withTimeout(app.redis.ping()).then(() => 'ok', () => 'unavailable'),
    ]);
    const ok = postgres === 'ok' && redis === 'ok';
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: { postgres, redis } });
  });
};
