import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { hydrateNativeSymlinks, nativePackageRoot, startEmbeddedPostgres } from '../../src/runtime/embedded-postgres.js';
import { DataDirInUseError, processState } from '../../src/runtime/pid-lock.js';
import { captureLogger, firstCall } from './helpers.js';

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  let root: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-pg-'));
  });

  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('keeps data across restarts, on a fresh 127.0.0.1 port each time', { timeout: 120_000 }, async () => {
    const dataDir = path.join(root, 'persist', 'postgres');
    const { logger, output } = captureLogger();
    const crash = firstCall<Error>();

    const first = await startEmbeddedPostgres({ dataDir, logger, onCrash: crash.callback });
    const firstUrl = new URL(first.url);
    try {
      expect(firstUrl.protocol).toBe('postgres:');
      expect(firstUrl.hostname).toBe('127.0.0.1');
      expect(firstUrl.username).toBe('sharehub');
      expect(firstUrl.pathname).toBe('/sharehub');
      expect(firstUrl.port).not.toBe('5432');
      await withClient(first.url, async (client) => {
        expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
        const settings = await client.query<{ port: string; listen: string }>(
          "select current_setting('port') as port, current_setting('listen_addresses') as listen");
        expect(settings.rows[0]).toEqual({ port: firstUrl.port, listen: '127.0.0.1' });
        await client.query('create table kept (value text not null)');
        await client.query("insert into kept values ('survives restart')");
      });
    } finally {
      await first.stop();
    }
    await first.stop(); // idempotent

    const passwordFile = `${dataDir}.password`;
    expect((await fs.stat(passwordFile)).mode & 0o777).toBe(0o600);

    const second = await startEmbeddedPostgres({ dataDir, logger, onCrash: crash.callback });
    try {
      const secondUrl = new URL(second.url);
      expect(secondUrl.port).not.toBe('5432');
      expect(secondUrl.password).toBe(firstUrl.password);
      await withClient(second.url, async (client) => {
        expect((await client.query('select value from kept')).rows).toEqual([{ value: 'survives restart' }]);
      });
    } finally {
      await second.stop();
    }

    expect(crash.calls).toEqual([]);
    // embedded-postgres's async-exit-hook would call process.exit() on SIGTERM/SIGINT and exit 0
    // on 'beforeExit'; starting removes those hooks and leaves shutdown to the process owner.
    const exitHook = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))('async-exit-hook') as {
      hookedEvents(): string[];
    };
    expect(exitHook.hookedEvents()).toEqual([]);
    const logged = output.join('');
    expect(logged).toContain('ready to accept connections'); // postgres output goes to the logger
    expect(logged).not.toContain(decodeURIComponent(firstUrl.password));
  });

  it('re-creates a deleted native library symlink before starting', { timeout: 120_000 }, async () => {
    const packageRoot = nativePackageRoot();
    // postgres and initdb cannot load without this link, so starting proves it was re-created.
    const link = path.join(packageRoot, 'native', 'lib', 'libicuuc.so.60');
    const original = await fs.readlink(link);
    await fs.unlink(link);
    try {
      const { logger } = captureLogger();
      const service = await startEmbeddedPostgres({ dataDir: path.join(root, 'hydrate', 'postgres'), logger });
      try {
        await withClient(service.url, async (client) => {
          expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
        });
      } finally {
        await service.stop();
      }
      expect(await fs.readlink(link)).toBe(original);
    } finally {
      await fs.symlink(original, link).catch(() => undefined);
    }
  });

  it('reports a crash through onCrash, and stop() still resolves', { timeout: 120_000 }, async () => {
    const dataDir = path.join(root, 'crash', 'postgres');
    const { logger } = captureLogger();
    const crash = firstCall<Error>();
    const service = await startEmbeddedPostgres({ dataDir, logger, onCrash: crash.callback });

    const pid = Number.parseInt((await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);
    process.kill(pid, 'SIGKILL');
    const err = await crash.called;
    expect(err.message).toMatch(/exited unexpectedly with signal SIGKILL/);

    await service.stop();
    expect(crash.calls).toHaveLength(1);
  });
});

describe('a postmaster.pid left behind', () => {
  let root: string;
  const stray: number[] = [];
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-pg-lock-'));
    await fs.chmod(root, 0o711);
  });
  afterAll(async () => {
    for (const pid of stray) process.kill(pid, 'SIGKILL');
    await fs.rm(root, { recursive: true, force: true });
  });

  // Owned by the user postgres runs as, so postgres's own kill(pid, 0) check finds it alive.
  const ids = () => (process.getuid?.() === 0
    ? { uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) }
    : {});
  /** A `sleep` process, and (with zombie) the pid of its exited, never reaped child. */
  async function straySleep(zombie: boolean): Promise<number> {
    const child = spawn('/bin/sh', ['-c', zombie ? 'sleep 0 & echo $!; exec sleep 60' : 'echo $$; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'], ...ids() });
    stray.push(child.pid!);
    const pid = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number.parseInt(d.toString(), 10))));
    if (zombie) while ((await processState(pid)) !== 'zombie') await new Promise((r) => setTimeout(r, 20));
    return pid;
  }
  const lockNaming = async (dataDir: string, pid: number) =>
    fs.writeFile(path.join(dataDir, 'postmaster.pid'), `${pid}\n${dataDir}\n1795940000\n5432\n\n127.0.0.1\n  5432001    32768\nready   \n`);

  it('is removed when it names a zombie or an unrelated process, and a running postmaster is reported', { timeout: 120_000 }, async () => {
    const dataDir = path.join(root, 'postgres');
    const { logger, output } = captureLogger();
    const first = await startEmbeddedPostgres({ dataDir, logger });
    try {
      // While it runs, a second start names the conflict instead of PostgreSQL's lock-file error.
      const second = await startEmbeddedPostgres({ dataDir, logger }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(DataDirInUseError);
    } finally {
      await first.stop();
    }

    // kill -9 of the hub and its postmaster, when nothing reaps the postmaster: a zombie.
    await lockNaming(dataDir, await straySleep(true));
    const afterZombie = await startEmbeddedPostgres({ dataDir, logger });
    await afterZombie.stop();
    // The dead postmaster's pid given to another process since.
    await lockNaming(dataDir, await straySleep(false));
    const afterReuse = await startEmbeddedPostgres({ dataDir, logger });
    await withClient(afterReuse.url, async (client) => {
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    });
    await afterReuse.stop();
    expect(output.join('').match(/removed a stale postmaster.pid/g)).toHaveLength(2);
  });
});

describe('hydrateNativeSymlinks', () => {
  it('creates missing relative links, once', async () => {
    const packageRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-pg-native-'));
    try {
      await fs.mkdir(path.join(packageRoot, 'native', 'lib'), { recursive: true });
      await fs.writeFile(path.join(packageRoot, 'native', 'lib', 'libdemo.so.1.2'), 'library');
      await fs.symlink('libdemo.so.1.2', path.join(packageRoot, 'native', 'lib', 'libdemo.so'));
      await fs.writeFile(path.join(packageRoot, 'native', 'pg-symlinks.json'), JSON.stringify([
        { source: 'native/lib/libdemo.so.1.2', target: 'native/lib/libdemo.so' },
        { source: 'native/lib/libdemo.so.1.2', target: 'native/lib/libdemo.so.1' },
      ]));
      const { logger } = captureLogger();

      expect(await hydrateNativeSymlinks(packageRoot, logger)).toBe(1);
      expect(await fs.readlink(path.join(packageRoot, 'native', 'lib', 'libdemo.so.1'))).toBe('libdemo.so.1.2');
      expect(await fs.readFile(path.join(packageRoot, 'native', 'lib', 'libdemo.so.1'), 'utf8')).toBe('library');
      expect(await hydrateNativeSymlinks(packageRoot, logger)).toBe(0);
    } finally {
      await fs.rm(packageRoot, { recursive: true, force: true });
    }
  });

  it('does nothing for a platform package without a symlink list', async () => {
    const packageRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-pg-native-'));
    try {
      expect(await hydrateNativeSymlinks(packageRoot, captureLogger().logger)).toBe(0);
    } finally {
      await fs.rm(packageRoot, { recursive: true, force: true });
    }
  });
});
