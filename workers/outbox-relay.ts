import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../src/lib/clock.js';
import type { Enqueue } from '../src/jobs/registry.js';
import { relayOutbox, RELAY_BATCH_SIZE, requeueUnfinished } from '../src/modules/outbox/outbox-service.js';
import { jobContext } from '../src/modules/context.js';

/**
 * A marker key in the queue store. Present: the store still holds what the relay handed over.
 * Missing: the store is new, was flushed or came back from a restart without its data, so every
 * job handed over before may be gone.
 */
export interface QueueEpoch {
  present(): Promise<boolean>;
  mark(): Promise<void>;
}

/** The marker as a key next to the queues (same prefix); `redis` should fail fast when Redis is down. */
export function redisQueueEpoch(redis: Redis, prefix: string): QueueEpoch {
  const key = `${prefix}:sharehub:queue-epoch`;
  return {
    present: async () => (await redis.exists(key)) === 1,
    mark: async () => {
      // Wall-clock time on purpose: the marker's value is only for a person inspecting Redis;
      // its presence is what counts. Not a business time.
      await redis.set(key, new Date().toISOString());
    },
  };
}

export interface RelayOptions {
  db: Knex;
  enqueue: Enqueue;
  clock: Clock;
  log: Logger;
  intervalMs: number;
  requeueAfterMs: number;
  /** When given, an emptied queue store is noticed within one round and everything unfinished is queued again at once. */
  epoch?: QueueEpoch;
}

/**
 * The outbox relay as a loop in each worker process. A loop rather than a repeatable BullMQ job
 * because it must keep trying while Redis is down — that is when rows pile up. Several replicas
 * share the rows (SKIP LOCKED) and fixed job ids make a double hand-over harmless.
 */
export function startOutboxRelay(opts: RelayOptions): { stop(): Promise<void> } {
  const abort = new AbortController();
  let failing = false;
  let firstCheck = true;
  const checkEpoch = async (epoch: QueueEpoch): Promise<void> => {
    try {
      if (await epoch.present()) return;
    } catch {
      return; // Redis down: the relay round below reports it
    }
    const { moved, error } = await requeueUnfinished(jobContext(opts.db, opts.clock()), opts.enqueue);
    if (error) return; // marker left missing: the next round tries again
    await epoch.mark().catch(() => undefined);
    // On the very first check a missing marker is just a new queue store; later it means lost jobs.
    if (moved > 0 || !firstCheck) opts.log.warn({ requeued: moved }, 'the queue store came back empty; every unfinished outbox message was queued again');
    else opts.log.info({ requeued: moved }, 'queue store marked; unfinished outbox messages queued');
  };
  const loop = (async () => {
    while (!abort.signal.aborted) {
      let full = false;
      try {
        if (opts.epoch) {
          await checkEpoch(opts.epoch);
          firstCheck = false;
        }
        const { moved, error } = await relayOutbox(jobContext(opts.db, opts.clock()), opts.enqueue, { requeueAfterMs: opts.requeueAfterMs });
        if (error && !failing) opts.log.warn({ err: { message: error.message } }, 'outbox relay cannot reach the queue; rows stay in the outbox');
        if (!error && failing) opts.log.info('outbox relay reaches the queue again');
        failing = Boolean(error);
        if (moved) opts.log.debug({ moved }, 'outbox rows relayed');
        full = !error && moved === RELAY_BATCH_SIZE;
      } catch (err) {
        opts.log.error({ err }, 'outbox relay round failed');
      }
      if (!full) await sleep(opts.intervalMs, undefined, { signal: abort.signal }).catch(() => {});
    }
  })();
  return {
    stop: async () => {
      abort.abort();
      await loop;
    },
  };
}
