import { remindMissingCalendars } from '../src/modules/calendar/calendar-reminder.js';
import type { JobPayloads } from '../src/jobs/registry.js';
import { schedulerContext } from '../src/modules/context.js';
import type { JobDeps } from './deps.js';

/** Reminds the platform of a missing holiday notice; at most once per year and day, whatever the ticks. */
export async function calendarReminder(payload: JobPayloads['calendar-reminder'], deps: JobDeps) {
  const years = await remindMissingCalendars(schedulerContext(deps.db, deps.clock()));
  if (years.length) deps.log.info({ window: payload.window, years }, 'reminded the platform of missing holiday notices');
  return { reminded: years };
}
