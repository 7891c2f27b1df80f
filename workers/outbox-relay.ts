import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../src/lib/clock.js';
import type { Enqueue } from '../src/modules/outbox/job-types.js';
import { relayOutbox, RELAY_BATCH_SIZE } from '../src/modules/outbox/outbox-service.js';

export interface RelayOptions {
  db: Knex;
  enqueue: Enqueue;
  clock: Clock;
  log: Logger;
  intervalMs: number;
  requeueAfterMs: number;
}

/**
 * The outbox relay as a loop in each worker process. A loop rather than a repeatable BullMQ job
 * because it must keep trying while Redis is down — that is when rows pile up. Several replicas
 * share the rows (SKIP LOCKED) and fixed job ids make a double hand-over harmless.
 */
export function startOutboxRelay(opts: RelayOptions): { stop(): Promise<void> } {
  const abort = new AbortController();
  let failing = false;
  const loop = (async () => {
    while (!abort.signal.aborted) {
      let full = false;
      try {
        const { moved, error } = await relayOutbox(opts.db, opts.enqueue, { now: opts.clock(), requeueAfterMs: opts.requeueAfterMs });
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
