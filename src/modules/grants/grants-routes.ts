import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, idParamsSchema, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import { grantListSchema, grantSchema, listGrantsQuery, revokeGrantBody } from '../../../schemas/grants.js';
import { ALL_USERS } from '../identity/principal.js';
import { ctx } from '../context.js';
import { getGrant, listGrants, revokeGrant, toGrant } from './grants-service.js';

const tags = ['grants'];

export const grantsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();

  app.get('/v1/grants', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'listGrants',
      tags,
      summary: 'List grants: a department sees those it holds and those on its resources; admin and auditor see all',
      querystring: listGrantsQuery,
      response: { 200: grantListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => {
    const { rows, ...page } = await listGrants(ctx(request), request.query);
    return { items: rows.map(toGrant), ...page };
  });

  app.get('/v1/grants/:id', {
    config: { roles: ALL_USERS },
    schema: { operationId: 'getGrant', tags, summary: 'A grant', params: idParamsSchema, response: { 200: ref(grantSchema), ...errorResponses(...AUTH_ERRORS, 404) } },
  }, async (request) => toGrant(await getGrant(ctx(request), request.params.id)));

  app.post('/v1/grants/:id/revoke', {
    config: { roles: ['platform_admin', 'dept_admin'] },
    schema: {
      operationId: 'revokeGrant',
      tags,
      summary: "Revoke a grant (the providing department's admin or the platform); takes effect on the next call",
      params: idParamsSchema,
      body: revokeGrantBody,
      response: { 200: ref(grantSchema), ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request) => {
    const row = await revokeGrant(ctx(request), request.params.id, request.body.reason);
    // After the commit: every replica drops the grant from its cache (src/plugins/invalidation.ts).
    await app.invalidation.publish({ kind: 'grant', systemId: row.system_id, resourceId: row.resource_id });
    return toGrant(row);
  });
};
