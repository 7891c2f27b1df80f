import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, idParamsSchema, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import {
  changeOwnPasswordBody,
  createUserBody,
  identityProviderSchema,
  listUsersQuery,
  principalSchema,
  tokenBody,
  tokenSchema,
  updateUserBody,
  userListSchema,
  userSchema,
} from '../../../schemas/identity.js';
import { ALL_USERS } from './principal.js';
import { ctx } from '../context.js';
import { changeOwnPassword, createUser, getUser, issueToken, listUsers, toUser, updateUser } from './users-service.js';

const tags = ['identity'];
const USER_MANAGERS = ['platform_admin', 'dept_admin'] as const;

export const identityRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();

  app.post('/v1/auth/token', {
    config: { public: true },
    schema: {
      operationId: 'createToken',
      tags,
      summary: 'Exchange a username and password for a short-lived JWT (locked for a while after repeated wrong passwords: 429)',
      security: [],
      body: tokenBody,
      response: { 200: ref(tokenSchema), ...errorResponses(400, 401, 429) },
    },
  }, async (request) => {
    const { username, password } = request.body;
    return issueToken(ctx(request), app.keys.jwt, { issuer: app.config.JWT_ISSUER, ttlSeconds: app.config.JWT_TTL_SECONDS }, username, password);
  });

  // What the console needs to send a citizen or company to the identity provider.
  app.get('/v1/auth/identity-provider', {
    config: { public: true },
    schema: {
      operationId: 'getIdentityProvider',
      tags,
      summary: 'Whether data subjects sign in at an identity provider, and where',
      response: { 200: ref(identityProviderSchema), ...errorResponses(400) },
    },
  }, async () => {
    const subjectSignIn = Boolean(app.config.IDP_SUBJECT_ID_CLAIM && (app.config.IDP_JWKS_URL || app.config.IDP_PUBLIC_KEY));
    return { subjectSignIn, signInUrl: subjectSignIn ? app.config.IDP_SIGN_IN_URL ?? null : null };
  });

  app.get('/v1/me', {
    config: { roles: [...ALL_USERS, 'system'] },
    schema: { operationId: 'getMe', tags, summary: 'Who the caller is', response: { 200: ref(principalSchema), ...errorResponses(401) } },
  }, async (request) => request.principal);

  app.post('/v1/me/password', {
    config: { roles: ['platform_admin', 'auditor', 'dept_admin', 'dept_operator'] },
    schema: {
      operationId: 'changeOwnPassword',
      tags,
      summary: 'Change your own password; every session signed in before it ends, so sign in again',
      body: changeOwnPasswordBody,
      response: { 204: { type: 'null' }, ...errorResponses(...AUTH_ERRORS, 429) },
    },
  }, async (request, reply) => {
    await changeOwnPassword(ctx(request), request.body);
    return reply.code(204).send(null);
  });

  app.post('/v1/users', {
    config: { roles: USER_MANAGERS },
    schema: {
      operationId: 'createUser',
      tags,
      summary: 'Create a user (platform admin: department admins and operators of any department; department admin: operators of its own). Platform admins and auditors: sharehub CLI only',
      body: createUserBody,
      response: { 201: ref(userSchema), ...errorResponses(...AUTH_ERRORS, 409) },
    },
  }, async (request, reply) => reply.code(201).send(toUser(await createUser(ctx(request), request.body))));

  app.get('/v1/users', {
    config: { roles: [...USER_MANAGERS, 'auditor'] },
    schema: {
      operationId: 'listUsers',
      tags,
      summary: "List users (department admins see their own department's only)",
      querystring: listUsersQuery,
      response: {
        200: userListSchema,
        ...errorResponses(...AUTH_ERRORS),
      },
    },
  }, async (request) => {
    const { rows, total } = await listUsers(ctx(request), request.query);
    return { items: rows.map(toUser), total };
  });

  app.get('/v1/users/:id', {
    config: { roles: [...USER_MANAGERS, 'auditor'] },
    schema: { operationId: 'getUser', tags, summary: 'Get a user', params: idParamsSchema, response: { 200: ref(userSchema), ...errorResponses(...AUTH_ERRORS, 404) } },
  }, async (request) => toUser(await getUser(ctx(request), request.params.id)));

  app.patch('/v1/users/:id', {
    config: { roles: USER_MANAGERS },
    schema: {
      operationId: 'updateUser',
      tags,
      summary: 'Change display name, reset password, disable or enable a user of lower privilege (platform admin: department users; department admin: its own operators)',
      params: idParamsSchema,
      body: updateUserBody,
      response: { 200: ref(userSchema), ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request) => toUser(await updateUser(ctx(request), request.params.id, request.body)));
};
