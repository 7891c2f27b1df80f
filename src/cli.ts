#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDb, migrateLatest } from './db.js';
import { bootstrap, FIRST_ADMIN_USERNAME } from './bootstrap.js';
import { startServer } from './server.js';
import { resolveServices, type Services } from './runtime/services.js';
import { createUser } from './modules/identity/users-service.js';
import { ensurePlatformDepartment } from './modules/departments/departments-service.js';
import { deriveKeys } from './lib/crypto.js';
import { CatalogImportError, importCatalogDir, type ImportCounts } from './modules/catalog/catalog-import.js';
import { loadDemoCatalog } from './modules/catalog/demo-catalog.js';
import { startScheduler, startWorkers, type Runner } from '../workers/index.js';
import { USER_ROLES, type UserRole } from './plugins/auth.js';
import { REDACT_PATHS } from './logger.js';

const USAGE = `sharehub <command>

  start                    API + workers + scheduler in one process; embeds PostgreSQL and
                           redis-server when DATABASE_URL / REDIS_URL are not set
  api                      the HTTP API only (needs DATABASE_URL and REDIS_URL)
  worker                   BullMQ workers and the scheduler only (needs DATABASE_URL and REDIS_URL)
  migrate [latest|rollback|status]
  user create --username U --role R --department CODE [--display-name N]
                           password from SHAREHUB_NEW_USER_PASSWORD, else generated and printed once
  catalog import <dir>     load departments and resources from catalog files (catalog/ holds the
                           demo catalog); idempotent, publishes as the platform
`;

type Closer = () => Promise<void>;

// A shutdown step may wait on a service that is already gone (workers on a crashed Redis);
// past this bound shutdown moves on, so the process still stops its other children and exits.
const SHUTDOWN_STEP_TIMEOUT_MS = 10_000;

const bounded = (step: Promise<void>) =>
  Promise.race([
    step,
    new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`did not finish within ${SHUTDOWN_STEP_TIMEOUT_MS} ms`)), SHUTDOWN_STEP_TIMEOUT_MS).unref()),
  ]);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });

  switch (command) {
    case 'start':
      return serve(config, logger, { api: true, workers: true, embedded: true });
    case 'api':
      return serve(config, logger, { api: true, workers: false, embedded: false });
    case 'worker':
      return serve(config, logger, { api: false, workers: true, embedded: false });
    case 'migrate':
      return migrate(config, logger, rest[0] ?? 'latest');
    case 'user':
      if (rest[0] === 'create') return userCreate(config, logger, rest.slice(1));
      break;
    case 'catalog':
      if (rest[0] === 'import' && rest[1]) return catalogImport(config, logger, rest[1]);
      break;
  }
  console.error(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}

/** Runs the requested processes until SIGINT/SIGTERM, then closes them in order. */
async function serve(config: Config, logger: Logger, mode: { api: boolean; workers: boolean; embedded: boolean }): Promise<number> {
  const closers: Closer[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // Stop accepting → workers → services (reverse order of start).
    for (const close of closers.reverse()) await bounded(close()).catch((err: Error) => logger.error({ err }, 'shutdown step failed'));
    process.exit(code);
  };
  const onCrash = (err: Error) => {
    logger.fatal({ err: { message: err.message } }, 'a required service stopped; shutting down');
    void shutdown(1);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  let services: Services;
  try {
    services = await resolveServices(config, logger, { embedded: mode.embedded, needRedis: true, onCrash });
  } catch (err) {
    await shutdown(reportStartupError(err, logger));
    return 1;
  }
  closers.push(services.stop);
  const runtime = services.config;

  const db = createDb(runtime.DATABASE_URL, { max: 2 });
  try {
    const applied = await migrateLatest(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    if (services.embeddedPostgres) {
      const { adminCreated, generatedPassword } = await bootstrap(db, runtime);
      if (generatedPassword) {
        // Printed once, on the console only: the log stream never sees it.
        console.log(`\n  First platform administrator: ${FIRST_ADMIN_USERNAME} / ${generatedPassword}\n  (shown once; set SHAREHUB_ADMIN_PASSWORD to choose it)\n`);
      } else if (adminCreated) {
        logger.info({ username: FIRST_ADMIN_USERNAME }, 'first platform administrator created from SHAREHUB_ADMIN_PASSWORD');
      }
      await loadDemoCatalog(db, runtime, logger);
    }
  } finally {
    await db.destroy();
  }

  if (mode.workers) {
    const workers: Runner = await startWorkers(runtime, logger);
    const scheduler: Runner = await startScheduler(runtime, logger);
    closers.push(() => workers.close(), () => scheduler.close());
  }
  if (mode.api) {
    const app = await startServer(runtime);
    closers.push(() => app.close());
    logger.info(`ShareHub API on http://${runtime.HOST}:${runtime.PORT} (OpenAPI at /docs)`);
  }
  return new Promise<number>(() => {});
}

async function migrate(config: Config, logger: Logger, action: string): Promise<number> {
  const services = await resolveServices(config, logger, { embedded: true, needRedis: false, onCrash: (err) => logger.fatal({ err }, 'postgres stopped') });
  const db = createDb(services.config.DATABASE_URL, { max: 1 });
  try {
    if (action === 'latest') {
      const applied = await migrateLatest(db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
    } else if (action === 'rollback') {
      const [, rolledBack] = (await db.migrate.rollback()) as [number, string[]];
      console.log(rolledBack.length ? `rolled back: ${rolledBack.join(', ')}` : 'nothing to roll back');
    } else if (action === 'status') {
      const [done, pending] = (await db.migrate.list()) as [{ name: string }[], string[]];
      console.log(`applied: ${done.length}\npending: ${pending.length ? pending.join(', ') : 'none'}`);
    } else {
      console.error(`unknown migrate action '${action}' (latest | rollback | status)`);
      return 2;
    }
    return 0;
  } finally {
    await db.destroy();
    await services.stop();
  }
}

async function userCreate(config: Config, logger: Logger, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { username: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' }, 'display-name': { type: 'string' } },
    strict: true,
  });
  const missing = (['username', 'role', 'department'] as const).filter((k) => !values[k]);
  if (missing.length) {
    console.error(`missing: ${missing.map((k) => `--${k}`).join(', ')}`);
    return 2;
  }
  if (!USER_ROLES.includes(values.role as UserRole)) {
    console.error(`--role must be one of ${USER_ROLES.join(', ')}`);
    return 2;
  }
  const services = await resolveServices(config, logger, { embedded: true, needRedis: false, onCrash: (err) => logger.fatal({ err }, 'postgres stopped') });
  const db = createDb(services.config.DATABASE_URL, { max: 1 });
  try {
    await migrateLatest(db);
    const runtime = services.config;
    await ensurePlatformDepartment(db, deriveKeys(runtime.SHAREHUB_SECRET_KEY), runtime.PLATFORM_DEPARTMENT_CODE, runtime.PLATFORM_DEPARTMENT_NAME);
    const password = process.env.SHAREHUB_NEW_USER_PASSWORD || randomBytes(18).toString('base64url');
    const user = await createUser(db, 'cli', {
      username: values.username!,
      displayName: values['display-name'] ?? values.username!,
      role: values.role as UserRole,
      departmentCode: values.department!,
      password,
    });
    console.log(`created ${user.role} ${user.username} in ${user.department_code}`);
    if (!process.env.SHAREHUB_NEW_USER_PASSWORD) console.log(`password (shown once): ${password}`);
    return 0;
  } finally {
    await db.destroy();
    await services.stop();
  }
}

async function catalogImport(config: Config, logger: Logger, dir: string): Promise<number> {
  if (!existsSync(dir)) {
    console.error(`no such directory: ${dir}`);
    return 2;
  }
  const services = await resolveServices(config, logger, { embedded: true, needRedis: false, onCrash: (err) => logger.fatal({ err }, 'postgres stopped') });
  const db = createDb(services.config.DATABASE_URL, { max: 1 });
  try {
    await migrateLatest(db);
    const counts: ImportCounts = await importCatalogDir(db, deriveKeys(services.config.SHAREHUB_SECRET_KEY), dir);
    const { departments: d, resources: r } = counts;
    console.log(`catalog import from ${dir}: ${counts.files} files
  departments: ${d.created} created, ${d.existing} already registered
  resources:   ${r.created} created, ${r.updated} updated (new version published), ${r.unchanged} unchanged, ${r.skipped} skipped`);
    for (const entry of counts.skippedEntries) console.log(`  skipped ${entry}`);
    return 0;
  } catch (err) {
    if (err instanceof CatalogImportError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  } finally {
    await db.destroy();
    await services.stop();
  }
}

function reportStartupError(err: unknown, logger: Logger): number {
  if (err instanceof ConfigError) {
    console.error(err.message);
    return 78; // EX_CONFIG
  }
  logger.fatal({ err }, 'start-up failed');
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => { if (code !== undefined) process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
