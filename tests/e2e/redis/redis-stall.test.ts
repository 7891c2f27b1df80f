import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayOutbox } from '../../../src/modules/outbox/outbox-service.js';
import { jobContext } from '../../../src/modules/context.js';
import { findFreePort } from '../../../src/runtime/free-port.js';
import { createQueues, QUEUE_COMMAND_TIMEOUT_MS } from '../../../workers/queues.js';
import { RedisChild } from '../../helpers/redis-child.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { actions, makeWorld, ok, resourceOf, submit } from '../../helpers/workflow.js';

// A Redis that is up but stops answering (frozen with SIGSTOP): the relay enqueues while holding
// its outbox rows FOR UPDATE, so a command that never returns must not hold them for ever.
// Its own redis-server, and no workers, so this relay is the only one.

describe('a stalled Redis', () => {
  let redis: RedisChild;
  let ctx: TestContext;
  beforeAll(async () => {
    redis = new RedisChild(await findFreePort());
    await redis.start();
    ctx = await buildTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    redis?.resume();
    await ctx?.close();
    await redis?.stop();
  });

  it('cannot hold the outbox rows the relay has locked', async () => {
    const producer = createQueues(ctx.config, pino({ level: 'silent' }));
    try {
      const w = await makeWorld(ctx);
      const a = await submit(w, (await resourceOf(w, { shareType: 2 })).id, new Date());
      await ok(await actions.accept(w, a.id));
      await producer.enqueue('sla-sweep', { window: 'probe' }, 'sla-sweep-probe'); // connected and ready
      redis.pause();
      // Without the command timeout the relay would wait for ever; this makes that a failure, not a hang.
      const thaw = setTimeout(() => redis.resume(), QUEUE_COMMAND_TIMEOUT_MS + 10_000);
      const started = Date.now();
      const round = await relayOutbox(jobContext(ctx.db, new Date()), producer.enqueue, { requeueAfterMs: 60_000 });
      clearTimeout(thaw);
      expect(round).toMatchObject({ moved: 0, error: expect.objectContaining({ message: expect.stringMatching(/timed out/i) }) });
      expect(Date.now() - started).toBeLessThan(QUEUE_COMMAND_TIMEOUT_MS + 3_000);
      // the relay's transaction is over: the rows are free and still waiting for the next round
      const rows = await ctx.db('outbox').where({ application_id: a.id }).forUpdate().noWait().select('status');
      expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'pending'));
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      redis.resume();
      await producer.close();
    }
  }, 30_000);
});
