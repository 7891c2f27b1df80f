import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type Config, type RuntimeConfig } from '../config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { startLocalRedis } from './local-redis.js';
import type { ServiceCrash } from './guarded-child.js';
import { loadOrCreateSecretKey } from './secret-key.js';
import { ensureEmbeddedRoles } from './db-roles.js';

export interface Services {
  config: RuntimeConfig;
  /** True when this process started PostgreSQL itself (the laptop/demo default). */
  embeddedPostgres: boolean;
  stop(): Promise<void>;
}

/**
 * Resolves where PostgreSQL and Redis are. A configured URL is used as is; without one, and
 * where the command allows it, the service is started here under SHAREHUB_DATA_DIR.
 */
export async function resolveServices(
  config: Config,
  logger: Logger,
  opts: { embedded: boolean; needRedis: boolean; onCrash: (err: ServiceCrash) => void },
): Promise<Services> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: Error) => logger.error({ err }, 'stopping a service failed'));
  };
  const missing = [
    ...(!config.DATABASE_URL && !opts.embedded ? ['DATABASE_URL: required by this command (only `sharehub start` embeds PostgreSQL)'] : []),
    ...(!config.REDIS_URL && opts.needRedis && !opts.embedded ? ['REDIS_URL: required by this command (only `sharehub start` runs a local redis-server)'] : []),
  ];
  // A configured database is shared by replicas, which must derive the same keys: a key
  // generated into one machine's data directory would differ from the next one's.
  if (config.DATABASE_URL && !config.SHAREHUB_SECRET_KEY) {
    missing.push('SHAREHUB_SECRET_KEY: required when DATABASE_URL is set (the same on every api and worker process)');
  }
  if (missing.length) throw new ConfigError(missing);

  try {
    const dataDir = path.resolve(config.SHAREHUB_DATA_DIR);
    let databaseUrl = config.DATABASE_URL;
    let ownerUrl = config.DATABASE_OWNER_URL;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), logger, onCrash: opts.onCrash });
      stops.push(() => pg.stop());
      // The hub runs as a role that owns nothing, so it cannot rewrite the audit trail; the
      // owner role migrates (src/runtime/db-roles.ts).
      const roles = await ensureEmbeddedRoles(pg.url, logger);
      databaseUrl = roles.appUrl;
      ownerUrl = roles.ownerUrl;
      logger.info({ dataDir }, 'embedded PostgreSQL started');
    }
    let redisUrl = config.REDIS_URL ?? '';
    if (!redisUrl && opts.needRedis) {
      const redis = await startLocalRedis({ dataDir: path.join(dataDir, 'redis'), logger, onCrash: opts.onCrash });
      stops.push(() => redis.stop());
      redisUrl = redis.url;
      logger.info({ dataDir }, 'local redis-server started');
    }
    const secret = await loadOrCreateSecretKey(dataDir, config.SHAREHUB_SECRET_KEY);
    return {
      config: { ...config, DATABASE_URL: databaseUrl, DATABASE_OWNER_URL: ownerUrl, REDIS_URL: redisUrl, SHAREHUB_SECRET_KEY: secret },
      embeddedPostgres: !config.DATABASE_URL,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
