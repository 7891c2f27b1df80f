import type { DefaultJobOptions } from 'bullmq';
import type { RuntimeConfig } from '../config.js';

// The job registry: every job the hub runs is declared here — its name, its payload type, its
// queue, and each queue's retry policy. Payloads carry ids only — never personal data — so a job
// can be logged, retried and inspected in Redis safely. Modules import this to add jobs to the
// outbox; the processors are mapped in workers/jobs.ts, whose type requires one processor per
// name declared here (they are not imported here: they call the modules, which import this).

export interface JobPayloads {
  /** Sign and POST one outbox message to its department's webhook. */
  'deliver-webhook': { outboxId: string };
  /** Route A on a provider-served resource: issue the grant once the provider's endpoint answers. */
  provision: { applicationId: string };
  /** Mark open steps yellow / red and supervise red cards (督办). `window` is the tick's minute. */
  'sla-sweep': { window: string };
  /** Expire grants past their validity and send the pre-expiry notices. */
  'grant-sweep': { window: string };
  /** Hand applications still waiting in provisioning to the provision job again. */
  'provision-sweep': { window: string };
  /** From 1 November, remind the platform (once a day) to enter next year's holiday notice. */
  'calendar-reminder': { window: string };
  /** Extend the audit tree with newly committed events and sign a tree head (one round; `window` is the tick). */
  'audit-seal': { window: string };
  /** Make the next months' event partitions and drop those past AUDIT_RETENTION_MONTHS (a BullMQ job scheduler repeats it). */
  'audit-retention': Record<string, never>;
  /** Add the settled data-access events after the watermark to the hourly roll-ups (a BullMQ job scheduler repeats it). */
  'access-rollup': Record<string, never>;
  /** Raise anomaly alerts (volume, enumeration) from today's roll-ups (a BullMQ job scheduler repeats it). */
  'anomaly-scan': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export const QUEUES = ['webhooks', 'provisioning', 'sweeps', 'audit', 'supervision'] as const;
export type QueueName = (typeof QUEUES)[number];

export const QUEUE_OF: Record<JobName, QueueName> = {
  'deliver-webhook': 'webhooks',
  provision: 'provisioning',
  'sla-sweep': 'sweeps',
  'grant-sweep': 'sweeps',
  'provision-sweep': 'sweeps',
  'calendar-reminder': 'sweeps',
  'audit-seal': 'audit',
  'audit-retention': 'audit',
  'access-rollup': 'supervision',
  'anomaly-scan': 'supervision',
};

/** Adds a job under a fixed id; adding an id that is already queued is a no-op. */
export type Enqueue = <N extends JobName>(name: N, payload: JobPayloads[N], jobId: string) => Promise<void>;

/** BullMQ job ids must not contain ':' (its key separator); ids here are built from uuids and digits. */
export function jobId(...parts: (string | number)[]): string {
  const id = parts.join('-');
  if (id.includes(':')) throw new Error(`job id must not contain ':' (${id})`);
  return id;
}

const HOUR_S = 3600;
const DAY_S = 86_400;
/** Share of each backoff delay that is randomised, so retries of many messages spread out. */
const BACKOFF_JITTER = 0.5;
const SWEEP_ATTEMPTS = 3;
const SWEEP_BACKOFF_MS = 5_000;

// The audit queue runs one round at a time per worker; the sealer's advisory lock makes it one
// at a time across replicas too.
// supervision: one job at a time per worker (and the roll-up's watermark row lock across workers).
export const CONCURRENCY: Record<QueueName, number> = { webhooks: 8, provisioning: 4, sweeps: 1, audit: 1, supervision: 1 };

/** Retries with exponential backoff and jitter; completed and failed jobs are kept only for a while. */
export function jobOptions(config: RuntimeConfig): Record<QueueName, DefaultJobOptions> {
  return {
    webhooks: {
      attempts: config.WEBHOOK_MAX_ATTEMPTS,
      backoff: { type: 'exponential', delay: config.WEBHOOK_BACKOFF_MS, jitter: BACKOFF_JITTER },
      removeOnComplete: { age: DAY_S, count: 10_000 },
      removeOnFail: { age: 7 * DAY_S, count: 10_000 },
    },
    provisioning: {
      attempts: config.PROVISION_MAX_ATTEMPTS,
      backoff: { type: 'exponential', delay: config.PROVISION_BACKOFF_MS, jitter: BACKOFF_JITTER },
      removeOnComplete: { age: DAY_S, count: 10_000 },
      removeOnFail: { age: 7 * DAY_S, count: 10_000 },
    },
    // Completed sweeps stay an hour, so a tick of another replica in the same window finds the
    // fixed job id taken and adds nothing.
    sweeps: {
      attempts: SWEEP_ATTEMPTS,
      backoff: { type: 'exponential', delay: SWEEP_BACKOFF_MS, jitter: BACKOFF_JITTER },
      removeOnComplete: { age: HOUR_S, count: 1_000 },
      removeOnFail: { age: DAY_S, count: 1_000 },
    },
    // A round every few seconds: a failed round is simply done by the next tick, so no retries;
    // a minute of history is enough for a replica's duplicate tick to find its id taken.
    audit: {
      attempts: 1,
      removeOnComplete: { age: 60, count: 100 },
      removeOnFail: { age: HOUR_S, count: 100 },
    },
    // Repeated by job schedulers: a failed run is simply caught up by the next one.
    supervision: {
      attempts: 1,
      removeOnComplete: { age: HOUR_S, count: 100 },
      removeOnFail: { age: DAY_S, count: 1_000 },
    },
  };
}
