import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { Queue } from 'bullmq';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorResponses } from '../../schemas/common.js';
import { AppError } from '../lib/errors.js';
import { QUEUES, type QueueName } from '../jobs/registry.js';
import { openCards } from '../modules/applications/applications-repository.js';
import { outboxBacklog } from '../modules/outbox/outbox-service.js';
import { openDiscrepancyCount, openObjectionsBySla } from '../modules/exchange/supervision-reads.js';
import { openCaseCount } from '../modules/supervision/cases.js';

// Prometheus metrics (GET /metrics, prom-client). Labels are bounded sets only — method, route
// pattern, status, queue, job state, step, colour, outcome/problem code — never an id, a name or
// personal data: per-department and per-consumer figures live in PostgreSQL rollups
// (/v1/supervision/*), not in label values. The HTTP series are counted in hooks; everything
// else is read when scraped, so it is the same on every replica that serves the scrape.

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
  interface FastifyContextConfig {
    /** Never shed under load (health, readiness, metrics): operators must see a struggling hub. */
    shedExempt?: boolean;
  }
}

/** Seconds; from a cached grant check (~1 ms) to a slow provider endpoint. */
const HTTP_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The data exchange's calls, by route pattern: the routes whose outcomes /metrics counts. */
const DATA_CALLS: Record<string, string> = {
  'GET /v1/resources/:id/records/:subjectId': 'read',
  'POST /v1/resources/:id/records/batch-get': 'batch_read',
  'POST /v1/resources/:id/records/verify': 'verify',
};

/** A scrape does not wait longer than this for Redis. */
const REDIS_READ_TIMEOUT_MS = 2_000;
const withTimeout = <T>(p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), REDIS_READ_TIMEOUT_MS).unref())]);

/** Job states whose sizes are exported per queue. */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

/**
 * How far the audit trail's sealer (issue 11) lags: events not yet in a signed head, and the age
 * of the latest head. Before the first head the gauges are NaN rather than 0, which would read as
 * "no lag".
 */
export type SealerLagProbe = () => Promise<{ events: number; seconds: number } | undefined>;

export const metricsPlugin = fp<{ queuePrefix: string; sealerLag?: SealerLagProbe }>(async (app, opts) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sharehub_process_' });

  const httpDuration = new Histogram({
    name: 'sharehub_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern (never the raw URL), method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS_S,
    registers: [registry],
  });
  // The status by route as a counter too: the histogram's _count says the same, but a counter is
  // what dashboards and alert rules on error rates read (and what simpler parsers keep apart).
  const httpRequests = new Counter({
    name: 'sharehub_http_requests_total',
    help: 'HTTP requests by route pattern (never the raw URL), method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const dataCalls = new Counter({
    name: 'sharehub_data_calls_total',
    help: 'Data exchange calls (record read, batch read, verify) by outcome: success or the problem code of the refusal',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    // Unrouted requests (404s, scans) share one label: their URLs are unbounded and caller-chosen.
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status_code: String(reply.statusCode) };
    httpDuration.observe(labels, reply.elapsedTime / 1000);
    httpRequests.inc(labels);
    const operation = DATA_CALLS[`${request.method} ${route}`];
    if (operation) dataCalls.inc({ operation, outcome: reply.statusCode < 400 ? 'success' : (reply.problemCode ?? `http_${reply.statusCode}`) });
  });

  // Queue sizes from BullMQ over the API's fail-fast connection: a scrape while Redis is down
  // leaves the queue series out and says so in sharehub_redis_up.
  const queues = Object.fromEntries(QUEUES.map((name) => {
    const queue = new Queue(name, { connection: app.redis, prefix: opts.queuePrefix });
    queue.on('error', () => {}); // the redis plugin reports outages
    return [name, queue];
  })) as Record<QueueName, Queue>;
  app.addHook('onClose', async () => {
    await Promise.all(Object.values(queues).map((q) => q.close()));
  });

  let queueSnapshot: Promise<{ counts: Record<string, Record<string, number>>; failed: Record<string, number> } | undefined> | undefined;
  /** One Redis read per scrape, shared by the three queue series. */
  const readQueues = () => {
    queueSnapshot ??= (async () => {
      try {
        const counts: Record<string, Record<string, number>> = {};
        const failed: Record<string, number> = {};
        if (app.redis.status !== 'ready') return undefined;
        await withTimeout((async () => {
          for (const name of QUEUES) {
            counts[name] = await queues[name].getJobCounts(...QUEUE_STATES);
            // The workers keep BullMQ's metrics (workers/index.ts): meta.count counts every job
            // that failed for good since they were enabled, whatever removeOnFail has dropped.
            failed[name] = (await queues[name].getMetrics('failed', 0, 0)).meta.count;
          }
        })());
        return { counts, failed };
      } catch {
        return undefined;
      } finally {
        setImmediate(() => { queueSnapshot = undefined; });
      }
    })();
    return queueSnapshot;
  };

  new Gauge({
    name: 'sharehub_redis_up',
    help: '1 when the queues in Redis could be read during this scrape',
    registers: [registry],
    async collect() { this.set((await readQueues()) ? 1 : 0); },
  });
  new Gauge({
    name: 'sharehub_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const snapshot = await readQueues();
      for (const [queue, counts] of Object.entries(snapshot?.counts ?? {})) {
        for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0);
      }
    },
  });
  new Counter({
    name: 'sharehub_queue_jobs_failed_total',
    help: 'Jobs per queue that failed for good (retries exhausted or unrecoverable), as counted by the workers',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const snapshot = await readQueues();
      for (const [queue, count] of Object.entries(snapshot?.failed ?? {})) this.inc({ queue }, count);
    },
  });

  let backlogSnapshot: ReturnType<typeof outboxBacklog> | undefined;
  const readBacklog = () => {
    backlogSnapshot ??= outboxBacklog(app.db, app.clock()).finally(() => setImmediate(() => { backlogSnapshot = undefined; }));
    return backlogSnapshot;
  };
  let objectionSnapshot: ReturnType<typeof openObjectionsBySla> | undefined;
  /** One read of the open objections per scrape, shared by the two series that show them. */
  const readObjections = () => {
    objectionSnapshot ??= openObjectionsBySla(app.db).finally(() => setImmediate(() => { objectionSnapshot = undefined; }));
    return objectionSnapshot;
  };
  new Gauge({
    name: 'sharehub_outbox_backlog',
    help: 'Outbox messages waiting to be relayed or delivered (pending or queued)',
    registers: [registry],
    async collect() { this.set((await readBacklog()).backlog); },
  });
  new Gauge({
    name: 'sharehub_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox message still waiting (0 when none waits)',
    registers: [registry],
    async collect() { this.set((await readBacklog()).oldestAgeSeconds); },
  });
  new Gauge({
    name: 'sharehub_open_deadline_cards',
    help: 'Open workflow steps and 纠错 objections (step=objection) carrying a yellow warning (sla=warning) or a red card (sla=overdue), by step',
    labelNames: ['step', 'sla'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const sla of ['warning', 'overdue']) for (const step of ['review', 'provision', 'provider_decision', 'coordination', 'objection']) this.set({ step, sla }, 0);
      const [cards, objections] = await Promise.all([openCards(app.db), readObjections()]);
      for (const row of cards) this.inc({ step: row.step, sla: row.sla }, row.count);
      for (const row of objections) if (row.sla !== 'on_time') this.inc({ step: 'objection', sla: row.sla }, row.count);
    },
  });
  new Gauge({
    name: 'sharehub_objections_open',
    help: 'Open 纠错 objections waiting for the provider, by colour (sla=on_time, warning or overdue)',
    labelNames: ['sla'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const sla of ['on_time', 'warning', 'overdue']) this.set({ sla }, 0);
      for (const row of await readObjections()) this.inc({ sla: row.sla }, row.count);
    },
  });
  new Gauge({
    name: 'sharehub_discrepancies_open',
    help: 'Open 一数一源 discrepancies: loaded copies disagreeing with their authoritative source',
    registers: [registry],
    async collect() { this.set(await openDiscrepancyCount(app.db)); },
  });
  new Gauge({
    name: 'sharehub_supervision_cases_open',
    help: 'Open supervision cases (督办) opened by red cards',
    registers: [registry],
    async collect() { this.set(await openCaseCount(app.db)); },
  });
  if (opts.sealerLag) {
    const probe = opts.sealerLag;
    new Gauge({
      name: 'sharehub_audit_sealer_lag_events',
      help: 'Audit events not yet sealed into a signed tree head',
      registers: [registry],
      async collect() {
        const lag = await probe();
        this.set(lag ? lag.events : Number.NaN);
      },
    });
    new Gauge({
      name: 'sharehub_audit_sealer_lag_seconds',
      help: 'Seconds since the latest signed tree head',
      registers: [registry],
      async collect() {
        const lag = await probe();
        this.set(lag ? lag.seconds : Number.NaN);
      },
    });
  }

  app.decorate('metrics', registry);
}, { name: 'metrics', dependencies: ['db', 'redis'] });

const LOOPBACK_V4 = /^127\./;

/** Whether the peer is this host: 127.0.0.0/8, ::1, or either mapped into IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.replace(/^::ffff:/i, '');
  if (isIP(plain) === 4) return LOOPBACK_V4.test(plain);
  return plain === '::1';
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** METRICS_TOKEN as a bearer token (compared in constant time); unset: loopback callers only. */
function metricsGuard(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (expected) {
      const sent = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
      if (!sent || !timingSafeEqual(digest(sent), expected)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('UNAUTHENTICATED', 'send Authorization: Bearer <METRICS_TOKEN>');
      }
      return;
    }
    if (!isLoopback(request.socket.remoteAddress)) {
      throw new AppError('FORBIDDEN', 'without METRICS_TOKEN, metrics are served to loopback callers only');
    }
  };
}

/** GET /metrics, registered in the API scope beside the other routes (its own guard, not a role). */
export const metricsRoute: FastifyPluginAsync<{ token?: string }> = async (app, opts) => {
  app.get('/metrics', {
    config: { public: true, shedExempt: true },
    onRequest: metricsGuard(opts.token),
    schema: {
      operationId: 'getMetrics',
      tags: ['operations'],
      summary: 'Prometheus metrics',
      description: 'Bearer METRICS_TOKEN, or loopback only.',
      security: [],
      response: {
        200: { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } },
        ...errorResponses(401, 403),
      },
    },
  }, async (_request, reply) => {
    const body = await app.metrics.metrics();
    return reply.type(app.metrics.contentType).send(body);
  });
};
