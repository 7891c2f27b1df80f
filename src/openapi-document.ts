import { buildApp, type BuildAppOptions } from './app.js';
import { loadConfig } from './config.js';

/**
 * The OpenAPI document as /docs/json serves it, built in process without listening, connecting
 * or reading the environment: the console's API types are generated from it (console/scripts/
 * generate-api.ts) and a test compares them with the committed ones. Nothing is connected: the
 * database pool connects lazily and Redis is given a port nothing listens on (its failure to
 * connect is only logged, and logs are off).
 */
export async function openApiDocument(opts: Pick<BuildAppOptions, 'schemaController'> = {}): Promise<Record<string, unknown>> {
  const config = {
    ...loadConfig({ LOG_LEVEL: 'silent' }),
    DATABASE_URL: 'postgres://openapi@127.0.0.1:9/unused',
    REDIS_URL: 'redis://127.0.0.1:9',
    SHAREHUB_SECRET_KEY: '0'.repeat(64),
  };
  const app = await buildApp(config, opts);
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
