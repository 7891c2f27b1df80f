// The daily counters of the data path on a real Redis: the calls of one event-loop turn share one
// script run, and each still gets its own count.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { COUNT_TIMEOUT_MS, redisDailyCounters, shanghaiDayNumber } from '../../../src/modules/exchange/quota.js';
import { dropQueueKeys } from '../../helpers/queue-cleanup.js';

// Today: the counters expire at the end of the Shanghai day they count (PEXPIREAT), so a fixed
// date in the past would have them expire at once and every count read 1.
const NOW = new Date();

describe('daily counters', () => {
  const prefix = `quota-test-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(inject('redisUrl'), { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  afterAll(async () => {
    redis.disconnect();
    await dropQueueKeys(inject('redisUrl'), prefix);
  });

  it('counts concurrent calls exactly, each call its own counters and values', async () => {
    // The client as the counters see it, counting the commands they send.
    let commands = 0;
    const watched = Object.create(redis) as Redis;
    watched.evalsha = ((...args: Parameters<Redis['evalsha']>) => {
      commands++;
      return redis.evalsha(...args);
    }) as Redis['evalsha'];
    watched.eval = ((...args: Parameters<Redis['eval']>) => {
      commands++;
      return redis.eval(...args);
    }) as Redis['eval'];
    const counters = redisDailyCounters(watched, prefix);
    await redis.connect();
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      counters.increment([{ name: 'grant-a', by: 1 }, { name: `subject-${i % 2}`, by: 2 }], NOW)));
    // Every call saw a distinct count of the shared counter: none lost, none counted twice.
    expect(commands).toBeLessThanOrEqual(2); // EVALSHA, and EVAL if this Redis did not hold the script yet
    expect(replies.map((r) => r[0]!).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(replies.filter((r) => r[1]! % 2 === 1)).toEqual([]);
    expect(Math.max(...replies.map((r) => r[1]!))).toBe(50);
    expect(await redis.get(`${prefix}:grant-a:${shanghaiDayNumber(NOW)}`)).toBe('50');
    expect(await redis.pttl(`${prefix}:grant-a:${shanghaiDayNumber(NOW)}`)).toBeGreaterThan(0);
  });

  it('sets the expiry when a call creates a counter, whatever it adds (a batch-get adds its ids at once)', async () => {
    const counters = redisDailyCounters(redis, prefix);
    if (redis.status !== 'ready') await redis.connect();
    expect(await counters.increment([{ name: 'grant-batch', by: 1_000 }], NOW)).toEqual([1_000]);
    const ttl = await redis.pttl(`${prefix}:grant-batch:${shanghaiDayNumber(NOW)}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(25 * 3_600_000);
  });

  it('takes a reply that arrived while the event loop was held past the timeout', async () => {
    const counters = redisDailyCounters(redis, prefix);
    if (redis.status !== 'ready') await redis.connect();
    const counted = counters.increment([{ name: 'grant-held', by: 1 }], NOW);
    // The script run goes out on the next turn; then a long synchronous task (a large batch-get)
    // holds the loop past the timeout while Redis answers.
    await new Promise((r) => setImmediate(r));
    const until = performance.now() + COUNT_TIMEOUT_MS + 100;
    while (performance.now() < until);
    expect(await counted).toEqual([1]);
  });

  it('refuses every call of a turn as unavailable when Redis cannot answer', async () => {
    const down = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      const counters = redisDailyCounters(down, prefix);
      const replies = await Promise.allSettled([1, 2, 3].map(() => counters.increment([{ name: 'grant-b', by: 1 }], NOW)));
      expect(replies.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(replies.map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE']);
    } finally {
      down.disconnect();
    }
  });
});
