import { describe, expect, it } from 'vitest';
import { addJob } from '../../src/modules/outbox/outbox-service.js';
import { buildApp } from '../../src/app.js';
import { cachedSchemaController } from '../helpers/serializer-cache.js';
import { buildTestApp, testConfig } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';
import { eventually } from '../helpers/workflow.js';

describe('health', () => {
  const ctx = useTestApp();

  it('answers liveness without authentication', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('reports PostgreSQL and Redis ready', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok', failing: [], checks: { postgres: 'ok', redis: 'ok', outbox: 'ok' },
    });
  });

  it('reports 503 naming Redis when Redis is unreachable', async () => {
    const broken = await buildTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await broken.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unavailable', failing: ['redis'], checks: { postgres: 'ok', redis: 'unavailable', outbox: 'ok' } });
    } finally {
      await broken.close();
    }
  });

  it('reports 503 naming the outbox when more messages wait than READY_OUTBOX_BACKLOG_MAX', async () => {
    const backed = await buildTestApp({ READY_OUTBOX_BACKLOG_MAX: '1' });
    try {
      const now = new Date('2026-03-02T02:00:00Z');
      await addJob(backed.db, { name: 'sla-sweep', payload: { window: 'a' }, jobId: 'sla-sweep-a', now });
      expect((await backed.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await addJob(backed.db, { name: 'sla-sweep', payload: { window: 'b' }, jobId: 'sla-sweep-b', now });
      const res = await backed.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unavailable', failing: ['outbox'], checks: { postgres: 'ok', redis: 'ok', outbox: 'backlog' } });
    } finally {
      await backed.close();
    }
  });

  it('sheds load with 503 problem+json and Retry-After, but still answers health, readiness and metrics', async () => {
    // Any heap is over one byte: the hub counts as under pressure from its first sample on.
    const pressed = await buildTestApp({ LOAD_SHED_MAX_HEAP_USED_BYTES: '1', LOAD_SHED_SAMPLE_INTERVAL_MS: '10', LOAD_SHED_RETRY_AFTER_SECONDS: '7' });
    try {
      const res = await eventually(async () => {
        const r = await pressed.app.inject({ method: 'GET', url: '/v1/departments' });
        return r.statusCode === 503 ? r : undefined;
      }, 'the first sample');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.json()).toMatchObject({ status: 503, code: 'OVERLOADED', instance: res.headers['x-request-id'] });
      expect((await pressed.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await pressed.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      expect((await pressed.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await pressed.close();
    }
  });

  it('does not shed for a busy start-up, but sheds when the loop stalls after it', async () => {
    const SAMPLE_MS = 20;
    const config = await testConfig({ LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '10', LOAD_SHED_SAMPLE_INTERVAL_MS: String(SAMPLE_MS) });
    const app = await buildApp(config, { schemaController: cachedSchemaController });
    // An unauthenticated call: 401 when served, 503 when shed (shedding comes first).
    const status = async () => (await app.inject({ method: 'GET', url: '/v1/departments' })).statusCode;
    let busy: NodeJS.Timeout | undefined;
    try {
      // Start-up that keeps the loop busy (compiling the routes does, on a busy machine): the
      // samples just after ready cover it.
      void app.register(async () => {
        for (let i = 0; i < 10; i++) {
          stall(2 * SAMPLE_MS);
          await new Promise((r) => setTimeout(r, 1));
        }
      });
      await app.ready();
      const readyAt = performance.now();
      const startUp = new Set<number>();
      while (performance.now() - readyAt < 1.5 * SAMPLE_MS) startUp.add(await status());
      expect([...startUp]).toEqual([401]);

      // A loop kept busy afterwards is shed.
      busy = setInterval(() => stall(SAMPLE_MS), 1);
      await eventually(async () => (await status()) === 503, 'shedding while the loop is busy');
    } finally {
      clearInterval(busy);
      await app.close();
    }
  });

  it('issues its own request id, whatever the caller sends (the audit trail stores it)', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'case-2026-000123' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/** Holds the event loop, as synchronous work does. */
function stall(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until);
}
