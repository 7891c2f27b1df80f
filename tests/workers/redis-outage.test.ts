import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/runtime/free-port.js';
import { startWorkers, type Runner } from '../../workers/index.js';
import { RedisChild } from '../helpers/redis-child.js';
import { buildTestApp, type TestContext } from '../helpers/test-app.js';
import { startWebhookServer, type WebhookServer } from '../helpers/webhook-server.js';
import { actions, eventually, makeWorld, ok, resourceOf, submit, type World } from '../helpers/workflow.js';

// With Redis stopped an application can still be submitted and accepted; its push is delivered
// after Redis returns. A push whose job was sitting in Redis when Redis died is not lost either.
// Nothing is sent twice. This file runs its own redis-server so it can kill and restart it.

describe('Redis outage', () => {
  let redis: RedisChild;
  let ctx: TestContext;
  let workers: Runner;
  let provider: WebhookServer;
  let w: World;
  let resource: { id: string };
  let providerUp = true;

  beforeAll(async () => {
    redis = new RedisChild(await findFreePort());
    await redis.start();
    provider = await startWebhookServer({ respond: () => (providerUp ? 200 : 503) });
    ctx = await buildTestApp({
      REDIS_URL: redis.url,
      OUTBOX_POLL_MS: '25',
      WEBHOOK_BACKOFF_MS: '60000', // a failed push waits in Redis's delayed set: it must survive losing it
      WEBHOOK_MAX_ATTEMPTS: '5',
      OUTBOX_REQUEUE_AFTER_MS: '500',
    });
    workers = await startWorkers(ctx.config, pino({ level: 'silent' }));
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
  const accepted = async () => {
    const a = await submit(w, resource.id, new Date());
    await ok(await actions.accept(w, a.id));
    return a.id;
  };

  it('submits and accepts while Redis is down, and delivers everything exactly once after it returns', async () => {
    // Before the outage the pipeline works.
    const before = await accepted();
    await eventually(async () => (await push(before))?.status === 'delivered', 'the first delivery');

    // A push that fails once and waits for its retry inside Redis…
    providerUp = false;
    const inFlight = await accepted();
    await eventually(async () => (await push(inFlight))?.attempts === 1, 'the first failed attempt');
    expect((await push(inFlight)).status).toBe('queued');

    // …then Redis dies, taking that delayed job with it.
    await redis.stop();
    providerUp = true;

    // The API does not need Redis to take and accept applications.
    const during = await accepted();
    const row = await push(during);
    expect(row.status).toBe('pending');
    const readyz = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(readyz.json().checks.redis).toBe('unavailable');

    await redis.start();

    await eventually(async () => {
      const rows = await Promise.all([before, inFlight, during].map(push));
      return rows.every((r) => r.status === 'delivered');
    }, 'every push delivered after Redis returned', 20_000);

    const successes = provider.successesByKey();
    const ids = await Promise.all([before, inFlight, during].map(async (id) => (await push(id)).id));
    expect(new Map(ids.map((id) => [id, successes.get(id)]))).toEqual(new Map(ids.map((id) => [id, 1])));
    expect([...successes.values()].reduce((a, b) => a + b, 0)).toBe(3);
    const byApplication = provider.received.filter((r) => r.status === 200).map((r) => r.json.data.applicationId);
    expect(byApplication.sort()).toEqual([before, inFlight, during].sort());
  });
});
