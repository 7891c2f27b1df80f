import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/runtime/free-port.js';
import { startWorkers, type Runner } from '../../workers/index.js';
import { dropQueueKeys } from '../helpers/queue-cleanup.js';
import { startWebhookServer, type WebhookServer } from '../helpers/webhook-server.js';
import { actions, call, eventually, makeWorld, ok, resourceOf, submit } from '../helpers/workflow.js';
import { useTestApp } from '../helpers/use-test-app.js';

// A provider that never comes up: the push is dead-lettered after its retry budget and listed
// for platform admins, who can redrive it once the provider is back.

const SETTINGS = { WEBHOOK_BACKOFF_MS: '20', WEBHOOK_MAX_ATTEMPTS: '3', OUTBOX_POLL_MS: '25', WEBHOOK_TIMEOUT_MS: '2000' };

describe('dead letters', () => {
  const ctx = useTestApp(SETTINGS);
  let workers: Runner;
  const servers: WebhookServer[] = [];
  beforeAll(async () => {
    workers = await startWorkers(ctx.config, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await workers.close();
    await Promise.all(servers.map((s) => s.close()));
    await dropQueueKeys(ctx.config.REDIS_URL, ctx.config.QUEUE_PREFIX);
  });

  const pushOf = (applicationId: string) => ctx.db('outbox').where({ application_id: applicationId, type: 'application.pending_provider' }).first();
  const deadPush = (applicationId: string) => eventually(async () => {
    const row = await pushOf(applicationId);
    return row?.status === 'dead' && row;
  }, 'the dead letter');

  async function pushedTo(url: string) {
    const w = await makeWorld(ctx, { providerWebhookUrl: url });
    const resource = await resourceOf(w, { shareType: 2 });
    const a = await submit(w, resource.id, new Date());
    await ok(await actions.accept(w, a.id));
    return { w, a };
  }

  it('dead-letters a push when the provider never comes up, lists it, and redrives it under the same Idempotency-Key', async () => {
    const port = await findFreePort();
    const { w, a } = await pushedTo(`http://127.0.0.1:${port}/hook`);
    const dead = await deadPush(a.id);
    expect(dead).toMatchObject({ attempts: 3, last_error: 'unreachable' });

    const list = await ok(await call(w, 'GET', '/v1/admin/dead-letters?limit=200', w.admin));
    expect(list.items).toContainEqual(expect.objectContaining({
      id: dead.id, type: 'application.pending_provider', departmentCode: w.provider.code, applicationId: a.id, attempts: 3, lastError: 'unreachable',
    }));
    expect((await call(w, 'GET', '/v1/admin/dead-letters', w.auditor)).statusCode).toBe(200);
    const event = await ctx.db('events').where({ entity_type: 'message', entity_id: dead.id, action: 'message.dead_letter' }).first();
    expect(event).toMatchObject({ outcome: 'failure', reason: 'unreachable' });
    // The inbox still shows it: the webhook is a convenience, not the channel of record.
    expect((await ok(await call(w, 'GET', '/v1/inbox', w.provider.admin))).items.map((i: { id: string }) => i.id)).toEqual([a.id]);

    const provider = await startWebhookServer({ port });
    servers.push(provider);
    const redriven = await call(w, 'POST', `/v1/admin/dead-letters/${dead.id}/redrive`, w.admin);
    expect(redriven.statusCode, redriven.body).toBe(202);
    expect(redriven.json()).toMatchObject({ id: dead.id, delivery: { status: 'pending', attempts: 0 } });
    await eventually(async () => (await pushOf(a.id))?.status === 'delivered', 'the redriven delivery');
    expect(provider.received).toHaveLength(1);
    expect(provider.received[0]!.headers['idempotency-key']).toBe(dead.id);
    expect((await ok(await call(w, 'GET', '/v1/admin/dead-letters?limit=200', w.admin))).items.map((d: { id: string }) => d.id)).not.toContain(dead.id);

    const again = await call(w, 'POST', `/v1/admin/dead-letters/${dead.id}/redrive`, w.admin);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'ILLEGAL_STATE', currentState: 'delivered' });
    expect((await call(w, 'POST', '/v1/admin/dead-letters/00000000-0000-4000-8000-000000000000/redrive', w.admin)).statusCode).toBe(404);
  });

  it('dead-letters at once when the provider refuses the message with a 4xx', async () => {
    const provider = await startWebhookServer({ respond: () => 400 });
    servers.push(provider);
    const { a } = await pushedTo(provider.url);
    const dead = await deadPush(a.id);
    expect(dead).toMatchObject({ attempts: 1, last_error: 'HTTP 400' });
    expect(provider.received).toHaveLength(1);
  });

  it('retries a 429 and a 5xx like any temporary failure', async () => {
    const provider = await startWebhookServer({ respond: ({ count }) => [429, 502, 200][count] ?? 200 });
    servers.push(provider);
    const { a } = await pushedTo(provider.url);
    await eventually(async () => (await pushOf(a.id))?.status === 'delivered', 'delivery after 429 and 502');
    expect(provider.received.map((r) => r.status)).toEqual([429, 502, 200]);
  });

  it('marks a message for a department without a webhook as such; it stays in the notifications', async () => {
    const w = await makeWorld(ctx);
    const resource = await resourceOf(w, { shareType: 2 });
    const a = await submit(w, resource.id, new Date());
    await ok(await actions.accept(w, a.id));
    await eventually(async () => (await pushOf(a.id))?.status === 'no_webhook', 'no_webhook');
    const notes = await ok(await call(w, 'GET', '/v1/notifications', w.provider.operator));
    expect(notes.items).toEqual([expect.objectContaining({ type: 'application.pending_provider', delivery: expect.objectContaining({ status: 'no_webhook' }) })]);
  });
});
