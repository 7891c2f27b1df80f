import { describe, expect, it } from 'vitest';
import { manualClock } from '../../helpers/clock.js';
import { actions, call, ok, resourceOf, submit } from '../../helpers/workflow.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';

// Input that passes the JSON Schema but not the domain: answered 400 naming the field, never 500.

const clock = manualClock('2026-03-02T09:00:00'); // a Monday
const LEAP_SECOND = '2026-06-30T23:59:60Z';

describe('decision input the schema lets through', () => {
  const w = useWorld({ clock });
  const ctx = w.ctx;
  const conditional = useFixture(() => resourceOf(w, { shareType: 2 }));

  async function pendingProvider() {
    const a = await submit(w, conditional.id, clock());
    await ok(await actions.accept(w, a.id));
    return a.id;
  }
  const expectValidToProblem = (res: Awaited<ReturnType<typeof call>>) => {
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ pointer: '/body/validTo', message: expect.stringContaining('leap second') }] });
  };

  it('a leap second as validTo of a provider approval is 400, and nothing changes', async () => {
    const id = await pendingProvider();
    expectValidToProblem(await call(w, 'POST', `/v1/applications/${id}/decision`, w.provider.admin, { decision: 'approve', validTo: LEAP_SECOND }));
    expect((await ok(await call(w, 'GET', `/v1/applications/${id}`, w.admin))).status).toBe('pending_provider');
    expect(await ctx.db('grants').where('application_id', id).first()).toBeUndefined();
  });

  it('a leap second as validTo of a coordination grant is 400', async () => {
    const id = await pendingProvider();
    await ok(await actions.deny(w, id));
    await ok(await actions.coordination(w, id));
    expectValidToProblem(await call(w, 'POST', `/v1/applications/${id}/coordination/decision`, w.admin, { decision: 'grant', validTo: LEAP_SECOND }));
    expect((await ok(await call(w, 'GET', `/v1/applications/${id}`, w.admin))).status).toBe('in_coordination');
  });

  it('a leap second in a resubmission is 400 naming the field', async () => {
    const a = await submit(w, conditional.id, clock());
    await ok(await actions.return(w, a.id));
    expectValidToProblem(await call(w, 'POST', `/v1/applications/${a.id}/resubmit`, w.consumer.operator, { validTo: LEAP_SECOND }));
    const res = await call(w, 'POST', `/v1/applications/${a.id}/resubmit`, w.consumer.operator, { validFrom: '2026-03-02T23:59:60Z' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toEqual([{ pointer: '/body/validFrom', message: expect.stringContaining('leap second') }]);
    expect((await ok(await call(w, 'GET', `/v1/applications/${a.id}`, w.admin))).status).toBe('returned');
  });
});
