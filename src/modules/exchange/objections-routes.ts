import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, idParamsSchema, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import { decideObjectionBody, listObjectionsQuery, objectionListSchema, objectionSchema, raiseObjectionBody } from '../../../schemas/objections.js';
import { recordParamsSchema } from '../../../schemas/records.js';
import { ctx } from '../context.js';
import { ALL_USERS } from '../identity/principal.js';
import { decideObjection, listObjections, raiseObjection, type Decision } from './objections-service.js';
import { recordKeyringOf } from './records-load-service.js';

const tags = ['records'];

export const objectionsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const keyring = recordKeyringOf(app.config);
  const settings = { workingDays: app.config.OBJECTION_WORKING_DAYS, warningWorkingDays: app.config.WARNING_WORKING_DAYS };

  app.post('/v1/resources/:id/records/:subjectId/objections', {
    config: { roles: ['system', 'dept_admin', 'dept_operator'] },
    schema: {
      operationId: 'raiseObjection',
      tags,
      summary: '纠错: object to a field received under a grant',
      params: recordParamsSchema,
      body: raiseObjectionBody,
      response: { 201: ref(objectionSchema), ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request, reply) => reply.code(201).send(await raiseObjection(ctx(request), keyring, settings, {
    resourceId: request.params.id, subjectId: request.params.subjectId, field: request.body.field, reason: request.body.reason,
  })));

  app.get('/v1/objections', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'listObjections',
      tags,
      summary: "Objections (纠错) raised by or to the caller's department",
      querystring: listObjectionsQuery,
      response: { 200: objectionListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => listObjections(ctx(request), request.query));

  app.post('/v1/objections/:id/decision', {
    config: { roles: ['system'] },
    schema: {
      operationId: 'decideObjection',
      tags,
      summary: "The provider's system corrects or rejects an objection",
      params: idParamsSchema,
      body: decideObjectionBody,
      response: { 200: ref(objectionSchema), ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request) => decideObjection(ctx(request), keyring, request.params.id, request.body as Decision));
};
