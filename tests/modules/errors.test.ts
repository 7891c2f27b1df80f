import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, bearer, makeUser, randomAgencyCode } from '../helpers/fixtures.js';
import { buildTestApp, type TestContext } from '../helpers/test-app.js';

describe('problem+json error handling', () => {
  let ctx: TestContext;
  let admin: Record<string, string>;
  beforeAll(async () => {
    ctx = await buildTestApp({ BODY_LIMIT_BYTES: '2048' });
    admin = bearer(await adminToken(ctx));
  });
  afterAll(async () => ctx.close());

  const post = (payload: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url: '/v1/departments', payload, headers: { ...admin, 'content-type': 'application/json', ...headers } });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await post('{"code": "9135');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 400, code: 'MALFORMED_JSON', instance: res.headers['x-request-id'] });
  });

  it('names an unknown field', async () => {
    const res = await post(JSON.stringify({ code: randomAgencyCode(), name: 'x', level: 'city', colour: 'red' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().errors).toContainEqual({ pointer: '/body/colour', message: "unknown field 'colour'" });
  });

  it('does not coerce wrong types in a JSON body', async () => {
    const res = await post(JSON.stringify({ code: randomAgencyCode(), name: 12345, level: 'city' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContainEqual({ pointer: '/body/name', message: 'must be string' });
  });

  it('names a missing field', async () => {
    const res = await post(JSON.stringify({ code: randomAgencyCode(), level: 'city' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContainEqual({ pointer: '/body/name', message: "'name' is required" });
  });

  it('answers an oversize body with 413 and writes nothing', async () => {
    const code = randomAgencyCode();
    const res = await post(JSON.stringify({ code, name: 'x'.repeat(4096), level: 'city' }));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
    expect(await ctx.db('departments').where({ code }).first()).toBeUndefined();
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await post('code=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a malformed URL escape with 400 problem+json', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/departments/%FF', headers: admin });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it('treats an empty JSON body as no body: a route that needs one names it', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/auth/token', payload: '', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ pointer: '/body' }] });
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404 });
  });

  it('answers an invalid path parameter with 400, not 500', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/users/not-a-uuid', headers: admin });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe('/params/id');
  });

  it('answers an offset past any list with 400 naming it, on every list route, never a 500', async () => {
    const deptAdmin = (await makeUser(ctx, 'dept_admin')).headers;
    const routes: [string, Record<string, string>][] = [
      ['/v1/departments', admin], ['/v1/users', admin], ['/v1/applications', admin], ['/v1/inbox', deptAdmin],
      ['/v1/grants', admin], ['/v1/notifications', admin], ['/v1/admin/dead-letters', admin],
    ];
    for (const [url, headers] of routes) {
      for (const offset of ['1000001', '99999999999999999999']) {
        const res = await ctx.app.inject({ method: 'GET', url: `${url}?offset=${offset}`, headers });
        expect(res.statusCode, `${url} ${res.body}`).toBe(400);
        expect(res.json().errors).toEqual([{ pointer: '/querystring/offset', message: 'must be <= 1000000' }]);
      }
      expect((await ctx.app.inject({ method: 'GET', url: `${url}?offset=1000000`, headers })).statusCode).toBe(200);
    }
  });
});
