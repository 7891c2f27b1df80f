import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config.js';
import { systemClock, type Clock } from './lib/clock.js';
import { deriveKeys, type HubKeys } from './lib/crypto.js';
import { validatorCompiler } from './lib/validation.js';
import { loggerOptions } from './logger.js';
import authPlugin from './plugins/auth.js';
import dbPlugin from './plugins/db.js';
import errorsPlugin from './plugins/errors.js';
import redisPlugin from './plugins/redis.js';
import { registerSwagger } from './plugins/swagger.js';
import { MODULES } from './modules/index.js';

/** Configuration after start-up has resolved the embedded services and the master secret. */
export type RuntimeConfig = Config & { DATABASE_URL: string; REDIS_URL: string; SHAREHUB_SECRET_KEY: string };

declare module 'fastify' {
  interface FastifyInstance {
    config: RuntimeConfig;
    keys: HubKeys;
    clock: Clock;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The hub as a Fastify plugin: everything but listening. */
export const app: FastifyPluginAsync<{ config: RuntimeConfig; clock?: Clock }> = async (fastify, { config, clock }) => {
  const keys = deriveKeys(config.SHAREHUB_SECRET_KEY);
  fastify.decorate('config', config);
  fastify.decorate('keys', keys);
  fastify.decorate('clock', clock ?? systemClock);
  fastify.setValidatorCompiler(validatorCompiler);

  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await fastify.register(errorsPlugin);
  await fastify.register(dbPlugin, { url: config.DATABASE_URL });
  await fastify.register(redisPlugin, { url: config.REDIS_URL });
  await registerSwagger(fastify);

  // Every API route lives in this scope, behind the deny-by-default auth hook.
  await fastify.register(async (api) => {
    await api.register(authPlugin, { config, keys });
    for (const routes of MODULES) await api.register(routes);
  });
};

/** `clock` lets tests control time; `logStream` lets them read what would be logged. */
export async function buildApp(
  config: RuntimeConfig,
  opts: { clock?: Clock; logStream?: NodeJS.WritableStream } = {},
): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: loggerOptions(config.LOG_LEVEL, opts.logStream),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // A caller's x-request-id is kept when it looks like an id, so traces join across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
  });
  // Not encapsulated: the server and tests see the app's decorators (db, config, keys, clock).
  await fastify.register(fp(app, { name: 'sharehub' }), { config, clock: opts.clock });
  return fastify;
}
