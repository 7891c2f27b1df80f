import type { JobPayloads } from '../src/jobs/registry.js';
import { sweepDeadlines } from '../src/modules/applications/deadline-sweep.js';
import { schedulerContext } from '../src/modules/context.js';
import { sweepObjectionDeadlines } from '../src/modules/exchange/objections-service.js';
import type { JobDeps } from './deps.js';

/** Yellow warnings and red cards (督办) for the open steps, each recorded once. */
export async function slaSweep(payload: JobPayloads['sla-sweep'], deps: JobDeps) {
  const now = deps.clock();
  const { warned, overdue } = await sweepDeadlines(schedulerContext(deps.db, now));
  // 纠错 objections turn yellow and red the same way.
  const objections = await sweepObjectionDeadlines(schedulerContext(deps.db, now));
  const counts = { warned: warned.length + objections.warned.length, overdue: overdue.length + objections.overdue.length };
  if (counts.warned || counts.overdue) deps.log.info({ window: payload.window, ...counts }, 'deadline sweep');
  return counts;
}
