import type { JobName, JobPayloads } from '../src/jobs/registry.js';
import { auditRetention } from './audit-retention.js';
import { auditSeal } from './audit-seal.js';
import { accessRollup, anomalyScan } from './access-rollup.js';
import { calendarReminder } from './calendar-reminder.js';
import { deliverWebhook } from './deliver-webhook.js';
import type { JobDeps } from './deps.js';
import { grantSweep } from './grant-sweep.js';
import { provision } from './provision.js';
import { provisionSweep } from './provision-sweep.js';
import { slaSweep } from './sla-sweep.js';

// Job name → processor, for every job declared in src/jobs/registry.ts (the mapped type makes a
// missing processor a compile error). Processors are thin: they call module services.
export type Processor<N extends JobName> = (payload: JobPayloads[N], deps: JobDeps) => Promise<unknown>;

export const PROCESSORS: { [N in JobName]: Processor<N> } = {
  'deliver-webhook': deliverWebhook,
  provision,
  'sla-sweep': slaSweep,
  'grant-sweep': grantSweep,
  'provision-sweep': provisionSweep,
  'calendar-reminder': calendarReminder,
  'audit-seal': auditSeal,
  'audit-retention': auditRetention,
  'access-rollup': accessRollup,
  'anomaly-scan': anomalyScan,
};
