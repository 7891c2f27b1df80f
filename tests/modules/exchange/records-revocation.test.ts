import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../helpers/test-app.js';
import { call, makeWorld, ok, resourceOf, type World } from '../../helpers/workflow.js';
import { PERSON_A, dataHeaders, grantedSystem, loadRecords } from './query-fixtures.js';

// Two API instances on ONE database and ONE Redis (as two replicas behind a load balancer). Both
// cache keys and grants; a revocation on one must stop the other within a second, while the
// other serves a steady stream of calls.
describe('revocation across replicas', () => {
  let a: TestContext;
  let b: TestContext;
  let w: World;
  let resourceId: string;

  beforeAll(async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    a = await buildTestApp({ QUEUE_PREFIX: prefix });
    b = await buildTestApp({ QUEUE_PREFIX: prefix, DATABASE_URL: a.config.DATABASE_URL, SHAREHUB_SECRET_KEY: a.config.SHAREHUB_SECRET_KEY });
    w = await makeWorld(a);
    resourceId = (await resourceOf(w)).id;
    await loadRecords(a, resourceId, [PERSON_A], new Date());
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Calls replica B back to back until it refuses; returns the ms from `revoke` starting to that refusal. */
  async function timeToRefusal(headers: Record<string, string>, revoke: () => Promise<unknown>) {
    const url = `/v1/resources/${resourceId}/records/${PERSON_A.id_number}`;
    // B has the key and the grant cached: it served this stream before the revocation
    for (let i = 0; i < 20; i++) expect((await b.app.inject({ method: 'GET', url, headers })).statusCode).toBe(200);
    let stop = false;
    let refusedAt: number | undefined;
    let refusal: { statusCode: number; code: string } | undefined;
    const stream = (async () => {
      while (!stop) {
        const res = await b.app.inject({ method: 'GET', url, headers });
        if (res.statusCode !== 200) {
          refusedAt = performance.now();
          refusal = { statusCode: res.statusCode, code: res.json().code };
          return;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    try {
      await revoke();
      const deadline = Date.now() + 5_000;
      while (refusedAt === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    } finally {
      stop = true;
      await stream;
    }
    expect(refusedAt, 'replica B never refused within 5 s').toBeDefined();
    return { ms: refusedAt! - started, refusal: refusal! };
  }

  it('a grant revoked on A is refused by B within one second', async () => {
    const { system, grantId } = await grantedSystem(w, resourceId, new Date());
    const { ms, refusal } = await timeToRefusal(dataHeaders(system), async () =>
      ok(await call(w, 'POST', `/v1/grants/${grantId}/revoke`, w.provider.admin, { reason: '停止共享' })));
    expect(refusal).toEqual({ statusCode: 403, code: 'GRANT_REVOKED' });
    expect(ms).toBeLessThan(1_000);
  });

  it('an API key revoked on A is refused by B within one second', async () => {
    const { system } = await grantedSystem(w, resourceId, new Date());
    const { ms, refusal } = await timeToRefusal(dataHeaders(system), async () =>
      expect((await call(w, 'DELETE', `/v1/systems/${system.id}/keys/${system.keyId}`, w.consumer.admin)).statusCode).toBe(204));
    expect(refusal).toEqual({ statusCode: 401, code: 'INVALID_CREDENTIALS' });
    expect(ms).toBeLessThan(1_000);
  });
});
