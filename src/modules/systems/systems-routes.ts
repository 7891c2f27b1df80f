import type { FastifyPluginAsync } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { AUTH_ERRORS, errorResponses, idParamsSchema } from '../../../schemas/common.js';
import { apiKeySchema, createdSystemSchema, createSystemBody, issuedKeySchema, keyParams, systemSchema } from '../../../schemas/systems.js';
import { addKey, createSystem, getSystem, listKeys, listSystems, revokeKey, toSystem } from './systems-service.js';
import { ctx } from '../context.js';

const tags = ['systems'];
const READERS = ['platform_admin', 'auditor', 'dept_admin', 'dept_operator'] as const;

export const systemsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();

  app.post('/v1/systems', {
    config: { roles: ['dept_admin'] },
    schema: {
      tags,
      summary: "Register a client system of the caller's department; the reply holds its first API key, once",
      body: createSystemBody,
      response: { 201: createdSystemSchema, ...errorResponses(...AUTH_ERRORS, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await createSystem(ctx(request), request.body)));

  app.get('/v1/systems', {
    config: { roles: READERS },
    schema: {
      tags,
      summary: "List client systems (departments see their own)",
      response: {
        200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: systemSchema } } },
        ...errorResponses(...AUTH_ERRORS),
      },
    },
  }, async (request) => ({ items: (await listSystems(ctx(request))).map(toSystem) }));

  app.get('/v1/systems/:id', {
    config: { roles: READERS },
    schema: { tags, summary: 'Get a client system', params: idParamsSchema, response: { 200: systemSchema, ...errorResponses(...AUTH_ERRORS, 404) } },
  }, async (request) => toSystem(await getSystem(ctx(request), request.params.id)));

  app.get('/v1/systems/:id/keys', {
    config: { roles: READERS },
    schema: {
      tags,
      summary: "List a system's API keys (never the keys themselves)",
      params: idParamsSchema,
      response: {
        200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: apiKeySchema } } },
        ...errorResponses(...AUTH_ERRORS, 404),
      },
    },
  }, async (request) => ({ items: await listKeys(ctx(request), request.params.id) }));

  app.post('/v1/systems/:id/keys', {
    config: { roles: ['dept_admin'] },
    schema: {
      tags,
      summary: 'Issue an additional API key (rotation); shown once',
      params: idParamsSchema,
      response: { 201: issuedKeySchema, ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request, reply) => reply.code(201).send(await addKey(ctx(request), request.params.id)));

  app.delete('/v1/systems/:id/keys/:keyId', {
    config: { roles: ['dept_admin', 'platform_admin'] },
    schema: {
      tags,
      summary: "Revoke an API key; effective on the next request (the system's department admin, or the platform admin for incident response)",
      params: keyParams,
      response: { 204: { type: 'null' }, ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request, reply) => {
    await revokeKey(ctx(request), request.params.id, request.params.keyId);
    return reply.code(204).send(null);
  });
};
