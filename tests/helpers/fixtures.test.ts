import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { bootstrap } from '../../src/bootstrap.js';
import { createDb } from '../../src/db.js';
import { hashPassword, verifyPassword } from '../../src/lib/passwords.js';
import { bearer, login, makeUser } from './fixtures.js';
import { ADMIN_PASSWORD, ADMIN_PASSWORD_HASH, TEST_PASSWORD, TEST_PASSWORD_HASH } from './passwords.js';
import { buildTestApp, testConfig } from './test-app.js';
import { mintToken } from './tokens.js';
import { lazyObject, useFixture, useTestApp } from './use-test-app.js';

// The shortcuts the fixtures take for speed must give what the slow path gives.

describe('precomputed password hashes', () => {
  it('verify, and carry the algorithm and parameters hashPassword uses today', async () => {
    const params = (hash: string) => hash.split('$').slice(0, 4);
    const current = params(await hashPassword('any-password-1'));
    for (const [password, hash] of [[TEST_PASSWORD, TEST_PASSWORD_HASH], [ADMIN_PASSWORD, ADMIN_PASSWORD_HASH]] as const) {
      expect(params(hash)).toEqual(current);
      expect(await verifyPassword(password, hash)).toBe(true);
      expect(await verifyPassword(`${password}-not`, hash)).toBe(false);
    }
  });
});

describe('test apps and users', () => {
  const ctx = useTestApp();
  const user = useFixture(() => makeUser(ctx, 'dept_operator'));

  it('mint tokens with the header and claims of a sign-in, accepted like one', async () => {
    const signedIn = await login(ctx.app, user.username, TEST_PASSWORD);
    const minted = await mintToken(ctx.config, user.username);
    expect(decodeProtectedHeader(minted)).toEqual(decodeProtectedHeader(signedIn));
    const a = decodeJwt(signedIn), b = decodeJwt(minted);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    // iat and exp are whole seconds read at two moments: a second boundary between them may add one.
    expect({ ...b, iat: 0, exp: 0 }).toEqual({ ...a, iat: 0, exp: 0 });
    expect(Math.abs((b.exp! - b.iat!) - (a.exp! - a.iat!))).toBeLessThanOrEqual(1);
    expect(b.exp! - b.iat!).toBe(ctx.config.JWT_TTL_SECONDS);
    for (const token of [minted, user.token]) {
      const me = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) });
      expect(me.statusCode, me.body).toBe(200);
      expect(me.json()).toMatchObject({ userId: user.id, username: user.username });
    }
  });

  it('start from what a plain bootstrap makes: the same platform department, admin and trail', async () => {
    const fast = await buildTestApp();
    const config = await testConfig({ SHAREHUB_SECRET_KEY: fast.config.SHAREHUB_SECRET_KEY });
    const plain = createDb(config.DATABASE_URL, { max: 1 });
    try {
      await bootstrap(plain, config);
      const rows = async (db: typeof plain) => ({
        departments: await db('departments').orderBy('code').select('code', 'name', 'level', 'is_platform'),
        users: await db('users').orderBy('username').select('username', 'display_name', 'role', 'department_code', 'status', 'password_changed_at', 'failed_logins', 'locked_until'),
        events: await db('events').orderBy('id').select('actor_kind', 'actor_id', 'entity_type', 'action', 'outcome', 'details'),
      });
      expect(await rows(fast.db)).toEqual(await rows(plain));
      expect(await fast.db('users').where({ username: 'admin' }).first('password_hash')).toEqual({ password_hash: ADMIN_PASSWORD_HASH });
      expect(await login(fast.app, 'admin', ADMIN_PASSWORD)).toBeTruthy();
    } finally {
      await plain.destroy();
      await fast.close();
    }
  });

  it('give users the test password, and sign in through the route when asked', async () => {
    const minted = await makeUser(ctx, 'dept_operator', user.departmentCode);
    const routed = await makeUser(ctx, 'dept_operator', user.departmentCode, { signIn: 'route' });
    expect([minted.password, routed.password]).toEqual([TEST_PASSWORD, TEST_PASSWORD]);
    const signIns = await ctx.db('events').where({ action: 'auth.login' }).pluck('entity_id');
    expect(signIns).toContain(routed.id);
    expect(signIns).not.toContain(minted.id);
  });
});

describe('lazily filled objects', () => {
  it('throw, naming the property, when read before they are filled', () => {
    const lazy = lazyObject<{ a: number; b: number }>('thing', { a: 1 });
    expect(lazy.value.a).toBe(1);
    expect(() => lazy.value.b).toThrow(/thing\.b was read before its beforeAll ran/);
    lazy.fill({ a: 2, b: 3 });
    expect(lazy.value).toEqual({ a: 2, b: 3 });
  });
});
