import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

/** The embedded cluster is held by a running postmaster (another `sharehub start`, or a one-off command). */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`the embedded database in ${dataDir} is in use by a running PostgreSQL (pid ${pid})`);
    this.name = 'DataDirInUseError';
  }
}

// A postmaster that is shutting down (its hub just stopped or was killed) is waited for this long.
const STOPPING_WAIT_MS = 15_000;

export type ProcessState = 'none' | 'zombie' | 'alive';

/** Whether `pid` runs: a zombie (exited, not yet reaped) holds its pid but is not running. */
export async function processState(pid: number): Promise<ProcessState> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return 'none';
  }
  // Linux: the state letter follows the parenthesised command name (which may contain spaces).
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return 'alive'; // no /proc (macOS): kill(0) is all there is
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X' ? 'zombie' : 'alive';
}

/** The process's argv, or undefined without /proc. */
export async function commandLine(pid: number): Promise<string[] | undefined> {
  const raw = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return raw?.split('\0').filter((a) => a !== '');
}

/**
 * PostgreSQL refuses to start while `postmaster.pid` names a process that answers kill(0): after
 * a kill -9 that is the killed postmaster itself while it is a zombie, or an unrelated process
 * that got its pid. Such a lock is stale and removed here. A running postmaster of this data
 * directory is not: DataDirInUseError. One that is shutting down is waited for.
 */
export async function clearStaleLock(dataDir: string, log: Logger): Promise<void> {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  const deadline = Date.now() + STOPPING_WAIT_MS;
  for (;;) {
    const content = await fs.readFile(lockFile, 'utf8').catch(() => undefined);
    if (content === undefined) return;
    const lines = content.split('\n');
    const pid = Number.parseInt(lines[0] ?? '', 10);
    const verdict = Number.isInteger(pid) && pid > 0 ? await postmasterOf(pid, dataDir) : 'stale';
    if (verdict === 'stale') {
      await fs.rm(lockFile, { force: true });
      log.info({ pid, dataDir }, 'removed a stale postmaster.pid left by a PostgreSQL that no longer runs');
      return;
    }
    // Line 8 is the postmaster's status (PostgreSQL 10+): "stopping" during a shutdown.
    const status = (lines[7] ?? '').trim();
    if (status !== 'stopping' || Date.now() > deadline) throw new DataDirInUseError(dataDir, pid);
    await sleep(100);
  }
}

async function postmasterOf(pid: number, dataDir: string): Promise<'stale' | 'running'> {
  if ((await processState(pid)) !== 'alive') return 'stale';
  const argv = await commandLine(pid);
  if (argv === undefined) return 'running'; // cannot tell: assume the worst
  // A postmaster's title is its command line: `postgres -D <dataDir> ...`.
  const isPostgres = argv.length > 0 && path.basename(argv[0] ?? '') === 'postgres';
  const dirArg = argv.indexOf('-D');
  const sameDir = dirArg >= 0 && path.resolve(argv[dirArg + 1] ?? '') === path.resolve(dataDir);
  return isPostgres && (dirArg < 0 || sameDir) ? 'running' : 'stale';
}
