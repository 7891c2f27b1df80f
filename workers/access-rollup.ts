import type { JobPayloads } from '../src/jobs/registry.js';
import { jobContext } from '../src/modules/context.js';
import { anomalySettings, detectAnomalies } from '../src/modules/supervision/anomalies.js';
import { refreshAccessRollups } from '../src/modules/supervision/rollups.js';
import type { JobDeps } from './deps.js';

/** Adds the settled data-access events to the hourly supervision roll-ups (one run at a time). */
export async function accessRollup(_payload: JobPayloads['access-rollup'], deps: JobDeps) {
  const result = await refreshAccessRollups(jobContext(deps.db, deps.clock()), { settleSeconds: deps.config.ROLLUP_SETTLE_SECONDS });
  if (result.events) deps.log.info({ events: result.events, watermark: result.watermark }, 'access roll-up');
  return result;
}

/** Anomaly alerts (volume against the 14-day median, enumeration) from today's roll-ups. */
export async function anomalyScan(_payload: JobPayloads['anomaly-scan'], deps: JobDeps) {
  const alerts = await detectAnomalies(jobContext(deps.db, deps.clock(), { kind: 'scheduler' }), anomalySettings(deps.config));
  if (alerts.length) deps.log.warn({ alerts: alerts.map((a) => ({ kind: a.kind, id: a.id })) }, 'anomaly alerts');
  return { alerts: alerts.length };
}
