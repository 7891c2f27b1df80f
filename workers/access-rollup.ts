import type { JobPayloads } from '../src/jobs/registry.js';
import { jobContext } from '../src/modules/context.js';
import { refreshAccessRollups } from '../src/modules/supervision/rollups.js';
import type { JobDeps } from './deps.js';

/** Adds the settled data-access events to the hourly supervision roll-ups (one run at a time). */
export async function accessRollup(_payload: JobPayloads['access-rollup'], deps: JobDeps) {
  const result = await refreshAccessRollups(jobContext(deps.db, deps.clock()), { settleSeconds: deps.config.ROLLUP_SETTLE_SECONDS });
  if (result.events) deps.log.info({ events: result.events, watermark: result.watermark }, 'access roll-up');
  return result;
}
