import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleSourceHash, ensureConsoleBuilt } from '../../src/console/build.js';

// When `sharehub start` rebuilds the web console: the stamp of the build against a hash of its
// sources. (The build itself, with Vite, is exercised by tests/e2e/console.)
describe('the web console build check', () => {
  let root: string;
  let paths: { dir: string; dist: string; stamp: string };
  const warnings: string[] = [];
  const logger = { info: () => {}, warn: (m: unknown) => void warnings.push(String(typeof m === 'string' ? m : JSON.stringify(m))) };

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'console-build-'));
    const dir = path.join(root, 'console');
    paths = { dir, dist: path.join(dir, 'dist'), stamp: path.join(dir, 'dist', '.build-stamp') };
    await fs.mkdir(path.join(dir, 'src', 'views'), { recursive: true });
    await fs.writeFile(path.join(dir, 'index.html'), '<div id="app"></div>');
    await fs.writeFile(path.join(dir, 'src', 'main.ts'), 'export {};');
    await fs.writeFile(path.join(dir, 'src', 'views', 'A.vue'), '<template>甲</template>');
    warnings.length = 0;
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('hashes every source: an edit, a new file or a rename changes it; nothing else does', async () => {
    const first = await consoleSourceHash(paths.dir);
    expect(await consoleSourceHash(paths.dir)).toBe(first);
    await fs.mkdir(paths.dist, { recursive: true });
    await fs.writeFile(path.join(paths.dist, 'x.js'), 'built');
    expect(await consoleSourceHash(paths.dir), 'the build is not a source').toBe(first);
    await fs.writeFile(path.join(paths.dir, 'src', 'views', 'A.vue'), '<template>乙</template>');
    const edited = await consoleSourceHash(paths.dir);
    expect(edited).not.toBe(first);
    await fs.rename(path.join(paths.dir, 'src', 'views', 'A.vue'), path.join(paths.dir, 'src', 'views', 'B.vue'));
    expect(await consoleSourceHash(paths.dir)).not.toBe(edited);
  });

  it('keeps a build stamped with the sources, and rebuilds one made from other sources', async () => {
    await fs.mkdir(paths.dist, { recursive: true });
    await fs.writeFile(path.join(paths.dist, 'index.html'), 'built');
    await fs.writeFile(paths.stamp, `${await consoleSourceHash(paths.dir)}\n`);
    expect(await ensureConsoleBuilt(logger, paths)).toBe('fresh');

    await fs.writeFile(path.join(paths.dir, 'src', 'main.ts'), 'export const changed = 1;');
    // Stale; here Vite cannot be found from the temporary folder, so it says so instead of building.
    expect(await ensureConsoleBuilt(logger, paths)).toBe('unavailable');
    expect(warnings.join()).toContain('Vite is not installed');
  });

  it('serves a build without sources as it is (the container image)', async () => {
    await fs.rm(path.join(paths.dir, 'src'), { recursive: true });
    await fs.mkdir(paths.dist, { recursive: true });
    await fs.writeFile(path.join(paths.dist, 'index.html'), 'built');
    expect(await ensureConsoleBuilt(logger, paths)).toBe('prebuilt');
  });
});
