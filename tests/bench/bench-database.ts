// The database a benchmark part runs on, made the same way for every part: a fresh database on
// the server of DATABASE_URL (created here, dropped at close; BENCH_KEEP_DATABASE=1 keeps it for
// EXPLAIN sessions), otherwise an embedded PostgreSQL in a directory of its own (removed at close);
// migrated, with a connection pool of the part's size.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createDb, migrateLatest, type Db } from '../../src/db.js';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-postgres.js';

export interface BenchDatabase {
  /** Connection string of the benchmark's own database (for the processes a part starts). */
  url: string;
  /** A pool on it, the schema migrated. */
  db: Db;
  /** Closes the pool, then drops the database (or stops the embedded server and removes its data); once. */
  close: () => Promise<void>;
}

/**
 * `pool`: the connections of `db` (4 by default). `dataDir`: where an embedded PostgreSQL keeps
 * its data (a part with a temporary directory of its own passes a folder in it); by default a new
 * temporary directory, removed at close.
 */
export async function openBenchDatabase(opts: { pool?: number; dataDir?: string } = {}): Promise<BenchDatabase> {
  const server = await openServer(opts.dataDir);
  const db = createDb(server.url, { max: opts.pool ?? 4 });
  try {
    await migrateLatest(db);
  } catch (err) {
    await db.destroy();
    await server.close();
    throw err;
  }
  return {
    url: server.url,
    db,
    close: async () => {
      await db.destroy();
      await server.close();
    },
  };
}

async function openServer(dataDir?: string): Promise<{ url: string; close: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const name = `sharehub_bench_${randomBytes(4).toString('hex')}`;
    const admin = createDb(process.env.DATABASE_URL, { max: 1 });
    await admin.raw('create database ??', [name]);
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${name}`;
    console.log(`PostgreSQL from DATABASE_URL, database ${name}`);
    return {
      url: u.toString(),
      close: async () => {
        if (process.env.BENCH_KEEP_DATABASE) console.log(`kept database ${name}`);
        else await admin.raw('drop database if exists ?? with (force)', [name]);
        await admin.destroy();
      },
    };
  }
  let tmp: string | undefined;
  if (dataDir === undefined) {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sharehub-bench-'));
    // As root, PostgreSQL runs as the postgres user, which must be able to traverse this 0700 directory.
    await fs.chmod(tmp, 0o711);
    dataDir = path.join(tmp, 'postgres');
  }
  const pg = await startEmbeddedPostgres({ dataDir, logger: pino({ level: 'warn' }) });
  console.log('embedded PostgreSQL (no DATABASE_URL)');
  return {
    url: pg.url,
    close: async () => {
      await pg.stop();
      if (tmp !== undefined) await fs.rm(tmp, { recursive: true, force: true });
    },
  };
}
