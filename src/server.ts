import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { RuntimeConfig } from './config.js';

/** Builds the app and listens; the caller owns shutdown (see cli.ts). */
export async function startServer(config: RuntimeConfig, opts: { logStream?: NodeJS.WritableStream } = {}): Promise<FastifyInstance> {
  const app = await buildApp(config, opts);
  await app.listen({ host: config.HOST, port: config.PORT });
  return app;
}
