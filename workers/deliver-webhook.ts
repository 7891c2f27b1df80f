import { UnrecoverableError } from 'bullmq';
import { outboundFailure, outboundRequest } from '../src/lib/outbound-target.js';
import { SIGNATURE_HEADER, signWebhook } from '../src/lib/webhook-signature.js';
import { webhookTarget } from '../src/modules/departments/departments-service.js';
import type { JobPayloads } from '../src/jobs/registry.js';
import { webhookEnvelope } from '../src/modules/outbox/outbox-service.js';
import { countFailedAttempt, findMessage, markDead, markDelivered, markNoWebhook } from '../src/modules/outbox/webhook-delivery.js';
import type { JobDeps } from './deps.js';

// A 4xx means the department's endpoint refuses this message and will keep refusing it: retrying
// only delays the dead letter. These few mean "later", so they are retried like a 5xx.
const RETRYABLE_4XX = new Set([408, 425, 429]);

// `error` is shown to the department (notifications, dead letters): coarse words only, never an
// exception's text, which may carry the URL or details of the hub's network.
type Attempt = { ok: true; status: number } | { ok: false; error: string; permanent: boolean; code?: string };

async function post(url: string, headers: Record<string, string>, body: string, deps: JobDeps): Promise<Attempt> {
  try {
    const status = await outboundRequest(url, { method: 'POST', headers, body, timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS }, {
      allowLoopback: deps.config.OUTBOUND_ALLOW_LOOPBACK,
    });
    if (status >= 200 && status < 300) return { ok: true, status };
    return { ok: false, error: `HTTP ${status}`, permanent: status < 500 && !RETRYABLE_4XX.has(status) };
  } catch (err) {
    return { ok: false, ...outboundFailure(err) };
  }
}

/**
 * Signs and POSTs one outbox message to its department's webhook. The message id is the
 * Idempotency-Key, so a department receiving a retry of something it already processed can
 * tell. The attempt count lives in the database, so the budget holds even if Redis lost the
 * job and the relay queued it again; when it runs out the message is dead-lettered.
 */
export async function deliverWebhook(payload: JobPayloads['deliver-webhook'], deps: JobDeps) {
  const row = await findMessage(deps.db, payload.outboxId);
  if (!row || row.kind !== 'webhook' || !row.department_code) throw new UnrecoverableError(`no webhook message ${payload.outboxId}`);
  if (row.status === 'delivered' || row.status === 'no_webhook' || row.status === 'dead') return { skipped: row.status };

  const target = await webhookTarget(deps.db, deps.keys, row.department_code);
  if (!target) {
    // Nothing to send to: the department reads its notifications and inbox instead.
    await markNoWebhook(deps.db, row.id, deps.clock());
    return { skipped: 'no_webhook' };
  }

  const body = JSON.stringify(webhookEnvelope(row));
  const now = deps.clock();
  const attempt = await post(target.url, {
    'content-type': 'application/json',
    'user-agent': 'ShareHub-Webhook/1',
    'idempotency-key': row.id,
    'x-sharehub-event': row.type,
    'x-sharehub-delivery': row.id,
    [SIGNATURE_HEADER]: signWebhook(target.secret, body, Math.floor(now.getTime() / 1000)),
  }, body, deps);

  if (attempt.ok) {
    await markDelivered(deps.db, row, deps.clock(), attempt.status);
    deps.log.info({ outboxId: row.id, type: row.type, status: attempt.status }, 'webhook delivered');
    return { delivered: true };
  }

  const attempts = await countFailedAttempt(deps.db, row, attempt.error, deps.clock());
  deps.log.warn({ outboxId: row.id, type: row.type, attempts, error: attempt.error, code: attempt.code }, 'webhook delivery failed');
  if (attempt.permanent || attempts >= deps.config.WEBHOOK_MAX_ATTEMPTS) {
    await markDead(deps.db, row.id, deps.clock(), attempt.error);
    throw new UnrecoverableError(`webhook ${row.id} dead-lettered after ${attempts} attempt(s): ${attempt.error}`);
  }
  throw new Error(`webhook ${row.id} attempt ${attempts} failed: ${attempt.error}`);
}
