import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { deriveKeys } from '../../src/lib/crypto.js';
import { usccWithCheck } from '../../src/lib/identifiers.js';
import { createDepartment } from '../../src/modules/departments/departments-service.js';
import { cliContext } from '../../src/modules/context.js';
import { createUser } from '../../src/modules/identity/users-service.js';
import { createSystem } from '../../src/modules/systems/systems-service.js';
import type { UserRole } from '../../src/modules/identity/principal.js';
import { FIRST_ADMIN_USERNAME } from '../../src/bootstrap.js';
import { TEST_PASSWORD, TEST_PASSWORD_HASH } from './passwords.js';
import type { TestContext } from './test-app.js';
import { mintToken } from './tokens.js';

const USCC_BODY_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A valid 统一社会信用代码 of a government agency (authority 1, type 1) in Hangzhou. */
export function randomAgencyCode(): string {
  let org = '';
  for (let i = 0; i < 9; i++) org += USCC_BODY_CHARS[randomInt(USCC_BODY_CHARS.length)];
  return usccWithCheck(`11330100${org}`);
}

export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

/** Signs in through POST /v1/auth/token (scrypt verification, auth.login on the trail). */
export async function login(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().accessToken as string;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A token of the first platform admin, minted (tokens.ts) rather than signed in for. */
export const adminToken = (ctx: Pick<TestContext, 'config'>) => mintToken(ctx.config, FIRST_ADMIN_USERNAME);

export const adminHeaders = async (ctx: Pick<TestContext, 'config'>) => bearer(await adminToken(ctx));

export async function makeDepartment(ctx: TestContext, overrides: { name?: string; webhookUrl?: string; webhookSecret?: string } = {}) {
  // The app's decorators live in its own encapsulated scope, so the keys are derived here.
  const { row, webhookSecret } = await createDepartment(cliContext(ctx.db), deriveKeys(ctx.config.SHAREHUB_SECRET_KEY), {
    code: randomAgencyCode(),
    name: overrides.name ?? uniqueName('测试局'),
    level: 'city',
    webhookUrl: overrides.webhookUrl,
    webhookSecret: overrides.webhookSecret,
  });
  return { code: row.code, name: row.name, webhookSecret };
}

/**
 * A user of the role (in a new department unless one is named) whose password is TEST_PASSWORD,
 * with a token. The user is created as the CLI creates one, then given the precomputed hash of
 * TEST_PASSWORD, and the token is minted: no scrypt. `signIn: 'route'` signs in through
 * POST /v1/auth/token instead, for tests of sign-in and its trail.
 */
export async function makeUser(ctx: TestContext, role: UserRole, departmentCode?: string, opts: { signIn?: 'mint' | 'route' } = {}) {
  const department = departmentCode ?? (role === 'platform_admin' || role === 'auditor' ? ctx.config.PLATFORM_DEPARTMENT_CODE : (await makeDepartment(ctx)).code);
  const password = TEST_PASSWORD;
  const user = await createUser(cliContext(ctx.db), {
    username: uniqueName(role.replace('_', '-')),
    displayName: role,
    role,
    departmentCode: department,
  });
  await ctx.db('users').where('id', user.id).update({ password_hash: TEST_PASSWORD_HASH });
  const token = opts.signIn === 'route' ? await login(ctx.app, user.username, password) : await mintToken(ctx.config, user.username);
  return { id: user.id, username: user.username, departmentCode: department, password, token, headers: bearer(token) };
}

export async function makeSystem(ctx: TestContext, departmentCode: string) {
  const actor = { kind: 'user', role: 'dept_admin', userId: '', username: '', departmentCode } as const;
  const system = await createSystem({ db: ctx.db, actor, now: new Date() }, { name: uniqueName('审批系统') });
  return { id: system.id, departmentCode, apiKey: system.key.apiKey, keyId: system.key.id, headers: bearer(system.key.apiKey) };
}
