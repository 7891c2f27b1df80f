import { SignJWT } from 'jose';
import type { RuntimeConfig } from '../../src/config.js';
import { deriveKeys } from '../../src/lib/crypto.js';

/**
 * A hub access token for `username`, signed as POST /v1/auth/token signs it (issueToken in
 * users-service.ts: HS256 with the key derived from SHAREHUB_SECRET_KEY, subject, issuer, iat,
 * exp after JWT_TTL_SECONDS), without the scrypt verification of a sign-in. For fixtures only:
 * the tests of sign-in itself go through the route. tests/helpers/fixtures.test.ts checks that
 * the two tokens have the same header and claims.
 */
export async function mintToken(config: Pick<RuntimeConfig, 'SHAREHUB_SECRET_KEY' | 'JWT_ISSUER' | 'JWT_TTL_SECONDS'>, username: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(username)
    .setIssuer(config.JWT_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + config.JWT_TTL_SECONDS)
    .sign(deriveKeys(config.SHAREHUB_SECRET_KEY).jwt);
}
