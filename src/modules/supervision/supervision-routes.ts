import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import { resourceFiguresListSchema, resourceFiguresQuery } from '../../../schemas/supervision.js';
import { ctx } from '../context.js';
import { periodOf, type Period } from './period.js';
import { resourceFigures } from './resource-figures.js';

const tags = ['supervision'];

export const periodView = (p: Period) => ({ from: p.fromDay, to: p.toDay, timeZone: 'Asia/Shanghai' as const });

export const supervisionRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();

  app.get('/v1/supervision/resources', {
    config: { roles: ['platform_admin', 'auditor'] },
    schema: {
      operationId: 'listResourceFigures',
      tags,
      summary: 'Per-resource calls, errors by code, latency percentiles, quota refusals and top consumers over a period',
      description: 'From hourly roll-ups (README: Supervision). Objections (纠错) come with issue 10.',
      querystring: resourceFiguresQuery,
      response: { 200: resourceFiguresListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => {
    const c = ctx(request);
    const period = periodOf(c.now, request.query.period);
    const items = await resourceFigures(c, period, { limit: request.query.limit, resourceId: request.query.resourceId });
    return { period: periodView(period), items };
  });
};
