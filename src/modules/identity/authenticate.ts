import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../../config.js';
import { AppError } from '../../lib/errors.js';
import { sha256Hex, type HubKeys } from '../../lib/crypto.js';
import type { Principal } from './principal.js';
import { findSignInUser } from './users-service.js';

// Credential → Principal: an API key (`shk_…`) of a department's system, a token the hub issued,
// or a token of the configured identity provider. The auth plugin parses the header and calls
// this; it knows nothing of HTTP. The data exchange will wrap an Authenticator in a cache (keyed
// by the credential's hash, short TTL, invalidated on key revocation and password change): the
// interface is the seam for that.

export interface Authenticator {
  /** The caller behind `credential`, or INVALID_CREDENTIALS. `now` is the request's clock. */
  authenticate(credential: string, now: Date): Promise<Principal>;
  /**
   * A data subject (a citizen or company signed in at the identity provider): the subject id from
   * the provider's token (claim IDP_SUBJECT_ID_CLAIM), or undefined when the credential is not
   * such a token.
   */
  dataSubject(credential: string): Promise<string | undefined>;
  /** Drops a revoked API key from the cache (an invalidation message from any replica). */
  forgetKey(keyId: string): void;
  /** Drops every cached key (the invalidation channel was lost for a while). */
  forgetAll(): void;
}

/**
 * How long an API key is trusted without looking it up again. Revocation does not wait for it:
 * the revoke route publishes an invalidation every replica applies at once; the TTL only bounds
 * a lost message. Unknown keys are never cached (a new key works at once).
 */
export const API_KEY_CACHE_TTL_MS = 30_000;
const API_KEY_CACHE_MAX = 10_000;

export const API_KEY_PREFIX = 'shk_';

/** An unrevoked API key and the system it belongs to. */
export interface ActiveKey {
  keyId: string;
  systemId: string;
  departmentCode: string;
  lastUsedAt: Date | null;
}

/**
 * Where API keys live: the systems module owns system_keys and implements this; the auth plugin
 * wires it in. Identity only states what it needs, so systems (which reads identity's policy)
 * and identity do not import each other.
 */
export interface ApiKeyStore {
  findActiveKey(db: Knex, apiKey: string): Promise<ActiveKey | undefined>;
  noteKeyUsed(db: Knex, key: ActiveKey, now: Date): Promise<void>;
}

/**
 * A hub-issued token ends when its user's password changes: refused when it was issued (iat,
 * whole seconds) before users.password_changed_at. Compared at second resolution, as iat is: a
 * token issued in the same second as the change survives, a fresh sign-in right after it works.
 */
export function assertTokenStillValid(user: { passwordChangedAt: Date | null }, iatSeconds: number | undefined): void {
  if (!user.passwordChangedAt) return;
  const changedSeconds = Math.floor(user.passwordChangedAt.getTime() / 1000);
  if (iatSeconds === undefined || iatSeconds < changedSeconds) {
    throw new AppError('INVALID_CREDENTIALS', 'the token was issued before the password changed: sign in again');
  }
}

/** An API key's system, recording its use (at most once a minute: see noteKeyUsed). */
export async function resolveApiKey(db: Knex, store: ApiKeyStore, apiKey: string, now: Date): Promise<Principal> {
  const key = await store.findActiveKey(db, apiKey);
  if (!key) throw new AppError('INVALID_CREDENTIALS', 'the API key is unknown or revoked');
  await store.noteKeyUsed(db, key, now);
  return { kind: 'system', role: 'system', systemId: key.systemId, keyId: key.keyId, departmentCode: key.departmentCode };
}

export async function createAuthenticator(deps: { db: Knex; config: Config; keys: HubKeys; apiKeys: ApiKeyStore }): Promise<Authenticator> {
  const { db, config, keys, apiKeys } = deps;
  const verifyExternalToken = await externalKeyResolver(config);

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

  async function resolveToken(token: string): Promise<Principal> {
    const identity = (await hubIdentity(token)) ?? (await externalIdentity(token));
    if (!identity) throw new AppError('INVALID_CREDENTIALS', 'the token is invalid or expired');
    // The token authenticates; the hub's own user record decides role and department. A
    // provider's token reaches only accounts made for federated sign-in (no local password), so
    // an identity-provider account that happens to be called 'admin' is not the hub's admin.
    const user = await findSignInUser(db, identity.username, { federated: identity.federated });
    if (!user) throw new AppError('INVALID_CREDENTIALS', 'the token names no active user of this hub');
    if (!identity.federated) assertTokenStillValid({ passwordChangedAt: user.password_changed_at }, identity.issuedAt);
    return { kind: 'user', role: user.role, userId: user.id, username: user.username, departmentCode: user.department_code };
  }

  // Keyed by the key's SHA-256 (as stored), so the cache holds no usable credential.
  const keyCache = new LRUCache<string, ActiveKey>({ max: API_KEY_CACHE_MAX, ttl: API_KEY_CACHE_TTL_MS });
  async function resolveCachedKey(apiKey: string, now: Date): Promise<Principal> {
    const hash = sha256Hex(apiKey);
    let key = keyCache.get(hash);
    if (!key) {
      key = await apiKeys.findActiveKey(db, apiKey);
      if (!key) throw new AppError('INVALID_CREDENTIALS', 'the API key is unknown or revoked');
      keyCache.set(hash, key);
    }
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= 60_000) {
      // noteKeyUsed writes at most once a minute; the cached copy remembers the write.
      await apiKeys.noteKeyUsed(db, key, now);
      key.lastUsedAt = now;
    }
    return { kind: 'system', role: 'system', systemId: key.systemId, keyId: key.keyId, departmentCode: key.departmentCode };
  }

  async function dataSubject(token: string): Promise<string | undefined> {
    if (!verifyExternalToken || !config.IDP_SUBJECT_ID_CLAIM || token.startsWith(API_KEY_PREFIX)) return undefined;
    try {
      const claim = (await verifyExternalToken(token))[config.IDP_SUBJECT_ID_CLAIM];
      return typeof claim === 'string' && claim.length > 0 ? claim : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    dataSubject,
    authenticate: (credential, now) => (credential.startsWith(API_KEY_PREFIX) ? resolveCachedKey(credential, now) : resolveToken(credential)),
    forgetKey: (keyId) => {
      for (const [hash, key] of keyCache.entries()) if (key.keyId === keyId) keyCache.delete(hash);
    },
    forgetAll: () => keyCache.clear(),
  };
}

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
