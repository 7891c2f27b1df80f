import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, idParamsSchema, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import { apiKeyListSchema, createdSystemSchema, createSystemBody, issuedKeySchema, keyParams, systemListSchema, systemSchema } from '../../../schemas/systems.js';
import { addKey, createSystem, getSystem, listKeys, listSystems, revokeKey, toSystem } from './systems-service.js';
import { ctx } from '../context.js';

const tags = ['systems'];
const READERS = ['platform_admin', 'auditor', 'dept_admin', 'dept_operator'] as const;

export const systemsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();

  app.post('/v1/systems', {
    config: { roles: ['dept_admin'] },
    schema: {
      operationId: 'createSystem',
      tags,
      summary: "Register a client system of the caller's department; the reply holds its first API key, once",
      body: createSystemBody,
      response: { 201: ref(createdSystemSchema), ...errorResponses(...AUTH_ERRORS, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await createSystem(ctx(request), request.body)));

  app.get('/v1/systems', {
    config: { roles: READERS },
    schema: {
      operationId: 'listSystems',
      tags,
      summary: "List client systems (departments see their own)",
      response: {
        200: systemListSchema,
        ...errorResponses(...AUTH_ERRORS),
      },
    },
  }, async (request) => ({ items: (await listSystems(ctx(request))).map(toSystem) }));

  app.get('/v1/systems/:id', {
    config: { roles: READERS },
    schema: { operationId: 'getSystem', tags, summary: 'Get a client system', params: idParamsSchema, response: { 200: ref(systemSchema), ...errorResponses(...AUTH_ERRORS, 404) } },
  }, async (request) => toSystem(await getSystem(ctx(request), request.params.id)));

  app.get('/v1/systems/:id/keys', {
    config: { roles: READERS },
    schema: {
      operationId: 'listSystemKeys',
      tags,
      summary: "List a system's API keys (never the keys themselves)",
      params: idParamsSchema,
      response: {
        200: apiKeyListSchema,
        ...errorResponses(...AUTH_ERRORS, 404),
      },
    },
  }, async (request) => ({ items: await listKeys(ctx(request), request.params.id) }));

  app.post('/v1/systems/:id/keys', {
    config: { roles: ['dept_admin'] },
    schema: {
      operationId: 'createSystemKey',
      tags,
      summary: 'Issue an additional API key (rotation); shown once',
      params: idParamsSchema,
      response: { 201: ref(issuedKeySchema), ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request, reply) => reply.code(201).send(await addKey(ctx(request), request.params.id)));

  app.delete('/v1/systems/:id/keys/:keyId', {
    config: { roles: ['dept_admin', 'platform_admin'] },
    schema: {
      operationId: 'revokeSystemKey',
      tags,
      summary: "Revoke an API key; effective on the next request (the system's department admin, or the platform admin for incident response)",
      params: keyParams,
      response: { 204: { type: 'null' }, ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request, reply) => {
    await revokeKey(ctx(request), request.params.id, request.params.keyId);
    // After the commit: every replica drops the key from its cache (src/plugins/invalidation.ts).
    await app.invalidation.publish({ kind: 'key', keyId: request.params.keyId });
    return reply.code(204).send(null);
  });
};
