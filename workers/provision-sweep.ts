import { jobId, type JobPayloads } from '../src/jobs/registry.js';
import { idsInProvisioning } from '../src/modules/applications/applications-repository.js';
import type { JobDeps } from './deps.js';

/**
 * Applications still in provisioning get a fresh provision job once an hour: the job id carries
 * the hour, so the minute ticks within it converge on one job, and a job that used up its
 * retries does not leave the application stranded.
 */
export async function provisionSweep(payload: JobPayloads['provision-sweep'], deps: JobDeps) {
  const hour = payload.window.slice(0, 10);
  const ids = await idsInProvisioning(deps.db);
  for (const id of ids) await deps.enqueue('provision', { applicationId: id }, jobId('provision', id, hour));
  return { enqueued: ids.length };
}
