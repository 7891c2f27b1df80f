import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completeProvisioning } from '../../../src/modules/applications/applications-service.js';
import { workflowSettings } from '../../../src/modules/applications/settings.js';
import { manualClock } from '../../helpers/clock.js';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { actions, call, makeWorld, ok, resourceOf, submit, type World } from '../../helpers/workflow.js';

// Issuing a grant: never for a validity that has already ended.

const START = '2026-03-02T09:00:00'; // a Monday
const clock = manualClock(START);
const SHORT = { validTo: '2026-03-03T18:00:00+08:00' }; // ends Tuesday evening

describe('issuing grants', () => {
  let ctx: TestContext;
  let w: World;
  let hosted: { id: string };
  let providerApi: { id: string };
  let conditional: { id: string };
  beforeAll(async () => {
    ctx = await buildTestApp({}, { clock });
    w = await makeWorld(ctx);
    hosted = await resourceOf(w, { shareType: 1 });
    providerApi = await resourceOf(w, { shareType: 1, delivery: { mode: 'provider_api', endpoint: 'http://127.0.0.1:1/records' } });
    conditional = await resourceOf(w, { shareType: 2 });
  });
  afterAll(async () => ctx.close());
  beforeEach(() => clock.set(START));

  const detail = async (id: string) => ok(await call(w, 'GET', `/v1/applications/${id}`, w.admin));
  const grantsOf = (id: string) => ctx.db('grants').where('application_id', id);
  const afterValidity = () => clock.set('2026-03-04T09:00:00');

  async function expectExpired(res: Awaited<ReturnType<typeof call>>, id: string, status: string) {
    const timeline = (await detail(id)).timeline.length;
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'VALIDITY_EXPIRED' });
    expect(res.json().detail).toContain(new Date(SHORT.validTo).toISOString());
    const after = await detail(id);
    expect(after.status).toBe(status);
    expect(after.timeline).toHaveLength(timeline);
    expect(await grantsOf(id)).toEqual([]);
  }

  it('refuses a provider approval after the validity applied for has ended', async () => {
    const a = await submit(w, conditional.id, clock(), SHORT);
    await ok(await actions.accept(w, a.id));
    afterValidity();
    await expectExpired(await actions.approve(w, a.id), a.id, 'pending_provider');
    // the provider can still deny, and the applicant withdraw
    expect((await ok(await actions.deny(w, a.id))).status).toBe('denied');
  });

  it('refuses a coordination grant after the validity has ended', async () => {
    const a = await submit(w, conditional.id, clock(), SHORT);
    await ok(await actions.accept(w, a.id));
    await ok(await actions.deny(w, a.id));
    await ok(await actions.coordination(w, a.id));
    afterValidity();
    await expectExpired(await actions.coordinationGrant(w, a.id), a.id, 'in_coordination');
  });

  it('refuses a Route A acceptance after the validity has ended; the platform can return it for a new one', async () => {
    const a = await submit(w, hosted.id, clock(), SHORT);
    afterValidity();
    await expectExpired(await actions.accept(w, a.id), a.id, 'pending_review');
    await ok(await actions.return(w, a.id));
    await ok(await call(w, 'POST', `/v1/applications/${a.id}/resubmit`, w.consumer.operator, { validTo: '2026-12-31T00:00:00+08:00' }));
    expect((await ok(await actions.accept(w, a.id))).status).toBe('granted');
  });

  it('does not provision a grant whose validity ended while waiting for the provider endpoint', async () => {
    const a = await submit(w, providerApi.id, clock(), SHORT);
    expect((await ok(await actions.accept(w, a.id))).status).toBe('provisioning');
    afterValidity();
    const wf = { db: ctx.db, settings: workflowSettings(ctx.config), now: clock() };
    await expect(completeProvisioning(wf, a.id)).rejects.toMatchObject({ code: 'VALIDITY_EXPIRED' });
    expect((await detail(a.id)).status).toBe('provisioning');
  });

  it('grants up to the last moment of the validity', async () => {
    const a = await submit(w, conditional.id, clock(), SHORT);
    await ok(await actions.accept(w, a.id));
    clock.set('2026-03-03T17:59:59.999');
    expect((await ok(await actions.approve(w, a.id))).status).toBe('granted');
  });
});
