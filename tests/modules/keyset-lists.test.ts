import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWebhook } from '../../src/modules/outbox/outbox-service.js';
import { makeUser } from '../helpers/fixtures.js';
import { buildTestApp, type TestContext } from '../helpers/test-app.js';

// The lists that grow without bound page with cursors (src/lib/paginate.ts keysetPaginate).
describe('cursor-paged lists', () => {
  let ctx: TestContext;
  let operator: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    ctx = await buildTestApp();
    operator = await makeUser(ctx, 'dept_operator');
  });
  afterAll(async () => ctx.close());

  const get = (url: string) => ctx.app.inject({ method: 'GET', url, headers: operator.headers });
  const notify = (now: Date) =>
    addWebhook(ctx.db, { type: 'deadline.warning', departmentCode: operator.departmentCode, data: {}, now });

  it('walks /v1/notifications page by page with nextCursor, every message once, while new ones arrive', async () => {
    const sameInstant = new Date('2026-11-20T02:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await notify(sameInstant)); // ties on created_at
    ids.push(await notify(new Date('2026-11-19T02:00:00Z')));

    const first = await get('/v1/notifications?limit=2');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ total: 6 });
    const seen: string[] = first.json().items.map((n: { id: string }) => n.id);
    let cursor: string | null = first.json().nextCursor;
    while (cursor) {
      await notify(new Date('2026-11-21T02:00:00Z')); // newer than every page already read
      const res = await get(`/v1/notifications?limit=2&cursor=${cursor}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).not.toHaveProperty('total');
      seen.push(...res.json().items.map((n: { id: string }) => n.id));
      cursor = res.json().nextCursor;
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it('gives nextCursor null on the last page of applications and grants', async () => {
    for (const url of ['/v1/applications', '/v1/grants']) {
      const res = await get(url);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ items: [], total: 0, nextCursor: null });
    }
  });

  it('answers a malformed cursor, or a cursor with an offset, with a 400 that names cursor', async () => {
    const stale = Buffer.from(JSON.stringify(['2026-11-20T02:00:00.000000Z', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    for (const list of ['/v1/notifications', '/v1/applications', '/v1/grants']) {
      for (const query of ['cursor=not-a-cursor', `cursor=${Buffer.from('[1,2]').toString('base64url')}`, `cursor=${stale}&offset=2`, 'cursor=']) {
        const res = await get(`${list}?${query}`);
        expect(res.statusCode, `${list}?${query}: ${res.body}`).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json().errors).toEqual([expect.objectContaining({ pointer: '/querystring/cursor' })]);
      }
      // A well-formed cursor past every row is simply an empty last page.
      const past = await get(`${list}?cursor=${stale}`);
      expect(past.statusCode, past.body).toBe(200);
      expect(past.json().nextCursor).toBeNull();
    }
  });
});
