import { jobId, type JobPayloads } from '../src/modules/outbox/job-types.js';
import type { JobDeps } from './deps.js';

/**
 * Applications still in provisioning get a fresh provision job once an hour: the job id carries
 * the hour, so the minute ticks within it converge on one job, and a job that used up its
 * retries does not leave the application stranded.
 */
export async function provisionSweep(payload: JobPayloads['provision-sweep'], deps: JobDeps) {
  const hour = payload.window.slice(0, 10);
  const rows: { id: string }[] = await deps.db('applications').where('status', 'provisioning').select('id');
  for (const { id } of rows) await deps.enqueue('provision', { applicationId: id }, jobId('provision', id, hour));
  return { enqueued: rows.length };
}
