import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, idParamsSchema, listOf, ref, visibleTextSchema } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import {
  CASE_ACTIONS, departmentFiguresListSchema, departmentFiguresQuery, listCasesQuery, resourceFiguresListSchema, resourceFiguresQuery, supervisionCaseSchema,
} from '../../../schemas/supervision.js';
import { addCaseAction, listCases } from './case-views.js';
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
      summary: 'Per-department step figures (CSV for Accept: text/csv)',
      querystring: departmentFiguresQuery,
      response: {
        200: {
          description: 'OK',
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
    const csv = /\btext\/csv\b/.test(accept) && !/\bapplication\/json\b/.test(accept);
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
      summary: 'Per-resource call figures',
      querystring: resourceFiguresQuery,
      response: { 200: resourceFiguresListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => {
    const c = ctx(request);
    const period = periodOf(c.now, request.query.period);
    const items = await resourceFigures(c, period, { limit: request.query.limit });
    return { period: periodView(period), items };
  });

  app.get('/v1/supervision/cases', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'listSupervisionCases',
      tags,
      summary: 'Supervision cases (督办)',
      querystring: listCasesQuery,
      response: { 200: listOf(ref(supervisionCaseSchema), { total: false }), ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => ({ items: await listCases(ctx(request), {}) }));

  app.post('/v1/supervision/cases/:id/actions', {
    config: { roles: ['platform_admin'] },
    schema: {
      operationId: 'addSupervisionAction',
      tags,
      summary: 'Record an action on a case',
      params: idParamsSchema,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'note'],
        properties: { kind: { type: 'string', enum: CASE_ACTIONS }, note: visibleTextSchema(2000) },
      },
      response: { 201: ref(supervisionCaseSchema), ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await addCaseAction(ctx(request), request.params.id, request.body)));
};
