import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/runtime/free-port.js';
import { startWorkers, type Runner } from '../../workers/index.js';
import { RedisChild } from '../helpers/redis-child.js';
import { buildTestApp, type TestContext } from '../helpers/test-app.js';
import { startWebhookServer, type WebhookServer } from '../helpers/webhook-server.js';
import { actions, eventually, makeWorld, ok, resourceOf, submit, type World } from '../helpers/workflow.js';

// A Redis that comes back empty (restarted without persistence, flushed) has lost every job it
// held. The relay notices at once that its marker is gone and queues every unfinished message
// again, instead of waiting OUTBOX_REQUEUE_AFTER_MS (5 minutes by default) per message.

describe('Redis back empty', () => {
  let redis: RedisChild;
  let ctx: TestContext;
  let workers: Runner;
  let provider: WebhookServer;
  let w: World;
  let resource: { id: string };
  let providerUp = false;
  const logged: string[] = [];

  beforeAll(async () => {
    redis = new RedisChild(await findFreePort());
    await redis.start();
    provider = await startWebhookServer({ respond: () => (providerUp ? 200 : 503) });
    ctx = await buildTestApp({
      REDIS_URL: redis.url,
      OUTBOX_POLL_MS: '25',
      WEBHOOK_BACKOFF_MS: '60000', // the failed push waits for its retry in Redis's delayed set
      WEBHOOK_MAX_ATTEMPTS: '5',
      OUTBOX_REQUEUE_AFTER_MS: '300000', // the default: far longer than this test waits
    });
    workers = await startWorkers(ctx.config, pino({ level: 'info' }, { write: (line: string) => void logged.push(line) }));
    w = await makeWorld(ctx, { providerWebhookUrl: provider.url });
    resource = await resourceOf(w, { shareType: 2 });
  });
  afterAll(async () => {
    await workers?.close();
    await provider?.close();
    await ctx?.close();
    await redis?.stop();
  });

  const push = (applicationId: string) => ctx.db('outbox').where({ application_id: applicationId, type: 'application.pending_provider' }).first();

  it('queues every unfinished message again as soon as Redis is back without its data', async () => {
    const a = await submit(w, resource.id, new Date());
    await ok(await actions.accept(w, a.id));
    await eventually(async () => (await push(a.id))?.attempts === 1, 'the first failed attempt');
    expect((await push(a.id)).status).toBe('queued');

    // Redis restarts empty: the delayed retry is gone. The provider is reachable again.
    await redis.stop();
    await redis.start();
    providerUp = true;

    await eventually(async () => (await push(a.id))?.status === 'delivered', 'the push delivered after Redis came back empty', 10_000);
    expect(provider.successesByKey().get((await push(a.id)).id)).toBe(1);
    expect(logged.join('')).toContain('the queue store came back empty');
  });
});
