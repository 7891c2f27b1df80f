import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { adminToken, bearer, login, makeUser } from '../helpers/fixtures.js';
import { assertTokenStillValid } from '../../src/modules/identity/authenticate.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Needs src/plugins/auth.ts userPrincipal to call assertTokenStillValid (see the function).
describe('a password change ends older sessions', () => {
  const ctx = useTestApp();

  /** A hub token for the user as if signed in `ago` seconds back (a token from before the change). */
  const tokenIssuedAgo = (username: string, ago: number) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(username).setIssuer(ctx.config.JWT_ISSUER)
      .setIssuedAt(now - ago).setExpirationTime(now + 600).sign(ctx.app.keys.jwt);
  };
  const me = (token: string) => ctx.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) });

  it('refuses tokens issued before an administrator’s reset, and accepts a new sign-in', async () => {
    const u = await makeUser(ctx, 'dept_operator');
    const before = await tokenIssuedAgo(u.username, 5);
    expect((await me(before)).statusCode).toBe(200);
    const admin = bearer(await adminToken(ctx));
    const reset = await ctx.app.inject({ method: 'PATCH', url: `/v1/users/${u.id}`, headers: admin, payload: { password: 'reset-password-456' } });
    expect(reset.statusCode).toBe(200);
    const refused = await me(before);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('INVALID_CREDENTIALS');
    expect((await me(await login(ctx.app, u.username, 'reset-password-456'))).statusCode).toBe(200);
  });

  it('refuses tokens issued before the user changed their own password', async () => {
    const u = await makeUser(ctx, 'dept_admin');
    const before = await tokenIssuedAgo(u.username, 5);
    const change = await ctx.app.inject({
      method: 'POST', url: '/v1/me/password', headers: bearer(before), payload: { currentPassword: u.password, newPassword: 'my-new-password-88' },
    });
    expect(change.statusCode, change.body).toBe(204);
    expect((await me(before)).statusCode).toBe(401);
    expect((await me(await login(ctx.app, u.username, 'my-new-password-88'))).statusCode).toBe(200);
  });

  it('keeps tokens of users whose password never changed, and decides at second resolution', () => {
    expect(() => assertTokenStillValid({ passwordChangedAt: null }, 1)).not.toThrow();
    const changed = new Date('2026-11-22T10:00:00.700Z');
    const changedSeconds = Math.floor(changed.getTime() / 1000);
    expect(() => assertTokenStillValid({ passwordChangedAt: changed }, changedSeconds)).not.toThrow();
    expect(() => assertTokenStillValid({ passwordChangedAt: changed }, changedSeconds - 1)).toThrow(/sign in again/);
    expect(() => assertTokenStillValid({ passwordChangedAt: changed }, undefined)).toThrow(/sign in again/);
  });
});
