import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { deriveKeys } from '../../src/lib/crypto.js';
import type { JobDeps } from '../../workers/deps.js';
import { enqueueSweeps, scheduleSupervision, startScheduler, startWorkers, tickWindow } from '../../workers/index.js';
import { provisionSweep } from '../../workers/provision-sweep.js';
import { createQueues, type Queues } from '../../workers/queues.js';
import { manualClock } from '../helpers/clock.js';
import { dropQueueKeys } from '../helpers/queue-cleanup.js';
import { buildTestApp, testConfig } from '../helpers/test-app.js';
import { actions, call, eventually, makeWorld, ok, resourceOf, submit } from '../helpers/workflow.js';
import { useTestApp } from '../helpers/use-test-app.js';

// node-cron ticks only enqueue sweeps under ids fixed per minute, so any number of replicas
// ticking in the same minute make one job each; the wiring runs against the real Redis with this
// file's own queue prefix.

const silent = pino({ level: 'silent' });

describe('scheduler', () => {
  const ctx = useTestApp({ SWEEP_CRON: '* * * * * *' });
  let queues: Queues;
  beforeAll(async () => {
    queues = createQueues(ctx.config, silent);
  });
  afterAll(async () => {
    await queues.close();
    await dropQueueKeys(ctx.config.REDIS_URL, ctx.config.QUEUE_PREFIX);
  });

  it('names the tick window by its minute, without ":"', () => {
    expect(tickWindow(new Date('2026-03-02T01:05:59.999Z'))).toBe('202603020105');
  });

  it('converges duplicate ticks of one minute on one job per sweep', async () => {
    const now = new Date('2026-03-02T01:05:10Z');
    await Promise.all([enqueueSweeps(queues.enqueue, now), enqueueSweeps(queues.enqueue, new Date('2026-03-02T01:05:50Z')), enqueueSweeps(queues.enqueue, now)]);
    const jobs = await queues.queues.sweeps.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    const ids = jobs.map((j) => j.id).filter((id) => id?.endsWith('202603020105')).sort();
    expect(ids).toEqual(['calendar-reminder-202603020105', 'grant-sweep-202603020105', 'provision-sweep-202603020105', 'sla-sweep-202603020105']);
    await queues.queues.sweeps.obliterate({ force: true });
  });

  it('puts the supervision roll-up on one BullMQ job scheduler however many replicas schedule it', async () => {
    await Promise.all([scheduleSupervision(queues.queues, ctx.config), scheduleSupervision(queues.queues, ctx.config)]);
    const schedulers = await queues.queues.supervision.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.name, Number(s.every)]).sort()).toEqual([
      ['access-rollup', 'access-rollup', ctx.config.ROLLUP_INTERVAL_MS],
      ['anomaly-scan', 'anomaly-scan', ctx.config.ANOMALY_SCAN_INTERVAL_MS],
    ]);
    await queues.queues.supervision.obliterate({ force: true });
    // The audit retention repeats on the audit queue (one job at a time, never beside a sealing round).
    const audit = await queues.queues.audit.getJobSchedulers();
    expect(audit.map((s) => [s.key, s.name, Number(s.every)])).toEqual([['audit-retention', 'audit-retention', ctx.config.AUDIT_RETENTION_INTERVAL_MS]]);
    await queues.queues.audit.obliterate({ force: true });
  });

  it('provision-sweep gives each application waiting in provisioning one BullMQ job per hour', async () => {
    const w = await makeWorld(ctx);
    const a = await submit(w, (await resourceOf(w, { shareType: 1, delivery: { mode: 'provider_api', endpoint: 'http://127.0.0.1:1/' } })).id, new Date());
    expect((await ok(await actions.accept(w, a.id))).status).toBe('provisioning');
    const deps: JobDeps = { db: ctx.db, config: ctx.config, keys: deriveKeys(ctx.config.SHAREHUB_SECRET_KEY), clock: () => new Date(), log: silent, enqueue: queues.enqueue,
      invalidate: async () => { throw new Error('the provision sweep changes no grant'); } };
    // two ticks in one hour, one in the next
    for (const window of ['202603020105', '202603020159', '202603020200']) await provisionSweep({ window }, deps);
    const jobs = await queues.queues.provisioning.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    const mine = jobs.filter((j) => (j.data as { applicationId: string }).applicationId === a.id);
    expect(mine.map((j) => j.id).sort()).toEqual([`provision-${a.id}-2026030201`, `provision-${a.id}-2026030202`]);
  });

  it('ticks on its cron pattern and the workers run the sweeps: a late review gets its red card', async () => {
    const clock = manualClock('2026-03-02T09:00:00');
    const app = await buildTestApp({ SWEEP_CRON: '* * * * * *', OUTBOX_POLL_MS: '25' }, { clock });
    const w = await makeWorld(app);
    const a = await submit(w, (await resourceOf(w, { shareType: 2 })).id, clock());
    clock.set('2026-03-06T09:00:00'); // the review was due Thursday
    const workers = await startWorkers(app.config, silent, { clock });
    const schedulers = [await startScheduler(app.config, silent, { clock }), await startScheduler(app.config, silent, { clock })];
    const inspect = createQueues(app.config, silent);
    try {
      const red = await eventually(async () => {
        const body = await ok(await call(w, 'GET', `/v1/applications/${a.id}`, w.admin));
        return body.timeline.some((e: { action: string }) => e.action === 'supervise') && body;
      }, 'the red card', 10_000);
      expect(red.sla).toBe('overdue');
      // A later minute's sweep, from either scheduler, records nothing again.
      clock.set('2026-03-06T09:01:00');
      await eventually(async () => (await inspect.queues.sweeps.getJob(`sla-sweep-${tickWindow(clock())}`))?.isCompleted(), 'the next sweep');
      expect(await app.db('events').where({ entity_id: a.id, action: 'application.supervise' }).count({ n: '*' }).first()).toEqual({ n: 1 });
    } finally {
      await inspect.close();
      await Promise.all(schedulers.map((s) => s.close()));
      await workers.close();
      await dropQueueKeys(app.config.REDIS_URL, app.config.QUEUE_PREFIX);
      await app.close();
    }
  });

  it('refuses an invalid cron pattern at start-up, naming the key', async () => {
    const config = await testConfig({ SWEEP_CRON: 'every minute' });
    await expect(startScheduler(config, silent)).rejects.toThrow(ConfigError);
    await expect(startScheduler(config, silent)).rejects.toThrow(/SWEEP_CRON/);
  });
});
