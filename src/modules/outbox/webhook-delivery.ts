import type { Knex } from 'knex';
import { recordEvent } from '../audit/events.js';
import { addTimeline } from '../timeline/application-timeline.js';
import type { OutboxRow } from './outbox-service.js';

// The outcome of each webhook attempt, recorded on the outbox row. The worker
// (workers/deliver-webhook.ts) only signs and sends; what an attempt means for the message is
// decided and written here, by the module that owns the outbox.

export async function findMessage(db: Knex, outboxId: string): Promise<OutboxRow | undefined> {
  return db('outbox').where('id', outboxId).first();
}

/** The department has no webhook: nothing to send; it reads its notifications and inbox instead. */
export async function markNoWebhook(db: Knex, outboxId: string, now: Date): Promise<void> {
  await db('outbox').where('id', outboxId).whereIn('status', ['pending', 'queued']).update({ status: 'no_webhook', updated_at: now });
}

export async function markDelivered(db: Knex, row: OutboxRow, now: Date, status: number): Promise<void> {
  await db.transaction(async (trx) => {
    const updated = await trx('outbox')
      .where('id', row.id)
      .whereNot('status', 'delivered')
      .update({ status: 'delivered', attempts: trx.raw('attempts + 1'), delivered_at: now, last_error: null, updated_at: now });
    // The push itself is a step of the application's trace: when the provider had it.
    if (updated && row.type === 'application.pending_provider' && row.application_id) {
      await addTimeline(trx, {
        applicationId: row.application_id, at: now, action: 'delivered', actor: { kind: 'worker' },
        details: { messageId: row.id, httpStatus: status },
      });
      await recordEvent(trx, {
        actor: { kind: 'worker' }, entityType: 'application', entityId: row.application_id, action: 'application.delivered',
        details: { messageId: row.id, departmentCode: row.department_code, attempts: row.attempts + 1 },
      });
    }
  });
}

/**
 * Counts one failed attempt (in PostgreSQL, so the budget holds even if Redis lost the job and
 * the relay queued it again); returns the attempts made so far.
 */
export async function countFailedAttempt(db: Knex, row: OutboxRow, error: string, now: Date): Promise<number> {
  const [counted] = await db('outbox')
    .where('id', row.id)
    .update({ attempts: db.raw('attempts + 1'), last_error: error, updated_at: now })
    .returning('attempts');
  return Number(counted?.attempts ?? row.attempts + 1);
}

/**
 * Dead-letters a message that will not be delivered; listed for platform admins to redrive.
 * Idempotent. Without `error` the last attempt's (coarse) error stays as the reason.
 */
export async function markDead(db: Knex, outboxId: string, now: Date, error?: string): Promise<void> {
  await db.transaction(async (trx) => {
    const [row] = await trx('outbox')
      .where('id', outboxId)
      .whereIn('status', ['pending', 'queued'])
      .update({ status: 'dead', dead_at: now, last_error: error ?? trx.raw("coalesce(last_error, 'retries exhausted')"), updated_at: now })
      .returning(['id', 'type', 'department_code', 'attempts', 'last_error']);
    if (row) {
      await recordEvent(trx, {
        actor: { kind: 'worker' }, entityType: 'message', entityId: outboxId, action: 'message.dead_letter', outcome: 'failure',
        reason: row.last_error, details: { type: row.type, departmentCode: row.department_code, attempts: row.attempts },
      });
    }
  });
}
