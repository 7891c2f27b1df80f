import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AUTH_ERRORS, errorResponses, idParamsSchema, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import {
  applicationDetailSchema,
  applicationListSchema,
  coordinationBody,
  coordinationDecisionBody,
  decisionBody,
  inboxListSchema,
  inboxQuery,
  listApplicationsQuery,
  resubmitApplicationBody,
  reviewBody,
  submitApplicationBody,
  withdrawBody,
} from '../../../schemas/applications.js';
import { ALL_USERS, DEPT_ROLES } from '../identity/principal.js';
import { getApplication, listApplications, listInbox } from './application-views.js';
import {
  decideApplication,
  decideCoordination,
  requestCoordination,
  resubmitApplication,
  reviewApplication,
  submitApplication,
  withdrawApplication,
} from './applications-service.js';
import { ctx } from '../context.js';
import { workflowSettings, type WorkflowContext } from './settings.js';

const tags = ['applications'];

/** A bare POST (no body) means "no changes" / "no reason": validated as an empty object. */
async function emptyBodyAsObject(request: FastifyRequest) {
  if (request.body === undefined || request.body === null) request.body = {};
}
const TRANSITION_ERRORS = errorResponses(...AUTH_ERRORS, 404, 409);

export const applicationsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const settings = workflowSettings(app.config);
  // The one request context (src/modules/context.ts) plus the deployment's deadline rules.
  const context = (request: FastifyRequest): WorkflowContext => ({ ...ctx(request), settings });

  app.post('/v1/applications', {
    config: { roles: DEPT_ROLES },
    schema: {
      operationId: 'submitApplication',
      tags,
      summary: "Apply for fields of a published resource for one of the department's systems (统一受理); the review deadline starts",
      body: submitApplicationBody,
      response: { 201: ref(applicationDetailSchema), ...errorResponses(...AUTH_ERRORS, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await submitApplication(context(request), request.body)));

  app.get('/v1/applications', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'listApplications',
      tags,
      summary: 'List applications: a department sees those it made and those for its resources; admin and auditor see all',
      querystring: listApplicationsQuery,
      response: { 200: applicationListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => listApplications(context(request), request.query));

  app.get('/v1/applications/:id', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'getApplication',
      tags,
      summary: 'An application with the timeline of every step, its current deadline and colour',
      params: idParamsSchema,
      response: { 200: ref(applicationDetailSchema), ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request) => getApplication(context(request), request.params.id));

  app.post('/v1/applications/:id/review', {
    config: { roles: ['platform_admin'] },
    schema: {
      operationId: 'reviewApplication',
      tags,
      summary: '规范性审查: accept (routes it: A → provisioning, B → pending_provider), reject or return with a reason',
      params: idParamsSchema,
      body: reviewBody,
      response: { 200: ref(applicationDetailSchema), ...TRANSITION_ERRORS },
    },
  }, async (request) => announceGrant(app, await reviewApplication(context(request), request.params.id, request.body)));

  app.post('/v1/applications/:id/decision', {
    config: { roles: ['dept_admin'] },
    schema: {
      operationId: 'decideApplication',
      tags,
      summary: "The providing department's decision on a Route B application: approve (may narrow fields, add conditions, shorten validity) or deny with a reason",
      params: idParamsSchema,
      body: decisionBody,
      response: { 200: ref(applicationDetailSchema), ...TRANSITION_ERRORS },
    },
  }, async (request) => announceGrant(app, await decideApplication(context(request), request.params.id, request.body)));

  app.post('/v1/applications/:id/withdraw', {
    config: { roles: DEPT_ROLES },
    preValidation: emptyBodyAsObject,
    schema: {
      operationId: 'withdrawApplication',
      tags,
      summary: 'The applicant withdraws an open application',
      params: idParamsSchema,
      body: withdrawBody,
      response: { 200: ref(applicationDetailSchema), ...TRANSITION_ERRORS },
    },
  }, async (request) => withdrawApplication(context(request), request.params.id, request.body));

  app.post('/v1/applications/:id/resubmit', {
    config: { roles: DEPT_ROLES },
    preValidation: emptyBodyAsObject,
    schema: {
      operationId: 'resubmitApplication',
      tags,
      summary: 'The applicant corrects and resubmits a returned application; a new review deadline starts',
      params: idParamsSchema,
      body: resubmitApplicationBody,
      response: { 200: ref(applicationDetailSchema), ...TRANSITION_ERRORS },
    },
  }, async (request) => resubmitApplication(context(request), request.params.id, request.body));

  app.post('/v1/applications/:id/coordination', {
    config: { roles: DEPT_ROLES },
    schema: {
      operationId: 'requestCoordination',
      tags,
      summary: 'After a denial, the applicant asks the platform to coordinate (协调)',
      params: idParamsSchema,
      body: coordinationBody,
      response: { 200: ref(applicationDetailSchema), ...TRANSITION_ERRORS },
    },
  }, async (request) => requestCoordination(context(request), request.params.id, request.body));

  app.post('/v1/applications/:id/coordination/decision', {
    config: { roles: ['platform_admin'] },
    schema: {
      operationId: 'decideCoordination',
      tags,
      summary: "The platform's coordination outcome: grant (may narrow like a provider) or deny with a reason",
      params: idParamsSchema,
      body: coordinationDecisionBody,
      response: { 200: ref(applicationDetailSchema), ...TRANSITION_ERRORS },
    },
  }, async (request) => announceGrant(app, await decideCoordination(context(request), request.params.id, request.body)));

  app.get('/v1/inbox', {
    config: { roles: DEPT_ROLES },
    schema: {
      operationId: 'listInbox',
      tags,
      summary: "Route B applications waiting for the caller's department, with deadline and colour, most urgent first",
      querystring: inboxQuery,
      response: { 200: inboxListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => listInbox(context(request), request.query));
};

/**
 * A decision that issued a grant (a new one, a renewal, a change of fields) is announced to every
 * replica's data path, which may cache the system's previous grants (exchange/grant-check.ts).
 */
async function announceGrant<A extends { status: string; systemId: string; resourceId: string }>(app: FastifyInstance, application: A): Promise<A> {
  if (application.status === 'granted') await app.invalidation.publish({ kind: 'grant', systemId: application.systemId, resourceId: application.resourceId });
  return application;
}
