import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSystem, makeUser } from '../helpers/fixtures.js';
import { manualClock } from '../helpers/clock.js';
import { actions, call, ok, resourceOf, submit } from '../helpers/workflow.js';
import { useWorld } from '../helpers/use-test-app.js';

// No existence oracle (README, issue 7.7): for a department that cannot see it, another
// department's application, grant, user or system answers exactly like an id that does not
// exist — on reads and on every action — so probing ids tells nothing. Each case sends the same
// request twice, once with the other department's id and once with a random uuid, and compares
// status, code, title, type, detail (ids aside), body keys and content-type.

const clock = manualClock('2026-03-02T09:00:00');
type Res = Awaited<ReturnType<typeof call>>;
type Headers = Record<string, string>;

interface Probe {
  kind: 'application' | 'grant' | 'user' | 'system';
  what: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The URL for an id; `ids` are the object's own (other department's) or random ones. */
  url: (ids: string[]) => string;
  ids: string[];
  headers: Headers;
  body?: unknown;
}

describe('another department’s objects answer like unknown ids', () => {
  const w = useWorld({ clock });
  const ctx = w.ctx;
  let probes: Probe[];
  let untouched: () => Promise<unknown>;

  beforeAll(async () => {
    const conditional = await resourceOf(w, { shareType: 2 });
    // One application in each state an action of its applicant or provider applies to.
    const pendingReview = (await submit(w, conditional.id, clock())).id;
    const returned = (await submit(w, conditional.id, clock())).id;
    await ok(await actions.return(w, returned));
    const pendingProvider = (await submit(w, conditional.id, clock())).id;
    await ok(await actions.accept(w, pendingProvider));
    const denied = (await submit(w, conditional.id, clock())).id;
    await ok(await actions.accept(w, denied));
    await ok(await actions.deny(w, denied));
    const granted = (await submit(w, conditional.id, clock())).id;
    await ok(await actions.accept(w, granted));
    const grantId = (await ok(await actions.approve(w, granted))).grantId as string;
    const user = await makeUser(ctx, 'dept_operator', w.consumer.code);
    const system = await makeSystem(ctx, w.consumer.code);

    // The outsider department asks, with the role each route allows.
    const { admin, operator } = w.outsider;
    const app = (verb: string) => ([id]: string[]) => `/v1/applications/${id}${verb}`;
    probes = [
      { kind: 'application', what: 'read an application', method: 'GET', url: app(''), ids: [pendingReview], headers: operator },
      { kind: 'application', what: 'read an application (admin)', method: 'GET', url: app(''), ids: [granted], headers: admin },
      { kind: 'application', what: 'withdraw an application', method: 'POST', url: app('/withdraw'), ids: [pendingReview], headers: operator, body: { reason: '业务调整' } },
      { kind: 'application', what: 'resubmit an application', method: 'POST', url: app('/resubmit'), ids: [returned], headers: operator, body: { purpose: '办理户籍迁移' } },
      { kind: 'application', what: 'ask coordination', method: 'POST', url: app('/coordination'), ids: [denied], headers: admin, body: { reason: '履职必需' } },
      { kind: 'application', what: 'approve an application', method: 'POST', url: app('/decision'), ids: [pendingProvider], headers: admin, body: { decision: 'approve' } },
      { kind: 'application', what: 'deny an application', method: 'POST', url: app('/decision'), ids: [pendingProvider], headers: admin, body: { decision: 'deny', reason: '不符合' } },
      { kind: 'grant', what: 'read a grant', method: 'GET', url: ([id]) => `/v1/grants/${id}`, ids: [grantId], headers: operator },
      { kind: 'grant', what: 'revoke a grant', method: 'POST', url: ([id]) => `/v1/grants/${id}/revoke`, ids: [grantId], headers: admin, body: { reason: '停止' } },
      { kind: 'user', what: 'read a user', method: 'GET', url: ([id]) => `/v1/users/${id}`, ids: [user.id], headers: admin },
      { kind: 'user', what: 'change a user', method: 'PATCH', url: ([id]) => `/v1/users/${id}`, ids: [user.id], headers: admin, body: { status: 'disabled' } },
      { kind: 'system', what: 'read a system', method: 'GET', url: ([id]) => `/v1/systems/${id}`, ids: [system.id], headers: operator },
      { kind: 'system', what: "list a system's keys", method: 'GET', url: ([id]) => `/v1/systems/${id}/keys`, ids: [system.id], headers: admin },
      { kind: 'system', what: "rotate a system's key", method: 'POST', url: ([id]) => `/v1/systems/${id}/keys`, ids: [system.id], headers: admin },
      { kind: 'system', what: "revoke a system's key", method: 'DELETE', url: ([id, key]) => `/v1/systems/${id}/keys/${key}`, ids: [system.id, system.keyId], headers: admin },
    ];
    const snapshot = async () => ({
      applications: await ctx.db('applications').orderBy('id').select('id', 'status', 'updated_at'),
      grants: await ctx.db('grants').orderBy('id').select('id', 'status'),
      user: await ctx.db('users').where('id', user.id).first('status', 'display_name'),
      keys: await ctx.db('system_keys').where('system_id', system.id).select('id', 'revoked_at'),
    });
    const before = await snapshot();
    untouched = async () => expect(await snapshot()).toEqual(before);
  });

  const send = (p: Probe, ids: string[]) => call(w, p.method, p.url(ids), p.headers, p.body);

  /** What must not differ between the two answers: everything but the request id. */
  function shape(res: Res, ids: string[]) {
    const body = res.json() as Record<string, unknown>;
    const detail = ids.reduce((d, id) => d.split(id).join('<id>'), String(body.detail));
    return {
      status: res.statusCode,
      contentType: res.headers['content-type'],
      keys: Object.keys(body).sort(),
      code: body.code,
      title: body.title,
      type: body.type,
      detail,
      hasRequestId: typeof res.headers['x-request-id'] === 'string' && body.instance === res.headers['x-request-id'],
    };
  }

  // Each object type: every probe answers like a random uuid, names nothing of the object,
  // changes nothing; and the object's own department does see it (the ids are real ones).
  const owners: Record<Probe['kind'], () => Headers> = {
    application: () => w.consumer.operator, grant: () => w.consumer.operator, user: () => w.consumer.admin, system: () => w.consumer.admin,
  };
  it.each(['application', 'grant', 'user', 'system'] as const)('answers reads and actions on another department’s %s exactly as on a random uuid', async (kind) => {
    const mine = probes.filter((p) => p.kind === kind);
    expect(mine.length).toBeGreaterThan(1);
    for (const p of mine) {
      const random = p.ids.map(() => randomUUID());
      const res = await send(p, p.ids);
      const theirs = shape(res, p.ids);
      const unknown = shape(await send(p, random), random);
      expect(theirs, p.what).toEqual(unknown);
      expect(theirs, p.what).toMatchObject({ status: 404, code: 'NOT_FOUND', hasRequestId: true });
      expect(theirs.contentType, p.what).toContain('application/problem+json');
      expect(res.body, p.what).not.toContain(w.consumer.code);
      expect(res.body, p.what).not.toContain(w.provider.code);
      if (p.method === 'GET') expect((await call(w, 'GET', p.url(p.ids), owners[kind]())).statusCode, p.what).toBe(200);
    }
    await untouched();
  });
});
