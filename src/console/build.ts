import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from 'pino';
import { consolePaths } from './paths.js';

// The console is built by Vite from console/ (its own npm workspace). `sharehub start` calls
// ensureConsoleBuilt before listening: it builds when the build is missing or was made from other
// sources. "Other sources" is a SHA-256 over every input of the build (file names and contents,
// and the lock file, so a dependency update counts too), stored in dist/.build-stamp; mtimes
// would call a fresh checkout stale or miss a `git checkout` that restores an old time.

/**
 * Inputs of the build, relative to console/: all of src/ and public/, the config files, and the
 * hub's pure module the browser verifier shares (the audit proof rules, src/lib/audit-proof.ts).
 */
const INPUT_FILES = ['index.html', 'package.json', 'tsconfig.json', 'vite.config.ts', '../src/lib/audit-proof.ts'];
const INPUT_DIRS = ['src', 'public'];

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** The hash a build of the current sources is stamped with. */
export async function consoleSourceHash(dir = consolePaths().dir): Promise<string> {
  const files = [
    ...INPUT_FILES.map((f) => path.join(dir, f)).filter((f) => existsSync(f)),
    ...(await Promise.all(INPUT_DIRS.map((d) => listFiles(path.join(dir, d))))).flat(),
  ];
  const lock = path.join(dir, '..', 'package-lock.json');
  if (existsSync(lock)) files.push(lock);
  const hash = createHash('sha256');
  for (const file of files.map((f) => path.resolve(f)).sort()) {
    hash.update(`${path.relative(dir, file)}\0`);
    hash.update(await fs.readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export type ConsoleBuildOutcome = 'fresh' | 'built' | 'prebuilt' | 'unavailable';

/**
 * Builds the console unless dist/ was built from the current sources. Without sources (the
 * container image copies only dist/) the build there is used as it is. Without Vite (installed
 * with --omit=dev) nothing is built and the hub answers /console with 503. A failed build throws:
 * the start fails with Vite's output rather than serving an old console.
 */
export async function ensureConsoleBuilt(logger: Pick<Logger, 'info' | 'warn'>, paths = consolePaths()): Promise<ConsoleBuildOutcome> {
  if (!existsSync(path.join(paths.dir, 'src'))) {
    if (existsSync(path.join(paths.dist, 'index.html'))) return 'prebuilt';
    logger.warn({ dir: paths.dist }, 'the web console is not built and its sources are missing: /console is unavailable');
    return 'unavailable';
  }
  const hash = await consoleSourceHash(paths.dir);
  const isFresh = async () => (await fs.readFile(paths.stamp, 'utf8').catch(() => '')).trim() === hash && existsSync(path.join(paths.dist, 'index.html'));
  if (await isFresh()) return 'fresh';

  let viteBin: string;
  try {
    const require = createRequire(path.join(paths.dir, 'package.json'));
    viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    logger.warn('the web console needs building but Vite is not installed (npm ci installs it): /console is unavailable');
    return 'unavailable';
  }
  // One build at a time per checkout (two hubs, or test files, starting together): the others
  // wait for it and then find the build fresh.
  const release = await buildLock(`${paths.dist}.lock`);
  try {
    if (await isFresh()) return 'fresh';
    logger.info(existsSync(paths.stamp) ? 'the web console sources changed: building it' : 'building the web console (first start)');
    const started = Date.now();
    // Built beside dist/ and swapped in whole, so a build cut off half way never serves.
    const staging = `${paths.dist}.building-${process.pid}`;
    await fs.rm(staging, { recursive: true, force: true });
    await runVite(viteBin, paths.dir, staging);
    await fs.writeFile(path.join(staging, '.build-stamp'), `${hash}\n`);
    await fs.rm(paths.dist, { recursive: true, force: true });
    await fs.rename(staging, paths.dist);
    logger.info({ ms: Date.now() - started }, 'web console built');
    return 'built';
  } finally {
    await release();
  }
}

/** A lock directory (mkdir is atomic); one left by a build that died is taken over after 10 minutes. */
async function buildLock(dir: string): Promise<() => Promise<void>> {
  for (;;) {
    try {
      await fs.mkdir(dir);
      return () => fs.rm(dir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const since = await fs.stat(dir).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (since > 10 * 60_000) await fs.rm(dir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function runVite(viteBin: string, cwd: string, outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the web console build failed (vite exited ${code}):\n${output.slice(-4000)}`))));
  });
}
