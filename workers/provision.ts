import { UnrecoverableError } from 'bullmq';
import { completeProvisioning } from '../src/modules/applications/applications-service.js';
import { getVersion } from '../src/modules/applications/published-resources.js';
import { workflowSettings } from '../src/modules/applications/settings.js';
import type { JobPayloads } from '../src/modules/outbox/job-types.js';
import type { JobDeps } from './deps.js';

/** Whether the provider's endpoint answers at all; a 5xx or no answer means "not yet". */
export async function probeEndpoint(url: string, timeoutMs: number): Promise<{ ok: boolean; reason: string }> {
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => {});
    return { ok: res.status < 500, reason: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, reason: e.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (e.cause?.code ?? e.message) };
  }
}

/**
 * Route A on a provider-served resource: the hub can only serve it once the provider's endpoint
 * answers. Until then the application waits in provisioning, against the provision deadline,
 * and this job is retried (and re-enqueued hourly by the provision sweep).
 */
export async function provision(payload: JobPayloads['provision'], deps: JobDeps) {
  const app = await deps.db('applications').where('id', payload.applicationId).first('status', 'resource_id', 'resource_version');
  if (!app) throw new UnrecoverableError(`no application ${payload.applicationId}`);
  if (app.status !== 'provisioning') return { skipped: app.status as string };
  const version = await getVersion(deps.db, app.resource_id, app.resource_version);
  if (version.delivery.mode === 'provider_api') {
    const probe = await probeEndpoint(version.delivery.endpoint, deps.config.WEBHOOK_TIMEOUT_MS);
    if (!probe.ok) throw new Error(`provider endpoint not reachable yet (${probe.reason})`);
  }
  const ctx = { db: deps.db, settings: workflowSettings(deps.config), now: deps.clock() };
  const result = await completeProvisioning(ctx, payload.applicationId);
  deps.log.info({ applicationId: payload.applicationId, result }, 'provisioning done');
  return { result };
}
