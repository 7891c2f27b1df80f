import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../src/config.js';
import { jobOptions, QUEUE_OF, QUEUES, type Enqueue, type QueueName } from '../src/jobs/registry.js';

export interface Queues {
  queues: Record<QueueName, Queue>;
  enqueue: Enqueue;
  close(): Promise<void>;
}

/**
 * How long the producer waits for Redis to answer one command. The outbox relay enqueues while
 * holding its rows FOR UPDATE: a Redis that is up but stalled must not hold them indefinitely.
 */
export const QUEUE_COMMAND_TIMEOUT_MS = 5_000;

/**
 * Producer side of the queues. Fails fast when Redis is down (no offline queue) or stalled
 * (command timeout): the outbox relay and the scheduler simply try again on their next round,
 * and no caller hangs.
 */
export function createQueues(config: RuntimeConfig, logger: Logger): Queues {
  const log = logger.child({ component: 'queues' });
  const connection = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: QUEUE_COMMAND_TIMEOUT_MS });
  let down = false;
  connection.on('error', (err) => {
    if (!down) log.warn({ err: { message: err.message } }, 'redis unavailable; queueing resumes when it returns');
    down = true;
  });
  connection.on('ready', () => {
    if (down) log.info('redis available again');
    down = false;
  });
  const options = jobOptions(config);
  const queues = Object.fromEntries(QUEUES.map((name) => {
    const queue = new Queue(name, { connection, prefix: config.QUEUE_PREFIX, defaultJobOptions: options[name] });
    queue.on('error', () => {}); // reported once by the connection handler above
    return [name, queue];
  })) as Record<QueueName, Queue>;

  const enqueue: Enqueue = async (name, payload, jobId) => {
    await queues[QUEUE_OF[name]].add(name, payload, { jobId });
  };

  return {
    queues,
    enqueue,
    close: async () => {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      connection.disconnect();
    },
  };
}
