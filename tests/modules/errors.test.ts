import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, adminToken, bearer, makeUser, randomAgencyCode } from '../helpers/fixtures.js';
import { createDraft, resourceBody } from './catalog/catalog-fixtures.js';
import { buildTestApp, type TestContext } from '../helpers/test-app.js';
import { usccWithCheck } from '../../src/lib/identifiers.js';
import { useFixture, useTestApp } from '../helpers/use-test-app.js';

describe('problem+json error handling', () => {
  const ctx = useTestApp({ BODY_LIMIT_BYTES: '2048' });
  const admin: Record<string, string> = useFixture(() => adminHeaders(ctx));

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

  it('answers a malformed URL escape and an over-long path parameter with the request id header', async () => {
    for (const url of ['/v1/departments/%FF', '/v1/resources/%ED%A0%80', `/v1/users/${'a'.repeat(200)}`]) {
      const res = await ctx.app.inject({ method: 'GET', url, headers: admin });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['x-request-id'], url).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', instance: res.headers['x-request-id'] });
    }
  });
});

describe('text is stored as sent or refused', () => {
  const ctx = useTestApp();
  const admin: Record<string, string> = useFixture(() => adminHeaders(ctx));
  const owner = useFixture(() => makeUser(ctx, 'dept_admin'));

  const send = (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: string | Buffer, headers: Record<string, string>) =>
    ctx.app.inject({ method, url, payload, headers: { ...headers, 'content-type': 'application/json' } });
  const expect400 = (res: { statusCode: number; body: string; json(): { code: string; errors: { pointer: string; message: string }[] } }, pointer: string, message: RegExp) => {
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().errors).toContainEqual({ pointer, message: expect.stringMatching(message) });
  };
  const SURROGATE = /well-formed Unicode/;
  const INVISIBLE = /must contain a visible character/;
  /** A JSON body whose `field` holds `inner` written raw: a JSON escape, or bytes spliced in. */
  const withRaw = (body: Record<string, unknown>, field: string, inner: string | Buffer) => {
    const json = JSON.stringify({ ...body, [field]: '@@' });
    const [before, after] = json.split('@@') as [string, string];
    return typeof inner === 'string' ? before + inner + after : Buffer.concat([Buffer.from(before), inner, Buffer.from(after)]);
  };

  it('refuses a lone surrogate (a JSON escape) in the text fields of several routes, naming the field, and stores nothing', async () => {
    const code = randomAgencyCode();
    expect400(await send('POST', '/v1/departments', withRaw({ code, level: 'city' }, 'name', '\\ud800abc'), admin), '/body/name', SURROGATE);
    expect(await ctx.db('departments').where({ code }).first()).toBeUndefined();
    expect400(await send('POST', '/v1/systems', withRaw({ name: '审批系统' }, 'description', 'abc\\udc00'), owner.headers), '/body/description', SURROGATE);
    expect400(await send('POST', '/v1/users', withRaw({ username: 'surrogate-user', role: 'dept_operator', departmentCode: owner.departmentCode, password: 'a-long-password-1' }, 'displayName', '\\ud83d'), admin), '/body/displayName', SURROGATE);
    expect(await ctx.db('users').where({ username: 'surrogate-user' }).first()).toBeUndefined();
    // A password is text too: it would be hashed as U+FFFD.
    expect400(await send('POST', '/v1/auth/token', withRaw({ username: 'admin' }, 'password', '\\udfff'), {}), '/body/password', SURROGATE);
    const resource = withRaw(resourceBody(), 'summary', '婚姻\\ud800');
    expect400(await send('POST', '/v1/resources', resource, owner.headers), '/body/summary', SURROGATE);
    // A surrogate pair written as escapes is a character like any other.
    const ok = await send('POST', '/v1/systems', withRaw({ name: '审批系统' }, 'description', '\\ud83d\\ude00'), owner.headers);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().description).toBe('😀');
  });

  it('refuses invalid UTF-8 bytes in a body, naming the field, where they used to become U+FFFD', async () => {
    const code = randomAgencyCode();
    const res = await send('POST', '/v1/departments', withRaw({ code, level: 'city' }, 'name', Buffer.from([0xe5, 0xa9, 0xff])), admin);
    expect400(res, '/body/name', /not UTF-8/);
    expect(await ctx.db('departments').where({ code }).first()).toBeUndefined();
    expect400(await send('POST', '/v1/systems', withRaw({ name: '审批系统' }, 'description', Buffer.from([0xed, 0xa0, 0x80])), owner.headers), '/body/description', /not UTF-8/);
    const draft = await createDraft(ctx, owner.headers);
    expect400(await send('PATCH', `/v1/resources/${draft.id}`, withRaw({}, 'name', Buffer.from([0xc0, 0xaf])), owner.headers), '/body/name', /not UTF-8/);
    // Bytes outside any string make the JSON malformed.
    const broken = await send('POST', '/v1/systems', Buffer.concat([Buffer.from('{"name":"x"'), Buffer.from([0xff]), Buffer.from('}')]), owner.headers);
    expect(broken.statusCode).toBe(400);
    expect(broken.json().code).toBe('MALFORMED_JSON');
    // U+FFFD sent as such is stored as sent.
    const sent = await send('POST', '/v1/systems', JSON.stringify({ name: '系统\uFFFD' }), owner.headers);
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().name).toBe('系统\uFFFD');
  });

  it.each([
    ['spaces', '   '], ['an ideographic space', '\u3000'], ['zero-width characters', '\u200B\u200C\u200D'], ['a BOM and a word joiner', '\uFEFF\u2060'],
    ['bidi controls', '\u202E\u202C'], ['Hangul fillers', '\u3164\uFFA0'], ['a lone combining mark', '\u0301'], ['a soft hyphen', '\u00AD'],
  ])('refuses text made only of %s where it must be visible, on several routes', async (_label, text) => {
    expect400(await send('POST', '/v1/departments', JSON.stringify({ code: randomAgencyCode(), name: text, level: 'city' }), admin), '/body/name', INVISIBLE);
    expect400(await send('POST', '/v1/systems', JSON.stringify({ name: text }), owner.headers), '/body/name', INVISIBLE);
    expect400(await send('PATCH', `/v1/users/${owner.id}`, JSON.stringify({ displayName: text }), admin), '/body/displayName', INVISIBLE);
    expect400(await send('POST', '/v1/resources', JSON.stringify(resourceBody({ name: text })), owner.headers), '/body/name', INVISIBLE);
    expect400(await send('PUT', '/v1/calendar/2031', JSON.stringify({ holidays: [], makeupWorkdays: [], source: text }), admin), '/body/source', INVISIBLE);
    expect400(await send('POST', `/v1/grants/${owner.id}/revoke`, JSON.stringify({ reason: text }), admin), '/body/reason', INVISIBLE);
    expect400(await send('POST', `/v1/applications/${owner.id}/review`, JSON.stringify({ decision: 'reject', reason: text }), admin), '/body/reason', INVISIBLE);
    // Around visible text, and where text may be blank (a description), the same characters are stored as sent.
    const res = await send('POST', '/v1/systems', JSON.stringify({ name: `${text}审批${text}系统`, description: text }), owner.headers);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: `${text}审批${text}系统`, description: text });
  });

  it('refuses a query string that is not valid percent-encoded UTF-8, naming the parameter', async () => {
    for (const [url, pointer] of [
      ['/v1/resources?q=%ED%A0%80', '/querystring/q'], ['/v1/resources?q=%E5%A9', '/querystring/q'],
      ['/v1/notifications?type=%FF', '/querystring/type'], ['/v1/users?limit=2&departmentCode=%C0%AF', '/querystring/departmentCode'],
    ] as const) {
      const res = await ctx.app.inject({ method: 'GET', url, headers: admin });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['x-request-id']).toBeDefined();
      expect(res.json().errors, url).toEqual([{ pointer, message: 'is not valid percent-encoded UTF-8' }]);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/resources?q=%E5%A9%9A%E5%A7%BB', headers: admin })).statusCode).toBe(200);
  });

  it('validates a 统一社会信用代码 in a query filter or path like a body does: 400 naming it, not an empty list', async () => {
    const wrong = '91350203M0001QAY9B';
    for (const [url, pointer] of [
      [`/v1/users?departmentCode=${wrong}`, '/querystring/departmentCode'], [`/v1/resources?provider=${wrong}`, '/querystring/provider'],
      [`/v1/departments/${wrong}/responsibilities`, '/params/code'], ['/v1/resources?provider=91350100M000100Y4', '/querystring/provider'],
    ] as const) {
      const res = await ctx.app.inject({ method: 'GET', url, headers: admin });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().errors[0].pointer, url).toBe(pointer);
      expect(res.json().errors[0].message, url).toMatch(/^is not a valid 统一社会信用代码: /);
    }
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/users?departmentCode=${owner.departmentCode}`, headers: admin })).statusCode).toBe(200);
  });
});

describe('numbers in URLs are decimal', () => {
  const ctx = useTestApp();
  const admin: Record<string, string> = useFixture(() => adminHeaders(ctx));

  it.each([
    ['/v1/calendar/0x7E9', '/params/year'], ['/v1/calendar/2.025e3', '/params/year'], ['/v1/calendar/+2025', '/params/year'],
    ['/v1/departments?limit=0x2', '/querystring/limit'], ['/v1/users?offset=1e1', '/querystring/offset'],
    ['/v1/resources?limit=0b10', '/querystring/limit'], ['/v1/resources?shareType=0x1', '/querystring/shareType'],
    ['/v1/applications?limit=%202', '/querystring/limit'], ['/v1/grants?offset=0o7', '/querystring/offset'],
    ['/v1/notifications?limit=2.0', '/querystring/limit'],
  ])('refuses %s', async (url, pointer) => {
    const res = await ctx.app.inject({ method: 'GET', url, headers: admin });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toEqual([{ pointer, message: 'must be an integer in decimal digits' }]);
  });

  it('reads 2025 from /v1/calendar/2025 only, and a limit of 2 from limit=2 only', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/calendar/2025', headers: admin })).json().year).toBe(2025);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/calendar/0x7E9', headers: admin })).statusCode).toBe(400);
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/departments?limit=2', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.length).toBeLessThanOrEqual(2);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/departments?limit=0x2', headers: admin })).statusCode).toBe(400);
  });
});

describe('registration warnings', () => {
  let ctx: TestContext;
  let admin: Record<string, string>;
  beforeAll(async () => {
    ctx = await buildTestApp();
    admin = bearer(await adminToken(ctx));
  });
  afterAll(async () => ctx.close());

  const register = (code: string) => ctx.app.inject({ method: 'POST', url: '/v1/departments', headers: admin, payload: { code, name: '某单位', level: 'city' } });
  const codeWithPair = (pair: string) => usccWithCheck(`${pair}330100${String(randomInt(1e9)).padStart(9, '0')}`);

  it.each(['N4', 'N5', 'H1', '94'])('registers a code whose pair %s is not in GB 32100 Table 1, and says so in the reply', async (pair) => {
    const code = codeWithPair(pair);
    const res = await register(code);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().warnings).toEqual([`/body/code: unknown registration authority/type pair ${pair}`]);
    expect(await ctx.db('departments').where({ code }).first()).toBeDefined();
  });

  it.each(['13', '39', 'N9', 'A1', '11'])('registers pair %s of Table 1 without a warning', async (pair) => {
    const res = await register(codeWithPair(pair));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().warnings).toEqual([]);
  });
});
