import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db.js';
import { createTestDatabase } from '../helpers/test-app.js';

const run = promisify(execFile);
const PLATFORM = '11330000MB0000000H';

describe('sharehub migrate and user create against a configured database', () => {
  let url: string;
  let db: Db;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', ...env } });

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

  it('refuses an unknown role, naming the allowed ones', async () => {
    const err = await cli(['user', 'create', '--username', 'x.y', '--role', 'root', '--department', PLATFORM]).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('--role must be one of platform_admin, auditor, dept_admin, dept_operator');
  });
});
