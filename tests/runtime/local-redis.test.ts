import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, locateRedisServer, startLocalRedis } from '../../src/runtime/local-redis.js';
import { captureLogger, firstCall } from './helpers.js';

async function withRedis<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await fn(redis);
  } finally {
    await redis.quit();
  }
}

describe('startLocalRedis', () => {
  let root: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-redis-'));
  });

  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('keeps data across restarts through the append-only file', { timeout: 60_000 }, async () => {
    const dataDir = path.join(root, 'persist');
    const { logger, output } = captureLogger();
    const crash = firstCall<Error>();

    const first = await startLocalRedis({ dataDir, logger, onCrash: crash.callback });
    try {
      const url = new URL(first.url);
      expect(url.hostname).toBe('127.0.0.1');
      expect(url.port).not.toBe('6379');
      await withRedis(first.url, async (redis) => {
        expect(await redis.set('sharehub:test', 'survives restart')).toBe('OK');
      });
    } finally {
      await first.stop();
    }
    await first.stop(); // idempotent

    const second = await startLocalRedis({ dataDir, logger, onCrash: crash.callback });
    try {
      expect(new URL(second.url).port).not.toBe('6379');
      await withRedis(second.url, async (redis) => {
        expect(await redis.get('sharehub:test')).toBe('survives restart');
      });
    } finally {
      await second.stop();
    }

    expect(crash.calls).toEqual([]);
    expect((await fs.readdir(path.join(dataDir, 'appendonlydir'))).length).toBeGreaterThan(0);
    expect(output.join('')).toContain('Ready to accept connections'); // redis output goes to the logger
  });

  it('reports a crash through onCrash, and stop() still resolves', { timeout: 60_000 }, async () => {
    const dataDir = path.join(root, 'crash');
    const crash = firstCall<Error>();
    const service = await startLocalRedis({ dataDir, logger: captureLogger().logger, onCrash: crash.callback });

    const pid = Number.parseInt(await fs.readFile(path.join(dataDir, 'redis.pid'), 'utf8'), 10);
    process.kill(pid, 'SIGKILL');
    const err = await crash.called;
    expect(err.message).toMatch(/exited unexpectedly with signal SIGKILL/);

    await service.stop();
    expect(crash.calls).toHaveLength(1);
  });

  it('refuses a data directory another redis-server is still using', { timeout: 60_000 }, async () => {
    const dataDir = path.join(root, 'shared');
    const { logger } = captureLogger();
    const running = await startLocalRedis({ dataDir, logger });
    try {
      await expect(startLocalRedis({ dataDir, logger })).rejects.toThrow(/redis-server \(pid \d+\) is still using/);
    } finally {
      await running.stop();
    }
  });

  it('explains how to get redis-server when it is not on PATH', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = '';
    try {
      const attempt = startLocalRedis({ dataDir: path.join(root, 'missing'), logger: captureLogger().logger, installIfMissing: false });
      await expect(attempt).rejects.toThrow(/apt-get install redis-server.*brew install redis.*REDIS_URL/);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});

describe('locateRedisServer', () => {
  it('finds redis-server on PATH', async () => {
    const found = await locateRedisServer({ installIfMissing: false, logger: captureLogger().logger });
    expect(found).toBe(await findExecutable('redis-server'));
    expect(path.basename(found)).toBe('redis-server');
  });

  it('throws install instructions when missing and installation is disabled', async () => {
    const attempt = locateRedisServer({ installIfMissing: false, logger: captureLogger().logger, pathEnv: '' });
    await expect(attempt).rejects.toThrow(
      'redis-server was not found on PATH (automatic installation is disabled). Install it with `apt-get install redis-server` '
      + '(Debian/Ubuntu) or `brew install redis` (macOS), or set REDIS_URL to use an existing Redis.');
  });

  it('only installs as root on Debian', async () => {
    const commands: string[] = [];
    const run = async (command: string, args: string[]): Promise<void> => {
      commands.push([command, ...args].join(' '));
    };
    const { logger } = captureLogger();
    await expect(locateRedisServer({ installIfMissing: true, logger, pathEnv: '', isRoot: false, isDebian: true, run }))
      .rejects.toThrow(/needs root.*apt-get install redis-server/);
    await expect(locateRedisServer({ installIfMissing: true, logger, pathEnv: '', isRoot: true, isDebian: false, run }))
      .rejects.toThrow(/only done on Debian.*brew install redis/);
    expect(commands).toEqual([]);
  });

  it('installs with apt-get when missing, as root on Debian', async () => {
    const binDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-redis-bin-'));
    try {
      const commands: string[] = [];
      // Stands in for apt-get: "installing" puts an executable redis-server on PATH.
      const run = async (command: string, args: string[]): Promise<void> => {
        commands.push([command, ...args].join(' '));
        if (args[0] === 'install') await fs.writeFile(path.join(binDir, 'redis-server'), '#!/bin/sh\n', { mode: 0o755 });
      };
      const found = await locateRedisServer({
        installIfMissing: true, logger: captureLogger().logger, pathEnv: binDir, isRoot: true, isDebian: true, run,
      });
      expect(found).toBe(path.join(binDir, 'redis-server'));
      expect(commands).toEqual(['apt-get update', 'apt-get install -y --no-install-recommends redis-server']);
    } finally {
      await fs.rm(binDir, { recursive: true, force: true });
    }
  });
});

describe('findExecutable', () => {
  it('skips non-executable files and empty PATH entries', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-which-'));
    try {
      await fs.mkdir(path.join(dir, 'a'));
      await fs.mkdir(path.join(dir, 'b'));
      await fs.writeFile(path.join(dir, 'a', 'tool'), 'not executable', { mode: 0o644 });
      await fs.writeFile(path.join(dir, 'b', 'tool'), '#!/bin/sh\n', { mode: 0o755 });
      const pathEnv = ['', path.join(dir, 'a'), path.join(dir, 'b')].join(path.delimiter);
      // Root passes X_OK for any file with some execute bit; 0644 has none, so this holds for root too.
      expect(await findExecutable('tool', pathEnv)).toBe(path.join(dir, 'b', 'tool'));
      expect(await findExecutable('absent', pathEnv)).toBeUndefined();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
