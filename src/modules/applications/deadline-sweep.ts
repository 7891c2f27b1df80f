import type { Knex } from 'knex';
import { recordEvent } from '../audit/events.js';
import type { Context } from '../context.js';
import { addTimeline } from '../timeline/application-timeline.js';
import type { ApplicationRow } from './applications-repository.js';
import { OPEN_STATUSES } from './state-machine.js';
import { addWebhook } from '../outbox/outbox-service.js';
import { openSupervisionCase } from '../supervision/cases.js';

// 效能监督: a yellow warning (黄牌预警) when an open step is about to time out, a red card (红牌)
// and supervision (督办) once it has. Each colour is recorded once per step: the UPDATE's own
// condition (sla <> 'overdue', sla = 'on_time') claims a row for exactly one sweep, so ticks on
// several replicas, or a tick run twice, record nothing twice.

async function mark(trx: Knex.Transaction, now: Date, colour: 'warning' | 'overdue'): Promise<ApplicationRow[]> {
  return trx('applications')
    .whereIn('status', OPEN_STATUSES)
    .whereNotNull('due_at')
    .modify((q) => {
      if (colour === 'overdue') q.where('due_at', '<', now).andWhere('sla', '<>', 'overdue');
      // A step already past its deadline goes straight to red, without a late yellow.
      else q.where('sla', 'on_time').andWhere('warn_at', '<=', now).andWhere('due_at', '>=', now);
    })
    .update({ sla: colour, updated_at: now })
    .returning('*');
}

export async function sweepDeadlines(ctx: Context): Promise<{ warned: string[]; overdue: string[] }> {
  const { db, now, actor } = ctx;
  return db.transaction(async (trx) => {
    const overdue = await mark(trx, now, 'overdue');
    const warned = await mark(trx, now, 'warning');
    for (const [colour, rows] of [['overdue', overdue], ['warning', warned]] as const) {
      for (const app of rows) {
        const action = colour === 'overdue' ? 'supervise' : 'warn';
        await addTimeline(trx, {
          applicationId: app.id,
          at: now,
          action,
          actor,
          decision: colour === 'overdue' ? 'red_card' : 'yellow_card',
          step: app.step,
          dueAt: app.due_at,
          dueProvisional: app.due_provisional,
          details: { responsibleDepartment: app.responsible_code },
        });
        await recordEvent(trx, {
          actor,
          entityType: 'application',
          entityId: app.id,
          entityVersion: app.resource_version,
          // 督办 for a red card; 黄牌预警 for a yellow one
          action: `application.${action}`,
          details: { step: app.step, status: app.status, dueAt: app.due_at?.toISOString(), responsibleDepartment: app.responsible_code },
        });
        // 督办: a red card opens a supervision case for the platform.
        if (colour === 'overdue') {
          await openSupervisionCase(trx, { applicationId: app.id, step: app.step!, responsibleCode: app.responsible_code!, dueAt: app.due_at!, now, actor });
        }
        await addWebhook(trx, {
          type: colour === 'overdue' ? 'deadline.overdue' : 'deadline.warning',
          departmentCode: app.responsible_code!,
          applicationId: app.id,
          now,
          data: { applicationId: app.id, status: app.status, step: app.step, dueAt: app.due_at?.toISOString() ?? null, sla: colour },
        });
      }
    }
    return { warned: warned.map((a) => a.id), overdue: overdue.map((a) => a.id) };
  });
}
