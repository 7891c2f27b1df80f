import type { DefaultJobOptions } from 'bullmq';
import type { RuntimeConfig } from '../src/config.js';
import type { JobName, JobPayloads, QueueName } from '../src/modules/outbox/job-types.js';
import { calendarReminder } from './calendar-reminder.js';
import { deliverWebhook } from './deliver-webhook.js';
import type { JobDeps } from './deps.js';
import { grantSweep } from './grant-sweep.js';
import { provision } from './provision.js';
import { provisionSweep } from './provision-sweep.js';
import { slaSweep } from './sla-sweep.js';

// The job registry: name → payload type (src/modules/outbox/job-types.ts) → processor.
export type Processor<N extends JobName> = (payload: JobPayloads[N], deps: JobDeps) => Promise<unknown>;

export const PROCESSORS: { [N in JobName]: Processor<N> } = {
  'deliver-webhook': deliverWebhook,
  provision,
  'sla-sweep': slaSweep,
  'grant-sweep': grantSweep,
  'provision-sweep': provisionSweep,
  'calendar-reminder': calendarReminder,
};

const HOUR_S = 3600;
const DAY_S = 86_400;
/** Share of each backoff delay that is randomised, so retries of many messages spread out. */
const BACKOFF_JITTER = 0.5;
const SWEEP_ATTEMPTS = 3;
const SWEEP_BACKOFF_MS = 5_000;

export const CONCURRENCY: Record<QueueName, number> = { webhooks: 8, provisioning: 4, sweeps: 1 };

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
  };
}
