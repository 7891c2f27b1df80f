import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../lib/errors.js';
import { assertTokenStillValid } from '../modules/identity/sessions.js';
import { sha256Hex } from '../lib/crypto.js';
import type { Config } from '../config.js';
import type { HubKeys } from '../lib/crypto.js';

export type UserRole = 'platform_admin' | 'auditor' | 'dept_admin' | 'dept_operator';
/** What a route may allow: the four user roles, or a department's client system. */
export type Role = UserRole | 'system';

export const USER_ROLES: readonly UserRole[] = ['platform_admin', 'auditor', 'dept_admin', 'dept_operator'];
export const DEPT_ROLES: readonly UserRole[] = ['dept_admin', 'dept_operator'];
export const ALL_USERS: readonly Role[] = USER_ROLES;

export type Principal =
  | { kind: 'user'; role: UserRole; userId: string; username: string; departmentCode: string }
  | { kind: 'system'; role: 'system'; systemId: string; keyId: string; departmentCode: string };

/** Platform admins and auditors read every department's records; everyone else their own department's. */
export const readsEverything = (p: Principal) => p.role === 'platform_admin' || p.role === 'auditor';

/**
 * Only auditors read every department's notifications: the platform's admins read their own
 * department's, like any department (三员分立: supervision of the messages is the auditor's).
 */
export const readsEveryNotification = (p: Principal) => p.role === 'auditor';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
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
  }
}

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Deny by default: every route in the scope this plugin is registered in must state the roles
 * it allows (config.roles) or be explicitly public; a route that states neither fails start-up.
 * Authentication and the role check run in onRequest, before the body is even parsed.
 */
export default fp<{ config: Config; keys: HubKeys }>(
  async (app, { config, keys }) => {
    const verifyExternalToken = await externalKeyResolver(config);

    app.addHook('onRoute', (route) => {
      const c = route.config as { roles?: readonly Role[]; public?: boolean; optionalAuth?: boolean } | undefined;
      if (!c?.public && !c?.roles?.length) {
        throw new Error(`route ${route.method} ${route.url} states no roles (config.roles) and is not public`);
      }
      // The OpenAPI document states who may call each operation; tests check it is enforced.
      // Optional sign-in is not "public": what a signed-in caller gets more is for the route's
      // own description to say, and its security lists both anonymous and bearer access.
      if (route.schema) {
        const who = c.public
          ? (c.optionalAuth ? 'Optional sign-in: served without credentials; a token that is sent is checked (401 when invalid).' : 'Public: no sign-in.')
          : `Roles: ${c.roles!.join(', ')}.`;
        route.schema = { ...route.schema, description: [route.schema.description, who].filter(Boolean).join('\n\n') };
        if (c.public) route.schema = { ...route.schema, security: c.optionalAuth ? route.schema.security ?? [{}, { bearer: [] }] : [] };
      }
    });

    app.decorateRequest('principal', null as never);

    app.addHook('onRequest', async (request) => {
      const routeConfig = request.routeOptions.config;
      if (routeConfig.public) {
        if (routeConfig.optionalAuth && request.headers.authorization !== undefined) request.principal = await authenticate(request);
        return;
      }
      request.principal = await authenticate(request);
      if (!routeConfig.roles?.includes(request.principal.role)) {
        throw new AppError('FORBIDDEN', `this operation is not allowed for role '${request.principal.role}'`);
      }
    });

    async function authenticate(request: FastifyRequest): Promise<Principal> {
      const header = request.headers.authorization;
      const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
      if (!token) throw new AppError('UNAUTHENTICATED', 'send Authorization: Bearer <token or API key>');
      return token.startsWith('shk_') ? systemPrincipal(token) : userPrincipal(token);
    }

    async function systemPrincipal(apiKey: string): Promise<Principal> {
      const row = await app.db('system_keys as k')
        .join('systems as s', 's.id', 'k.system_id')
        .where('k.key_hash', sha256Hex(apiKey))
        .whereNull('k.revoked_at')
        .first('k.id as keyId', 's.id as systemId', 's.department_code as departmentCode', 'k.last_used_at as lastUsedAt');
      if (!row) throw new AppError('INVALID_CREDENTIALS', 'the API key is unknown or revoked');
      // Recorded at most once a minute per key: a busy system's calls cost no extra round trip.
      const lastUsed = row.lastUsedAt as Date | null;
      if (!lastUsed || Date.now() - lastUsed.getTime() >= LAST_USED_RESOLUTION_MS) {
        await app.db('system_keys').where('id', row.keyId).update({ last_used_at: app.db.fn.now() });
      }
      return { kind: 'system', role: 'system', systemId: row.systemId, keyId: row.keyId, departmentCode: row.departmentCode };
    }

    async function userPrincipal(token: string): Promise<Principal> {
      const identity = (await hubIdentity(token)) ?? (await externalIdentity(token));
      if (!identity) throw new AppError('INVALID_CREDENTIALS', 'the token is invalid or expired');
      // The token authenticates; the hub's own user record decides role and department. A
      // provider's token reaches only accounts made for federated sign-in (no local password), so
      // an identity-provider account that happens to be called 'admin' is not the hub's admin.
      const user = await app.db('users')
        .where({ username: identity.username, status: 'active' })
        .modify((q) => { if (identity.federated) q.whereNull('password_hash'); })
        .first('id', 'username', 'role', 'department_code as departmentCode', 'password_changed_at as passwordChangedAt');
      if (!user) throw new AppError('INVALID_CREDENTIALS', 'the token names no active user of this hub');
      if (!identity.federated) assertTokenStillValid(user, identity.issuedAt);
      return { kind: 'user', role: user.role, userId: user.id, username: user.username, departmentCode: user.departmentCode };
    }

    async function hubIdentity(token: string) {
      try {
        const { payload } = await jwtVerify(token, keys.jwt, { issuer: config.JWT_ISSUER, algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
        return { username: payload.sub!, federated: false, issuedAt: payload.iat };
      } catch {
        return undefined;
      }
    }

    async function externalIdentity(token: string) {
      if (!verifyExternalToken) return undefined;
      try {
        const payload = await verifyExternalToken(token);
        const claim = payload[config.IDP_USERNAME_CLAIM];
        return typeof claim === 'string' ? { username: claim, federated: true, issuedAt: payload.iat } : undefined;
      } catch {
        return undefined;
      }
    }
  },
  { name: 'auth', dependencies: ['db'] },
);

/** An external identity provider's keys, from a JWKS URL or a configured public key. */
async function externalKeyResolver(config: Config): Promise<((token: string) => Promise<JWTPayload>) | undefined> {
  // Asymmetric algorithms only: an HS256 token "signed" with the public key must never pass.
  const options = { issuer: config.IDP_ISSUER, audience: config.IDP_AUDIENCE, requiredClaims: ['exp'] };
  if (config.IDP_JWKS_URL) {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(config.IDP_JWKS_URL));
    return async (token) => (await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] })).payload;
  }
  if (config.IDP_PUBLIC_KEY) {
    const pem = config.IDP_PUBLIC_KEY.replaceAll('\\n', '\n');
    for (const alg of ['RS256', 'ES256', 'EdDSA']) {
      try {
        const key = await importSPKI(pem, alg);
        return async (token) => (await jwtVerify(token, key, { ...options, algorithms: [alg] })).payload;
      } catch {
        // try the next algorithm family
      }
    }
    throw new Error('IDP_PUBLIC_KEY is not an RSA, EC P-256 or Ed25519 public key');
  }
  return undefined;
}
