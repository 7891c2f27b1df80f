import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { makeSystem, makeUser, randomAgencyCode } from '../helpers/fixtures.js';
import { type TestContext } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** 'optional': public, but a token that is sent is checked (the route offers signed-in callers more). */
interface Operation { method: Method; path: string; roles: string[] | 'public' | 'optional'; security?: Record<string, string[]>[] }

const PRINCIPALS = ['platform_admin', 'auditor', 'dept_admin', 'dept_operator', 'system'] as const;

/** Every operation of the OpenAPI document with the roles it states. */
async function operations(ctx: TestContext): Promise<Operation[]> {
  const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json();
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, { description?: string; security?: Record<string, string[]>[] }>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (path.startsWith('/docs')) continue;
      const desc = op.description ?? '';
      const roles = desc.includes('Public: no sign-in.') ? 'public'
        : desc.includes('Optional sign-in:') ? 'optional'
          : desc.match(/Roles: ([a-z_, ]+)\./)?.[1]?.split(', ');
      expect(roles, `${method.toUpperCase()} ${path} documents who may call it`).toBeDefined();
      ops.push({ method: method as Method, path, roles: roles!, security: op.security });
    }
  }
  return ops;
}

/** Fills path parameters with well-formed values that name nothing. */
const concrete = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => (/code/i.test(name) ? randomAgencyCode() : name === 'year' ? '2026' : name === 'size' ? '1' : randomUUID()));

describe('the 401/403 matrix of every route', () => {
  const ctx = useTestApp();
  let ops: Operation[];
  const headers = {} as Record<(typeof PRINCIPALS)[number], Record<string, string>>;

  beforeAll(async () => {
    ops = await operations(ctx);
    const dept = (await makeUser(ctx, 'dept_admin')).departmentCode;
    headers.platform_admin = (await makeUser(ctx, 'platform_admin')).headers;
    headers.auditor = (await makeUser(ctx, 'auditor')).headers;
    headers.dept_admin = (await makeUser(ctx, 'dept_admin', dept)).headers;
    headers.dept_operator = (await makeUser(ctx, 'dept_operator', dept)).headers;
    headers.system = (await makeSystem(ctx, dept)).headers;
  });

  const call = (op: Operation, extra: Record<string, string>) => {
    const req: InjectOptions = { method: op.method.toUpperCase() as InjectOptions['method'], url: concrete(op.path), headers: extra };
    if (['post', 'put', 'patch'].includes(op.method)) req.payload = {};
    return ctx.app.inject(req);
  };

  it('opens exactly the routes meant to be open: anything else public is a mistake', () => {
    const open = ops.filter((o) => o.roles === 'public' || o.roles === 'optional').map((o) => `${o.method} ${o.path}`).sort();
    expect(open).toEqual([
      'get /healthz',
      // no user sign-in, but its own guard: METRICS_TOKEN as bearer, or loopback callers only (below)
      'get /metrics',
      'get /readyz',
      // The audit log's public side: anyone may hold the hub to its signed heads (hashes only);
      // a cosignature is authenticated by a configured witness's SM2 signature, not a bearer.
      'get /v1/audit/proofs/consistency',
      'get /v1/audit/public-key',
      'get /v1/audit/tree-heads',
      'get /v1/audit/tree-heads/latest',
      // where the console sends citizens to sign in (a configured URL, nothing more)
      'get /v1/auth/identity-provider',
      'get /v1/calendar/{year}',
      'get /v1/catalog/export',
      'post /v1/audit/tree-heads/{size}/cosignatures',
      'post /v1/auth/token',
    ]);
  });

  it('covers the exchange routes of issue 10 (discrepancies, objections)', () => {
    const paths = ops.map((o) => `${o.method} ${o.path}`);
    expect(paths).toEqual(expect.arrayContaining(['get /v1/discrepancies', 'post /v1/discrepancies/{id}/close',
      'post /v1/resources/{id}/records/{subjectId}/objections', 'get /v1/objections', 'post /v1/objections/{id}/decision']));
  });

  it('covers the identity routes at least', () => {
    const paths = ops.map((o) => `${o.method} ${o.path}`);
    expect(paths).toEqual(expect.arrayContaining(['post /v1/departments', 'get /v1/users', 'delete /v1/systems/{id}/keys/{keyId}',
      'get /v1/audit/verify', 'get /v1/audit/proofs/inclusion']));
  });

  it('refuses every non-public route without credentials (401)', async () => {
    for (const op of ops.filter((o) => Array.isArray(o.roles))) {
      const res = await call(op, {});
      expect(res.statusCode, `${op.method} ${op.path}`).toBe(401);
      expect(res.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a forged token and an unknown API key (401)', async () => {
    for (const token of ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl', `shk_${'A'.repeat(43)}`]) {
      const res = await ctx.app.inject({ method: 'GET', url: '/v1/departments', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('INVALID_CREDENTIALS');
    }
  });

  it('refuses every role a route does not state (403), and lets the stated ones past the role check', async () => {
    for (const op of ops.filter((o) => Array.isArray(o.roles))) {
      for (const who of PRINCIPALS) {
        const res = await call(op, headers[who]);
        const label = `${who} → ${op.method} ${op.path}: ${res.body}`;
        if ((op.roles as string[]).includes(who)) {
          expect(res.statusCode, label).not.toBe(401);
          expect(res.json().code ?? 'OK', label).not.toBe('FORBIDDEN');
        } else {
          expect(res.statusCode, label).toBe(403);
          expect(res.json().code, label).toBe('FORBIDDEN');
        }
      }
    }
  });

  it('serves optional sign-in routes without credentials, checks a token that is sent, and documents both', async () => {
    const optional = ops.filter((o) => o.roles === 'optional');
    expect(optional.map((o) => `${o.method} ${o.path}`)).toContain('get /v1/catalog/export');
    for (const op of optional) {
      expect(op.security, `${op.method} ${op.path}`).toEqual(expect.arrayContaining([{}, { bearer: [] }]));
      expect((await call(op, {})).statusCode, `${op.method} ${op.path}`).not.toBe(401);
      const forged = await call(op, { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl' });
      expect(forged.statusCode, `${op.method} ${op.path}`).toBe(401);
      expect(forged.json().code).toBe('INVALID_CREDENTIALS');
    }
  });

  it('serves /metrics without METRICS_TOKEN to loopback callers only, whatever their credentials', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    for (const who of PRINCIPALS) {
      const res = await ctx.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '192.0.2.10', headers: headers[who] });
      expect(res.statusCode, who).toBe(403);
    }
  });

  it('documents public routes as needing no credentials', () => {
    for (const op of ops.filter((o) => o.roles === 'public')) expect(op.security, `${op.method} ${op.path}`).toEqual([]);
  });
});
