import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalogDir } from '../../src/modules/catalog/catalog-import.js';
import { buildTestApp } from '../helpers/test-app.js';

// `sharehub catalog import` as a process of its own (moved here from
// tests/modules/catalog/import.test.ts, which checks the import in-process).

const DEMO_DIR = path.resolve(import.meta.dirname, '../../catalog');
const execFileAsync = promisify(execFile);

describe('catalog import', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-catalog-'));
  });
  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('runs as `sharehub catalog import <dir>`, idempotently', async () => {
    const fresh = await buildTestApp();
    try {
      const env = {
        ...process.env,
        DATABASE_URL: fresh.config.DATABASE_URL,
        SHAREHUB_SECRET_KEY: fresh.config.SHAREHUB_SECRET_KEY,
        SHAREHUB_DATA_DIR: path.join(tmp, 'data'),
        LOG_LEVEL: 'warn',
      };
      const run = () => execFileAsync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'catalog', 'import', DEMO_DIR], { env, cwd: path.resolve(import.meta.dirname, '../..') });
      const files = await readCatalogDir(DEMO_DIR);
      const total = files.reduce((n, f) => n + f.content.resources.length, 0);
      const first = await run();
      expect(first.stdout).toMatch(new RegExp(`resources: +${total} created, 0 updated .*, 0 unchanged`));
      const second = await run();
      expect(second.stdout).toMatch(new RegExp(`departments: 0 created, ${files.length} already registered`));
      expect(second.stdout).toMatch(new RegExp(`resources: +0 created, 0 updated .*, ${total} unchanged`));
      expect(Number((await fresh.db('resources').count({ n: '*' }).first())!.n)).toBe(total);
      const missing = await execFileAsync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'catalog', 'import', path.join(tmp, 'nope')], { env }).catch((e: { code: number; stderr: string }) => e);
      expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('no such directory') });
    } finally {
      await fresh.close();
    }
  }, 60_000);
});
