import { describe, expect, it } from 'vitest';
import { manualClock } from '../helpers/clock.js';
import { bearer, makeUser } from '../helpers/fixtures.js';
import { useFixture, useTestApp } from '../helpers/use-test-app.js';

describe('client systems and API keys', () => {
  // Keys are cached in process (with the time of their last recorded use): a minute passes on the app's clock.
  const clock = manualClock(new Date());
  const ctx = useTestApp({}, { clock });
  const deptAdmin = useFixture(() => makeUser(ctx, 'dept_admin'));

  const me = (apiKey: string) => ctx.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(apiKey) });
  const createSystem = async (name: string) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/systems', headers: deptAdmin.headers, payload: { name } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  it('registers a system of the caller’s department and shows its key once, stored hashed', async () => {
    const system = await createSystem('不动产登记审批系统');
    expect(system.departmentCode).toBe(deptAdmin.departmentCode);
    expect(system.key.apiKey).toMatch(/^shk_[A-Za-z0-9_-]{43}$/);
    const row = await ctx.db('system_keys').where({ id: system.key.id }).first();
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(system.key.apiKey);
    const keys = await ctx.app.inject({ method: 'GET', url: `/v1/systems/${system.id}/keys`, headers: deptAdmin.headers });
    expect(keys.body).not.toContain(system.key.apiKey);
    expect(keys.json().items).toHaveLength(1);
    expect((await me(system.key.apiKey)).json()).toMatchObject({ kind: 'system', systemId: system.id, departmentCode: deptAdmin.departmentCode });
  });

  it('refuses a duplicate system name in one department with 409', async () => {
    await createSystem('重名系统');
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/systems', headers: deptAdmin.headers, payload: { name: '重名系统' } });
    expect(res.statusCode).toBe(409);
  });

  it('rotates: a second key works alongside the first until the first is revoked, which takes effect on the next request', async () => {
    const system = await createSystem('轮换系统');
    const first = system.key.apiKey as string;
    const second = await ctx.app.inject({ method: 'POST', url: `/v1/systems/${system.id}/keys`, headers: deptAdmin.headers });
    expect(second.statusCode).toBe(201);
    const secondKey = second.json().apiKey as string;
    expect((await me(first)).statusCode).toBe(200);
    expect((await me(secondKey)).statusCode).toBe(200);

    const revoke = await ctx.app.inject({ method: 'DELETE', url: `/v1/systems/${system.id}/keys/${system.key.id}`, headers: deptAdmin.headers });
    expect(revoke.statusCode).toBe(204);
    const afterRevoke = await me(first);
    expect(afterRevoke.statusCode).toBe(401);
    expect(afterRevoke.json().code).toBe('INVALID_CREDENTIALS');
    expect((await me(secondKey)).statusCode).toBe(200);

    const again = await ctx.app.inject({ method: 'DELETE', url: `/v1/systems/${system.id}/keys/${system.key.id}`, headers: deptAdmin.headers });
    expect(again.statusCode).toBe(409);
    expect(again.json().currentState).toBe('revoked');
  });

  it('records when a key was last used', async () => {
    const system = await createSystem('计时系统');
    expect((await ctx.db('system_keys').where({ id: system.key.id }).first()).last_used_at).toBeNull();
    await me(system.key.apiKey);
    const used = (await ctx.db('system_keys').where({ id: system.key.id }).first()).last_used_at;
    expect(used).toBeInstanceOf(Date);
    const listed = await ctx.app.inject({ method: 'GET', url: `/v1/systems/${system.id}/keys`, headers: deptAdmin.headers });
    expect(listed.json().items[0].lastUsedAt).toBe(used.toISOString());
  });

  it('writes the last-used time at most once a minute, and again after that', async () => {
    const system = await createSystem('高频系统');
    await me(system.key.apiKey);
    const first = (await ctx.db('system_keys').where({ id: system.key.id }).first()).last_used_at as Date;
    await me(system.key.apiKey);
    expect((await ctx.db('system_keys').where({ id: system.key.id }).first()).last_used_at).toEqual(first);
    clock.advance(61_000);
    await me(system.key.apiKey);
    expect(((await ctx.db('system_keys').where({ id: system.key.id }).first()).last_used_at as Date).getTime()).toBe(first.getTime() + 61_000);
  });

  it("keeps another department's systems out of reach", async () => {
    const system = await createSystem('他人的系统');
    const stranger = await makeUser(ctx, 'dept_admin');
    // Reads and writes answer like an unknown id, so ids reveal nothing.
    const get = await ctx.app.inject({ method: 'GET', url: `/v1/systems/${system.id}`, headers: stranger.headers });
    expect(get.statusCode).toBe(404);
    expect(get.json().code).toBe('NOT_FOUND');
    expect(get.body).not.toContain('他人的系统');
    const keys = await ctx.app.inject({ method: 'GET', url: `/v1/systems/${system.id}/keys`, headers: stranger.headers });
    expect(keys.statusCode).toBe(404);
    const rotate = await ctx.app.inject({ method: 'POST', url: `/v1/systems/${system.id}/keys`, headers: stranger.headers });
    expect(rotate.statusCode).toBe(404);
    expect(rotate.json().code).toBe('NOT_FOUND');
    const revoke = await ctx.app.inject({ method: 'DELETE', url: `/v1/systems/${system.id}/keys/${system.key.id}`, headers: stranger.headers });
    expect(revoke.statusCode).toBe(404);
    expect(revoke.json().code).toBe('NOT_FOUND');
    expect(await ctx.db('system_keys').where('system_id', system.id).pluck('id')).toEqual([system.key.id]); // no key added
    expect((await me(system.key.apiKey)).statusCode).toBe(200);
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/systems', headers: stranger.headers });
    expect(list.json().items.map((s: { id: string }) => s.id)).not.toContain(system.id);
  });

  it('lets the platform and auditors read every department’s systems; only the platform admin may revoke a key, for incident response', async () => {
    const system = await createSystem('可审计的系统');
    const auditor = await makeUser(ctx, 'auditor');
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/systems', headers: auditor.headers });
    expect(list.json().items.map((s: { id: string }) => s.id)).toContain(system.id);
    const revokeAs = (headers: Record<string, string>) =>
      ctx.app.inject({ method: 'DELETE', url: `/v1/systems/${system.id}/keys/${system.key.id}`, headers });
    expect((await revokeAs(auditor.headers)).statusCode).toBe(403);

    const admin = await makeUser(ctx, 'platform_admin');
    const rotate = await ctx.app.inject({ method: 'POST', url: `/v1/systems/${system.id}/keys`, headers: admin.headers });
    expect(rotate.statusCode).toBe(403);
    expect((await revokeAs(admin.headers)).statusCode).toBe(204);
    expect((await me(system.key.apiKey)).statusCode).toBe(401);
    const event = await ctx.db('events').where({ entity_type: 'system', entity_id: system.id, action: 'system.key_revoked' }).first();
    expect(event).toMatchObject({ actor_kind: 'user', actor_id: admin.id });
    expect(event.details).toEqual({ keyId: system.key.id });
  });

  it('answers 404 for an unknown system', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/systems/00000000-0000-4000-8000-000000000000', headers: deptAdmin.headers });
    expect(res.statusCode).toBe(404);
  });
});
