import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type RuntimeConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db.js';
import { bootstrap, FIRST_ADMIN_USERNAME } from '../../src/bootstrap.js';
import { cliContext } from '../../src/modules/context.js';
import type { Clock } from '../../src/lib/clock.js';
import { deriveKeys } from '../../src/lib/crypto.js';
import { ensurePlatformDepartment } from '../../src/modules/departments/departments-service.js';
import { createUser } from '../../src/modules/identity/users-service.js';
import { withDatabase } from '../global-setup.js';
import { cachedSchemaController } from './serializer-cache.js';
import { ADMIN_PASSWORD, ADMIN_PASSWORD_HASH } from './passwords.js';

export { ADMIN_PASSWORD } from './passwords.js';

export interface TestContext {
  app: FastifyInstance;
  db: Db;
  config: RuntimeConfig;
  close(): Promise<void>;
}

/** A database of this test file's own, cloned from the migrated template. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `sharehub_t${inject('runId')}_${randomBytes(6).toString('hex')}`;
  const admin = createDb(adminUrl, { max: 1 });
  try {
    const strategy = inject('cloneStrategy') === 'file_copy' ? ' strategy file_copy' : '';
    await admin.raw(`create database ?? template ??${strategy}`, [name, inject('templateDatabase')]);
  } finally {
    await admin.destroy();
  }
  return withDatabase(adminUrl, name);
}

export async function testConfig(overrides: Record<string, string> = {}): Promise<RuntimeConfig> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    SHAREHUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
    QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    // The departments' systems in tests are local HTTP servers on 127.0.0.1.
    OUTBOUND_ALLOW_LOOPBACK: 'true',
    // The test machine is busy by design (many test files on two cores): load shedding on the
    // event loop's delay and utilisation is off unless a test turns it on (tests/modules/health.test.ts).
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
    LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0',
    ...overrides,
  });
  return {
    ...config,
    DATABASE_URL: overrides.DATABASE_URL ?? (await createTestDatabase()),
    REDIS_URL: overrides.REDIS_URL ?? inject('redisUrl'),
    SHAREHUB_SECRET_KEY: overrides.SHAREHUB_SECRET_KEY ?? randomBytes(32).toString('hex'),
  };
}

/** The app on its own database, bootstrapped (platform department + admin), ready for inject. */
export async function buildTestApp(overrides: Record<string, string> = {}, opts: { clock?: Clock; logStream?: NodeJS.WritableStream } = {}): Promise<TestContext> {
  const config = await testConfig(overrides);
  const db = createDb(config.DATABASE_URL, { max: 2 });
  await bootstrapTestDatabase(db, config);
  const app = await buildApp(config, { ...opts, schemaController: cachedSchemaController });
  await app.ready();
  return {
    app,
    db,
    config,
    close: async () => {
      await app.close();
      await db.destroy();
    },
  };
}

/**
 * The first run's set-up (bootstrap), with the first platform admin made beforehand the way
 * bootstrap makes it but with its password's precomputed hash: bootstrap then finds an admin
 * and hashes nothing. tests/helpers/fixtures.test.ts compares the result with a plain bootstrap.
 */
export async function bootstrapTestDatabase(db: Db, config: RuntimeConfig): Promise<void> {
  // A second app on the same database (two replicas) finds the admin already made, as bootstrap does.
  const adminExists = await db('users').where('username', FIRST_ADMIN_USERNAME).first('id');
  if (config.SHAREHUB_ADMIN_PASSWORD === ADMIN_PASSWORD && !adminExists) {
    const platform = await ensurePlatformDepartment(cliContext(db), deriveKeys(config.SHAREHUB_SECRET_KEY), config.PLATFORM_DEPARTMENT_CODE, config.PLATFORM_DEPARTMENT_NAME);
    const admin = await createUser(cliContext(db), { username: FIRST_ADMIN_USERNAME, displayName: '平台管理员', role: 'platform_admin', departmentCode: platform.code });
    await db('users').where('id', admin.id).update({ password_hash: ADMIN_PASSWORD_HASH });
  }
  await bootstrap(db, config);
}
