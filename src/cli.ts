#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, previousSecretKeys, type Config } from './config.js';
import { createDb, type Db } from './db.js';
import type { RuntimeConfig } from './config.js';
import { bootstrap, checkSecretKey, FIRST_ADMIN_USERNAME } from './bootstrap.js';
import { cliContext } from './modules/context.js';
import { startServer } from './server.js';
import { ensureConsoleBuilt } from './console/build.js';
import { resolveServices } from './runtime/services.js';
import { canRewriteTrail, migrateAndGrant } from './runtime/db-roles.js';
import { verifyReceipt, type Receipt } from './modules/audit/receipt.js';
import { runRetention } from './modules/audit/retention.js';
import { auditSigningKey, logOrigin, trustedAuditKeys } from './modules/audit/tree-head.js';
import { verifyLog } from './modules/audit/verify.js';
import { createUser } from './modules/identity/users-service.js';
import { ensurePlatformDepartment } from './modules/departments/departments-service.js';
import { deriveKeys } from './lib/crypto.js';
import { CatalogImportError, importCatalogDir, type ImportCounts } from './modules/catalog/catalog-import.js';
import { loadDemoCatalog } from './modules/catalog/demo-catalog.js';
import { startScheduler, startWorkers, type Runner } from '../workers/index.js';
import { USER_ROLES, type UserRole } from './modules/identity/principal.js';
import { createLogger, logDestination } from './logger.js';
import { DataDirInUseError } from './runtime/pid-lock.js';
import type { ServiceCrash } from './runtime/guarded-child.js';
import { checkUscc } from './lib/identifiers.js';
import { strictAjv } from './lib/validation.js';
import { createUserBody } from '../schemas/identity.js';
import { AppError } from './lib/errors.js';
import { loadDemoRecords } from './demo-records.js';
import { loadRecordsFile, loadSummary, resealAllRecords } from './records-commands.js';

const USAGE = `sharehub <command>

  start                    API + workers + scheduler in one process; embeds PostgreSQL and
                           redis-server when DATABASE_URL / REDIS_URL are not set
  api                      the HTTP API only (needs DATABASE_URL and REDIS_URL)
  worker                   BullMQ workers and the scheduler only (needs DATABASE_URL and REDIS_URL)
  migrate [latest|rollback|status]
  user create --username U --role R --department CODE [--display-name N] [--federated]
                           password from SHAREHUB_NEW_USER_PASSWORD, else generated and printed once;
                           --federated: no local password, signs in with identity-provider tokens only
  catalog import <dir>     load departments and resources from catalog files (catalog/ holds the
                           demo catalog); idempotent, publishes as the platform
  records load <resource-id-or-code> <file.ndjson> [--system <id>]
                           load hosted records (one JSON object per line) as the provider's system
                           (--system when it has several); bad lines are reported, good ones loaded
  records reseal           after a master-key rotation, move hosted records to the current key
  audit verify             recompute the audit tree from the events, check every signed head and
                           their consistency; names the first event that differs (exit 1)
  audit retention [--dry-run]
                           as the owner role: make the next months' event partitions and drop the
                           months past AUDIT_RETENTION_MONTHS that signed heads fully cover
  audit verify-receipt <receipt.json> [--public-key 04…]
                           check an access-log entry (with its head) offline: leaf, inclusion
                           proof, SM2 signature; the key defaults to the receipt's head.publicKey
`;

type Closer = () => Promise<void>;

// sysexits.h: a configuration error; a resource busy for now (try again later).
const EX_CONFIG = 78;
const EX_TEMPFAIL = 75;

// A shutdown step may wait on a service that is already gone (workers on a crashed Redis);
// past this bound shutdown moves on, so the process still stops its other children and exits.
// After a crash nothing can finish cleanly anyway, so the bound is short.
const SHUTDOWN_STEP_TIMEOUT_MS = 10_000;
const CRASH_STEP_TIMEOUT_MS = 2_000;

class StepTimeout extends Error {}

const bounded = (step: Promise<void>, ms: number) =>
  Promise.race([
    step,
    new Promise<void>((_, reject) => setTimeout(() => reject(new StepTimeout(`did not finish within ${ms} ms; moving on`)), ms).unref()),
  ]);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const config = loadConfig();
  const logStream = logDestination();
  const logger = createLogger(config.LOG_LEVEL, logStream);

  switch (command) {
    case 'start':
      return serve(config, logger, logStream, { api: true, workers: true, embedded: true });
    case 'api':
      return serve(config, logger, logStream, { api: true, workers: false, embedded: false });
    case 'worker':
      return serve(config, logger, logStream, { api: false, workers: true, embedded: false });
    case 'migrate':
      return migrate(config, logger, rest[0] ?? 'latest');
    case 'user':
      if (rest[0] === 'create') return userCreate(config, logger, rest.slice(1));
      break;
    case 'catalog':
      if (rest[0] === 'import' && rest[1]) return catalogImport(config, logger, rest[1]);
      break;
    case 'audit':
      if (rest[0] === 'verify' && rest.length === 1) return auditVerify(config, logger);
      if (rest[0] === 'verify-receipt') return auditVerifyReceipt(rest.slice(1));
      if (rest[0] === 'retention') return auditRetentionCommand(config, logger, rest.slice(1));
      break;
    case 'records':
      if (rest[0] === 'load') return recordsLoad(config, logger, rest.slice(1));
      if (rest[0] === 'reseal' && rest.length === 1) return recordsReseal(config, logger);
      break;
  }
  return usageError(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
}

const usageError = (message: string) => {
  console.error(message);
  return 2;
};

/**
 * Runs the requested processes until SIGINT/SIGTERM, then closes them in order: the API (its
 * requests in flight finish), the scheduler, the workers (their jobs in hand finish), and the
 * embedded PostgreSQL and redis-server last. Those children run in their own session, so a
 * Ctrl-C (SIGINT to the terminal's whole process group) reaches only this process.
 */
async function serve(config: Config, logger: Logger, logStream: NodeJS.WritableStream | undefined, mode: { api: boolean; workers: boolean; embedded: boolean }): Promise<number> {
  const closers: Closer[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    stopping = true;
    const limit = code === 0 ? SHUTDOWN_STEP_TIMEOUT_MS : CRASH_STEP_TIMEOUT_MS;
    for (const close of closers.reverse()) {
      await bounded(close(), limit).catch((err: Error) => {
        if (err instanceof StepTimeout) logger.warn({ err: { message: err.message } }, 'a shutdown step did not finish');
        else logger.error({ err }, 'shutdown step failed');
      });
    }
    if (code === 0) logger.info('ShareHub stopped');
    process.exit(code);
  };
  const onCrash = (err: ServiceCrash) => {
    // The only error of a stop: a child that died on its own. Its last log lines say why.
    logger.error({ err: { message: err.message }, logTail: err.logTail }, 'a required service stopped; shutting down');
    if (!stopping) void shutdown(1);
  };
  // `on`, not `once`: the same signal often comes twice (the terminal signals the group and npm
  // forwards it again). A repeat must not end the process mid-drain, and is not an error.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info({ signal }, 'already stopping; waiting for work in flight to finish');
      return;
    }
    logger.info({ signal }, 'stopping: finishing requests and jobs in flight');
    void shutdown(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Whatever fails during start-up (a migration, a bad key, a port in use) still stops what
  // was already started, in order.
  try {
    const services = await resolveServices(config, logger, { embedded: mode.embedded, needRedis: true, onCrash });
    closers.push(services.stop);
    const runtime = services.config;
    await prepareDatabase(runtime, logger, services.embeddedPostgres);
    if (mode.workers) {
      const workers: Runner = await startWorkers(runtime, logger);
      closers.push(() => workers.close());
      const scheduler: Runner = await startScheduler(runtime, logger);
      closers.push(() => scheduler.close());
    }
    if (mode.api) {
      // The all-in-one start builds the web console when its build is missing or stale
      // (src/console/build.ts); `sharehub api` serves the build it finds (the image's).
      if (mode.embedded) await ensureConsoleBuilt(logger);
      const app = await startServer(runtime, { logStream });
      closers.push(() => app.close());
      logger.info(`ShareHub API on http://${runtime.HOST}:${runtime.PORT} (OpenAPI at /docs, web console at /console)`);
    }
  } catch (err) {
    if (!stopping) await shutdown(reportStartupError(err, logger));
  }
  return new Promise<number>(() => {});
}

/** Migrations, the secret-key check and, for the embedded demo hub, its first-run set-up. */
async function prepareDatabase(runtime: RuntimeConfig, logger: Logger, embedded: boolean) {
  const db = createDb(runtime.DATABASE_URL, { max: 2 });
  try {
    const applied = await migrateAndGrant(runtime, logger);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    if (await canRewriteTrail(db)) {
      logger.warn('the database role of DATABASE_URL owns the audit trail (or is a superuser): only triggers keep it append-only; '
        + 'set DATABASE_OWNER_URL and run the hub as a role that owns nothing (README, "Database roles")');
    }
    const { rotated } = await checkSecretKey(db, runtime.SHAREHUB_SECRET_KEY, previousSecretKeys(runtime));
    if (rotated) logger.warn('master key rotated: run `sharehub records reseal` to move hosted records to the new key');
    if (!embedded) return;
    const { adminCreated, generatedPassword } = await bootstrap(db, runtime);
    if (generatedPassword) {
      // Printed once, on the console only: the log stream never sees it.
      console.log(`\n  First platform administrator: ${FIRST_ADMIN_USERNAME} / ${generatedPassword}\n  (shown once; set SHAREHUB_ADMIN_PASSWORD to choose it)\n`);
    } else if (adminCreated) {
      logger.info({ username: FIRST_ADMIN_USERNAME }, 'first platform administrator created from SHAREHUB_ADMIN_PASSWORD');
    }
    await loadDemoCatalog(db, runtime, logger);
    await loadDemoRecords(db, runtime, logger);
  } finally {
    await db.destroy();
  }
}

/**
 * A one-off command against the database: the configured one, or the embedded one under
 * SHAREHUB_DATA_DIR (which must not be in use by a running `sharehub start` at the same time).
 */
async function withDatabase(config: Config, logger: Logger, work: (db: Db, runtime: RuntimeConfig) => Promise<number>): Promise<number> {
  let services: Awaited<ReturnType<typeof resolveServices>>;
  try {
    services = await resolveServices(config, logger, {
      embedded: true, needRedis: false,
      onCrash: (err) => logger.error({ err: { message: err.message }, logTail: err.logTail }, 'postgres stopped'),
    });
  } catch (err) {
    if (!(err instanceof DataDirInUseError)) throw err;
    // One line, instead of PostgreSQL's lock-file message.
    console.error(`the embedded database in ${err.dataDir} is in use by a running sharehub start: stop sharehub start first, or set DATABASE_URL`);
    return EX_TEMPFAIL;
  }
  const db = createDb(services.config.DATABASE_URL, { max: 1 });
  try {
    return await work(db, services.config);
  } finally {
    await db.destroy();
    await services.stop();
  }
}

const MIGRATE_ACTIONS = ['latest', 'rollback', 'status'];

async function migrate(config: Config, logger: Logger, action: string): Promise<number> {
  if (!MIGRATE_ACTIONS.includes(action)) return usageError(`unknown migrate action '${action}' (${MIGRATE_ACTIONS.join(' | ')})`);
  return withDatabase(config, logger, async (appDb, runtime) => {
    // Migrations are the owner's business (DATABASE_OWNER_URL), the app role's grants follow.
    if (action === 'latest') {
      const applied = await migrateAndGrant(runtime, logger);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
      return 0;
    }
    const db = runtime.DATABASE_OWNER_URL ? createDb(runtime.DATABASE_OWNER_URL, { max: 1 }) : appDb;
    try {
      return await migrateAction(db, action);
    } finally {
      if (db !== appDb) await db.destroy();
    }
  });
}

async function migrateAction(db: Db, action: string): Promise<number> {
  if (action === 'rollback') {
    const [, rolledBack] = (await db.migrate.rollback()) as [number, string[]];
    console.log(rolledBack.length ? `rolled back: ${rolledBack.join(', ')}` : 'nothing to roll back');
  } else {
    const [done, pending] = (await db.migrate.list()) as [{ name: string }[], string[]];
    console.log(`applied: ${done.length}\npending: ${pending.length ? pending.join(', ') : 'none'}`);
  }
  return 0;
}

const validateNewUser = strictAjv.compile({
  type: 'object',
  properties: { username: createUserBody.properties.username, password: createUserBody.properties.password },
});

async function userCreate(config: Config, logger: Logger, args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        username: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' }, 'display-name': { type: 'string' },
        federated: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    return usageError((err as Error).message);
  }
  const missing = (['username', 'role', 'department'] as const).filter((k) => !values[k]);
  if (missing.length) return usageError(`missing: ${missing.map((k) => `--${k}`).join(', ')}`);
  if (!USER_ROLES.includes(values.role as UserRole)) return usageError(`--role must be one of ${USER_ROLES.join(', ')}`);
  const department = checkUscc(values.department as string);
  if (!department.valid) return usageError(`--department is not a valid 统一社会信用代码: ${department.reason}`);
  // A federated account has no local password: only the identity provider's tokens reach it,
  // so without an identity provider it could never sign in.
  const federated = values.federated === true;
  if (federated && !config.IDP_JWKS_URL && !config.IDP_PUBLIC_KEY) {
    console.error('--federated: no identity provider is configured, so this account could never sign in; '
      + 'set IDP_JWKS_URL (or IDP_PUBLIC_KEY), IDP_ISSUER and IDP_AUDIENCE as the API runs with them');
    return EX_CONFIG;
  }
  const given = config.SHAREHUB_NEW_USER_PASSWORD;
  const password = federated ? undefined : (given ?? randomBytes(18).toString('base64url'));
  if (!validateNewUser({ username: values.username, ...(password ? { password } : {}) })) {
    const problem = validateNewUser.errors?.[0];
    return usageError(`${problem?.instancePath === '/password' ? 'SHAREHUB_NEW_USER_PASSWORD' : '--username'} ${problem?.message ?? 'is invalid'}`);
  }
  return withDatabase(config, logger, async (db, runtime) => {
    await migrateAndGrant(runtime, logger);
    await checkSecretKey(db, runtime.SHAREHUB_SECRET_KEY, previousSecretKeys(runtime));
    await ensurePlatformDepartment(cliContext(db), deriveKeys(runtime.SHAREHUB_SECRET_KEY), runtime.PLATFORM_DEPARTMENT_CODE, runtime.PLATFORM_DEPARTMENT_NAME);
    const user = await createUser(cliContext(db), {
      username: values.username as string,
      displayName: (values['display-name'] as string | undefined) ?? (values.username as string),
      role: values.role as UserRole,
      departmentCode: values.department as string,
      password,
    });
    console.log(`created ${federated ? 'federated ' : ''}${user.role} ${user.username} in ${user.department_code}`);
    if (password && !given) console.log(`password (shown once): ${password}`);
    return 0;
  });
}

async function catalogImport(config: Config, logger: Logger, dir: string): Promise<number> {
  if (!existsSync(dir)) return usageError(`no such directory: ${dir}`);
  return withDatabase(config, logger, async (db, runtime) => {
    await migrateAndGrant(runtime, logger);
    await checkSecretKey(db, runtime.SHAREHUB_SECRET_KEY, previousSecretKeys(runtime));
    try {
      const counts: ImportCounts = await importCatalogDir(db, deriveKeys(runtime.SHAREHUB_SECRET_KEY), dir);
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
    }
  });
}

async function recordsLoad(config: Config, logger: Logger, args: string[]): Promise<number> {
  let parsed: { values: { system?: string }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { system: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const [resource, file] = parsed.positionals;
  if (!resource || !file || parsed.positionals.length !== 2) return usageError('usage: sharehub records load <resource-id-or-code> <file.ndjson> [--system <id>]');
  if (!existsSync(file)) return usageError(`no such file: ${file}`);
  return withDatabase(config, logger, async (db, runtime) => {
    await migrateAndGrant(runtime, logger);
    await checkSecretKey(db, runtime.SHAREHUB_SECRET_KEY, previousSecretKeys(runtime));
    try {
      const result = await loadRecordsFile(db, runtime, { resource, file, systemId: parsed.values.system, now: new Date() }, process.stderr);
      console.log(loadSummary(result));
      return 0;
    } catch (err) {
      if (err instanceof AppError) {
        console.error(`${err.code}: ${err.message}`);
        return 1;
      }
      throw err;
    }
  });
}

async function recordsReseal(config: Config, logger: Logger): Promise<number> {
  return withDatabase(config, logger, async (db, runtime) => {
    await migrateAndGrant(runtime, logger);
    await checkSecretKey(db, runtime.SHAREHUB_SECRET_KEY, previousSecretKeys(runtime));
    const done = await resealAllRecords(db, runtime, (p) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${p.records} records, ${p.history} history rows moved…`);
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(`resealed under the current key: ${done.records} records (${done.superseded} superseded by a newer load), ${done.history} history rows; nothing left under previous keys`);
    return 0;
  });
}

async function auditVerify(config: Config, logger: Logger): Promise<number> {
  return withDatabase(config, logger, async (db, runtime) => {
    const report = await verifyLog(db, { origin: logOrigin(runtime), trustedKeys: trustedAuditKeys(runtime) });
    console.log(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  });
}

async function auditRetentionCommand(config: Config, logger: Logger, args: string[]): Promise<number> {
  let dryRun: boolean;
  try {
    dryRun = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } }, allowPositionals: false, strict: true }).values['dry-run'] === true;
  } catch (err) {
    return usageError((err as Error).message);
  }
  return withDatabase(config, logger, async (appDb, runtime) => {
    // Only the owner may create and drop partitions (the app role owns nothing).
    const owner = runtime.DATABASE_OWNER_URL ? createDb(runtime.DATABASE_OWNER_URL, { max: 1 }) : appDb;
    try {
      const report = await runRetention(owner, {
        retentionMonths: runtime.AUDIT_RETENTION_MONTHS, now: new Date(), origin: logOrigin(runtime), signer: auditSigningKey(runtime), dryRun,
      });
      console.log(JSON.stringify(report, null, 2));
      return 0;
    } finally {
      if (owner !== appDb) await owner.destroy();
    }
  });
}

async function auditVerifyReceipt(args: string[]): Promise<number> {
  let parsed: { values: { 'public-key'?: string }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { 'public-key': { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const [file] = parsed.positionals;
  if (!file || parsed.positionals.length !== 1) return usageError('usage: sharehub audit verify-receipt <receipt.json> [--public-key 04…]');
  if (!existsSync(file)) return usageError(`no such file: ${file}`);
  let receipt: Receipt & { head: { publicKey?: string } };
  try {
    receipt = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return usageError(`${file} is not JSON`);
  }
  const publicKey = parsed.values['public-key'] ?? receipt.head?.publicKey ?? '';
  const check = verifyReceipt(receipt, publicKey);
  console.log(check.ok ? `valid: entry ${receipt.seq} is in the log of size ${receipt.head.size} signed at ${receipt.head.timestamp}` : `INVALID: ${check.reason}`);
  return check.ok ? 0 : 1;
}

function reportStartupError(err: unknown, logger: Logger): number {
  if (err instanceof ConfigError) {
    console.error(err.message);
    return EX_CONFIG;
  }
  if (err instanceof DataDirInUseError) {
    console.error(`the embedded database in ${err.dataDir} is in use by another sharehub start (postgres pid ${err.pid}): stop it first, or set DATABASE_URL`);
    return EX_TEMPFAIL;
  }
  logger.fatal({ err }, 'start-up failed');
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(EX_CONFIG);
    }
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
