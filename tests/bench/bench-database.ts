// The database a benchmark part runs on, made the same way for every part: a fresh database on
// the server of DATABASE_URL (created here, dropped at close; BENCH_KEEP_DATABASE=1 keeps it for
// EXPLAIN sessions), otherwise an embedded PostgreSQL in a directory of its own (removed at close).
// Migrations are the caller's (a part may time them, or run them from another process).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createDb } from '../../src/db.js';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-postgres.js';

export interface BenchDatabase {
  /** Connection string of the benchmark's own database. */
  url: string;
  /** Drops the database (or stops the embedded server and removes its data); safe to call once. */
  close: () => Promise<void>;
}

/**
 * `dataDir`: where an embedded PostgreSQL keeps its data (a part with a temporary directory of its
 * own passes a folder in it); by default a new temporary directory, removed at close.
 */
export async function openBenchDatabase(opts: { dataDir?: string } = {}): Promise<BenchDatabase> {
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
  let dataDir = opts.dataDir;
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
