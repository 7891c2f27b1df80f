import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The sharehub command's answer to bad configuration, from a process of its own (moved here
// from tests/lib/config.test.ts, which checks loadConfig in-process).

const run = promisify(execFile);

describe('configuration', () => {
  it('makes the sharehub command exit non-zero naming the bad keys', async () => {
    const err = await run('npx', ['tsx', 'src/cli.ts', 'api'], { env: { ...process.env, PORT: '-1', REDIS_URL: 'http://x' } }).catch((e) => e);
    expect(err.code).toBe(78);
    expect(err.stderr).toContain('PORT: must be >= 0');
    expect(err.stderr).toContain('REDIS_URL: must match pattern');
  });

  it('makes `sharehub api` without DATABASE_URL exit non-zero saying so', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const err = await run('npx', ['tsx', 'src/cli.ts', 'api'], { env }).catch((e) => e);
    expect(err.code).toBe(78);
    expect(err.stderr).toContain('DATABASE_URL: required by this command');
  });
});
