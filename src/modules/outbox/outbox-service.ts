import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { AppError, notFound } from '../../lib/errors.js';
import { keysetPaginate, paginate, type CursorPage, type Page, type SortColumn } from '../../lib/paginate.js';
import { readsEveryNotification } from '../identity/principal.js';
import { recordEvent } from '../audit/events.js';
import type { Context, RequestContext } from '../context.js';
import { jobId, type Enqueue, type JobName, type JobPayloads } from '../../jobs/registry.js';

// The transactional outbox. Writers call addWebhook / addJob with the transaction of the state
// change; the relay (workers/outbox-relay.ts) hands committed rows to BullMQ afterwards.

export type WebhookType =
  | 'application.pending_provider'
  | 'application.accepted'
  | 'application.rejected'
  | 'application.returned'
  | 'application.granted'
  | 'application.denied'
  | 'application.withdrawn'
  | 'application.coordination_requested'
  | 'application.coordination_decided'
  | 'deadline.warning'
  | 'deadline.overdue'
  | 'grant.expiring'
  | 'grant.expired'
  | 'grant.revoked'
  | 'calendar.missing'
  | 'supervision.reminder'
  | 'supervision.anomaly'
  | 'objection.raised'
  | 'objection.decided'
  | 'record.corrected';

export type OutboxStatus = 'pending' | 'queued' | 'delivered' | 'no_webhook' | 'dead' | 'done';

export interface OutboxRow {
  id: string;
  kind: 'webhook' | 'job';
  type: string;
  department_code: string | null;
  application_id: string | null;
  grant_id: string | null;
  data: Record<string, unknown>;
  job_name: JobName;
  job_id: string;
  job_payload: Record<string, unknown>;
  status: OutboxStatus;
  attempts: number;
  redrives: number;
  last_error: string | null;
  created_at: Date;
  queued_at: Date | null;
  delivered_at: Date | null;
  dead_at: Date | null;
}

type Db = Knex | Knex.Transaction;

/**
 * A message to a department, delivered to its webhook (signed, retried) and listed in its
 * notifications whether or not it has a webhook. `data` holds ids and decisions only.
 */
export async function addWebhook(
  trx: Db,
  m: { type: WebhookType; departmentCode: string; applicationId?: string; grantId?: string; data: Record<string, unknown>; now: Date },
): Promise<string> {
  const id = randomUUID();
  await trx('outbox').insert({
    id,
    kind: 'webhook',
    type: m.type,
    department_code: m.departmentCode,
    application_id: m.applicationId ?? null,
    grant_id: m.grantId ?? null,
    data: JSON.stringify(m.data),
    job_name: 'deliver-webhook',
    job_id: jobId('webhook', id),
    job_payload: JSON.stringify({ outboxId: id } satisfies JobPayloads['deliver-webhook']),
    created_at: m.now,
  });
  return id;
}

/** A job to run once the transaction commits. */
export async function addJob<N extends JobName>(
  trx: Db,
  m: { name: N; payload: JobPayloads[N]; jobId: string; applicationId?: string; now: Date },
): Promise<string> {
  const id = randomUUID();
  await trx('outbox').insert({
    id,
    kind: 'job',
    type: m.name,
    application_id: m.applicationId ?? null,
    job_name: m.name,
    job_id: m.jobId,
    job_payload: JSON.stringify(m.payload),
    created_at: m.now,
  });
  return id;
}

export const RELAY_BATCH_SIZE = 100;

/**
 * Messages waiting to be relayed or delivered (pending, queued) and the age of the oldest, in
 * seconds at `now` (0 when none waits): for /metrics and /readyz.
 */
export async function outboxBacklog(db: Db, now: Date): Promise<{ backlog: number; oldestAgeSeconds: number }> {
  const row: { backlog: number; oldest: Date | null } = await db('outbox')
    .whereIn('status', ['pending', 'queued'])
    .first(db.raw('count(*)::int as backlog'), db.raw('min(created_at) as oldest'));
  const oldestAgeSeconds = row.oldest ? Math.max(0, (now.getTime() - row.oldest.getTime()) / 1000) : 0;
  return { backlog: row.backlog, oldestAgeSeconds };
}

/**
 * Moves committed outbox rows to the queues: new rows, and webhook rows queued long enough ago
 * that their job may have been lost with Redis. The job id is fixed per row, so handing a row
 * over twice never makes two jobs. Rows are locked with SKIP LOCKED, so several relays share
 * the work. Stops at the first queue error (Redis down) and leaves the rest for the next round.
 */
export async function relayOutbox(
  ctx: Context,
  enqueue: Enqueue,
  opts: { requeueAfterMs: number; batchSize?: number },
): Promise<{ moved: number; error?: Error }> {
  const { now } = ctx;
  return ctx.db.transaction(async (trx) => {
    const staleBefore = new Date(now.getTime() - opts.requeueAfterMs);
    const rows: Pick<OutboxRow, 'id' | 'kind' | 'job_name' | 'job_id' | 'job_payload'>[] = await trx('outbox')
      .where('status', 'pending')
      .orWhere((q) => q.where('status', 'queued').andWhere('queued_at', '<', staleBefore))
      .orderBy('created_at')
      .limit(opts.batchSize ?? RELAY_BATCH_SIZE)
      .forUpdate()
      .skipLocked()
      .select('id', 'kind', 'job_name', 'job_id', 'job_payload');
    let moved = 0;
    for (const row of rows) {
      try {
        await enqueue(row.job_name, row.job_payload as never, row.job_id);
      } catch (err) {
        return { moved, error: err as Error };
      }
      await trx('outbox').where('id', row.id).update({ status: row.kind === 'job' ? 'done' : 'queued', queued_at: now, updated_at: now });
      moved++;
    }
    return { moved };
  });
}

/**
 * Hands every unfinished outbox row to the queues now, however recently it was queued: for when
 * the queue store came back empty (restarted without its data, flushed), so jobs it held are
 * gone and waiting for `requeueAfterMs` would stall them for minutes. Job ids are fixed per row,
 * so rows whose jobs did survive are not doubled. Stops at the first queue error.
 */
export async function requeueUnfinished(ctx: Context, enqueue: Enqueue): Promise<{ moved: number; error?: Error }> {
  let total = 0;
  for (;;) {
    // requeueAfterMs 0: every queued row counts as stale, except those this pass has just
    // queued (queued_at = now), so the loop ends.
    const { moved, error } = await relayOutbox(ctx, enqueue, { requeueAfterMs: 0 });
    total += moved;
    if (error || moved < RELAY_BATCH_SIZE) return { moved: total, ...(error ? { error } : {}) };
  }
}

export const webhookEnvelope = (row: Pick<OutboxRow, 'id' | 'type' | 'created_at' | 'data'>) => ({
  id: row.id,
  type: row.type,
  createdAt: row.created_at.toISOString(),
  data: row.data,
});

/** A webhook message's row: only job rows end as 'done' (handed to their queue). */
export type WebhookRow = OutboxRow & { kind: 'webhook'; status: Exclude<OutboxStatus, 'done'> };

export function toNotification(row: WebhookRow) {
  return {
    ...webhookEnvelope(row),
    departmentCode: row.department_code!,
    delivery: {
      status: row.status,
      attempts: row.attempts,
      deliveredAt: row.delivered_at?.toISOString() ?? null,
      lastError: row.last_error,
    },
  };
}

/** Newest first; the id breaks ties (a keyset needs a unique order). */
const NOTIFICATION_ORDER: SortColumn[] = [{ column: 'created_at', order: 'desc', type: 'timestamp' }, { column: 'id', order: 'asc', type: 'uuid' }];

/** A department's messages (deadline warnings, red cards, decisions, pushes), newest first. */
export async function listNotifications(ctx: RequestContext, q: CursorPage & { offset?: number; type?: string }) {
  const { db, actor: viewer } = ctx;
  const base = db('outbox')
    .select('outbox.*')
    .where('kind', 'webhook')
    .modify((b) => {
      if (!readsEveryNotification(viewer)) b.where('department_code', viewer.departmentCode);
      if (q.type) b.where('type', q.type);
    });
  const { rows, ...page } = await keysetPaginate<WebhookRow>(base, q, NOTIFICATION_ORDER);
  return { items: rows.map(toNotification), ...page };
}

export function toDeadLetter(row: OutboxRow) {
  return {
    ...webhookEnvelope(row),
    departmentCode: row.department_code,
    applicationId: row.application_id,
    grantId: row.grant_id,
    attempts: row.attempts,
    redrives: row.redrives,
    lastError: row.last_error,
    deadAt: row.dead_at!.toISOString(),
  };
}

export async function listDeadLetters(ctx: Context, page: Page) {
  const { db } = ctx;
  const dead = db('outbox').where('status', 'dead').orderBy([{ column: 'dead_at', order: 'desc' }, { column: 'id' }]);
  const { rows, total } = await paginate<OutboxRow>(dead, page);
  return { items: rows.map(toDeadLetter), total };
}

/**
 * Sends a dead letter again: back to pending with a fresh attempt budget. It keeps its id, so the
 * department sees the same Idempotency-Key; the job id gets a redrive suffix because BullMQ still
 * holds the failed job under the old one.
 */
export async function redriveDeadLetter(ctx: Context, id: string) {
  const { db, actor, requestId, now } = ctx;
  return db.transaction(async (trx) => {
    const row: OutboxRow | undefined = await trx('outbox').where('id', id).forUpdate().first();
    if (!row || row.kind !== 'webhook') throw notFound('dead letter');
    if (row.status !== 'dead') {
      throw new AppError('ILLEGAL_STATE', `only a dead letter can be redriven; this message is '${row.status}'`, { extra: { currentState: row.status } });
    }
    const redrives = row.redrives + 1;
    const [updated] = await trx('outbox')
      .where('id', id)
      .update({ status: 'pending', attempts: 0, redrives, dead_at: null, queued_at: null, job_id: jobId('webhook', id, `r${redrives}`), updated_at: now })
      .returning('*');
    await recordEvent(trx, { actor, entityType: 'message', entityId: id, action: 'message.redrive', requestId, details: { type: row.type, redrives } });
    return toNotification(updated as WebhookRow);
  });
}
