import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { recordEvent } from '../../src/modules/audit/events.js';
import { enqueueSeal, startWorkers } from '../../workers/index.js';
import { useTestApp } from '../helpers/use-test-app.js';
import { eventually } from '../helpers/workflow.js';

// The sealer as the scheduler runs it: one `audit-seal` job per interval on the `audit` queue,
// picked up by a real BullMQ worker on the real Redis, signs a head over the committed events.
describe('the audit-seal job on its queue', () => {
  const ctx = useTestApp();

  it('a worker seals the committed events into a signed head; ticks in one interval share one job id', async () => {
    await recordEvent(ctx.db, { actor: { kind: 'cli' }, entityType: 'calendar', entityId: '2026', action: 'test.queued-seal' });
    const events = Number((await ctx.db('events').count({ n: '*' }).first())!.n);
    const workers = await startWorkers(ctx.config, pino({ level: 'silent' }));
    try {
      const now = new Date();
      const window = await enqueueSeal(workers.enqueue, now, 60_000);
      expect(await enqueueSeal(workers.enqueue, now, 60_000)).toBe(window);
      await eventually(async () => Number((await ctx.db('tree_heads').max({ n: 'size' }).first())?.n ?? 0) === events, 'a signed head over every event');
      expect(Number((await ctx.db('event_leaves').count({ n: '*' }).first())!.n)).toBe(events);
    } finally {
      await workers.close();
    }
  });
});
