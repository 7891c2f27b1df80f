import { describe, expect, it } from 'vitest';
import { completeProvisioning } from '../../../src/modules/applications/applications-service.js';
import { workflowSettings } from '../../../src/modules/applications/settings.js';
import { APPLICATION_STATUSES, EDGES, type ApplicationStatus } from '../../../src/modules/applications/state-machine.js';
import { manualClock } from '../../helpers/clock.js';
import { actions, call, ok, resourceOf, submit, type ActionName } from '../../helpers/workflow.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';

// Every edge of API.md's state machine through the HTTP API, and every action that is not an
// edge from a state answered 409 naming that state.

const clock = manualClock('2026-03-02T09:00:00'); // a Monday

/** Which HTTP actions are legal from which state (the provisioning → granted edge is the job's). */
const LEGAL: Record<ActionName, readonly ApplicationStatus[]> = {
  accept: ['pending_review'],
  reject: ['pending_review'],
  return: ['pending_review'],
  resubmit: ['returned'],
  approve: ['pending_provider'],
  deny: ['pending_provider'],
  coordination: ['denied'],
  coordinationGrant: ['in_coordination'],
  coordinationDeny: ['in_coordination'],
  withdraw: ['pending_review', 'returned', 'provisioning', 'pending_provider', 'in_coordination'],
};

describe('application state machine', () => {
  const w = useWorld({ clock });
  const ctx = w.ctx;
  // hosted: the hub grants at acceptance
  const routeA = useFixture(() => resourceOf(w, { shareType: 1 }));
  // provider-served, endpoint not answering: waits in provisioning
  const routeAProviderApi = useFixture(() => resourceOf(w, { shareType: 1, delivery: { mode: 'provider_api', endpoint: 'http://127.0.0.1:1/records' } }));
  // conditional: the provider decides
  const routeB = useFixture(() => resourceOf(w, { shareType: 2 }));
  // unconditional but with control parameters: still Route B
  const routeBControl = useFixture(() => resourceOf(w, { shareType: 1, controlParams: ['办件编号'] }));

  const status = async (id: string) => (await ok(await call(w, 'GET', `/v1/applications/${id}`, w.admin))).status as ApplicationStatus;

  /** An application brought to `state` by legal steps only. */
  async function reach(state: ApplicationStatus): Promise<string> {
    const viaProvider = async () => {
      const a = await submit(w, routeB.id, clock());
      await ok(await actions.accept(w, a.id));
      return a.id;
    };
    switch (state) {
      case 'pending_review': return (await submit(w, routeA.id, clock())).id;
      case 'rejected': { const id = await reach('pending_review'); await ok(await actions.reject(w, id)); return id; }
      case 'returned': { const id = await reach('pending_review'); await ok(await actions.return(w, id)); return id; }
      case 'provisioning': { const a = await submit(w, routeAProviderApi.id, clock()); await ok(await actions.accept(w, a.id)); return a.id; }
      case 'pending_provider': return viaProvider();
      case 'granted': { const id = await viaProvider(); await ok(await actions.approve(w, id)); return id; }
      case 'denied': { const id = await viaProvider(); await ok(await actions.deny(w, id)); return id; }
      case 'in_coordination': { const id = await reach('denied'); await ok(await actions.coordination(w, id)); return id; }
      case 'withdrawn': { const id = await reach('pending_review'); await ok(await actions.withdraw(w, id)); return id; }
    }
  }

  it('has exactly the edges of API.md', () => {
    const expected = [
      ['pending_review', 'provisioning'], ['pending_review', 'pending_provider'], ['pending_review', 'rejected'], ['pending_review', 'returned'],
      ['returned', 'pending_review'], ['provisioning', 'granted'], ['pending_provider', 'granted'], ['pending_provider', 'denied'],
      ['denied', 'in_coordination'], ['in_coordination', 'granted'], ['in_coordination', 'denied'],
      ...['pending_review', 'returned', 'provisioning', 'pending_provider', 'in_coordination'].map((s) => [s, 'withdrawn']),
    ];
    expect([...EDGES].map(([f, t]) => `${f}→${t}`).sort()).toEqual(expected.map(([f, t]) => `${f}→${t}`).sort());
  });

  describe('legal edges', () => {
    it('pending_review → provisioning → granted (Route A, hosted: the hub grants at acceptance)', async () => {
      const a = await submit(w, routeA.id, clock());
      const body = await ok(await actions.accept(w, a.id));
      expect(body).toMatchObject({ status: 'granted', route: 'A', step: null, dueAt: null, sla: null });
      expect(body.grantId).toBeTruthy();
      expect(body.timeline.map((e: { fromStatus: string; toStatus: string }) => `${e.fromStatus}→${e.toStatus}`))
        .toEqual(['null→pending_review', 'pending_review→provisioning', 'provisioning→granted']);
    });

    it('pending_review → provisioning waits for a provider-served endpoint, then → granted by the provision job', async () => {
      const id = await reach('provisioning');
      const app = await ok(await call(w, 'GET', `/v1/applications/${id}`, w.consumer.admin));
      expect(app).toMatchObject({ status: 'provisioning', route: 'A', step: 'provision', responsibleDepartment: ctx.config.PLATFORM_DEPARTMENT_CODE, sla: 'on_time' });
      const job = await ctx.db('outbox').where({ application_id: id, kind: 'job' }).first();
      expect(job).toMatchObject({ job_name: 'provision', job_id: `provision-${id}`, status: 'pending' });
      const wf = { db: ctx.db, settings: workflowSettings(ctx.config), now: clock(), actor: { kind: 'worker' as const } };
      expect(await completeProvisioning(wf, id)).toBe('granted');
      expect(await completeProvisioning(wf, id)).toBe('not_provisioning');
      expect(await status(id)).toBe('granted');
    });

    it('pending_review → pending_provider for a conditional resource, and for an unconditional one with control parameters (Route B)', async () => {
      for (const resource of [routeB, routeBControl]) {
        const a = await submit(w, resource.id, clock());
        const body = await ok(await actions.accept(w, a.id));
        expect(body).toMatchObject({ status: 'pending_provider', route: 'B', step: 'provider_decision', responsibleDepartment: w.provider.code });
      }
    });

    it('pending_review → rejected and → returned, each with a reason; returned → pending_review on resubmission', async () => {
      expect(await status(await reach('rejected'))).toBe('rejected');
      const id = await reach('returned');
      expect(await status(id)).toBe('returned');
      const body = await ok(await actions.resubmit(w, id));
      expect(body).toMatchObject({ status: 'pending_review', legalBasis: '《户口登记条例》第十条' });
    });

    it('pending_provider → granted and → denied; denied → in_coordination → granted | denied', async () => {
      expect(await status(await reach('granted'))).toBe('granted');
      expect(await status(await reach('denied'))).toBe('denied');
      const coordinated = await reach('in_coordination');
      expect(await status(coordinated)).toBe('in_coordination');
      expect((await ok(await actions.coordinationGrant(w, coordinated))).status).toBe('granted');
      const refused = await reach('in_coordination');
      expect((await ok(await actions.coordinationDeny(w, refused))).status).toBe('denied');
    });

    it('every open state → withdrawn', async () => {
      for (const state of LEGAL.withdraw) {
        const id = await reach(state);
        expect((await ok(await actions.withdraw(w, id))).status).toBe('withdrawn');
      }
    });
  });

  describe('illegal transitions are 409 naming the current state, and change nothing', () => {
    for (const state of APPLICATION_STATUSES) {
      it(`from ${state}`, async () => {
        const id = await reach(state);
        const before = await ctx.db('application_timeline').where('application_id', id).count({ n: '*' }).first();
        for (const name of Object.keys(actions) as ActionName[]) {
          if (LEGAL[name].includes(state)) continue;
          const res = await actions[name](w, id);
          expect(res.statusCode, `${name} from ${state}: ${res.body}`).toBe(409);
          expect(res.json()).toMatchObject({ code: 'ILLEGAL_STATE', currentState: state });
          expect(res.json().detail).toContain(`'${state}'`);
        }
        expect(await status(id)).toBe(state);
        expect(await ctx.db('application_timeline').where('application_id', id).count({ n: '*' }).first()).toEqual(before);
      });
    }

    it('asking coordination a second time after the platform denied it', async () => {
      const id = await reach('in_coordination');
      await ok(await actions.coordinationDeny(w, id));
      const res = await actions.coordination(w, id);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'ILLEGAL_STATE', currentState: 'denied' });
    });

    it('the provisioning → granted edge is not reachable over HTTP', async () => {
      const id = await reach('provisioning');
      for (const name of ['approve', 'coordinationGrant'] as const) {
        expect((await actions[name](w, id)).statusCode).toBe(409);
      }
    });
  });

  describe('decisions need their reasons', () => {
    it('reject and return without a reason are 400 naming /body/reason', async () => {
      const id = await reach('pending_review');
      for (const decision of ['reject', 'return']) {
        const res = await call(w, 'POST', `/v1/applications/${id}/review`, w.admin, { decision });
        expect(res.statusCode).toBe(400);
        expect(res.json().errors[0].pointer).toBe('/body/reason');
      }
      expect(await status(id)).toBe('pending_review');
    });

    it('deny without a reason, and a denial that tries to narrow, are 400', async () => {
      const id = await reach('pending_provider');
      const bare = await call(w, 'POST', `/v1/applications/${id}/decision`, w.provider.admin, { decision: 'deny' });
      expect(bare.statusCode).toBe(400);
      expect(bare.json().errors[0].pointer).toBe('/body/reason');
      const narrowed = await call(w, 'POST', `/v1/applications/${id}/decision`, w.provider.admin, { decision: 'deny', reason: 'x', fields: ['name'] });
      expect(narrowed.statusCode).toBe(400);
      expect(narrowed.json().errors[0].pointer).toBe('/body/fields');
      const coord = await reach('in_coordination');
      const res = await call(w, 'POST', `/v1/applications/${coord}/coordination/decision`, w.admin, { decision: 'deny' });
      expect(res.statusCode).toBe(400);
    });

    it('an unknown decision is 400', async () => {
      const id = await reach('pending_review');
      const res = await call(w, 'POST', `/v1/applications/${id}/review`, w.admin, { decision: 'maybe' });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].pointer).toBe('/body/decision');
    });

    it('an unknown application is 404', async () => {
      const res = await actions.accept(w, '00000000-0000-4000-8000-000000000000');
      expect(res.statusCode).toBe(404);
    });
  });
});
