import { Queue, UnrecoverableError, Worker, MetricsTime } from 'bullmq';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { sweepDeadlines } from '../../src/modules/applications/deadline-sweep.js';
import { schedulerContext } from '../../src/modules/context.js';
import { isLoopback } from '../../src/plugins/metrics.js';
import { recordEvent } from '../../src/modules/audit/events.js';
import { sealRound } from '../../src/modules/audit/sealer.js';
import { generateSm2KeyPair } from '../../src/lib/sm2.js';
import { manualClock } from '../helpers/clock.js';
import { parseMetrics, samples, value } from '../helpers/prometheus.js';
import { useFixture, useTestApp, useWorld } from '../helpers/use-test-app.js';
import { eventually, resourceOf, submit } from '../helpers/workflow.js';
import { dataHeaders, grantedSystem, loadRecords, PERSON_A, UNKNOWN_PERSON } from '../modules/exchange/query-fixtures.js';

// GET /metrics read by an independent parser of the Prometheus text format: every series the
// issue names is there with the values of a known scenario, and no label carries an id, a name
// or personal data.

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const USCC = /[0-9A-HJ-NPQRTUWXY]{18}/;

describe('GET /metrics', () => {
  const clock = manualClock('2026-03-02T10:00:00'); // Monday
  const w = useWorld({ clock });
  const hosted = useFixture(() => resourceOf(w, { shareType: 1 }));
  let text = '';

  beforeAll(async () => {
    const ctx = w.ctx;
    const { system } = await grantedSystem(w, hosted.id, clock());
    await loadRecords(ctx, hosted.id, [PERSON_A], clock());
    const url = (id: string) => `/v1/resources/${hosted.id}/records/${id}`;
    expect((await ctx.app.inject({ method: 'GET', url: url(PERSON_A.id_number), headers: dataHeaders(system) })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: url(PERSON_A.id_number), headers: dataHeaders(system) })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: url(UNKNOWN_PERSON), headers: dataHeaders(system) })).statusCode).toBe(404);
    // an unrouted URL with an id in it
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/nothing/${PERSON_A.id_number}` })).statusCode).toBe(404);

    // a review left to go red: submitted Monday, due Thursday 03-05 (3 WD), swept on Friday
    await submit(w, hosted.id, clock());
    clock.set('2026-03-06T10:00:00');
    await sweepDeadlines(schedulerContext(ctx.db, clock()));

    // a job waiting, and one failed for good by a worker that keeps BullMQ's metrics
    const connection = new Redis(ctx.config.REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = ctx.config.QUEUE_PREFIX;
    const sweeps = new Queue('sweeps', { connection, prefix });
    await sweeps.add('sla-sweep', { window: 'x' }, { jobId: 'sla-sweep-x' });
    const webhooks = new Queue('webhooks', { connection, prefix });
    await webhooks.add('deliver-webhook', { outboxId: 'none' }, { jobId: 'webhook-none', attempts: 1 });
    const worker = new Worker('webhooks', async () => { throw new UnrecoverableError('test'); },
      { connection, prefix, metrics: { maxDataPoints: MetricsTime.ONE_WEEK } });
    await eventually(async () => (await webhooks.getJobCounts('failed')).failed === 1, 'the job to fail');
    await worker.close();
    await Promise.all([sweeps.close(), webhooks.close()]);
    connection.disconnect();

    const res = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    text = res.body;
  });

  it('parses, and exposes the HTTP latency histogram and the status by route pattern, never the raw URL', () => {
    const m = parseMetrics(text);
    expect(m.get('sharehub_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    // The parser folds a labelled histogram's series into one (a limitation of
    // parse-prometheus-text-format 1.1.1): its buckets are read from there, its labels below.
    expect(Object.keys(samples(m, 'sharehub_http_request_duration_seconds')[0]!.buckets!)).toEqual(expect.arrayContaining(['0.005', '10', '+Inf']));
    const route = '/v1/resources/:id/records/:subjectId';
    expect(text).toContain(`sharehub_http_request_duration_seconds_count{method="GET",route="${route}",status_code="200"} 2`);
    expect(value(m, 'sharehub_http_requests_total', { method: 'GET', route, status_code: '200' })).toBe(2);
    expect(value(m, 'sharehub_http_requests_total', { method: 'GET', route, status_code: '404' })).toBe(1);
    expect(value(m, 'sharehub_http_requests_total', { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
  });

  it('counts data calls by outcome', () => {
    const m = parseMetrics(text);
    expect(value(m, 'sharehub_data_calls_total', { operation: 'read', outcome: 'success' })).toBe(2);
    expect(value(m, 'sharehub_data_calls_total', { operation: 'read', outcome: 'SUBJECT_NOT_FOUND' })).toBe(1);
  });

  it('exposes queue depths and failures per queue, and that Redis answered', () => {
    const m = parseMetrics(text);
    expect(value(m, 'sharehub_redis_up')).toBe(1);
    expect(value(m, 'sharehub_queue_jobs', { queue: 'sweeps', state: 'waiting' })).toBe(1);
    expect(value(m, 'sharehub_queue_jobs', { queue: 'webhooks', state: 'failed' })).toBe(1);
    expect(value(m, 'sharehub_queue_jobs_failed_total', { queue: 'webhooks' })).toBe(1);
    expect(value(m, 'sharehub_queue_jobs_failed_total', { queue: 'sweeps' })).toBe(0);
    expect(m.get('sharehub_queue_jobs_failed_total')?.type).toBe('COUNTER');
  });

  it('exposes the outbox backlog and the age of its oldest message', async () => {
    const m = parseMetrics(text);
    // No relay runs in this test: every message written so far waits.
    const waiting = await w.ctx.db('outbox').whereIn('status', ['pending', 'queued']).count({ n: '*' }).first();
    expect(value(m, 'sharehub_outbox_backlog')).toBe(Number(waiting!.n));
    expect(value(m, 'sharehub_outbox_backlog')).toBeGreaterThan(0);
    // the oldest was written on Monday 10:00, the scrape is on Friday 10:00
    expect(value(m, 'sharehub_outbox_oldest_age_seconds')).toBe(4 * 86_400);
  });

  it('exposes open yellow warnings and red cards by step', () => {
    const m = parseMetrics(text);
    expect(value(m, 'sharehub_open_deadline_cards', { step: 'review', sla: 'overdue' })).toBe(1);
    expect(value(m, 'sharehub_open_deadline_cards', { step: 'review', sla: 'warning' })).toBe(0);
    expect(value(m, 'sharehub_open_deadline_cards', { step: 'provider_decision', sla: 'overdue' })).toBe(0);
    // the red card opened a supervision case (督办)
    expect(value(m, 'sharehub_supervision_cases_open')).toBe(1);
  });

  it('gives the sealer lag as NaN before the first signed head, then the unsealed events and the age of the head', async () => {
    const before = parseMetrics(text);
    expect(value(before, 'sharehub_audit_sealer_lag_events')).toBeNaN();
    // Seal what the scenario wrote, signed at the clock's time; then one more event arrives.
    await sealRound(w.ctx.db, { signer: generateSm2KeyPair(), origin: 'sharehub/test/audit', now: clock(), maxEvents: 50_000 });
    await recordEvent(w.ctx.db, { actor: { kind: 'cli' }, entityType: 'calendar', entityId: '2026', action: 'calendar.update' });
    clock.set(new Date(clock().getTime() + 30_000));
    const after = parseMetrics((await w.ctx.app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(value(after, 'sharehub_audit_sealer_lag_events')).toBe(1);
    expect(value(after, 'sharehub_audit_sealer_lag_seconds')).toBe(30);
  });

  it('puts no id, department code, name or subject in any label', () => {
    for (const family of parseMetrics(text).values()) {
      for (const sample of family.metrics) {
        for (const v of Object.values(sample.labels ?? {})) {
          expect(v, family.name).not.toMatch(UUID);
          expect(v, family.name).not.toMatch(USCC);
          expect(v, family.name).not.toContain(PERSON_A.id_number);
          expect(v, family.name).not.toMatch(/[\u4e00-\u9fff]/);
        }
      }
    }
    // and in the raw text, where the histogram's labels are (see above)
    for (const [, labels] of text.matchAll(/^[a-z_]+\{([^}]*)\}/gm)) {
      expect(labels).not.toMatch(UUID);
      expect(labels).not.toMatch(USCC);
    }
    expect(text).not.toContain(PERSON_A.id_number);
    expect(text).not.toContain(w.consumer.code);
  });

  it('is served to loopback callers only when METRICS_TOKEN is unset', async () => {
    const res = await w.ctx.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('FORBIDDEN');
    expect((await w.ctx.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const TOKEN = 'scrape-token-0123456789';
  const ctx = useTestApp({ METRICS_TOKEN: TOKEN });

  it('requires the token as a bearer token, from anywhere', async () => {
    const none = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('UNAUTHENTICATED');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.statusCode).toBe(401);
    const right = await ctx.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.statusCode).toBe(200);
    expect(parseMetrics(right.body).has('sharehub_http_request_duration_seconds')).toBe(true);
  });

  it('reports Redis down in the scrape instead of failing it', async () => {
    const broken = await (await import('../helpers/test-app.js')).buildTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await broken.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      const m = parseMetrics(res.body);
      expect(value(m, 'sharehub_redis_up')).toBe(0);
      expect(m.get('sharehub_queue_jobs')?.metrics ?? []).toEqual([]);
      expect(value(m, 'sharehub_outbox_backlog')).toBe(0);
    } finally {
      await broken.close();
    }
  });
});

describe('isLoopback', () => {
  it('knows 127/8, ::1 and their IPv4-mapped forms', () => {
    expect(['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', '::2', undefined, 'x'].map(isLoopback)).toEqual([false, false, false, false, false, false]);
  });
});


