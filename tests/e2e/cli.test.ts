import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db.js';
import { createTestDatabase } from '../helpers/test-app.js';

const run = promisify(execFile);
const PLATFORM = '11330000MB0000000H';
const SECRET = 'a'.repeat(64);
const IDP = { IDP_JWKS_URL: 'https://idp.example.gov.cn/jwks', IDP_ISSUER: 'https://idp.example.gov.cn', IDP_AUDIENCE: 'sharehub' };

describe('sharehub migrate and user create against a configured database', () => {
  let url: string;
  let db: Db;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: url, SHAREHUB_SECRET_KEY: SECRET, LOG_LEVEL: 'warn', ...env } });

  beforeAll(async () => {
    url = await createTestDatabase();
    db = createDb(url, { max: 1 });
  });
  afterAll(async () => db.destroy());

  it('reports migration status', async () => {
    const { stdout } = await cli(['migrate', 'status']);
    expect(stdout).toMatch(/applied: \d+\npending: none/);
  });

  it('creates a platform administrator with a given password, and no other account', async () => {
    const { stdout } = await cli(['user', 'create', '--username', 'ops.admin', '--role', 'platform_admin', '--department', PLATFORM], {
      SHAREHUB_NEW_USER_PASSWORD: 'ops-admin-password-1',
    });
    expect(stdout).toContain(`created platform_admin ops.admin in ${PLATFORM}`);
    expect(stdout).not.toContain('ops-admin-password-1');
    const users = await db('users').select('username', 'role');
    expect(users).toEqual([{ username: 'ops.admin', role: 'platform_admin' }]);
  });

  it('prints a generated password once when none is given', async () => {
    const { stdout } = await cli(['user', 'create', '--username', 'audit.one', '--role', 'auditor', '--department', PLATFORM]);
    expect(stdout).toMatch(/password \(shown once\): [A-Za-z0-9_-]{24}/);
  });

  it('refuses a bad username or a short password before touching the database', async () => {
    const bad = await cli(['user', 'create', '--username', 'Bad Name!', '--role', 'auditor', '--department', PLATFORM]).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--username must match pattern');
    const short = await cli(['user', 'create', '--username', 'short.pw', '--role', 'auditor', '--department', PLATFORM], { SHAREHUB_NEW_USER_PASSWORD: 'x' }).catch((e) => e);
    expect(short.code).toBe(78);
    expect(short.stderr).toContain('SHAREHUB_NEW_USER_PASSWORD: must NOT have fewer than 12 characters');
    expect(await db('users').whereIn('username', ['Bad Name!', 'short.pw'])).toEqual([]);
  });

  it('refuses another secret key than the one the database was set up with', async () => {
    const err = await cli(['user', 'create', '--username', 'other.key', '--role', 'auditor', '--department', PLATFORM], { SHAREHUB_SECRET_KEY: 'b'.repeat(64) }).catch((e) => e);
    expect(err.code).toBe(78);
    expect(err.stderr).toContain('SHAREHUB_SECRET_KEY: is not the key this database was set up with');
  });

  it('requires SHAREHUB_SECRET_KEY with DATABASE_URL', async () => {
    const err = await cli(['migrate', 'status'], { SHAREHUB_SECRET_KEY: '' }).catch((e) => e);
    expect(err.code).toBe(78);
    expect(err.stderr).toContain('SHAREHUB_SECRET_KEY: required when DATABASE_URL is set');
  });

  it('answers a usage error with exit code 2 before starting anything', async () => {
    const err = await cli(['migrate', 'sideways']).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toContain("unknown migrate action 'sideways'");
    const opt = await cli(['user', 'create', '--colour', 'red']).catch((e) => e);
    expect(opt.code).toBe(2);
  });

  it('creates a federated account without a local password', async () => {
    const { stdout } = await cli(['user', 'create', '--username', 'fed.op', '--role', 'auditor', '--department', PLATFORM, '--federated'], IDP);
    expect(stdout).toContain('created federated auditor fed.op');
    expect(stdout).not.toContain('password');
    expect((await db('users').where({ username: 'fed.op' }).first()).password_hash).toBeNull();
  });

  it('refuses a federated account when no identity provider is configured, naming the keys to set', async () => {
    const err = await cli(['user', 'create', '--username', 'fed.none', '--role', 'auditor', '--department', PLATFORM, '--federated']).catch((e) => e);
    expect(err.code).toBe(78);
    expect(err.stderr).toContain('no identity provider is configured');
    expect(err.stderr).toContain('set IDP_JWKS_URL (or IDP_PUBLIC_KEY), IDP_ISSUER and IDP_AUDIENCE');
    expect(await db('users').where({ username: 'fed.none' })).toEqual([]);
  });

  it('says a --department with a wrong check character is not a valid code', async () => {
    const wrong = `${PLATFORM.slice(0, 17)}${PLATFORM.endsWith('J') ? 'K' : 'J'}`;
    const err = await cli(['user', 'create', '--username', 'bad.dept', '--role', 'auditor', '--department', wrong]).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/--department is not a valid 统一社会信用代码: check character should be H/);
    expect(err.stderr).not.toContain('names no registered department');
  });

  it('refuses an unknown role, naming the allowed ones', async () => {
    const err = await cli(['user', 'create', '--username', 'x.y', '--role', 'root', '--department', PLATFORM]).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('--role must be one of platform_admin, auditor, dept_admin, dept_operator');
  });
});
