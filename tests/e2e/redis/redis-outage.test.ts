import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisChildWorld, type RedisChildWorld } from '../../helpers/redis-child-world.js';
import { actions, eventually, ok, submit } from '../../helpers/workflow.js';

// With Redis stopped an application can still be submitted and accepted; its push is delivered
// after Redis returns. A push whose job was sitting in Redis when Redis died is not lost either.
// Nothing is sent twice. This file runs its own redis-server so it can kill and restart it.

describe('Redis outage', () => {
  let env: RedisChildWorld;
  beforeAll(async () => {
    env = await startRedisChildWorld({
      providerUp: true,
      overrides: {
        WEBHOOK_BACKOFF_MS: '60000', // a failed push waits in Redis's delayed set: it must survive losing it
        WEBHOOK_MAX_ATTEMPTS: '5',
        OUTBOX_REQUEUE_AFTER_MS: '500',
      },
    });
  });
  afterAll(async () => env?.close());
  const push = (applicationId: string) => env.push(applicationId);
  const accepted = async () => {
    const a = await submit(env.w, env.resource.id, new Date());
    await ok(await actions.accept(env.w, a.id));
    return a.id;
  };

  it('submits and accepts while Redis is down, and delivers everything exactly once after it returns', async () => {
    // Before the outage the pipeline works.
    const before = await accepted();
    await eventually(async () => (await push(before))?.status === 'delivered', 'the first delivery');

    // A push that fails once and waits for its retry inside Redis…
    env.providerUp = false;
    const inFlight = await accepted();
    await eventually(async () => (await push(inFlight))?.attempts === 1, 'the first failed attempt');
    expect((await push(inFlight)).status).toBe('queued');

    // …then Redis dies, taking that delayed job with it.
    await env.redis.stop();
    env.providerUp = true;

    // The API does not need Redis to take and accept applications.
    const during = await accepted();
    const row = await push(during);
    expect(row.status).toBe('pending');
    const readyz = await env.ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(readyz.json().checks.redis).toBe('unavailable');

    await env.redis.start();

    await eventually(async () => {
      const rows = await Promise.all([before, inFlight, during].map(push));
      return rows.every((r) => r.status === 'delivered');
    }, 'every push delivered after Redis returned', 20_000);

    const successes = env.provider.successesByKey();
    const ids = await Promise.all([before, inFlight, during].map(async (id) => (await push(id)).id));
    expect(new Map(ids.map((id) => [id, successes.get(id)]))).toEqual(new Map(ids.map((id) => [id, 1])));
    expect([...successes.values()].reduce((a, b) => a + b, 0)).toBe(3);
    const byApplication = env.provider.received.filter((r) => r.status === 200).map((r) => r.json.data.applicationId);
    expect(byApplication.sort()).toEqual([before, inFlight, during].sort());
  });
});
