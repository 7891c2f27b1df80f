import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { createDb, migrateLatest } from '../src/db.js';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres.js';
import { startLocalRedis } from '../src/runtime/local-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
    /** How `create database … template …` copies the template (test-app.ts): the server's default or its files. */
    cloneStrategy: 'default' | 'file_copy';
    redisUrl: string;
    runId: string;
  }
}

/**
 * Real PostgreSQL and Redis for the whole run: the ones named by DATABASE_URL / REDIS_URL when
 * set, otherwise an embedded PostgreSQL and a local redis-server in a temporary directory.
 * Migrates a template database once; every test file clones it (tests/helpers/test-app.ts).
 */
export default async function setup(project: TestProject) {
  const logger = pino({ level: 'warn' });
  const runId = randomBytes(4).toString('hex');
  const scratch = await scratchBase();
  const tmp = await fs.mkdtemp(path.join(scratch.dir, 'sharehub-test-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to traverse this 0700 directory.
  await fs.chmod(tmp, 0o711);
  const stops: (() => Promise<void>)[] = [];
  const onCrash = (err: Error) => logger.error({ err }, 'test service crashed');

  let adminUrl = process.env.DATABASE_URL;
  // PostgreSQL's default copies a template block by block through its WAL; on tmpfs copying the
  // files is cheaper (their checkpoint costs little without fsync). On a disk it is the other way
  // round, and a server of the caller's (DATABASE_URL, perhaps older than PostgreSQL 15's
  // STRATEGY) keeps its default.
  let cloneStrategy: 'default' | 'file_copy' = 'default';
  if (!adminUrl) {
    if (scratch.tmpfs) cloneStrategy = 'file_copy';
    // A test run's data is thrown away: two of PostgreSQL's non-durable settings (its manual, 14.5)
    // spare the disk flushes that cloning a database per test file and every commit wait for.
    // synchronous_commit stays on: with fsync off it costs next to nothing, and off it would change
    // what tests see (VACUUM cannot mark pages all-visible before their commit is flushed, so the
    // planner's index-only scans in tests/modules/catalog/search-plans.test.ts would not happen).
    const settings = { fsync: 'off', full_page_writes: 'off' };
    const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'postgres'), logger, onCrash, settings });
    stops.push(() => pg.stop());
    adminUrl = pg.url;
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startLocalRedis({ dataDir: path.join(tmp, 'redis'), logger, onCrash });
    stops.push(() => redis.stop());
    redisUrl = redis.url;
  }

  const templateDatabase = `sharehub_t${runId}_template`;
  const admin = createDb(adminUrl, { max: 1 });
  await admin.raw('create database ??', [templateDatabase]);
  const template = createDb(withDatabase(adminUrl, templateDatabase), { max: 1 });
  await migrateLatest(template);
  await template.destroy();

  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', templateDatabase);
  project.provide('cloneStrategy', cloneStrategy);
  project.provide('redisUrl', redisUrl);
  project.provide('runId', runId);

  return async () => {
    // Drop what this run created, so a shared server (DATABASE_URL) does not fill up.
    const rows = await admin.raw(`select datname from pg_database where datname like ?`, [`sharehub_t${runId}_%`]);
    for (const { datname } of rows.rows as { datname: string }[]) {
      await admin.raw('drop database if exists ?? with (force)', [datname]);
    }
    await admin.destroy();
    for (const stop of stops.reverse()) await stop();
    await fs.rm(tmp, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Where the run's PostgreSQL and Redis keep their data: tmpfs when the machine has one with room.
 * A run creates about a hundred databases of a few hundred files each; on a disk file system the
 * kernel's inode allocation for those files (ext4 searching its recently deleted inodes) cost
 * PostgreSQL more CPU than the tests' own queries.
 */
async function scratchBase(): Promise<{ dir: string; tmpfs: boolean }> {
  try {
    const shm = await fs.statfs('/dev/shm');
    if (shm.type === TMPFS_MAGIC && shm.bavail * shm.bsize >= SCRATCH_BYTES_NEEDED) return { dir: '/dev/shm', tmpfs: true };
  } catch {
    // No /dev/shm on this machine.
  }
  return { dir: os.tmpdir(), tmpfs: false };
}

const TMPFS_MAGIC = 0x01021994;
// The template is about 10 MB and every test file clones it; with room to spare.
const SCRATCH_BYTES_NEEDED = 4 * 1024 ** 3;
