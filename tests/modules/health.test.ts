import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

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
    expect(res.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('reports 503 naming Redis when Redis is unreachable', async () => {
    const broken = await buildTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await broken.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks).toEqual({ postgres: 'ok', redis: 'unavailable' });
    } finally {
      await broken.close();
    }
  });

  it('issues its own request id, whatever the caller sends (the audit trail stores it)', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'case-2026-000123' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
