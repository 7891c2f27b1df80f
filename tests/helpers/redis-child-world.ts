import pino, { type Logger } from 'pino';
import { findFreePort } from '../../src/runtime/free-port.js';
import { startWorkers, type Runner } from '../../workers/index.js';
import { RedisChild } from './redis-child.js';
import { buildTestApp, type TestContext } from './test-app.js';
import { startWebhookServer, type WebhookServer } from './webhook-server.js';
import { makeWorld, resourceOf, type World } from './workflow.js';

/**
 * An app and its workers on a redis-server of their own (so a test may stop, restart or empty it),
 * a provider webhook that answers 200 while `providerUp` and 503 otherwise, and a conditionally
 * shared resource whose applications are pushed to that provider (Route B).
 */
export interface RedisChildWorld {
  redis: RedisChild;
  ctx: TestContext;
  provider: WebhookServer;
  w: World;
  resource: { id: string };
  providerUp: boolean;
  /** The outbox row of an application's push to its provider. */
  push(applicationId: string): Promise<{ id: string; status: string; attempts: number }>;
  close(): Promise<void>;
}

export async function startRedisChildWorld(opts: { overrides: Record<string, string>; providerUp: boolean; logger?: Logger }): Promise<RedisChildWorld> {
  const redis = new RedisChild(await findFreePort());
  await redis.start();
  const world = { redis, providerUp: opts.providerUp } as RedisChildWorld;
  let workers: Runner | undefined;
  world.close = async () => {
    await workers?.close();
    await world.provider?.close();
    await world.ctx?.close();
    await redis.stop();
  };
  try {
    world.provider = await startWebhookServer({ respond: () => (world.providerUp ? 200 : 503) });
    world.ctx = await buildTestApp({ REDIS_URL: redis.url, OUTBOX_POLL_MS: '25', ...opts.overrides });
    workers = await startWorkers(world.ctx.config, opts.logger ?? pino({ level: 'silent' }));
    world.w = await makeWorld(world.ctx, { providerWebhookUrl: world.provider.url });
    world.resource = await resourceOf(world.w, { shareType: 2 });
  } catch (err) {
    // Whatever started is stopped: a failed set-up leaves no redis-server or server running.
    await world.close();
    throw err;
  }
  world.push = (applicationId) =>
    world.ctx.db('outbox').where({ application_id: applicationId, type: 'application.pending_provider' }).first();
  return world;
}
