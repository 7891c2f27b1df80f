import { sweepGrants } from '../src/modules/grants/grants-service.js';
import type { JobPayloads } from '../src/jobs/registry.js';
import { schedulerContext } from '../src/modules/context.js';
import type { JobDeps } from './deps.js';

/** Expires grants past their validity; sends each consumer its pre-expiry notice once. */
export async function grantSweep(payload: JobPayloads['grant-sweep'], deps: JobDeps) {
  const { expired, noticed, changed } = await sweepGrants(schedulerContext(deps.db, deps.clock()));
  // Replicas already refuse a grant past its validity by their own clock; the message makes their
  // caches hold the expired status too (a replica whose clock lags must not serve on).
  for (const pair of changed) await deps.invalidate({ kind: 'grant', ...pair });
  if (expired.length || noticed.length) deps.log.info({ window: payload.window, expired: expired.length, noticed: noticed.length }, 'grant sweep');
  return { expired: expired.length, noticed: noticed.length };
}
