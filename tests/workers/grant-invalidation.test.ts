import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys } from '../../src/lib/crypto.js';
import { redisInvalidationPublisher, type Invalidation } from '../../src/lib/invalidation.js';
import type { JobDeps } from '../../workers/deps.js';
import { grantSweep } from '../../workers/grant-sweep.js';
import { provision } from '../../workers/provision.js';
import { manualClock } from '../helpers/clock.js';
import { makeSystem } from '../helpers/fixtures.js';
import { buildTestApp, type TestContext } from '../helpers/test-app.js';
import { startWebhookServer, type WebhookServer } from '../helpers/webhook-server.js';
import { applicationBody, call, makeWorld, ok, resourceOf, type World } from '../helpers/workflow.js';
import { PERSON_A, dataHeaders } from '../modules/exchange/query-fixtures.js';

// Grants changed by the workers reach the API replicas' grant caches the way the routes' changes
// do (Redis pub/sub, src/lib/invalidation.ts). Replica B caches a system's grant by serving it;
// the provision job (worker) then issues a narrower grant that supersedes it: B must refuse the
// field the new grant lacks within a second, not after its 30 s cache TTL.
describe('grants changed by workers invalidate the replicas\' caches', () => {
  const clock = manualClock('2026-12-01T10:00:00');
  let a: TestContext;
  let b: TestContext;
  let w: World;
  let endpoint: WebhookServer;
  let deps: JobDeps;
  const heardByB: Invalidation[] = [];

  beforeAll(async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    a = await buildTestApp({ QUEUE_PREFIX: prefix }, { clock });
    b = await buildTestApp({ QUEUE_PREFIX: prefix, DATABASE_URL: a.config.DATABASE_URL, SHAREHUB_SECRET_KEY: a.config.SHAREHUB_SECRET_KEY }, { clock });
    b.app.invalidation.subscribe((m) => heardByB.push(m));
    w = await makeWorld(a);
    endpoint = await startWebhookServer();
    // The workers' own Redis connection, as workers/index.ts makes it (not the app's).
    const { Redis } = await import('ioredis');
    const connection = new Redis(a.config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    deps = {
      db: a.db, config: a.config, keys: deriveKeys(a.config.SHAREHUB_SECRET_KEY), clock, log: pino({ level: 'silent' }),
      enqueue: async () => { throw new Error('not used'); },
      invalidate: redisInvalidationPublisher(connection, prefix, (err) => { throw err; }),
    };
    cleanup.push(async () => connection.disconnect());
  });
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
    await endpoint?.close();
    await b?.close();
    await a?.close();
  });

  /** Route A on a provider-served resource: the platform accepts, the provision job grants. */
  async function grantByJob(resourceId: string, system: { id: string }, fields: string[], review: Record<string, unknown> = {}) {
    const application = await ok(await call(w, 'POST', '/v1/applications', w.consumer.operator, applicationBody(resourceId, system.id, clock(), { fields })), 201);
    expect((await ok(await call(w, 'POST', `/v1/applications/${application.id}/review`, w.admin, { decision: 'accept', ...review }))).status).toBe('provisioning');
    expect(await provision({ applicationId: application.id }, deps)).toEqual({ result: 'granted' });
    return (await a.db('applications').where('id', application.id).first('grant_id')).grant_id as string;
  }

  it('a grant issued by the provision job is in force on replica B within a second', async () => {
    const resourceId = (await resourceOf(w, { delivery: { mode: 'provider_api', endpoint: endpoint.url } })).id;
    const system = await makeSystem(a, w.consumer.code);
    const first = await grantByJob(resourceId, system, ['id_number', 'name', 'birth_date']);
    const url = `/v1/resources/${resourceId}/records/${PERSON_A.id_number}?fields=birth_date`;
    const askBirthDate = () => b.app.inject({ method: 'GET', url, headers: dataHeaders(system) });
    // B serves the first grant (and caches it): birth_date is granted, whatever the source answers then.
    expect((await askBirthDate()).json().code).not.toBe('FIELD_NOT_GRANTED');

    heardByB.length = 0;
    const second = await grantByJob(resourceId, system, ['id_number', 'name'], { plainValues: true });
    const issuedAt = performance.now();
    let refusedAfter: number | undefined;
    while (performance.now() - issuedAt < 5_000) {
      if ((await askBirthDate()).json().code === 'FIELD_NOT_GRANTED') {
        refusedAfter = performance.now() - issuedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(refusedAfter, 'replica B kept serving the superseded grant').toBeDefined();
    expect(refusedAfter!).toBeLessThan(1_000);
    expect(heardByB).toContainEqual({ kind: 'grant', systemId: system.id, resourceId });
    // the job's grant carries the platform's Route A decision on plain values
    expect((await a.db('grants').where('id', second).first('plain_values')).plain_values).toBe(true);
    expect((await a.db('grants').where('id', first).first('status')).status).toBe('revoked');

    // A retried job that finds the application granted announces it again (the first attempt may
    // have stopped between its commit and the message).
    heardByB.length = 0;
    const { id: applicationId } = await a.db('applications').where('grant_id', second).first('id');
    expect(await provision({ applicationId }, deps)).toEqual({ skipped: 'granted' });
    await expect.poll(() => heardByB).toContainEqual({ kind: 'grant', systemId: system.id, resourceId });
  });

  it('grants expired by the sweep are announced to every replica', async () => {
    const resourceId = (await resourceOf(w, { delivery: { mode: 'provider_api', endpoint: endpoint.url } })).id;
    const system = await makeSystem(a, w.consumer.code);
    const grantId = await grantByJob(resourceId, system, ['name']);
    const { valid_to: validTo } = await a.db('grants').where('id', grantId).first('valid_to');
    heardByB.length = 0;
    clock.set(new Date(validTo.getTime() + 60_000).toISOString());
    const swept = await grantSweep({ window: '202712011000' }, deps);
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    await expect.poll(() => heardByB).toContainEqual({ kind: 'grant', systemId: system.id, resourceId });
  });
});
