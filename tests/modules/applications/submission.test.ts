import { describe, expect, it } from 'vitest';
import { endOfDay } from '../../../src/lib/working-days.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { manualClock } from '../../helpers/clock.js';
import { makeResource, publishNewVersion } from '../../helpers/resource-fixtures.js';
import { actions, applicationBody, call, eventually, ok, resourceOf, submit } from '../../helpers/workflow.js';
import { useFixture, useWorld } from '../../helpers/use-test-app.js';

const clock = manualClock('2026-03-05T10:00:00'); // a Thursday

describe('submitting an application', () => {
  const w = useWorld({ clock });
  const ctx = w.ctx;
  const resource = useFixture(() => resourceOf(w, { shareType: 2 }));

  const post = async (body: Record<string, unknown>, headers = w.consumer.operator) => call(w, 'POST', '/v1/applications', headers, body);
  const freshBody = async (overrides: Record<string, unknown> = {}, resourceId = resource.id) =>
    applicationBody(resourceId, (await makeSystem(ctx, w.consumer.code)).id, clock(), overrides);

  it('answers 201 pending_review with the review deadline: the close of the 3rd working day, Asia/Shanghai', async () => {
    const res = await post(await freshBody());
    expect(res.statusCode, res.body).toBe(201);
    const app = res.json();
    expect(app).toMatchObject({
      status: 'pending_review', route: null, resourceId: resource.id, resourceCode: resource.code, resourceVersion: 1,
      consumerCode: w.consumer.code, providerCode: w.provider.code, fields: ['id_number', 'name'], step: 'review',
      responsibleDepartment: ctx.config.PLATFORM_DEPARTMENT_CODE, sla: 'on_time', submittedAt: clock().toISOString(),
    });
    // Thu → Fri (1), Mon (2), Tue (3)
    expect(app.dueAt).toBe(endOfDay('2026-03-10').toISOString());
    expect(app.dueAt).toBe('2026-03-10T15:59:59.999Z');
    expect(app.timeline).toEqual([expect.objectContaining({ action: 'submit', fromStatus: null, toStatus: 'pending_review', nextDueAt: app.dueAt })]);
    const event = await ctx.db('events').where({ entity_type: 'application', entity_id: app.id }).first();
    expect(event).toMatchObject({ action: 'application.submit', actor_department: w.consumer.code });
  });

  it('is open to department admins and operators of the consumer department', async () => {
    expect((await post(await freshBody(), w.consumer.admin)).statusCode).toBe(201);
  });

  it('refuses a resource that is not published, without telling drafts apart from unknown ids', async () => {
    for (const status of ['draft', 'pending_review'] as const) {
      const draft = await resourceOf(w, { status });
      const res = await post(await freshBody({}, draft.id));
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ pointer: '/body/resourceId', message: 'names no published resource' }]);
    }
    const res = await post(await freshBody({}, '00000000-0000-4000-8000-000000000000'));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe('/body/resourceId');
  });

  it('refuses a deprecated resource with 409', async () => {
    const deprecated = await resourceOf(w, { status: 'deprecated' });
    const res = await post(await freshBody({}, deprecated.id));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'RESOURCE_DEPRECATED', currentState: 'deprecated' });
  });

  it('checks the resource inside the submitting transaction: a deprecation in flight wins', async () => {
    const racing = await resourceOf(w, { shareType: 2 });
    const body = await freshBody({}, racing.id);
    // The catalog deprecates under a row lock; this one is still deciding when the submission arrives.
    const deprecating = await ctx.db.transaction();
    try {
      await deprecating('resources').where('id', racing.id).forUpdate().first('id');
      let settled = false;
      const submitting = post(body).finally(() => { settled = true; });
      const waitingOnLock = async () => (await ctx.db('pg_stat_activity')
        .where({ datname: ctx.db.raw('current_database()'), wait_event_type: 'Lock' }).count({ n: '*' }).first())?.n;
      await eventually(async () => settled || Number(await waitingOnLock()) > 0, 'the submission to wait for the lock (or finish)');
      await deprecating('resources').where('id', racing.id).update({ status: 'deprecated' });
      await deprecating.commit();
      const res = await submitting;
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({ code: 'RESOURCE_DEPRECATED' });
    } finally {
      if (!deprecating.isCompleted()) await deprecating.rollback();
    }
    expect(await ctx.db('applications').where('resource_id', racing.id).first()).toBeUndefined();
  });

  it('refuses to accept an application whose resource was deprecated after submission; it can still be rejected', async () => {
    const later = await resourceOf(w, { shareType: 1 });
    const a = await submit(w, later.id, clock());
    await ctx.db('resources').where('id', later.id).update({ status: 'deprecated' });
    const res = await actions.accept(w, a.id);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'RESOURCE_DEPRECATED' });
    const app = await ok(await call(w, 'GET', `/v1/applications/${a.id}`, w.admin));
    expect(app).toMatchObject({ status: 'pending_review', grantId: null });
    expect(app.timeline).toHaveLength(1);
    expect((await ok(await actions.reject(w, a.id))).status).toBe('rejected');
  });

  it('refuses share type 3 (不予共享) with its legal basis and the coordination path named', async () => {
    const notShared = await resourceOf(w, { shareType: 3, legalBasis: '《中华人民共和国保守国家秘密法》' });
    const res = await post(await freshBody({}, notShared.id));
    expect(res.statusCode).toBe(403);
    const problem = res.json();
    expect(problem.code).toBe('SHARE_TYPE_NOT_SHARED');
    expect(problem.detail).toContain('不予共享');
    expect(problem.detail).toContain('《中华人民共和国保守国家秘密法》');
    expect(problem.detail).toContain('协调');
    expect(problem.detail).toContain(w.provider.code);
    expect(await ctx.db('applications').where('resource_id', notShared.id).first()).toBeUndefined();
  });

  it('refuses fields that are not data items of the published version, naming each', async () => {
    const res = await post(await freshBody({ fields: ['name', 'salary', 'id_number', 'blood_type'] }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { pointer: '/body/fields/1', message: "'salary' is not a data item of resource version 1" },
      { pointer: '/body/fields/3', message: "'blood_type' is not a data item of resource version 1" },
    ]);
  });

  it('pins the published version, and checks fields against that version', async () => {
    const versioned = await resourceOf(w, { shareType: 2 });
    await publishNewVersion(ctx, versioned.id, ['id_number', 'name']);
    const refused = await post(await freshBody({ fields: ['address'] }, versioned.id));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0].message).toContain('resource version 2');
    const app = await ok(await post(await freshBody({}, versioned.id)), 201);
    expect(app.resourceVersion).toBe(2);
  });

  it('refuses empty or duplicate fields and unknown body fields', async () => {
    expect((await post(await freshBody({ fields: [] }))).json().errors[0].pointer).toBe('/body/fields');
    expect((await post(await freshBody({ fields: ['name', 'name'] }))).statusCode).toBe(400);
    const res = await post({ ...(await freshBody()), urgency: 'high' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContainEqual({ pointer: '/body/urgency', message: "unknown field 'urgency'" });
  });

  it('refuses a system of another department exactly like an unknown one', async () => {
    const foreign = await makeSystem(ctx, w.outsider.code);
    const res = await post(applicationBody(resource.id, foreign.id, clock()));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ pointer: '/body/systemId', message: 'names no system of your department' }]);
    const unknown = await post(applicationBody(resource.id, '00000000-0000-4000-8000-000000000000', clock()));
    expect(unknown.json().errors).toEqual(res.json().errors);
  });

  it("refuses the department's own resource", async () => {
    const own = await makeResource(ctx, { providerCode: w.consumer.code, shareType: 2 });
    const res = await post(await freshBody({}, own.id));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe('/body/resourceId');
  });

  describe('validity must be sane', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['ends before it starts', { validFrom: '2026-06-01T00:00:00+08:00', validTo: '2026-05-01T00:00:00+08:00' }, '/body/validTo'],
      ['starts before the day of the application', { validFrom: '2026-03-04T00:00:00+08:00' }, '/body/validFrom'],
      ['ends already', { validFrom: '2026-03-05T00:00:00+08:00', validTo: '2026-03-05T09:00:00+08:00' }, '/body/validTo'],
      ['is longer than the maximum', { validTo: '2029-12-31T00:00:00+08:00' }, '/body/validTo'],
      ['is not a date-time', { validTo: 'next year' }, '/body/validTo'],
      // valid RFC 3339, but a leap second: no JavaScript Date can hold it
      ['ends on a leap second', { validTo: '2026-06-30T23:59:60Z' }, '/body/validTo'],
      ['starts on a leap second', { validFrom: '2026-03-05T23:59:60Z' }, '/body/validFrom'],
    ];
    for (const [name, overrides, pointer] of cases) {
      it(`refuses a validity that ${name}`, async () => {
        const res = await post(await freshBody(overrides));
        expect(res.statusCode).toBe(400);
        expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      });
    }

    it('accepts a validity starting at the start of today and ending within the maximum', async () => {
      expect((await post(await freshBody({ validFrom: '2026-03-05T00:00:00+08:00', validTo: '2029-03-04T00:00:00+08:00' }))).statusCode).toBe(201);
    });
  });

  describe('one open application per system and resource', () => {
    it('refuses a second open application, names the first, and allows a new one once it is closed', async () => {
      const system = await makeSystem(ctx, w.consumer.code);
      const first = await ok(await post(applicationBody(resource.id, system.id, clock())), 201);
      const second = await post(applicationBody(resource.id, system.id, clock()));
      expect(second.statusCode).toBe(409);
      expect(second.json()).toMatchObject({ code: 'APPLICATION_ALREADY_OPEN' });
      expect(second.json().detail).toContain(first.id);
      // another system of the same department may apply
      expect((await post(await freshBody())).statusCode).toBe(201);
      await ok(await actions.withdraw(w, first.id));
      expect((await post(applicationBody(resource.id, system.id, clock()))).statusCode).toBe(201);
    });

    it('holds under concurrent submissions (the partial unique index)', async () => {
      const system = await makeSystem(ctx, w.consumer.code);
      const results = await Promise.all(Array.from({ length: 5 }, () => post(applicationBody(resource.id, system.id, clock()))));
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes).toEqual([201, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().code).toBe('APPLICATION_ALREADY_OPEN');
    });

    it('counts returned, provisioning, pending_provider and in_coordination as open', async () => {
      const system = await makeSystem(ctx, w.consumer.code);
      const a = await ok(await post(applicationBody(resource.id, system.id, clock())), 201);
      await ok(await actions.accept(w, a.id));
      await ok(await actions.deny(w, a.id));
      // denied is closed: a new one may be made, and then coordination on the old one would reopen a second
      const b = await ok(await post(applicationBody(resource.id, system.id, clock())), 201);
      const res = await actions.coordination(w, a.id);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('APPLICATION_ALREADY_OPEN');
      await ok(await actions.return(w, b.id));
      expect((await post(applicationBody(resource.id, system.id, clock()))).statusCode).toBe(409);
    });
  });

  describe('resubmission after return', () => {
    it('starts a new review deadline from the resubmission and re-checks the terms', async () => {
      const a = await submit(w, resource.id, clock());
      await ok(await actions.return(w, a.id));
      const returned = await ok(await call(w, 'GET', `/v1/applications/${a.id}`, w.consumer.admin));
      expect(returned).toMatchObject({ status: 'returned', step: 'correction', responsibleDepartment: w.consumer.code, dueAt: null, sla: null });

      clock.set('2026-03-09T15:00:00'); // the next Monday
      try {
        const bad = await call(w, 'POST', `/v1/applications/${a.id}/resubmit`, w.consumer.operator, { fields: ['iris_scan'] });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().errors[0].pointer).toBe('/body/fields/0');
        const res = await ok(await call(w, 'POST', `/v1/applications/${a.id}/resubmit`, w.consumer.operator, { fields: ['name'], purpose: '补正后的用途' }));
        expect(res).toMatchObject({ status: 'pending_review', fields: ['name'], purpose: '补正后的用途', submittedAt: clock().toISOString() });
        // Mon → Tue, Wed, Thu
        expect(res.dueAt).toBe(endOfDay('2026-03-12').toISOString());
        expect(res.timeline.at(-1)).toMatchObject({ action: 'resubmit', fromStatus: 'returned', toStatus: 'pending_review', nextDueAt: res.dueAt });
      } finally {
        clock.set('2026-03-05T10:00:00');
      }
    });

    it('answers a resubmission for a resource no longer published with 409, not a problem in a field the body lacks', async () => {
      const gone = await resourceOf(w, { shareType: 2 });
      const a = await submit(w, gone.id, clock());
      await ok(await actions.return(w, a.id));
      await ctx.db('resources').where('id', gone.id).update({ status: 'pending_review' });
      const res = await call(w, 'POST', `/v1/applications/${a.id}/resubmit`, w.consumer.operator, { purpose: '补正后的用途' });
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({ code: 'RESOURCE_NOT_PUBLISHED' });
      expect(res.json()).not.toHaveProperty('errors');
      await ctx.db('resources').where('id', gone.id).update({ status: 'deprecated' });
      const deprecated = await call(w, 'POST', `/v1/applications/${a.id}/resubmit`, w.consumer.operator, {});
      expect(deprecated.statusCode).toBe(409);
      expect(deprecated.json()).toMatchObject({ code: 'RESOURCE_DEPRECATED' });
      expect((await ok(await call(w, 'GET', `/v1/applications/${a.id}`, w.consumer.admin))).status).toBe('returned');
    });

    it('accepts a resubmission without a body', async () => {
      const a = await submit(w, resource.id, clock());
      await ok(await actions.return(w, a.id));
      const res = await w.ctx.app.inject({ method: 'POST', url: `/v1/applications/${a.id}/resubmit`, headers: w.consumer.operator });
      expect(res.statusCode, res.body).toBe(200);
    });
  });

  it('withdraws without a body too', async () => {
    const a = await submit(w, resource.id, clock());
    const res = await w.ctx.app.inject({ method: 'POST', url: `/v1/applications/${a.id}/withdraw`, headers: w.consumer.admin });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('withdrawn');
  });
});
