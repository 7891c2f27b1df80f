import { UnrecoverableError } from 'bullmq';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys } from '../../src/lib/crypto.js';
import { redisInvalidationPublisher } from '../../src/lib/invalidation.js';
import { verifyWebhookSignature } from '../../src/lib/webhook-signature.js';
import type { Enqueue, JobName } from '../../src/jobs/registry.js';
import { relayOutbox } from '../../src/modules/outbox/outbox-service.js';
import { jobContext } from '../../src/modules/context.js';
import { findFreePort } from '../../src/runtime/free-port.js';
import { deliverWebhook } from '../../workers/deliver-webhook.js';
import type { JobDeps } from '../../workers/deps.js';
import { provision } from '../../workers/provision.js';
import { manualClock } from '../helpers/clock.js';
import { startWebhookServer, type WebhookServer } from '../helpers/webhook-server.js';
import { actions, call, makeWorld, ok, resourceOf, submit } from '../helpers/workflow.js';
import { useTestApp } from '../helpers/use-test-app.js';

// The job processors are plain functions of (payload, deps): tested here without Redis, against
// PostgreSQL and real local HTTP servers.

const clock = manualClock('2026-03-02T09:00:00');

describe('job processors as plain functions', () => {
  const ctx = useTestApp({ WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_TIMEOUT_MS: '1000' }, { clock });
  let deps: JobDeps;
  const enqueued: { name: JobName; payload: unknown; jobId: string }[] = [];
  const servers: WebhookServer[] = [];
  const recordEnqueue: Enqueue = async (name, payload, jobId) => {
    enqueued.push({ name, payload, jobId });
  };

  beforeAll(async () => {
    deps = {
      db: ctx.db, config: ctx.config, keys: deriveKeys(ctx.config.SHAREHUB_SECRET_KEY), clock, log: pino({ level: 'silent' }), enqueue: recordEnqueue,
      invalidate: redisInvalidationPublisher(ctx.app.redis, ctx.config.QUEUE_PREFIX, (err) => { throw err; }),
    };
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  const server = async (opts: Parameters<typeof startWebhookServer>[0] = {}) => {
    const s = await startWebhookServer(opts);
    servers.push(s);
    return s;
  };
  async function pushRow(webhookUrl?: string) {
    const w = await makeWorld(ctx, { providerWebhookUrl: webhookUrl });
    const a = await submit(w, (await resourceOf(w, { shareType: 2 })).id, clock());
    await ok(await actions.accept(w, a.id));
    return { w, row: await ctx.db('outbox').where({ application_id: a.id, type: 'application.pending_provider' }).first() };
  }

  describe('outbox relay', () => {
    it('hands committed rows to the queue under their fixed job ids, once', async () => {
      const { row } = await pushRow();
      enqueued.length = 0;
      const first = await relayOutbox(jobContext(ctx.db, clock()), recordEnqueue, { requeueAfterMs: 60_000 });
      expect(first.error).toBeUndefined();
      expect(enqueued).toContainEqual({ name: 'deliver-webhook', payload: { outboxId: row.id }, jobId: `webhook-${row.id}` });
      expect((await ctx.db('outbox').where('id', row.id).first()).status).toBe('queued');
      enqueued.length = 0;
      expect((await relayOutbox(jobContext(ctx.db, clock()), recordEnqueue, { requeueAfterMs: 60_000 })).moved).toBe(0);
      expect(enqueued).toEqual([]);
    });

    it('hands a queued webhook row over again, same job id, once it is stale; job rows never', async () => {
      const w = await makeWorld(ctx);
      const a = await submit(w, (await resourceOf(w, { shareType: 1, delivery: { mode: 'provider_api', endpoint: 'http://127.0.0.1:1/' } })).id, clock());
      await ok(await actions.accept(w, a.id));
      await relayOutbox(jobContext(ctx.db, clock()), recordEnqueue, { requeueAfterMs: 60_000 });
      expect(enqueued).toContainEqual({ name: 'provision', payload: { applicationId: a.id }, jobId: `provision-${a.id}` });
      enqueued.length = 0;
      const later = new Date(clock().getTime() + 61_000);
      await relayOutbox(jobContext(ctx.db, later), recordEnqueue, { requeueAfterMs: 60_000 });
      const accepted = await ctx.db('outbox').where({ application_id: a.id, type: 'application.accepted' }).first();
      expect(enqueued).toContainEqual({ name: 'deliver-webhook', payload: { outboxId: accepted.id }, jobId: `webhook-${accepted.id}` });
      expect(enqueued.map((e) => e.name)).not.toContain('provision');
    });

    it('leaves rows in the outbox when the queue is unreachable', async () => {
      const { row } = await pushRow();
      const down: Enqueue = async () => { throw new Error("Stream isn't writeable and enableOfflineQueue options is false"); };
      const result = await relayOutbox(jobContext(ctx.db, clock()), down, { requeueAfterMs: 60_000 });
      expect(result.moved).toBe(0);
      expect(result.error?.message).toContain('enableOfflineQueue');
      expect((await ctx.db('outbox').where('id', row.id).first()).status).toBe('pending');
    });
  });

  describe('deliver-webhook', () => {
    it('POSTs the signed envelope and marks it delivered; a second run sends nothing', async () => {
      const provider = await server();
      const { w, row } = await pushRow(provider.url);
      expect(await deliverWebhook({ outboxId: row.id }, deps)).toEqual({ delivered: true });
      expect(await deliverWebhook({ outboxId: row.id }, deps)).toEqual({ skipped: 'delivered' });
      expect(provider.received).toHaveLength(1);
      const [r] = provider.received;
      expect(r!.headers['x-sharehub-signature']).toMatch(/^t=\d+,sm3=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(w.provider.webhookSecret, r!.headers['x-sharehub-signature'] as string, r!.body, Math.floor(clock().getTime() / 1000))).toBe(true);
      expect(await ctx.db('outbox').where('id', row.id).first()).toMatchObject({ status: 'delivered', attempts: 1, delivered_at: clock() });
    });

    it('counts failed attempts in the database and dead-letters on the last', async () => {
      const provider = await server({ respond: () => 503 });
      const { row } = await pushRow(provider.url);
      for (let i = 1; i <= 2; i++) {
        const err = await deliverWebhook({ outboxId: row.id }, deps).catch((e: Error) => e);
        expect(err).toBeInstanceOf(Error);
        expect(err).not.toBeInstanceOf(UnrecoverableError);
        expect(await ctx.db('outbox').where('id', row.id).first()).toMatchObject({ attempts: i, last_error: 'HTTP 503', status: 'pending' });
      }
      await expect(deliverWebhook({ outboxId: row.id }, deps)).rejects.toBeInstanceOf(UnrecoverableError);
      expect(await ctx.db('outbox').where('id', row.id).first()).toMatchObject({ status: 'dead', attempts: 3 });
      expect(await deliverWebhook({ outboxId: row.id }, deps)).toEqual({ skipped: 'dead' });
    });

    it('gives up at once on a 4xx; a refused connection is temporary', async () => {
      const gone = await server({ respond: () => 410 });
      const { row } = await pushRow(gone.url);
      await expect(deliverWebhook({ outboxId: row.id }, deps)).rejects.toBeInstanceOf(UnrecoverableError);
      expect((await ctx.db('outbox').where('id', row.id).first()).status).toBe('dead');

      const port = await findFreePort();
      const { row: refused } = await pushRow(`http://127.0.0.1:${port}/`);
      const err = await deliverWebhook({ outboxId: refused.id }, deps).catch((e: Error) => e);
      expect(err).not.toBeInstanceOf(UnrecoverableError);
      expect((await ctx.db('outbox').where('id', refused.id).first()).last_error).toBe('unreachable');
    });

    it('with the default config, dead-letters a push to loopback or link-local at once, telling the department only "refused target"', async () => {
      const strict: JobDeps = { ...deps, config: { ...deps.config, OUTBOUND_ALLOW_LOOPBACK: false } };
      const local = await server(); // e.g. the embedded PostgreSQL or Redis, on 127.0.0.1
      for (const url of [`${local.url}/hook`, `http://localhost:${local.port}/hook`, 'http://169.254.169.254/latest/meta-data/']) {
        const { w, row } = await pushRow(url);
        await expect(deliverWebhook({ outboxId: row.id }, strict)).rejects.toBeInstanceOf(UnrecoverableError);
        expect(await ctx.db('outbox').where('id', row.id).first()).toMatchObject({ status: 'dead', attempts: 1, last_error: 'refused target' });
        const notes = await ok(await call(w, 'GET', '/v1/notifications?type=application.pending_provider', w.provider.admin));
        expect(notes.items[0].delivery).toMatchObject({ status: 'dead', lastError: 'refused target' });
      }
      expect(local.received).toHaveLength(0);
    });

    it('dead-letters a URL that cannot be sent to at once and never stores its text', async () => {
      // Written before the schema refused credentials, or by hand: the URL must not leak anywhere.
      for (const [url, error] of [['https://user:s3cret@10.0.0.1/hook', 'refused target'], ['http://exa mple.gov.cn/s3cret', 'invalid target']]) {
        const { w, row } = await pushRow();
        await ctx.db('departments').where('code', w.provider.code).update({ webhook_url: url });
        await expect(deliverWebhook({ outboxId: row.id }, deps)).rejects.toBeInstanceOf(UnrecoverableError);
        expect(await ctx.db('outbox').where('id', row.id).first()).toMatchObject({ status: 'dead', attempts: 1, last_error: error });
        const event = await ctx.db('events').where({ entity_type: 'message', entity_id: row.id, action: 'message.dead_letter' }).first();
        expect(JSON.stringify(event)).not.toContain('s3cret');
      }
    });

    it('refuses a job for a message that does not exist', async () => {
      await expect(deliverWebhook({ outboxId: '00000000-0000-4000-8000-000000000000' }, deps)).rejects.toBeInstanceOf(UnrecoverableError);
    });
  });

  describe('provision', () => {
    it('throws while the provider endpoint is unreachable, grants once it answers, and is idempotent', async () => {
      const port = await findFreePort();
      const w = await makeWorld(ctx);
      const resource = await resourceOf(w, { shareType: 1, delivery: { mode: 'provider_api', endpoint: `http://127.0.0.1:${port}/records` } });
      const a = await submit(w, resource.id, clock());
      await ok(await actions.accept(w, a.id));
      await expect(provision({ applicationId: a.id }, deps)).rejects.toThrow(/not ready \(unreachable\)/);
      const down = await server({ port, respond: () => 503 });
      await expect(provision({ applicationId: a.id }, deps)).rejects.toThrow(/HTTP 503/);
      down.respond = () => 200;
      expect(await provision({ applicationId: a.id }, deps)).toEqual({ result: 'granted' });
      expect(await provision({ applicationId: a.id }, deps)).toEqual({ skipped: 'granted' });
      expect(await ctx.db('grants').where('application_id', a.id).count({ n: '*' }).first()).toEqual({ n: 1 });
    });

    it('gives up on an application whose validity ended while it waited', async () => {
      const endpoint = await server();
      const w = await makeWorld(ctx);
      const resource = await resourceOf(w, { shareType: 1, delivery: { mode: 'provider_api', endpoint: `${endpoint.url}/records` } });
      const a = await submit(w, resource.id, clock(), { validTo: '2026-03-03T00:00:00+08:00' });
      await ok(await actions.accept(w, a.id));
      const later: JobDeps = { ...deps, clock: () => new Date('2026-03-03T00:00:00+08:00') };
      const err = await provision({ applicationId: a.id }, later).catch((e: Error) => e);
      expect(err).toBeInstanceOf(UnrecoverableError);
      expect((err as Error).message).toContain('validity applied for ended');
    });

    it('does not retry a provider endpoint that is a refused target', async () => {
      const strict: JobDeps = { ...deps, config: { ...deps.config, OUTBOUND_ALLOW_LOOPBACK: false } };
      const endpoint = await server();
      const w = await makeWorld(ctx);
      const a = await submit(w, (await resourceOf(w, { shareType: 1, delivery: { mode: 'provider_api', endpoint: `${endpoint.url}/records` } })).id, clock());
      await ok(await actions.accept(w, a.id));
      const err = await provision({ applicationId: a.id }, strict).catch((e: Error) => e);
      expect(err).toBeInstanceOf(UnrecoverableError);
      expect((err as Error).message).toBe('provider endpoint not ready (refused target)');
      expect(endpoint.received).toHaveLength(0);
      expect((await ctx.db('applications').where('id', a.id).first()).status).toBe('provisioning');
    });
  });
});
