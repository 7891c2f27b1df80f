import { UnrecoverableError } from 'bullmq';
import { AppError } from '../src/lib/errors.js';
import { outboundFailure, outboundRequest } from '../src/lib/outbound-target.js';
import { provisioningState } from '../src/modules/applications/applications-repository.js';
import { completeProvisioning } from '../src/modules/applications/applications-service.js';
import { getVersion } from '../src/modules/applications/published-resources.js';
import { workflowSettings } from '../src/modules/applications/settings.js';
import { jobContext } from '../src/modules/context.js';
import type { JobPayloads } from '../src/jobs/registry.js';
import type { JobDeps } from './deps.js';

/** Whether the provider's endpoint answers at all; a 5xx or no answer means "not yet". */
export async function probeEndpoint(url: string, deps: Pick<JobDeps, 'config'>): Promise<{ ok: true } | { ok: false; error: string; permanent: boolean; code?: string }> {
  try {
    const status = await outboundRequest(url, { method: 'HEAD', headers: { 'user-agent': 'ShareHub-Provision/1' }, timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS }, {
      allowLoopback: deps.config.OUTBOUND_ALLOW_LOOPBACK,
    });
    return status < 500 ? { ok: true } : { ok: false, error: `HTTP ${status}`, permanent: false };
  } catch (err) {
    return { ok: false, ...outboundFailure(err) };
  }
}

/**
 * Route A on a provider-served resource: the hub can only serve it once the provider's endpoint
 * answers. Until then the application waits in provisioning, against the provision deadline,
 * and this job is retried (and re-enqueued hourly by the provision sweep).
 */
export async function provision(payload: JobPayloads['provision'], deps: JobDeps) {
  const app = await provisioningState(deps.db, payload.applicationId);
  if (!app) throw new UnrecoverableError(`no application ${payload.applicationId}`);
  // The grant issued (and the grants it superseded) must reach every replica's cache. Also on a
  // retry that finds the application granted: the attempt that granted it may have stopped
  // between its commit and the message.
  const announce = () => deps.invalidate({ kind: 'grant', systemId: app.system_id, resourceId: app.resource_id });
  if (app.status !== 'provisioning') {
    if (app.status === 'granted') await announce();
    return { skipped: app.status };
  }
  const version = await getVersion(deps.db, app.resource_id, app.resource_version);
  if (version.delivery.mode === 'provider_api') {
    const probe = await probeEndpoint(version.delivery.endpoint, deps);
    if (!probe.ok) {
      deps.log.warn({ applicationId: payload.applicationId, error: probe.error, code: probe.code }, 'provider endpoint not ready');
      // A refused or malformed endpoint will not change: the application stays in provisioning
      // and goes red at its deadline, for the platform to resolve with the provider.
      const failure = `provider endpoint not ready (${probe.error})`;
      throw probe.permanent ? new UnrecoverableError(failure) : new Error(failure);
    }
  }
  const ctx = { ...jobContext(deps.db, deps.clock()), settings: workflowSettings(deps.config) };
  const result = await completeProvisioning(ctx, payload.applicationId).catch((err: unknown) => {
    // Retrying cannot bring an ended validity back; the applicant withdraws and applies again.
    if (err instanceof AppError && err.code === 'VALIDITY_EXPIRED') throw new UnrecoverableError(err.message);
    throw err;
  });
  if (result === 'granted') await announce();
  deps.log.info({ applicationId: payload.applicationId, result }, 'provisioning done');
  return { result };
}
