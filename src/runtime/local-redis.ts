import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { constants as fsConstants, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ManagedService } from './embedded-postgres.js';
import { findFreePort } from './free-port.js';
import { describeExit, LogTail, ServiceCrash, spawnGuarded, type GuardedChild } from './guarded-child.js';
import { processState } from './pid-lock.js';

export type { ManagedService } from './embedded-postgres.js';

export interface LocalRedisOptions {
  dataDir: string;
  logger: Logger;
  /** Called once if redis-server exits without being asked to; the error carries its last log lines. */
  onCrash?: (err: ServiceCrash) => void;
  /** Install redis-server with apt-get when it is missing (Debian, as root only). Defaults to true. */
  installIfMissing?: boolean;
}

/** What locateRedisServer() looks at; every field defaults to the real machine, tests inject them. */
export interface RedisLocatorOptions {
  installIfMissing: boolean;
  logger: Logger;
  pathEnv?: string;
  isRoot?: boolean;
  isDebian?: boolean;
  run?: (command: string, args: string[]) => Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 3;
// What a crash report quotes of the service's own log: enough to see why, not the whole log.
const LOG_TAIL_LINES = 20;

/**
 * Runs redis-server from PATH as a child process on a free port on 127.0.0.1, with its
 * append-only file under `dataDir` so data survives restarts.
 */
export async function startLocalRedis(opts: LocalRedisOptions): Promise<ManagedService> {
  const log = opts.logger.child({ component: 'local-redis' });
  const onCrash = opts.onCrash ?? ((err: ServiceCrash) => log.error({ err: { message: err.message }, logTail: err.logTail }, 'local Redis crashed'));
  const dataDir = path.resolve(opts.dataDir);
  const binary = await locateRedisServer({ installIfMissing: opts.installIfMissing ?? true, logger: log });
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const pidFile = path.join(dataDir, 'redis.pid');
  // Two servers appending to the same AOF would corrupt it.
  await refuseIfAlreadyRunning(pidFile, dataDir);

  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    const recentLog = new LogTail(LOG_TAIL_LINES);
    const child = spawnGuarded(binary, [
      '--bind', '127.0.0.1',
      '--port', String(port),
      '--protected-mode', 'yes',
      '--dir', dataDir,
      '--appendonly', 'yes',
      '--save', '',
      '--daemonize', 'no',
      '--pidfile', pidFile,
      '--logfile', '',
    ], { stopSignal: 'SIGTERM' }); // SIGTERM makes Redis flush the AOF and exit cleanly
    const onOutput = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line.trim() === '') continue;
        log.debug(line);
        recentLog.push(line);
      }
    };
    child.process.stdout?.on('data', onOutput);
    child.process.stderr?.on('data', onOutput);

    try {
      await waitUntilReady(child.process, port);
    } catch (err) {
      await child.kill();
      const portTaken = recentLog.lines.some((line) => /address already in use/i.test(line));
      if (portTaken && attempt < PORT_ATTEMPTS) {
        log.debug({ port }, 'port was taken before Redis could bind it; retrying with another');
        continue;
      }
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`local Redis (${binary}) failed to start in ${dataDir} on 127.0.0.1:${port}: ${reason}\n${recentLog.lines.join('\n')}`);
    }
    log.info({ port, dataDir }, 'local Redis is ready');
    return manage(child, port, log, onCrash, recentLog);
  }
}

function manage(child: GuardedChild, port: number, log: Logger, onCrash: (err: ServiceCrash) => void, recentLog: LogTail): ManagedService {
  let stopping: Promise<void> | undefined;

  child.process.once('exit', (code, signal) => {
    if (stopping !== undefined) return;
    onCrash(new ServiceCrash(`local Redis (port ${port}) exited unexpectedly with ${describeExit(code, signal)}`, [...recentLog.lines]));
  });

  const stop = async (): Promise<void> => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return;
    await child.stop(STOP_TIMEOUT_MS, () => log.warn('Redis did not exit after SIGTERM in time; killing it'));
    log.info({ port }, 'local Redis stopped');
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => (stopping ??= stop()),
  };
}

async function waitUntilReady(child: ChildProcess, port: number): Promise<void> {
  let failure: string | undefined;
  child.once('error', (err) => {
    failure = `could not run it: ${err.message}`;
  });
  child.once('exit', (code, signal) => {
    failure = `it exited during startup with ${signal !== null ? `signal ${signal}` : `exit code ${String(code)}`}`;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (failure !== undefined) throw new Error(failure);
    if (await answersPing(port)) return;
    if (failure !== undefined) throw new Error(failure);
    await sleep(100);
  }
  throw new Error(`it did not answer PING within ${READY_TIMEOUT_MS / 1000}s`);
}

/** One raw RESP round trip; false while the port is closed or Redis is still loading (-LOADING). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

async function refuseIfAlreadyRunning(pidFile: string, dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt(await fs.readFile(pidFile, 'utf8'), 10);
  } catch {
    return;
  }
  // A pid file naming a process that is gone, a zombie (killed, not yet reaped) or an unrelated
  // process that got the pid since is stale: redis-server overwrites it when it starts.
  if (!Number.isInteger(pid) || pid <= 0 || (await processState(pid)) !== 'alive') return;
  const comm = await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined);
  if (comm !== undefined && !comm.startsWith('redis-server')) return;
  throw new Error(`a redis-server (pid ${pid}) is still using ${dataDir}, probably left over from an earlier run; stop it (kill ${pid}) and start again`);
}

/** First executable file called `name` in the directories of `pathEnv` (a PATH-style list). */
export async function findExecutable(name: string, pathEnv: string = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      await fs.access(candidate, fsConstants.X_OK);
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** Path of redis-server, installing it with apt-get when allowed and possible. */
export async function locateRedisServer(opts: RedisLocatorOptions): Promise<string> {
  const pathEnv = opts.pathEnv ?? process.env.PATH ?? '';
  const found = await findExecutable('redis-server', pathEnv);
  if (found !== undefined) return found;

  const isRoot = opts.isRoot ?? process.getuid?.() === 0;
  const isDebian = opts.isDebian ?? existsSync('/etc/debian_version');
  if (!opts.installIfMissing) throw new Error(missingRedisMessage('automatic installation is disabled'));
  if (!isDebian) throw new Error(missingRedisMessage('automatic installation is only done on Debian/Ubuntu'));
  if (!isRoot) throw new Error(missingRedisMessage('automatic installation needs root'));

  const run = opts.run ?? ((command: string, args: string[]) => runLogged(command, args, opts.logger));
  opts.logger.info('redis-server is not on PATH; installing it with apt-get (this can take a minute)');
  await run('apt-get', ['update']);
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server']);
  const installed = await findExecutable('redis-server', pathEnv);
  if (installed === undefined) {
    throw new Error(`apt-get installed redis-server but it is still not on PATH (${pathEnv}); set REDIS_URL to use an existing Redis`);
  }
  opts.logger.info({ path: installed }, 'installed redis-server');
  return installed;
}

function missingRedisMessage(why: string): string {
  return `redis-server was not found on PATH (${why}). Install it with \`apt-get install redis-server\` (Debian/Ubuntu) `
    + 'or `brew install redis` (macOS), or set REDIS_URL to use an existing Redis.';
}

function runLogged(command: string, args: string[], logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const recent: string[] = [];
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const onOutput = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line.trim() === '') continue;
        logger.debug({ command }, line);
        recent.push(line);
        if (recent.length > LOG_TAIL_LINES) recent.shift();
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('error', (err) => reject(new Error(`could not run ${command}: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed with ${signal ?? `exit code ${String(code)}`}:\n${recent.join('\n')}`));
    });
  });
}
