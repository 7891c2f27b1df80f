import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import type { HubKeys } from '../lib/crypto.js';
import { AppError } from '../lib/errors.js';
import { createAuthenticator } from '../modules/identity/authenticate.js';
import { findActiveKey, noteKeyUsed } from '../modules/systems/systems-service.js';
import type { Principal, Role } from '../modules/identity/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** On `subject` routes: the signed-in data subject's id (from the identity provider's token). */
    dataSubjectId: string;
  }
  interface FastifyContextConfig {
    /** Roles allowed on this route. Routes without it, and not public, are refused at start-up. */
    roles?: readonly Role[];
    public?: boolean;
    /**
     * On a public route: authenticate the caller when an Authorization header is sent (a bad
     * token is still a 401), so the handler can offer signed-in callers more. Without the
     * header request.principal stays null.
     */
    optionalAuth?: boolean;
    /**
     * Only for a data subject signed in at the identity provider (IDP_SUBJECT_ID_CLAIM): any
     * other valid credential is a 403, none a 401. Documented as the role `data_subject`.
     */
    subject?: boolean;
  }
}

/**
 * Deny by default: every route in the scope this plugin is registered in must state the roles
 * it allows (config.roles) or be explicitly public; a route that states neither fails start-up.
 * Authentication and the role check run in onRequest, before the body is even parsed.
 */
export default fp<{ config: Config; keys: HubKeys }>(
  async (app, { config, keys }) => {
    const authenticator = await createAuthenticator({ db: app.db, config, keys, apiKeys: { findActiveKey, noteKeyUsed } });
    // A key revoked on any replica is dropped from this one's cache at once.
    app.invalidation.subscribe((m) => {
      if (m.kind === 'key') authenticator.forgetKey(m.keyId);
      else if (m.kind === 'all') authenticator.forgetAll();
    });

    app.addHook('onRoute', (route) => {
      const c = route.config as { roles?: readonly Role[]; public?: boolean; optionalAuth?: boolean; subject?: boolean } | undefined;
      if (!c?.public && !c?.roles?.length && !c?.subject) {
        throw new Error(`route ${route.method} ${route.url} states no roles (config.roles) and is not public`);
      }
      // The OpenAPI document states who may call each operation; tests check it is enforced.
      // Optional sign-in is not "public": what a signed-in caller gets more is for the route's
      // own description to say, and its security lists both anonymous and bearer access.
      if (route.schema) {
        const who = c.public
          ? (c.optionalAuth ? 'Optional sign-in: served without credentials; a token that is sent is checked (401 when invalid).' : 'Public: no sign-in.')
          : `Roles: ${c.subject ? 'data_subject' : c.roles!.join(', ')}.`;
        route.schema = { ...route.schema, description: [route.schema.description, who].filter(Boolean).join('\n\n') };
        if (c.public) route.schema = { ...route.schema, security: c.optionalAuth ? route.schema.security ?? [{}, { bearer: [] }] : [] };
      }
    });

    app.decorateRequest('principal', null as never);
    app.decorateRequest('dataSubjectId', null as never);

    app.addHook('onRequest', async (request) => {
      const routeConfig = request.routeOptions.config;
      if (routeConfig.public) {
        if (routeConfig.optionalAuth && request.headers.authorization !== undefined) request.principal = await authenticate(request);
        return;
      }
      if (routeConfig.subject) {
        const token = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
        const subjectId = token ? await authenticator.dataSubject(token) : undefined;
        if (subjectId) {
          request.dataSubjectId = subjectId;
          return;
        }
      }
      request.principal = await authenticate(request);
      if (!routeConfig.roles?.includes(request.principal.role)) {
        throw new AppError('FORBIDDEN', `this operation is not allowed for role '${request.principal.role}'`);
      }
    });

    // The header's syntax is HTTP's business and stays here; what the credential means is identity's.
    async function authenticate(request: FastifyRequest): Promise<Principal> {
      const header = request.headers.authorization;
      const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
      if (!token) throw new AppError('UNAUTHENTICATED', 'send Authorization: Bearer <token or API key>');
      return authenticator.authenticate(token, app.clock());
    }
  },
  { name: 'auth', dependencies: ['db', 'invalidation'] },
);
