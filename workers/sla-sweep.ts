import type { JobPayloads } from '../src/jobs/registry.js';
import { sweepDeadlines } from '../src/modules/applications/deadline-sweep.js';
import { schedulerContext } from '../src/modules/context.js';
import type { JobDeps } from './deps.js';

/** Yellow warnings and red cards (督办) for the open steps, each recorded once. */
export async function slaSweep(payload: JobPayloads['sla-sweep'], deps: JobDeps) {
  const { warned, overdue } = await sweepDeadlines(schedulerContext(deps.db, deps.clock()));
  if (warned.length || overdue.length) deps.log.info({ window: payload.window, warned: warned.length, overdue: overdue.length }, 'deadline sweep');
  return { warned: warned.length, overdue: overdue.length };
}
