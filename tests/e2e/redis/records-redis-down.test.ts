import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INCREMENT_SHA } from '../../../src/modules/exchange/quota.js';
import { RedisChild } from '../../helpers/redis-child.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { makeWorld, ok, resourceOf, type World } from '../../helpers/workflow.js';
import { PERSON_A, dataHeaders, grantedSystem, loadRecords } from '../../modules/exchange/query-fixtures.js';

// The quota cannot be counted without Redis: the data path fails closed (503 UNAVAILABLE with
// Retry-After) rather than serving uncounted reads, and recovers when Redis is back.
describe('the query path without Redis', () => {
  const redis = new RedisChild(20_000 + Math.floor(Math.random() * 20_000));
  let ctx: TestContext;
  let w: World;
  let resourceId: string;

  beforeAll(async () => {
    await redis.start();
    ctx = await buildTestApp({ REDIS_URL: redis.url });
    w = await makeWorld(ctx);
    resourceId = (await resourceOf(w)).id;
    await loadRecords(ctx, resourceId, [PERSON_A], new Date());
  });
  afterAll(async () => {
    await ctx?.close();
    await redis.stop();
  });

  const get = (headers: Record<string, string>) => ctx.app.inject({ method: 'GET', url: `/v1/resources/${resourceId}/records/${PERSON_A.id_number}`, headers });

  it('refuses with 503 and Retry-After while Redis is stopped or stalled, never serving uncounted; audited; serves again after', async () => {
    const { system } = await grantedSystem(w, resourceId, new Date());
    await ok(await get(dataHeaders(system)));

    await redis.stop();
    const down = await get(dataHeaders(system));
    expect(down.statusCode, down.body).toBe(503);
    expect(down.json().code).toBe('UNAVAILABLE');
    expect(down.headers['retry-after']).toBe('5');
    expect(down.body).not.toContain('张');

    await redis.start();
    await new Promise((r) => setTimeout(r, 1_500)); // ioredis reconnects
    redis.pause();
    try {
      const started = performance.now();
      const stalled = await get(dataHeaders(system));
      expect(stalled.statusCode, stalled.body).toBe(503);
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      redis.resume();
    }
    await ok(await get(dataHeaders(system)));
    const reasons = await ctx.db('events').where({ actor_id: system.id, action: 'record.read' }).orderBy('id').pluck('reason');
    expect(reasons).toEqual([null, 'UNAVAILABLE', 'UNAVAILABLE', null]);
  });

  it('counts again at once when Redis has forgotten the counting script (SCRIPT FLUSH): the script is sent whole again', async () => {
    const { system } = await grantedSystem(w, resourceId, new Date());
    await ok(await get(dataHeaders(system)));
    const admin = new Redis(redis.url);
    try {
      await admin.script('FLUSH');
      expect(await admin.script('EXISTS', INCREMENT_SHA)).toEqual([0]);
      await ok(await get(dataHeaders(system)));
      expect(await admin.script('EXISTS', INCREMENT_SHA)).toEqual([1]);
    } finally {
      admin.disconnect();
    }
    const reasons = await ctx.db('events').where({ actor_id: system.id, action: 'record.read' }).orderBy('id').pluck('reason');
    expect(reasons).toEqual([null, null]);
  });
});
