import { randomUUID } from 'node:crypto';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { RuntimeConfig } from './config.js';
import { systemClock, type Clock } from './lib/clock.js';
import { deriveKeys, type HubKeys } from './lib/crypto.js';
import { AppError } from './lib/errors.js';
import { badlyEncodedQueryParameter, decodeUtf8Strictly, validatorCompiler } from './lib/validation.js';
import { AccessLogController, loggerOptions } from './logger.js';
import { clientErrorHandler, problemBody, sendProblem } from './plugins/errors.js';
import authPlugin from './plugins/auth.js';
import dbPlugin from './plugins/db.js';
import errorsPlugin from './plugins/errors.js';
import redisPlugin from './plugins/redis.js';
import invalidationPlugin from './plugins/invalidation.js';
import { metricsPlugin, metricsRoute } from './plugins/metrics.js';
import { sealerLag } from './modules/audit/tree-store.js';
import { registerSharedSchemas } from './plugins/schemas.js';
import { registerSwagger } from './plugins/swagger.js';
import { registerConsole } from './plugins/console.js';
import { named } from './plugins/named.js';
import { MODULES } from './modules/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: RuntimeConfig;
    keys: HubKeys;
    clock: Clock;
  }
}

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

  // Checks Node's HTTP parser leaves to the application (requireHostHeader is off so that this
  // answer is problem+json), and a query string the router would otherwise take as written.
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      reply.header('connection', 'close');
      throw new AppError('MALFORMED_REQUEST', 'an HTTP/1.1 request must carry a Host header (RFC 9112 §3.2)');
    }
    const parameter = badlyEncodedQueryParameter(request.raw.url ?? '');
    if (parameter !== undefined) {
      const pointer = `/querystring/${parameter}`;
      const message = 'is not valid percent-encoded UTF-8';
      throw new AppError('VALIDATION_FAILED', `${pointer}: ${message}`, { errors: [{ pointer, message }] });
    }
  });

  await fastify.register(errorsPlugin);
  // The event loop's delay is sampled from registration on, so the first samples after ready
  // describe start-up (route compilation, the console check), when the loop is busy by design
  // and no request waits: delay counts once a whole sample interval lies after ready.
  const sampleInterval = config.LOAD_SHED_SAMPLE_INTERVAL_MS;
  let readyAt = Infinity;
  fastify.addHook('onReady', async () => {
    readyAt = performance.now();
  });
  const startingUp = () => performance.now() - readyAt < 2 * sampleInterval;
  // Shed load before the event loop stalls: 503 + Retry-After as problem+json, so clients back
  // off while the replica still answers health checks and scrapes (shedExempt routes).
  await fastify.register(underPressure, {
    maxEventLoopDelay: config.LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS,
    maxEventLoopUtilization: config.LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION,
    // Utilisation over the last sample, not since start-up (a busy start would shed for good).
    eventLoopUtilizationMode: 'interval',
    maxHeapUsedBytes: config.LOAD_SHED_MAX_HEAP_USED_BYTES,
    sampleInterval,
    // Returning nothing serves the request as usual; a value is sent as the reply (the plugin's
    // documented contract, narrower in its typings than in its code).
    pressureHandler: ((request: FastifyRequest, reply: FastifyReply, type: string) => {
      if (request.routeOptions.config.shedExempt) return undefined;
      if (type === 'eventLoopDelay' && startingUp()) return undefined;
      request.log.warn({ pressure: type }, 'shedding load');
      reply.problemCode = 'OVERLOADED';
      reply.code(503).type('application/problem+json').header('retry-after', String(config.LOAD_SHED_RETRY_AFTER_SECONDS));
      return problemBody('OVERLOADED', `the hub is overloaded (${type}); retry after ${config.LOAD_SHED_RETRY_AFTER_SECONDS} s`, request.id);
    }) as unknown as (request: FastifyRequest, reply: FastifyReply, type: string) => void,
  });
  await fastify.register(dbPlugin, { url: config.DATABASE_URL });
  await fastify.register(redisPlugin, { url: config.REDIS_URL });
  await fastify.register(invalidationPlugin, { url: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
  await fastify.register(metricsPlugin, { queuePrefix: config.QUEUE_PREFIX, sealerLag: () => sealerLag(fastify.db, fastify.clock()) });
  registerSharedSchemas(fastify);
  await registerSwagger(fastify);

  // Every API route lives in this scope, behind the deny-by-default auth hook.
  await fastify.register(named('api', async (api) => {
    await api.register(authPlugin, { config, keys });
    await api.register(named('metrics-route', metricsRoute), { token: config.METRICS_TOKEN });
    for (const routes of MODULES) await api.register(named(routes.name || 'routes', routes));
  }));

  // The web console (console/): static files under /console, outside the API's auth scope (it
  // signs in through the API like any client), with its own security headers.
  await registerConsole(fastify);
};

export interface BuildAppOptions {
  /** Lets tests control time. */
  clock?: Clock;
  /** Lets tests read what would be logged. */
  logStream?: NodeJS.WritableStream;
  /** Lets tests reuse the response serializers one app compiled in the next (tests/helpers/test-app.ts). */
  schemaController?: FastifyServerOptions['schemaController'];
}

export async function buildApp(config: RuntimeConfig, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: loggerOptions(config.LOG_LEVEL, opts.logStream),
    logController: new AccessLogController(),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Always the hub's own id: it is written into the audit trail, so a caller must not choose it.
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false } },
    // Errors raised before routing (a malformed percent-escape in the URL, an over-long path
    // parameter) are problem+json too. The hooks do not run for them, so the id is set here.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      return sendProblem(reply, request, 'VALIDATION_FAILED', error.message);
    },
    // Requests Node's HTTP parser refuses (bad framing, header syntax, version, size) never reach
    // Fastify's routing: clientErrorHandler answers them on the socket, as problem+json.
    clientErrorHandler,
    // The missing Host header is answered by the onRequest hook in `app`, as problem+json.
    http: { requireHostHeader: false },
    schemaController: opts.schemaController,
  });
  // Many clients send Content-Type: application/json with no body on body-less POST/DELETE
  // routes; an empty body is "no body", not malformed JSON. Routes with a body schema still
  // answer 400 for a missing body. The bytes are decoded here rather than by the framework, which
  // would turn invalid UTF-8 into U+FFFD silently: decodeUtf8Strictly marks them so that the
  // schema's text rule refuses the field they are in.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const text = decodeUtf8Strictly(body as Buffer);
    return text === '' ? done(null, undefined) : parseJson(request, text, done);
  });
  // Not encapsulated: the server and tests see the app's decorators (db, config, keys, clock).
  await fastify.register(fp(app, { name: 'sharehub' }), { config, clock: opts.clock });
  return fastify;
}
