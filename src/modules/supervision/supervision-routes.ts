import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import { departmentFiguresListSchema, departmentFiguresQuery, resourceFiguresListSchema, resourceFiguresQuery } from '../../../schemas/supervision.js';
import { ALL_USERS } from '../identity/principal.js';
import { ctx } from '../context.js';
import { departmentFigures, departmentFiguresCsv } from './department-figures.js';
import { periodOf, type Period } from './period.js';
import { resourceFigures } from './resource-figures.js';

const tags = ['supervision'];

export const periodView = (p: Period) => ({ from: p.fromDay, to: p.toDay, timeZone: 'Asia/Shanghai' as const });

export const supervisionRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();

  app.get('/v1/supervision/departments', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'listDepartmentFigures',
      tags,
      summary: 'Per-department, per-step figures over a period: received, decided, on time, working days, yellow/red cards, rank',
      description: 'Auditors and platform admins see every department, others their own. format=csv or Accept: text/csv for CSV.',
      querystring: departmentFiguresQuery,
      response: {
        200: {
          description: 'the figures',
          content: { 'application/json': { schema: departmentFiguresListSchema }, 'text/csv': { schema: { type: 'string' } } },
        },
        ...errorResponses(...AUTH_ERRORS),
      },
    },
  }, async (request, reply) => {
    const c = ctx(request);
    const period = periodOf(c.now, request.query.period);
    const items = await departmentFigures(c, period);
    const accept = request.headers.accept ?? '';
    const csv = request.query.format === 'csv' || (request.query.format === undefined && /\btext\/csv\b/.test(accept) && !/\bapplication\/json\b/.test(accept));
    if (!csv) return { period: periodView(period), items };
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="sharehub-departments-${period.fromDay}-${period.toDay}.csv"`)
      .send(departmentFiguresCsv(period, items) as never);
  });

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
