import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../src/config.js';
import type { Clock } from '../src/lib/clock.js';
import type { HubKeys } from '../src/lib/crypto.js';
import type { PublishInvalidation } from '../src/lib/invalidation.js';
import type { Enqueue } from '../src/jobs/registry.js';

/** What every processor gets besides its payload. Plain values: tests build them without Redis. */
export interface JobDeps {
  db: Knex;
  config: RuntimeConfig;
  keys: HubKeys;
  clock: Clock;
  log: Logger;
  enqueue: Enqueue;
  /**
   * Tells every API replica that a grant changed (src/lib/invalidation.ts), after the commit, as
   * the HTTP routes do: their cached grants must not outlive a job's change by more than a moment.
   */
  invalidate: PublishInvalidation;
}
