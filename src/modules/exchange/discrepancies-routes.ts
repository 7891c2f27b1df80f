import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, idParamsSchema, ref } from '../../../schemas/common.js';
import { closeDiscrepancyBody, discrepancyListSchema, discrepancySchema, listDiscrepanciesQuery } from '../../../schemas/discrepancies.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import { ctx } from '../context.js';
import { ALL_USERS } from '../identity/principal.js';
import { closeDiscrepancy, listDiscrepancies } from './discrepancies-service.js';

const tags = ['records'];

export const discrepanciesRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();

  app.get('/v1/discrepancies', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'listDiscrepancies',
      tags,
      summary: '一数一源: loaded copies disagreeing with their source',
      querystring: listDiscrepanciesQuery,
      response: { 200: discrepancyListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => listDiscrepancies(ctx(request), request.query));

  app.post('/v1/discrepancies/:id/close', {
    config: { roles: ['platform_admin', 'dept_admin'] },
    schema: {
      operationId: 'closeDiscrepancy',
      tags,
      summary: 'The source department closes a discrepancy',
      params: idParamsSchema,
      body: closeDiscrepancyBody,
      response: { 200: ref(discrepancySchema), ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request) => closeDiscrepancy(ctx(request), request.params.id, request.body.note));
};
