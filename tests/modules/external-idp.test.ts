import { beforeAll, describe, expect, it } from 'vitest';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { bearer, makeDepartment, uniqueName } from '../helpers/fixtures.js';
import { createUser } from '../../src/modules/identity/users-service.js';
import { cliContext } from '../../src/modules/context.js';
import { useTestApp } from '../helpers/use-test-app.js';

describe('tokens from an external identity provider', () => {
  let idpKey: CryptoKey;
  let otherKey: CryptoKey;
  let idpPublicKey: string;
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    idpKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    idpPublicKey = await exportSPKI(pair.publicKey);
  });
  const ctx = useTestApp(() => ({ IDP_PUBLIC_KEY: idpPublicKey, IDP_ISSUER: 'https://idp.gov.example', IDP_AUDIENCE: 'sharehub' }));

  const idpToken = (username: string, key = idpKey, audience = 'sharehub') =>
    new SignJWT({ preferred_username: username }).setProtectedHeader({ alg: 'RS256' }).setIssuer('https://idp.gov.example')
      .setAudience(audience).setSubject('idp-subject-1').setIssuedAt().setExpirationTime('5m').sign(key);

  /** An account for federated sign-in (`user create --federated`): no local password. */
  const federatedUser = async (role: 'dept_operator') => {
    const dept = await makeDepartment(ctx);
    return createUser(cliContext(ctx.db), { username: uniqueName('fed'), displayName: 'federated', role, departmentCode: dept.code });
  };

  it("accepts a provider token for a federated user of the hub, with the hub's role and department", async () => {
    const user = await federatedUser('dept_operator');
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(await idpToken(user.username)) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'user', role: 'dept_operator', departmentCode: user.department_code, username: user.username });
  });

  it('offers data subjects no sign-in while no subject claim is configured', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/auth/identity-provider' });
    expect(res.json()).toEqual({ subjectSignIn: false, signInUrl: null });
  });

  it('refuses a provider token for someone the hub does not know', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(await idpToken('stranger')) });
    expect(res.statusCode).toBe(401);
  });

  it('never lets a provider token reach an account with a local password (the IdP\'s "admin" is not ours)', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(await idpToken('admin')) });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a provider token without an expiry', async () => {
    const user = await federatedUser('dept_operator');
    const token = await new SignJWT({ preferred_username: user.username }).setProtectedHeader({ alg: 'RS256' })
      .setIssuer('https://idp.gov.example').setAudience('sharehub').setIssuedAt().sign(idpKey);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })).statusCode).toBe(401);
  });

  it('refuses a token signed by another key, for another audience or from another issuer', async () => {
    const user = await federatedUser('dept_operator');
    const otherIssuer = await new SignJWT({ preferred_username: user.username }).setProtectedHeader({ alg: 'RS256' })
      .setIssuer('https://evil.example').setAudience('sharehub').setIssuedAt().setExpirationTime('5m').sign(idpKey);
    for (const token of [await idpToken(user.username, otherKey), await idpToken(user.username, idpKey, 'someone-else'), otherIssuer]) {
      const res = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) });
      expect(res.statusCode).toBe(401);
    }
  });
});
