import { describe, expect, it } from 'vitest';
import { adminHeaders, bearer, login, makeDepartment, makeUser } from '../helpers/fixtures.js';
import { createUser as createUserAs } from '../../src/modules/identity/users-service.js';
import { cliContext } from '../../src/modules/context.js';
import { useFixture, useTestApp } from '../helpers/use-test-app.js';

describe('users and sign-in', () => {
  const ctx = useTestApp();
  const admin: Record<string, string> = useFixture(() => adminHeaders(ctx));

  const createUser = (headers: Record<string, string>, payload: object) => ctx.app.inject({ method: 'POST', url: '/v1/users', headers, payload });

  it('issues a short-lived JWT for a correct password and refuses a wrong one', async () => {
    const ok = await ctx.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { username: 'admin', password: 'admin-password-for-tests' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const wrong = await ctx.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { username: 'admin', password: 'wrong-password-123' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    const nobody = await ctx.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { username: 'nobody', password: 'whatever-123456' } });
    expect(nobody.json().detail).toBe(wrong.json().detail);
  });

  it('stores passwords as scrypt hashes', async () => {
    const row = await ctx.db('users').where({ username: 'admin' }).first();
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row.password_hash).not.toContain('admin-password-for-tests');
  });

  it('lets the platform admin create department users, and keeps admins and auditors on the platform (三员分立)', async () => {
    const dept = await makeDepartment(ctx);
    const res = await createUser(admin, { username: 'zhang.san', displayName: '张三', role: 'dept_admin', departmentCode: dept.code, password: 'a-long-password-1' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ username: 'zhang.san', role: 'dept_admin', departmentCode: dept.code, status: 'active' });
    expect(res.json()).not.toHaveProperty('passwordHash');

    const adminInPlatform = await createUser(admin, { username: 'li.si', displayName: '李四', role: 'dept_admin', departmentCode: ctx.config.PLATFORM_DEPARTMENT_CODE, password: 'a-long-password-1' });
    expect(adminInPlatform.statusCode).toBe(400);
    expect(adminInPlatform.json().errors[0].pointer).toBe('/body/role');
  });

  it('creates auditors and platform admins through the CLI only, on the platform department (三员分立)', async () => {
    for (const role of ['auditor', 'platform_admin']) {
      const res = await createUser(admin, { username: `api.${role.replace('_', '-')}`, displayName: '王五', role, password: 'a-long-password-1' });
      expect(res.statusCode, role).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    const dept = await makeDepartment(ctx);
    await expect(createUserAs(cliContext(ctx.db), { username: 'li.si.cli', displayName: '李四', role: 'auditor', departmentCode: dept.code, password: 'a-long-password-1' }))
      .rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const auditor = await createUserAs(cliContext(ctx.db), { username: 'wang.wu', displayName: '王五', role: 'auditor', password: 'a-long-password-1', departmentCode: ctx.config.PLATFORM_DEPARTMENT_CODE });
    expect(auditor.department_code).toBe(ctx.config.PLATFORM_DEPARTMENT_CODE);
    expect(await ctx.db('users').where('username', 'like', 'api.%')).toEqual([]);
  });

  it('lets no manager change an auditor, a peer or itself through the API: platform roles are the console’s', async () => {
    const auditor = await makeUser(ctx, 'auditor');
    const otherAdmin = await makeUser(ctx, 'platform_admin');
    const me = (await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: admin })).json();
    for (const target of [auditor.id, otherAdmin.id, me.userId]) {
      for (const payload of [{ password: 'taken-over-password-1' }, { status: 'disabled' }, { displayName: 'x' }]) {
        const res = await ctx.app.inject({ method: 'PATCH', url: `/v1/users/${target}`, headers: admin, payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
      }
    }
    expect(await login(ctx.app, auditor.username, auditor.password)).toBeTruthy();
    expect(await login(ctx.app, otherAdmin.username, otherAdmin.password)).toBeTruthy();

    const deptAdmin = await makeUser(ctx, 'dept_admin');
    const peer = await makeUser(ctx, 'dept_admin', deptAdmin.departmentCode);
    const reset = await ctx.app.inject({ method: 'PATCH', url: `/v1/users/${peer.id}`, headers: deptAdmin.headers, payload: { password: 'taken-over-password-1' } });
    expect(reset.statusCode).toBe(403);
    expect(await login(ctx.app, peer.username, peer.password)).toBeTruthy();
    const peerAsAdmin = await createUser(deptAdmin.headers, { username: 'second.admin', displayName: 'x', role: 'dept_admin', password: 'a-long-password-1' });
    expect(peerAsAdmin.statusCode).toBe(403);

    // What stays allowed: the platform admin over department admins, a department admin over its operators.
    expect((await ctx.app.inject({ method: 'PATCH', url: `/v1/users/${peer.id}`, headers: admin, payload: { displayName: '改名' } })).statusCode).toBe(200);
    const operator = await makeUser(ctx, 'dept_operator', deptAdmin.departmentCode);
    expect((await ctx.app.inject({ method: 'PATCH', url: `/v1/users/${operator.id}`, headers: deptAdmin.headers, payload: { displayName: '改名' } })).statusCode).toBe(200);
  });

  it('lets any signed-in user change their own password, given the current one, without recording either', async () => {
    for (const role of ['auditor', 'platform_admin', 'dept_admin', 'dept_operator'] as const) {
      const u = await makeUser(ctx, role);
      const changePassword = (payload: object) => ctx.app.inject({ method: 'POST', url: '/v1/me/password', headers: u.headers, payload });
      const wrong = await changePassword({ currentPassword: 'not-my-password-1', newPassword: 'my-new-password-42' });
      expect(wrong.statusCode, role).toBe(400);
      expect(wrong.json().errors[0].pointer).toBe('/body/currentPassword');
      const ok = await changePassword({ currentPassword: u.password, newPassword: 'my-new-password-42' });
      expect(ok.statusCode, ok.body).toBe(204);
      expect(await login(ctx.app, u.username, 'my-new-password-42')).toBeTruthy();
      const events = await ctx.db('events').where({ entity_type: 'user', entity_id: u.id, action: 'user.password_changed' }).orderBy('id');
      expect(events.map((e) => e.outcome)).toEqual(['failure', 'success']);
      expect(JSON.stringify(events)).not.toMatch(/my-new-password-42|not-my-password-1|pw-/);
    }
  });

  it('refuses a duplicate username with 409', async () => {
    const dept = await makeDepartment(ctx);
    const payload = { username: 'dup.user', displayName: 'x', role: 'dept_operator', departmentCode: dept.code, password: 'a-long-password-1' };
    expect((await createUser(admin, payload)).statusCode).toBe(201);
    const res = await createUser(admin, payload);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('dup.user');

    // From another department: the same 409, and nothing about the department that holds the name.
    const elsewhere = await makeUser(ctx, 'dept_admin');
    const foreign = await createUser(elsewhere.headers, { ...payload, departmentCode: undefined });
    expect(foreign.statusCode).toBe(409);
    expect(foreign.json().detail).toBe(res.json().detail);
    expect(foreign.body).not.toContain(dept.code);
    expect(foreign.body).not.toContain(dept.name);
    expect(foreign.body).not.toMatch(/department|constraint/i);
  });

  it("lets a department admin manage its own department's users only", async () => {
    const deptAdmin = await makeUser(ctx, 'dept_admin');
    const own = await createUser(deptAdmin.headers, { username: 'own.operator', displayName: '经办人', role: 'dept_operator', password: 'a-long-password-1' });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json().departmentCode).toBe(deptAdmin.departmentCode);

    const otherDept = await makeDepartment(ctx);
    const foreign = await createUser(deptAdmin.headers, { username: 'foreign.op', displayName: 'x', role: 'dept_operator', departmentCode: otherDept.code, password: 'a-long-password-1' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('OTHER_DEPARTMENT');

    const escalate = await createUser(deptAdmin.headers, { username: 'sneaky.admin', displayName: 'x', role: 'platform_admin', password: 'a-long-password-1' });
    expect(escalate.statusCode).toBe(403);
    expect(await ctx.db('users').whereIn('username', ['foreign.op', 'sneaky.admin'])).toEqual([]);
  });

  it("lists only the caller's department for a department admin, everything for the platform", async () => {
    const a = await makeUser(ctx, 'dept_admin');
    const b = await makeUser(ctx, 'dept_admin');
    const listA = (await ctx.app.inject({ method: 'GET', url: '/v1/users?limit=200', headers: a.headers })).json();
    expect(listA.items.map((u: { departmentCode: string }) => u.departmentCode)).toEqual([a.departmentCode]);
    const asked = await ctx.app.inject({ method: 'GET', url: `/v1/users?departmentCode=${b.departmentCode}`, headers: a.headers });
    expect(asked.statusCode).toBe(403);
    // Another department's user answers like an unknown one, so ids reveal nothing.
    const getOther = await ctx.app.inject({ method: 'GET', url: `/v1/users/${b.id}`, headers: a.headers });
    const getUnknown = await ctx.app.inject({ method: 'GET', url: '/v1/users/00000000-0000-4000-8000-000000000000', headers: a.headers });
    expect(getOther.statusCode).toBe(404);
    expect(getOther.json().code).toBe('NOT_FOUND');
    expect(getOther.json().detail).toBe(getUnknown.json().detail);
    expect(getOther.body).not.toContain(b.username);
    const patchOther = await ctx.app.inject({ method: 'PATCH', url: `/v1/users/${b.id}`, headers: a.headers, payload: { displayName: 'x' } });
    expect(patchOther.statusCode).toBe(404);
    expect(patchOther.json().code).toBe('NOT_FOUND');
    expect((await ctx.db('users').where('id', b.id).first()).display_name).not.toBe('x');
    const all = (await ctx.app.inject({ method: 'GET', url: '/v1/users?limit=200', headers: admin })).json();
    expect(all.items.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it('cuts off a disabled user on the next request', async () => {
    const u = await makeUser(ctx, 'dept_operator');
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: u.headers })).statusCode).toBe(200);
    const res = await ctx.app.inject({ method: 'PATCH', url: `/v1/users/${u.id}`, headers: admin, payload: { status: 'disabled' } });
    expect(res.statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: u.headers })).statusCode).toBe(401);
    const relogin = await ctx.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { username: u.username, password: u.password } });
    expect(relogin.statusCode).toBe(401);
  });

  it('refuses an expired token', async () => {
    const { SignJWT } = await import('jose');
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setIssuer('sharehub')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(ctx.app.keys.jwt);
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(expired) });
    expect(res.statusCode).toBe(401);
  });

  it('records user changes without their passwords', async () => {
    const u = await makeUser(ctx, 'dept_operator');
    await ctx.app.inject({ method: 'PATCH', url: `/v1/users/${u.id}`, headers: admin, payload: { password: 'a-new-password-99' } });
    // Sign-ins (auth.login) are recorded on the user too; the changes are what is checked here.
    const events = await ctx.db('events').where({ entity_type: 'user', entity_id: u.id }).whereLike('action', 'user.%').orderBy('id');
    expect(events.map((e) => e.action)).toEqual(['user.created', 'user.updated']);
    expect(JSON.stringify(events)).not.toContain('a-new-password-99');
    expect(await login(ctx.app, u.username, 'a-new-password-99')).toBeTruthy();
  });
});
