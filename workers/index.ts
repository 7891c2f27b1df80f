import { MetricsTime, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import cron from 'node-cron';
import type { Logger } from 'pino';
import { ConfigError, type RuntimeConfig } from '../src/config.js';
import { createDb } from '../src/db.js';
import { systemClock, type Clock } from '../src/lib/clock.js';
import { deriveKeys } from '../src/lib/crypto.js';
import { redisInvalidationPublisher } from '../src/lib/invalidation.js';
import { CONCURRENCY, jobId, QUEUES, type Enqueue, type JobName } from '../src/jobs/registry.js';
import { markDead } from '../src/modules/outbox/webhook-delivery.js';
import type { JobDeps } from './deps.js';
import { PROCESSORS } from './jobs.js';
import { redisQueueEpoch, startOutboxRelay } from './outbox-relay.js';
import { createQueues, QUEUE_COMMAND_TIMEOUT_MS, type Queues } from './queues.js';

export interface Runner {
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** Time source for deadlines and expiry; tests pass a manual clock. */
  clock?: Clock;
}

const DB_POOL_MAX = 5;

/**
 * The BullMQ workers of every queue in the job registry, plus the outbox relay. Close order:
 * stop relaying → workers (finish the jobs in hand) → queues → Redis → PostgreSQL.
 */
export async function startWorkers(config: RuntimeConfig, logger: Logger, opts: WorkerOptions = {}): Promise<Runner & { enqueue: Enqueue }> {
  const log = logger.child({ component: 'workers' });
  const db = createDb(config.DATABASE_URL, { max: DB_POOL_MAX });
  const clock = opts.clock ?? systemClock;
  const producer = createQueues(config, logger);
  // Fails fast like the producer: neither the relay nor a job may hang on a Redis that is down.
  // The relay reads the queue epoch on it; jobs publish cache invalidations on it.
  const commandConnection = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: QUEUE_COMMAND_TIMEOUT_MS });
  commandConnection.on('error', () => {}); // the producer connection reports outages once
  const invalidate = redisInvalidationPublisher(commandConnection, config.QUEUE_PREFIX, (err) =>
    log.warn({ err: { message: err.message } }, 'invalidation not published: API replicas rely on their cache TTL'));
  const deps: Omit<JobDeps, 'log'> = { db, config, keys: deriveKeys(config.SHAREHUB_SECRET_KEY), clock, enqueue: producer.enqueue, invalidate };

  // Workers block on Redis and must retry forever across outages (BullMQ requires this setting).
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on('error', () => {}); // the producer connection reports outages once

  const workers = QUEUES.map((queue) => {
    const worker = new Worker(queue, async (job: Job) => {
      const processor = PROCESSORS[job.name as JobName] as ((payload: unknown, d: JobDeps) => Promise<unknown>) | undefined;
      if (!processor) throw new UnrecoverableError(`no processor for job '${job.name}' on queue '${queue}'`);
      return processor(job.data, { ...deps, log: logger.child({ queue, jobId: job.id }) });
    // BullMQ's own metrics count jobs that failed for good, for /metrics (sharehub_queue_jobs_failed_total).
    }, { connection, prefix: config.QUEUE_PREFIX, concurrency: CONCURRENCY[queue], metrics: { maxDataPoints: MetricsTime.ONE_WEEK } });
    worker.on('error', (err) => log.debug({ err: { message: err.message }, queue }, 'worker connection error'));
    worker.on('failed', (job, err) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
      log.warn({ queue, jobId: job.id, attemptsMade: job.attemptsMade, final, err: { message: err.message } }, 'job failed');
      // Backstop for a webhook whose database attempt count fell behind BullMQ's (e.g. a crash
      // mid-attempt): BullMQ has given up, so the message must show as a dead letter.
      if (final && job.name === 'deliver-webhook') {
        // No error text: the department sees the last attempt's coarse error, not this message.
        void markDead(db, (job.data as { outboxId: string }).outboxId, clock())
          .catch((e: Error) => log.error({ err: e }, 'could not dead-letter a message'));
      }
    });
    return worker;
  });

  const relay = startOutboxRelay({
    db, enqueue: producer.enqueue, clock, log: logger.child({ component: 'outbox-relay' }),
    intervalMs: config.OUTBOX_POLL_MS, requeueAfterMs: config.OUTBOX_REQUEUE_AFTER_MS,
    epoch: redisQueueEpoch(commandConnection, config.QUEUE_PREFIX),
  });
  log.info({ queues: QUEUES, prefix: config.QUEUE_PREFIX }, 'workers started');

  return {
    enqueue: producer.enqueue,
    close: async () => {
      await relay.stop();
      commandConnection.disconnect();
      await Promise.all(workers.map((w) => w.close()));
      await producer.close();
      connection.disconnect();
      await db.destroy();
      log.info('workers stopped');
    },
  };
}

/** The tick's window: its minute in UTC, `YYYYMMDDHHmm` — the fixed part of each sweep's job id. */
export const tickWindow = (now: Date) => now.toISOString().slice(0, 16).replace(/[-T:]/g, '');

/** One scheduler tick: enqueue each sweep under an id fixed for the minute, so replicas converge. */
export async function enqueueSweeps(enqueue: Enqueue, now: Date): Promise<string> {
  const window = tickWindow(now);
  await enqueue('sla-sweep', { window }, jobId('sla-sweep', window));
  await enqueue('grant-sweep', { window }, jobId('grant-sweep', window));
  await enqueue('provision-sweep', { window }, jobId('provision-sweep', window));
  await enqueue('calendar-reminder', { window }, jobId('calendar-reminder', window));
  return window;
}

/** One audit-seal round per interval: the job id is the interval's number since the epoch. */
export async function enqueueSeal(enqueue: Enqueue, now: Date, intervalMs: number): Promise<string> {
  const window = String(Math.floor(now.getTime() / intervalMs));
  await enqueue('audit-seal', { window }, jobId('audit-seal', window));
  return window;
}

/**
 * The supervision jobs repeat on BullMQ job schedulers rather than cron ticks: a scheduler has a
 * fixed id, so every replica upserting it leaves one schedule, and the supervision queue runs
 * one job at a time.
 */
export async function scheduleSupervision(queues: Queues['queues'], config: RuntimeConfig): Promise<void> {
  await queues.supervision.upsertJobScheduler('access-rollup', { every: config.ROLLUP_INTERVAL_MS }, { name: 'access-rollup', data: {} });
  await queues.supervision.upsertJobScheduler('anomaly-scan', { every: config.ANOMALY_SCAN_INTERVAL_MS }, { name: 'anomaly-scan', data: {} });
  // On the audit queue (concurrency 1): never beside a sealing round.
  await queues.audit.upsertJobScheduler('audit-retention', { every: config.AUDIT_RETENTION_INTERVAL_MS }, { name: 'audit-retention', data: {} });
}

/** node-cron ticks that only enqueue jobs with fixed ids, so every replica may tick. */
export async function startScheduler(config: RuntimeConfig, logger: Logger, opts: WorkerOptions = {}): Promise<Runner> {
  if (!cron.validate(config.SWEEP_CRON)) throw new ConfigError([`SWEEP_CRON: '${config.SWEEP_CRON}' is not a valid cron pattern`]);
  const log = logger.child({ component: 'scheduler' });
  const clock = opts.clock ?? systemClock;
  const producer = createQueues(config, logger);
  // Redis may be down at start: each tick tries again until the schedules are in place.
  let scheduled = false;
  const schedule = async () => {
    if (scheduled) return;
    await scheduleSupervision(producer.queues, config);
    scheduled = true;
  };
  await schedule().catch((err: Error) => log.warn({ err: { message: err.message } }, 'could not schedule the supervision jobs yet'));
  const task = cron.schedule(config.SWEEP_CRON, async () => {
    try {
      await schedule();
      await enqueueSweeps(producer.enqueue, clock());
    } catch (err) {
      // Redis down: this tick is skipped; the sweeps are idempotent and the next tick catches up.
      log.warn({ err: { message: (err as Error).message } }, 'scheduler tick could not enqueue the sweeps');
    }
  }, { name: 'sharehub-sweeps', timezone: 'Asia/Shanghai', noOverlap: true });
  // The audit sealer ticks every few seconds, finer than cron's minute: a timer enqueues one
  // round per interval under an id fixed for the interval, so replicas converge on one job.
  const sealTimer = setInterval(() => {
    // Wall-clock time on purpose: the window only names the tick; the head's time is the clock's.
    enqueueSeal(producer.enqueue, new Date(), config.AUDIT_SEAL_INTERVAL_MS)
      .catch((err: Error) => log.debug({ err: { message: err.message } }, 'scheduler tick could not enqueue the audit seal'));
  }, config.AUDIT_SEAL_INTERVAL_MS);
  log.info({ pattern: config.SWEEP_CRON, auditSealMs: config.AUDIT_SEAL_INTERVAL_MS }, 'scheduler started');
  return {
    close: async () => {
      clearInterval(sealTimer);
      await task.destroy();
      await producer.close();
      log.info('scheduler stopped');
    },
  };
}
