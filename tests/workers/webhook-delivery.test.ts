import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/lib/webhook-signature.js';
import { findFreePort } from '../../src/runtime/free-port.js';
import { startWorkers } from '../../workers/index.js';
import { createQueues, type Queues } from '../../workers/queues.js';
import { dropQueueKeys } from '../helpers/queue-cleanup.js';
import { startWebhookServer, type WebhookServer } from '../helpers/webhook-server.js';
import { actions, call, eventually, makeWorld, ok, resourceOf, submit } from '../helpers/workflow.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Pushes to a provider whose system is down — a real HTTP server on 127.0.0.1 answering 503 or
// not listening at all — are retried with backoff and delivered once it is up, signed, and each
// application reaches the provider once under one Idempotency-Key. Real Redis and BullMQ.

const SETTINGS = {
  WEBHOOK_BACKOFF_MS: '50', WEBHOOK_MAX_ATTEMPTS: '8', WEBHOOK_TIMEOUT_MS: '2000',
  PROVISION_BACKOFF_MS: '50', PROVISION_MAX_ATTEMPTS: '8', OUTBOX_POLL_MS: '25',
};

describe('pushes to providing departments over webhooks (BullMQ, real Redis)', () => {
  const ctx = useTestApp(SETTINGS);
  let workers: Awaited<ReturnType<typeof startWorkers>>;
  let inspect: Queues;
  const servers: WebhookServer[] = [];
  beforeAll(async () => {
    workers = await startWorkers(ctx.config, pino({ level: 'silent' }));
    inspect = createQueues(ctx.config, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await inspect.close();
    await workers.close();
    await Promise.all(servers.map((s) => s.close()));
    await dropQueueKeys(ctx.config.REDIS_URL, ctx.config.QUEUE_PREFIX);
  });

  const server = async (opts: Parameters<typeof startWebhookServer>[0] = {}) => {
    const s = await startWebhookServer(opts);
    servers.push(s);
    return s;
  };
  const outboxRow = (applicationId: string, type: string) => ctx.db('outbox').where({ application_id: applicationId, type }).first();

  it('retries a provider answering 503, then delivers once, signed, with one Idempotency-Key', async () => {
    const provider = await server({ respond: ({ count }) => (count < 3 ? 503 : 200) });
    const consumer = await server();
    const w = await makeWorld(ctx, { providerWebhookUrl: `${provider.url}/sharehub`, consumerWebhookUrl: `${consumer.url}/hooks` });
    const resource = await resourceOf(w, { shareType: 2 });
    const a = await submit(w, resource.id, new Date());
    await ok(await actions.accept(w, a.id));

    const row = await eventually(async () => {
      const r = await outboxRow(a.id, 'application.pending_provider');
      return r?.status === 'delivered' && r;
    }, 'the push to be delivered');
    expect(row.attempts).toBe(4);
    expect(provider.received).toHaveLength(4);
    expect(provider.received.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    for (const r of provider.received) {
      expect(r.path).toBe('/sharehub');
      expect(r.headers['idempotency-key']).toBe(row.id);
      expect(r.headers['x-sharehub-event']).toBe('application.pending_provider');
      expect(r.headers['content-type']).toBe('application/json');
      expect(verifyWebhookSignature(w.provider.webhookSecret, r.headers['x-sharehub-signature'] as string, r.body, Math.floor(Date.now() / 1000))).toBe(true);
      expect(r.json).toMatchObject({ id: row.id, type: 'application.pending_provider', data: { applicationId: a.id, resourceId: resource.id, consumerCode: w.consumer.code } });
    }
    // the body never carries what a person wrote
    expect(provider.received[0]!.body).not.toMatch(/purpose|fields|户籍|legalBasis/);
    // retries back off: each gap at least half the exponential delay (jitter 0.5)
    const gaps = provider.received.slice(1).map((r, i) => r.at - provider.received[i]!.at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(50 * 2 ** i * 0.5 - 5));
    expect(provider.successesByKey()).toEqual(new Map([[row.id, 1]]));

    const app = await ok(await call(w, 'GET', `/v1/applications/${a.id}`, w.provider.admin));
    expect(app.timeline.at(-1)).toMatchObject({ action: 'delivered', actor: expect.objectContaining({ kind: 'worker' }) });

    // The applicant hears of the acceptance on its own webhook, signed with its own secret.
    await eventually(async () => consumer.received.some((r) => r.status === 200), 'the consumer notification');
    const note = consumer.received[0]!;
    expect(note.json).toMatchObject({ type: 'application.accepted', data: { applicationId: a.id, decision: 'accept', status: 'pending_provider' } });
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect(verifyWebhookSignature(w.consumer.webhookSecret, note.headers['x-sharehub-signature'] as string, note.body, nowSeconds)).toBe(true);
    expect(verifyWebhookSignature(w.provider.webhookSecret, note.headers['x-sharehub-signature'] as string, note.body, nowSeconds)).toBe(false);
  });

  it('retries while the provider refuses connections, shows it in the inbox meanwhile, and delivers when the server comes up', async () => {
    const port = await findFreePort();
    const w = await makeWorld(ctx, { providerWebhookUrl: `http://127.0.0.1:${port}/inbox` });
    const resource = await resourceOf(w, { shareType: 1, controlParams: ['办件编号'] });
    const a = await submit(w, resource.id, new Date());
    await ok(await actions.accept(w, a.id));

    await eventually(async () => {
      const r = await outboxRow(a.id, 'application.pending_provider');
      return r && r.attempts >= 2 && r;
    }, 'two refused attempts');
    const failing = await outboxRow(a.id, 'application.pending_provider');
    expect(failing).toMatchObject({ status: 'queued', last_error: 'unreachable' });
    const inbox = await ok(await call(w, 'GET', '/v1/inbox', w.provider.operator));
    expect(inbox.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    const notes = await ok(await call(w, 'GET', '/v1/notifications?type=application.pending_provider', w.provider.admin));
    expect(notes.items[0]).toMatchObject({ data: { applicationId: a.id }, delivery: { status: 'queued', lastError: 'unreachable' } });

    const provider = await server({ port });
    await eventually(async () => (await outboxRow(a.id, 'application.pending_provider'))?.status === 'delivered', 'delivery after the server came up');
    expect(provider.received).toHaveLength(1);
    expect(provider.received[0]!.headers['idempotency-key']).toBe(failing.id);
  });

  it('sends each application to the provider once, and a delivered message is never sent again', async () => {
    const provider = await server();
    const w = await makeWorld(ctx, { providerWebhookUrl: provider.url });
    const resource = await resourceOf(w, { shareType: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await submit(w, resource.id, new Date());
      await ok(await actions.accept(w, a.id));
      ids.push(a.id);
    }
    await eventually(async () => {
      const rows = await ctx.db('outbox').whereIn('application_id', ids).where('type', 'application.pending_provider').pluck('status');
      return rows.length === 3 && rows.every((s) => s === 'delivered');
    }, 'three deliveries');
    const byApp = new Map<string, number>();
    for (const r of provider.received) byApp.set(String(r.json.data.applicationId), (byApp.get(String(r.json.data.applicationId)) ?? 0) + 1);
    expect(byApp).toEqual(new Map(ids.map((id) => [id, 1])));
    expect([...provider.successesByKey().values()]).toEqual([1, 1, 1]);

    // A duplicate job for a delivered message (a second relay, a redelivered job) sends nothing.
    const row = await outboxRow(ids[0]!, 'application.pending_provider');
    await workers.close();
    workers = await startWorkers(ctx.config, pino({ level: 'silent' }));
    const duplicate = `webhook-${row.id}-duplicate`;
    await workers.enqueue('deliver-webhook', { outboxId: row.id }, duplicate);
    const done = await eventually(async () => {
      const job = await inspect.queues.webhooks.getJob(duplicate);
      // Read the job again once completed: the copy fetched before completion has no returnvalue.
      return (await job?.isCompleted()) && inspect.queues.webhooks.getJob(duplicate);
    }, 'the duplicate job to run');
    expect(done.returnvalue).toEqual({ skipped: 'delivered' });
    expect(provider.received).toHaveLength(3);
  });

  it('Route A on a provider-served resource waits in provisioning until the endpoint answers, then grants', async () => {
    const port = await findFreePort();
    const w = await makeWorld(ctx);
    const resource = await resourceOf(w, { shareType: 1, delivery: { mode: 'provider_api', endpoint: `http://127.0.0.1:${port}/records` } });
    const a = await submit(w, resource.id, new Date());
    const accepted = await ok(await actions.accept(w, a.id));
    expect(accepted).toMatchObject({ status: 'provisioning', step: 'provision', sla: 'on_time' });
    await eventually(async () => (await ctx.db('outbox').where({ application_id: a.id, kind: 'job' }).first())?.status === 'done', 'the provision job to be relayed');
    const job = await eventually(async () => {
      const j = await inspect.queues.provisioning.getJob(`provision-${a.id}`);
      return j && j.attemptsMade >= 2 && j;
    }, 'two failed provisioning attempts');
    expect(job.failedReason).toContain('unreachable');
    expect((await ok(await call(w, 'GET', `/v1/applications/${a.id}`, w.consumer.admin))).status).toBe('provisioning');

    const endpoint = await server({ port, respond: () => 405 });
    const granted = await eventually(async () => {
      const app = await ok(await call(w, 'GET', `/v1/applications/${a.id}`, w.consumer.admin));
      return app.status === 'granted' && app;
    }, 'provisioning to finish');
    expect(granted.grantId).toBeTruthy();
    expect(granted.timeline.at(-1)).toMatchObject({ action: 'provision', fromStatus: 'provisioning', toStatus: 'granted', deadlineMet: true });
    expect(endpoint.received.length).toBeGreaterThanOrEqual(1);
  });
});
