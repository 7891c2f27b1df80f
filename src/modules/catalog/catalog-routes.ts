import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import {
  createResourceBody,
  dcatDocumentSchema,
  deprecateResourceBody,
  exportQuery,
  getResourceQuery,
  resourceIdParams,
  resourceSchema,
  responsibilityListSchema,
  responsibilityParams,
  reviewResourceBody,
  searchResourcesQuery,
  searchResultSchema,
  updateResourceBody,
  versionListSchema,
} from '../../../schemas/catalog.js';
import { publicBaseUrl } from '../../config.js';
import { AppError } from '../../lib/errors.js';
import { ctx } from '../context.js';
import { ALL_USERS, DEPT_ROLES, type Principal } from '../identity/principal.js';
import { buildDcatCatalog, catalogCsvStream, dcatEtag, etagMatches } from './catalog-export.js';
import { searchResources } from './catalog-search.js';
import {
  createResource,
  deprecateResource,
  getResource,
  listResponsibilities,
  listVersions,
  reviewResource,
  submitResource,
  updateResource,
} from './catalog-service.js';

const tags = ['catalog'];

export const catalogRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();

  app.post('/v1/resources', {
    config: { roles: DEPT_ROLES },
    schema: {
      operationId: 'createResource',
      tags,
      summary: "Draft a resource of the caller's department (version 1, status draft)",
      body: createResourceBody,
      response: { 201: ref(resourceSchema), ...errorResponses(...AUTH_ERRORS, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await createResource(ctx(request), request.body)));

  app.get('/v1/resources', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'searchResources',
      tags,
      summary: 'Search the catalog: substring text search, filters, facet counts',
      description: 'Everyone sees published and deprecated resources; the owning department and the platform also see drafts and resources in review.',
      querystring: searchResourcesQuery,
      response: { 200: searchResultSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => searchResources(ctx(request), request.query));

  app.get('/v1/resources/:id', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'getResource',
      tags,
      summary: 'Get a resource (by uuid or URL-encoded code), at its published version or the one asked for',
      params: resourceIdParams,
      querystring: getResourceQuery,
      response: { 200: ref(resourceSchema), ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request) => getResource(ctx(request), request.params.id, request.query.version));

  app.get('/v1/resources/:id/versions', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'listResourceVersions',
      tags,
      summary: 'List the versions of a resource, newest first (others than the owner and the platform see published ones only)',
      params: resourceIdParams,
      response: { 200: versionListSchema, ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request) => listVersions(ctx(request), request.params.id));

  app.patch('/v1/resources/:id', {
    config: { roles: DEPT_ROLES },
    schema: {
      operationId: 'updateResource',
      tags,
      summary: 'Edit the draft; on a published resource, draft the next version (the published one keeps serving)',
      params: resourceIdParams,
      body: updateResourceBody,
      response: { 200: ref(resourceSchema), ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request) => updateResource(ctx(request), request.params.id, request.body));

  app.post('/v1/resources/:id/submit', {
    config: { roles: DEPT_ROLES },
    schema: {
      operationId: 'submitResource',
      tags,
      summary: 'Send the draft for the platform review',
      params: resourceIdParams,
      response: { 200: ref(resourceSchema), ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request) => submitResource(ctx(request), request.params.id));

  app.post('/v1/resources/:id/review', {
    config: { roles: ['platform_admin'] },
    schema: {
      operationId: 'reviewResource',
      tags,
      summary: 'Publish or reject the version in review (a rejection needs a reason and returns it to draft)',
      params: resourceIdParams,
      body: reviewResourceBody,
      response: { 200: ref(resourceSchema), ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request) => reviewResource(ctx(request), request.params.id, request.body));

  app.post('/v1/resources/:id/deprecate', {
    config: { roles: ['dept_admin', 'platform_admin'] },
    schema: {
      operationId: 'deprecateResource',
      tags,
      summary: 'Deprecate a published resource: no new applications; existing grants run to expiry',
      params: resourceIdParams,
      body: deprecateResourceBody,
      response: { 200: ref(resourceSchema), ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request) => deprecateResource(ctx(request), request.params.id, request.body));

  app.get('/v1/departments/:code/responsibilities', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'getResponsibilityList',
      tags,
      summary: "A department's sharing responsibility list (共享责任清单)",
      params: responsibilityParams,
      response: { 200: responsibilityListSchema, ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request) => listResponsibilities(ctx(request), request.params.code));

  app.get('/v1/catalog/export', {
    // Public for the open-data DCAT document; the CSV needs a signed-in user.
    config: { public: true, optionalAuth: true },
    schema: {
      operationId: 'exportCatalog',
      tags,
      summary: 'Export the catalog: format=dcat (DCAT-AP JSON-LD, open resources, public) or format=csv (whole published catalog, signed-in users)',
      description: 'Public for format=dcat; format=csv needs a signed-in user (any user role; not a system).',
      security: [{}, { bearer: [] }],
      querystring: exportQuery,
      response: {
        200: {
          description: 'the catalog',
          content: {
            'application/ld+json': { schema: dcatDocumentSchema },
            'text/csv': { schema: { type: 'string', description: 'UTF-8 with BOM, CRLF line ends, one header line' } },
          },
        },
        304: { description: 'format=dcat: unchanged since the ETag sent in If-None-Match', type: 'null' },
        ...errorResponses(400, 401, 403),
      },
    },
  }, async (request, reply) => {
    if (request.query.format === 'dcat') {
      const baseUrl = publicBaseUrl(app.config);
      const etag = await dcatEtag(app.db, baseUrl);
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
      const doc = await buildDcatCatalog(app.db, baseUrl);
      // Sent as text: the JSON-LD keys (@context, dct:…) are built from named fields only.
      return reply.type('application/ld+json; charset=utf-8').send(JSON.stringify(doc));
    }
    const principal = request.principal as Principal | null;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'format=csv is for signed-in users: send Authorization: Bearer <token>');
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', `this operation is not allowed for role '${principal.role}'`);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="sharehub-catalog.csv"')
      // The type provider knows only the JSON shapes; a stream is sent as is.
      .send(catalogCsvStream(app.db) as unknown as string);
  });
};
