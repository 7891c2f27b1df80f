import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisChildWorld, type RedisChildWorld } from '../../helpers/redis-child-world.js';
import { actions, eventually, ok, submit } from '../../helpers/workflow.js';

// A Redis that comes back empty (restarted without persistence, flushed) has lost every job it
// held. The relay notices at once that its marker is gone and queues every unfinished message
// again, instead of waiting OUTBOX_REQUEUE_AFTER_MS (5 minutes by default) per message.

describe('Redis back empty', () => {
  const logged: string[] = [];
  let env: RedisChildWorld;
  beforeAll(async () => {
    env = await startRedisChildWorld({
      providerUp: false,
      logger: pino({ level: 'info' }, { write: (line: string) => void logged.push(line) }),
      overrides: {
        WEBHOOK_BACKOFF_MS: '60000', // the failed push waits for its retry in Redis's delayed set
        WEBHOOK_MAX_ATTEMPTS: '5',
        OUTBOX_REQUEUE_AFTER_MS: '300000', // the default: far longer than this test waits
      },
    });
  });
  afterAll(async () => env?.close());
  const push = (applicationId: string) => env.push(applicationId);

  it('queues every unfinished message again as soon as Redis is back without its data', async () => {
    const a = await submit(env.w, env.resource.id, new Date());
    await ok(await actions.accept(env.w, a.id));
    await eventually(async () => (await push(a.id))?.attempts === 1, 'the first failed attempt');
    expect((await push(a.id)).status).toBe('queued');

    // Redis restarts empty: the delayed retry is gone. The provider is reachable again.
    await env.redis.stop();
    await env.redis.start();
    env.providerUp = true;

    await eventually(async () => (await push(a.id))?.status === 'delivered', 'the push delivered after Redis came back empty', 10_000);
    expect(env.provider.successesByKey().get((await push(a.id)).id)).toBe(1);
    expect(logged.join('')).toContain('the queue store came back empty');
  });
});
