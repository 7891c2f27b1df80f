import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { actions, applicationBody, call, makeWorld, ok, resourceOf, type World } from '../../helpers/workflow.js';
import { PERSON_A, dataHeaders, loadRecords } from './query-fixtures.js';

// A renewal whose validity starts later must not cut the current grant: it keeps serving until
// the renewal starts, then the renewal serves (issue 9: no gap with no access).
describe('a renewal starting later', () => {
  const clock = manualClock('2026-12-01T10:00:00');
  let ctx: TestContext;
  let w: World;

  beforeAll(async () => {
    ctx = await buildTestApp({}, { clock });
    w = await makeWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  it('keeps the current grant serving until the renewal starts, then serves the renewal', async () => {
    const resourceId = (await resourceOf(w)).id;
    await loadRecords(ctx, resourceId, [PERSON_A], clock());
    const system = await makeSystem(ctx, w.consumer.code);
    const apply = async (overrides: Record<string, unknown>) => {
      const app = await ok(await call(w, 'POST', '/v1/applications', w.consumer.operator, applicationBody(resourceId, system.id, clock(), overrides)), 201);
      return (await ok(await actions.accept(w, app.id))).grantId as string;
    };
    const current = await apply({ fields: ['id_number', 'name', 'birth_date'], validTo: '2026-12-31T16:00:00.000Z' });
    const get = async () => ok(await ctx.app.inject({ method: 'GET', url: `/v1/resources/${resourceId}/records/${PERSON_A.id_number}`, headers: dataHeaders(system) }));
    const grantOf = async (eventId: string) => (await ctx.db('events').where('id', eventId).first('grant_id')).grant_id;

    expect(await grantOf((await get()).receipt.eventId)).toBe(current); // cached now on this replica

    // the renewal starts on 2026-12-20 (Shanghai), with fewer fields
    const renewal = await apply({ fields: ['id_number', 'name'], validFrom: '2026-12-19T16:00:00.000Z', validTo: '2027-12-19T16:00:00.000Z' });
    const rows = await ctx.db('grants').whereIn('id', [current, renewal]).orderBy('valid_from').select('id', 'status', 'valid_to');
    expect(rows.map((r) => [r.id, r.status])).toEqual([[current, 'active'], [renewal, 'active']]);
    expect(rows[0].valid_to.toISOString()).toBe('2026-12-19T16:00:00.000Z');

    const before = await get();
    expect(before.fields).toHaveProperty('birth_date');
    expect(await grantOf(before.receipt.eventId)).toBe(current);

    clock.set('2026-12-19T23:59:59');
    expect(await grantOf((await get()).receipt.eventId)).toBe(current);

    clock.set('2026-12-20T00:00:00');
    const after = await get();
    expect(Object.keys(after.fields)).toEqual(['id_number', 'name']);
    expect(await grantOf(after.receipt.eventId)).toBe(renewal);
  });

  it('a renewal starting now supersedes the current grant at once, as before', async () => {
    clock.set('2026-12-01T10:00:00');
    const resourceId = (await resourceOf(w)).id;
    const system = await makeSystem(ctx, w.consumer.code);
    const apply = async (overrides: Record<string, unknown>) => {
      const app = await ok(await call(w, 'POST', '/v1/applications', w.consumer.operator, applicationBody(resourceId, system.id, clock(), overrides)), 201);
      return (await ok(await actions.accept(w, app.id))).grantId as string;
    };
    const first = await apply({});
    const second = await apply({ fields: ['id_number'] });
    expect(await ctx.db('grants').where('id', first).first('status')).toEqual({ status: 'revoked' });
    expect(await ctx.db('grants').where('id', second).first('status')).toEqual({ status: 'active' });
  });
});
