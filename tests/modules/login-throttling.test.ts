import { describe, expect, it } from 'vitest';
import { makeUser } from '../helpers/fixtures.js';
import { MAX_FAILED_LOGINS } from '../../src/modules/identity/users-service.js';
import { useTestApp } from '../helpers/use-test-app.js';

describe('login throttling and the sign-in trail', () => {
  const ctx = useTestApp();

  const signIn = (username: string, password: string) =>
    ctx.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { username, password } });
  const loginEvents = (entityId: string) => ctx.db('events').where({ entity_type: 'user', entity_id: entityId, action: 'auth.login' }).orderBy('id');

  it(`locks an account after ${MAX_FAILED_LOGINS} consecutive wrong passwords, even against the right one, until the lock ends`, async () => {
    const u = await makeUser(ctx, 'dept_operator');
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) expect((await signIn(u.username, `wrong-password-${i}`)).statusCode).toBe(401);
    const locked = await signIn(u.username, u.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('RATE_LIMITED');

    // The lock ends by itself: moved into the past here rather than waited for.
    await ctx.db('users').where({ id: u.id }).update({ locked_until: ctx.db.raw(`now() - interval '1 second'`) });
    expect((await signIn(u.username, u.password)).statusCode).toBe(200);
  });

  it('resets the count on a successful sign-in', async () => {
    const u = await makeUser(ctx, 'dept_operator');
    for (let i = 0; i < MAX_FAILED_LOGINS - 1; i++) expect((await signIn(u.username, 'wrong-password-x')).statusCode).toBe(401);
    expect((await signIn(u.username, u.password)).statusCode).toBe(200);
    for (let i = 0; i < MAX_FAILED_LOGINS - 1; i++) expect((await signIn(u.username, 'wrong-password-x')).statusCode).toBe(401);
    expect((await signIn(u.username, u.password)).statusCode).toBe(200);
  });

  it('counts only failures within the window', async () => {
    const u = await makeUser(ctx, 'dept_operator');
    for (let i = 0; i < MAX_FAILED_LOGINS - 1; i++) await signIn(u.username, 'wrong-password-x');
    await ctx.db('users').where({ id: u.id }).update({ last_failed_login_at: ctx.db.raw(`now() - interval '16 minutes'`) });
    expect((await signIn(u.username, 'wrong-password-x')).statusCode).toBe(401);
    expect((await signIn(u.username, u.password)).statusCode).toBe(200);
  });

  it('lets an administrator’s password reset lift a lock', async () => {
    const deptAdmin = await makeUser(ctx, 'dept_admin');
    const u = await makeUser(ctx, 'dept_operator', deptAdmin.departmentCode);
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await signIn(u.username, 'wrong-password-x');
    expect((await signIn(u.username, u.password)).statusCode).toBe(429);
    const reset = await ctx.app.inject({ method: 'PATCH', url: `/v1/users/${u.id}`, headers: deptAdmin.headers, payload: { password: 'reset-password-123' } });
    expect(reset.statusCode).toBe(200);
    expect((await signIn(u.username, 'reset-password-123')).statusCode).toBe(200);
  });

  it('records every attempt by user id, and never the name typed for an unknown user nor any password', async () => {
    const u = await makeUser(ctx, 'dept_operator', undefined, { signIn: 'route' });
    await signIn(u.username, 'wrong-password-x');
    await signIn(u.username, u.password);
    const events = await loginEvents(u.id);
    // makeUser signed in once already (through the route, as asked).
    expect(events.map((e) => e.outcome)).toEqual(['success', 'failure', 'success']);
    expect(events[2]).toMatchObject({ actor_kind: 'user', actor_id: u.id });
    expect(events[1].actor_id).toBeNull();
    expect(JSON.stringify(events)).not.toMatch(new RegExp(`wrong-password-x|${u.password}`));

    const typo = 'my-secret-typed-as-username';
    expect((await signIn(typo, 'whatever-123456')).statusCode).toBe(401);
    const unknown = await ctx.db('events').where({ action: 'auth.login', entity_id: 'unknown' }).orderBy('id', 'desc').first();
    expect(unknown).toMatchObject({ outcome: 'failure', actor_id: null });
    expect(JSON.stringify(await ctx.db('events').where({ action: 'auth.login' }))).not.toContain(typo);
  });

  it('applies the same lockout to guesses of the current password when changing one’s own', async () => {
    const u = await makeUser(ctx, 'dept_operator');
    const change = (currentPassword: string) =>
      ctx.app.inject({ method: 'POST', url: '/v1/me/password', headers: u.headers, payload: { currentPassword, newPassword: 'a-new-password-77' } });
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) expect((await change(`guess-${i}`)).statusCode).toBe(400);
    expect((await change(u.password)).statusCode).toBe(429);
    expect((await signIn(u.username, u.password)).statusCode).toBe(429);
  });
});
