import type { JobPayloads } from '../src/jobs/registry.js';
import { createDb } from '../src/db.js';
import { runRetention } from '../src/modules/audit/retention.js';
import { auditSigningKey, logOrigin } from '../src/modules/audit/tree-head.js';
import type { JobDeps } from './deps.js';

/**
 * Retention of the audit trail (src/modules/audit/retention.ts): makes the next months' event
 * partitions and drops the months past AUDIT_RETENTION_MONTHS that signed heads fully cover. It
 * connects as the owner role (DATABASE_OWNER_URL, else DATABASE_URL's role): only the owner may
 * create or drop partitions; the app role's connection (deps.db) cannot.
 */
export async function auditRetention(_payload: JobPayloads['audit-retention'], deps: JobDeps) {
  const owner = createDb(deps.config.DATABASE_OWNER_URL ?? deps.config.DATABASE_URL, { max: 1 });
  try {
    const report = await runRetention(owner, {
      retentionMonths: deps.config.AUDIT_RETENTION_MONTHS, now: deps.clock(), origin: logOrigin(deps.config), signer: auditSigningKey(deps.config),
    });
    const dropped = report.partitions.filter((p) => p.status === 'dropped').map((p) => p.partition);
    const waiting = report.partitions.filter((p) => p.status !== 'dropped').map((p) => `${p.partition}: ${p.status}`);
    if (dropped.length || waiting.length || report.skipped.length) {
      deps.log.info({ dropped, waiting, created: report.created, skipped: report.skipped }, 'audit retention ran');
    }
    return { created: report.created.length, dropped: dropped.length, waiting: waiting.length };
  } finally {
    await owner.destroy();
  }
}
