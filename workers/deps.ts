import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../src/config.js';
import type { Clock } from '../src/lib/clock.js';
import type { HubKeys } from '../src/lib/crypto.js';
import type { Enqueue } from '../src/jobs/registry.js';

/** What every processor gets besides its payload. Plain values: tests build them without Redis. */
export interface JobDeps {
  db: Knex;
  config: RuntimeConfig;
  keys: HubKeys;
  clock: Clock;
  log: Logger;
  enqueue: Enqueue;
}
