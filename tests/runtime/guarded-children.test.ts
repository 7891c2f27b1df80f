import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processState } from '../../src/runtime/pid-lock.js';

const readPid = async (file: string) => Number.parseInt((await fs.readFile(file, 'utf8')).split('\n')[0] ?? '', 10);

async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await processState(pid)) !== 'alive') return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('children of a process killed with SIGKILL', () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-guard-'));
    await fs.chmod(root, 0o711); // as root, postgres runs as the postgres user and must reach it
  });
  afterAll(async () => fs.rm(root, { recursive: true, force: true }));

  it('run in their own session, and stop cleanly when their owner dies', { timeout: 120_000 }, async () => {
    // The owner runs in its own process group, like a hub started from a terminal.
    const owner = spawn(process.execPath, ['--import', 'tsx', 'tests/runtime/hold-services.ts', root], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    await new Promise<void>((resolve, reject) => {
      owner.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      owner.once('exit', (code) => reject(new Error(`owner exited with ${code}`)));
    });
    const postmaster = await readPid(path.join(root, 'postgres', 'postmaster.pid'));
    const redis = await readPid(path.join(root, 'redis', 'redis.pid'));
    const sessionOf = async (pid: number) => (await fs.readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[3];
    // Not in the owner's session, so a terminal's Ctrl-C (to the owner's group) does not reach them.
    expect(await sessionOf(postmaster)).not.toBe(await sessionOf(owner.pid!));
    expect(await sessionOf(redis)).not.toBe(await sessionOf(owner.pid!));

    process.kill(-owner.pid!, 'SIGKILL');
    expect(await gone(postmaster, 15_000)).toBe(true);
    expect(await gone(redis, 15_000)).toBe(true);
    // A clean shutdown, not a crash: PostgreSQL removed its lock file itself.
    await expect(fs.access(path.join(root, 'postgres', 'postmaster.pid'))).rejects.toThrow();
  });
});
