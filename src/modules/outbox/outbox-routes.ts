import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, idParamsSchema, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import { deadLetterListSchema, listDeadLettersQuery, listNotificationsQuery, notificationListSchema, notificationSchema } from '../../../schemas/outbox.js';
import { ctx } from '../context.js';
import { ALL_USERS } from '../identity/principal.js';
import { listDeadLetters, listNotifications, redriveDeadLetter } from './outbox-service.js';

export const outboxRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();

  app.get('/v1/notifications', {
    config: { roles: ALL_USERS },
    schema: {
      operationId: 'listNotifications',
      tags: ['notifications'],
      summary: "The caller's department's messages — pushes, decisions, yellow warnings, red cards, grant notices — with their webhook delivery status (auditors see all)",
      querystring: listNotificationsQuery,
      response: { 200: notificationListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => listNotifications(ctx(request), request.query));

  app.get('/v1/admin/dead-letters', {
    config: { roles: ['platform_admin', 'auditor'] },
    schema: {
      operationId: 'listDeadLetters',
      tags: ['operations'],
      summary: 'Webhook messages that exhausted their retries',
      querystring: listDeadLettersQuery,
      response: { 200: deadLetterListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => listDeadLetters(ctx(request), request.query));

  app.post('/v1/admin/dead-letters/:id/redrive', {
    config: { roles: ['platform_admin'] },
    schema: {
      operationId: 'redriveDeadLetter',
      tags: ['operations'],
      summary: 'Send a dead letter again with a fresh retry budget (same Idempotency-Key)',
      params: idParamsSchema,
      response: { 202: ref(notificationSchema), ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request, reply) => reply.code(202).send(await redriveDeadLetter(ctx(request), request.params.id)));
};
