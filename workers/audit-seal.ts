import { appendFile } from 'node:fs/promises';
import type { JobPayloads } from '../src/jobs/registry.js';
import { sealRound } from '../src/modules/audit/sealer.js';
import { auditSigningKey, logOrigin } from '../src/modules/audit/tree-head.js';
import { publishedHead } from '../src/modules/audit/audit-views.js';
import type { JobDeps } from './deps.js';

/**
 * One sealing round: the events committed since the last one become leaves, and a new tree head
 * is signed. With AUDIT_HEADS_FILE set, the head is appended there as one JSON line (as the API
 * serves it) for a deployment to publish.
 */
export async function auditSeal(payload: JobPayloads['audit-seal'], deps: JobDeps) {
  const origin = logOrigin(deps.config);
  const result = await sealRound(deps.db, { signer: auditSigningKey(deps.config), origin, now: deps.clock(), maxEvents: deps.config.AUDIT_SEAL_MAX_EVENTS });
  if (result.status !== 'sealed') return { status: result.status };
  deps.log.debug({ window: payload.window, sealed: result.sealed, size: result.head.size }, 'audit tree head signed');
  if (deps.config.AUDIT_HEADS_FILE) {
    await appendFile(deps.config.AUDIT_HEADS_FILE, `${JSON.stringify(publishedHead(origin, result.head, []))}\n`, { mode: 0o644 });
  }
  return { status: result.status, sealed: result.sealed, size: result.head.size };
}
