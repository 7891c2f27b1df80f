import { beforeEach, describe, expect, it } from 'vitest';
import { completeProvisioning } from '../../../src/modules/applications/applications-service.js';
import { workflowSettings } from '../../../src/modules/applications/settings.js';
import { manualClock } from '../../helpers/clock.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { actions, applicationBody, call, ok, resourceOf, submit } from '../../helpers/workflow.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';

// Issuing a grant: never for a validity that has already ended, and at most one active grant per
// system and resource — a new one supersedes the previous.

const START = '2026-03-02T09:00:00'; // a Monday
const clock = manualClock(START);
const SHORT = { validTo: '2026-03-03T18:00:00+08:00' }; // ends Tuesday evening

describe('issuing grants', () => {
  const w = useWorld({ clock });
  const ctx = w.ctx;
  const hosted = useFixture(() => resourceOf(w, { shareType: 1 }));
  const providerApi = useFixture(() => resourceOf(w, { shareType: 1, delivery: { mode: 'provider_api', endpoint: 'http://127.0.0.1:1/records' } }));
  const conditional = useFixture(() => resourceOf(w, { shareType: 2 }));
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
    const wf = { db: ctx.db, settings: workflowSettings(ctx.config), now: clock(), actor: { kind: 'worker' as const } };
    await expect(completeProvisioning(wf, a.id)).rejects.toMatchObject({ code: 'VALIDITY_EXPIRED' });
    expect((await detail(a.id)).status).toBe('provisioning');
  });

  it('grants up to the last moment of the validity', async () => {
    const a = await submit(w, conditional.id, clock(), SHORT);
    await ok(await actions.accept(w, a.id));
    clock.set('2026-03-03T17:59:59.999');
    expect((await ok(await actions.approve(w, a.id))).status).toBe('granted');
  });

  describe('decisions racing on one application', () => {
    it('approve and deny at once: exactly one wins, with one grant at most and one timeline entry', async () => {
      for (let i = 0; i < 5; i++) {
        const a = await submit(w, conditional.id, clock());
        await ok(await actions.accept(w, a.id));
        const results = await Promise.all([actions.approve(w, a.id), actions.deny(w, a.id)]);
        const codes = results.map((r) => r.statusCode);
        expect(codes.filter((c) => c === 200), codes.join()).toHaveLength(1);
        const loser = results.find((r) => r.statusCode !== 200)!;
        expect(loser.statusCode).toBe(409);
        expect(loser.json().code).toBe('ILLEGAL_STATE');
        const app = await detail(a.id);
        const decisions = app.timeline.filter((e: { fromStatus: string }) => e.fromStatus === 'pending_provider');
        expect(decisions).toHaveLength(1);
        expect(await grantsOf(a.id)).toHaveLength(app.status === 'granted' ? 1 : 0);
        expect(loser.json().currentState).toBe(app.status);
      }
    });

    it('two acceptances at once grant a Route A application once', async () => {
      const a = await submit(w, hosted.id, clock());
      const results = await Promise.all([actions.accept(w, a.id), actions.accept(w, a.id)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect(await grantsOf(a.id)).toHaveLength(1);
      expect((await detail(a.id)).timeline.map((e: { action: string }) => e.action)).toEqual(['submit', 'accept', 'provision']);
    });
  });

  describe('one active grant per system and resource', () => {
    it('a new grant supersedes the previous one in the same transaction, traced on both', async () => {
      const system = await makeSystem(ctx, w.consumer.code);
      const apply = async (overrides: Record<string, unknown>) =>
        ok(await call(w, 'POST', '/v1/applications', w.consumer.operator, applicationBody(conditional.id, system.id, clock(), overrides)), 201);
      const first = await apply({ fields: ['id_number', 'name'] });
      await ok(await actions.accept(w, first.id));
      const firstGrantId = (await ok(await actions.approve(w, first.id))).grantId;

      // more fields, asked for once the first is granted
      clock.set('2026-03-09T10:00:00');
      const second = await apply({ fields: ['id_number', 'name', 'address'] });
      await ok(await actions.accept(w, second.id));
      const granted = await ok(await actions.approve(w, second.id));

      const reason = `superseded by grant ${granted.grantId}`;
      expect(await ok(await call(w, 'GET', `/v1/grants/${firstGrantId}`, w.consumer.admin)))
        .toMatchObject({ status: 'revoked', revokeReason: reason, revokedAt: clock().toISOString() });
      expect(await ok(await call(w, 'GET', `/v1/grants/${granted.grantId}`, w.consumer.admin)))
        .toMatchObject({ status: 'active', fields: ['id_number', 'name', 'address'] });
      expect(await ctx.db('grants').where({ system_id: system.id, resource_id: conditional.id, status: 'active' }).pluck('id')).toEqual([granted.grantId]);

      const firstApp = await detail(first.id);
      expect(firstApp.timeline.at(-1)).toMatchObject({ action: 'grant_revoked', reason, actor: { kind: 'user', departmentCode: w.provider.code } });
      const revoke = await ctx.db('events').where({ entity_type: 'grant', entity_id: firstGrantId, action: 'grant.revoke' }).first();
      expect(revoke).toMatchObject({ reason, details: { applicationId: first.id, supersededBy: granted.grantId } });
      const issue = await ctx.db('events').where({ entity_type: 'grant', entity_id: granted.grantId, action: 'grant.issue' }).first();
      expect(issue.details).toMatchObject({ supersedes: firstGrantId });
      expect(await ctx.db('outbox').where({ grant_id: firstGrantId, type: 'grant.revoked' }).pluck('department_code')).toEqual([w.consumer.code]);
    });

    it('leaves grants of other systems and resources alone', async () => {
      const a = await submit(w, hosted.id, clock());
      const b = await submit(w, hosted.id, clock());
      const ga = (await ok(await actions.accept(w, a.id))).grantId;
      await ok(await actions.accept(w, b.id));
      expect((await ctx.db('grants').where('id', ga).first()).status).toBe('active');
    });

    it('is backed by a unique index, so no path can leave two active', async () => {
      const a = await submit(w, hosted.id, clock());
      const grant = await ctx.db('grants').where('id', (await ok(await actions.accept(w, a.id))).grantId).first();
      const other = await submit(w, hosted.id, clock()); // any other application: one grant each
      const { id: _id, ...copy } = grant;
      const err = await ctx.db('grants').insert({ ...copy, application_id: other.id, fields: JSON.stringify(copy.fields) }).catch((e: unknown) => e);
      // One active grant per start (a renewal starting later may wait beside the serving grant).
      expect(err).toMatchObject({ code: '23505', constraint: 'grants_one_active_per_start' });
    });

    it('the migration that adds the index revokes older duplicates as superseded by the newest', async () => {
      const [older, newer] = [await submit(w, hosted.id, clock()), await submit(w, hosted.id, clock())];
      const olderGrant = (await ok(await actions.accept(w, older.id))).grantId;
      clock.advance(60_000);
      const newerGrant = (await ok(await actions.accept(w, newer.id))).grantId;
      // two active grants for one system, as data from before the index could hold
      const system = (await ctx.db('grants').where('id', olderGrant).first()).system_id;
      await ctx.db.migrate.down({ name: '20261129150200_allow_scheduled_grant_renewals' });
      await ctx.db.migrate.down({ name: '20261122003000_add_grants_one_active' });
      await ctx.db('grants').where('id', newerGrant).update({ system_id: system });
      await ctx.db.migrate.latest();
      expect(await ctx.db('grants').whereIn('id', [olderGrant, newerGrant]).orderBy('created_at').select('status', 'revoke_reason')).toEqual([
        { status: 'revoked', revoke_reason: `superseded by grant ${newerGrant}` },
        { status: 'active', revoke_reason: null },
      ]);
    });
  });
});
