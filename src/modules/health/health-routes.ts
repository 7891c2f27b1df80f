import type { FastifyPluginAsync } from 'fastify';
import { errorResponses, ref } from '../../../schemas/common.js';
import { healthSchema, type READY_CHECKS } from '../../../schemas/health.js';
import { outboxBacklog } from '../outbox/outbox-service.js';

const READY_TIMEOUT_MS = 2_000;

const withTimeout = <T>(p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS).unref())]);

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', {
    config: { public: true, shedExempt: true },
    schema: { operationId: 'getLiveness', tags: ['operations'], summary: 'Liveness', security: [], response: { 200: ref(healthSchema), ...errorResponses(400) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { public: true, shedExempt: true },
    schema: {
      operationId: 'getReadiness',
      tags: ['operations'],
      summary: 'Readiness; `failing` names what is not ok',
      security: [],
      response: { 200: ref(healthSchema), 503: ref(healthSchema), ...errorResponses(400) },
    },
  }, async (_request, reply) => {
    const max = app.config.READY_OUTBOX_BACKLOG_MAX;
    const [postgres, redis, backlog] = await Promise.all([
      withTimeout(app.db.raw('select 1')).then(() => 'ok', () => 'unavailable'),
      withTimeout(app.redis.ping()).then(() => 'ok', () => 'unavailable'),
      // A backlog past the threshold means the relay or the deliveries are not keeping up.
      withTimeout(outboxBacklog(app.db, app.clock())).catch(() => undefined),
    ]);
    const outbox = backlog === undefined ? 'unavailable' : backlog.backlog > max ? 'backlog' : 'ok';
    const checks = { postgres, redis, outbox };
    const failing = (Object.keys(checks) as (typeof READY_CHECKS)[number][]).filter((k) => checks[k] !== 'ok');
    return reply.code(failing.length ? 503 : 200).send({
      status: failing.length ? 'unavailable' : 'ok',
      failing,
      checks,
    });
  });
};
