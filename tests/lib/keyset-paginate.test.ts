import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db.js';
import { AppError } from '../../src/lib/errors.js';
import { decodeCursor, encodeCursor, keysetPaginate, type SortColumn } from '../../src/lib/paginate.js';
import { createTestDatabase } from '../helpers/test-app.js';

const ORDER: SortColumn[] = [{ column: 'at', order: 'desc', type: 'timestamp' }, { column: 'id', order: 'asc', type: 'uuid' }];

describe('keyset pagination', () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestDatabase(), { max: 2 });
    await db.schema.createTable('feed', (t) => {
      t.uuid('id').primary();
      t.timestamp('at', { useTz: true }).notNullable();
      t.string('kind', 8).notNullable();
    });
  });
  afterAll(async () => db.destroy());

  const insert = (at: string, n: number, kind = 'a') =>
    db('feed').insert(Array.from({ length: n }, () => ({ id: randomUUID(), at, kind })));

  /** Walks every page of `kind` with cursors, `between` running after each page. */
  async function walk(kind: string, limit: number, between: (page: number) => Promise<void> = async () => {}) {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const query = db('feed').select('*').where('kind', kind);
      const result = await keysetPaginate<{ id: string }>(query, { limit, ...(cursor ? { cursor } : {}) }, ORDER);
      expect(result.rows.length).toBeLessThanOrEqual(limit);
      seen.push(...result.rows.map((r) => r.id));
      if (cursor) expect(result).not.toHaveProperty('total');
      if (!result.nextCursor) return seen;
      cursor = result.nextCursor;
      await between(page);
    }
    throw new Error('did not end');
  }

  it('pages through every row exactly once, in order, with ties on the sort key broken by id', async () => {
    // Ties: many rows share one instant; microseconds differ in others (a ms-rounded cursor would skip them).
    await insert('2026-11-01T00:00:00.000001Z', 7, 'tie');
    await insert('2026-11-01T00:00:00.000900Z', 3, 'tie');
    await insert('2026-11-01T00:00:00.000500Z', 4, 'tie');
    await insert('2026-10-01T00:00:00Z', 5, 'tie');
    const expected = (await db('feed').where('kind', 'tie').orderBy([{ column: 'at', order: 'desc' }, { column: 'id' }]).select('id')).map((r) => r.id);
    for (const limit of [1, 2, 3, 19, 50]) expect(await walk('tie', limit)).toEqual(expected);
  });

  it('neither repeats nor skips a row when rows are inserted between pages', async () => {
    await insert('2026-11-02T00:00:00Z', 10, 'live');
    const before = (await db('feed').where('kind', 'live').select('id')).map((r) => r.id);
    // Newer rows arrive while the client pages (offset paging would shift and repeat rows).
    const seen = await walk('live', 3, async (page) => { await insert(`2026-11-03T00:00:0${page}Z`, 2, 'live'); });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(before));
  });

  it('without a cursor keeps offset paging and its total, and gives the cursor of the next page', async () => {
    await insert('2026-11-04T00:00:00Z', 5, 'off');
    const query = () => db('feed').select('*').where('kind', 'off');
    const first = await keysetPaginate<{ id: string }>(query(), { limit: 2, offset: 0 }, ORDER);
    expect(first.total).toBe(5);
    const second = await keysetPaginate<{ id: string }>(query(), { limit: 2, offset: 2 }, ORDER);
    const viaCursor = await keysetPaginate<{ id: string }>(query(), { limit: 2, cursor: first.nextCursor! }, ORDER);
    expect(viaCursor.rows).toEqual(second.rows);
    const last = await keysetPaginate<{ id: string }>(query(), { limit: 2, offset: 4 }, ORDER);
    expect(last.rows).toHaveLength(1);
    expect(last.nextCursor).toBeNull();
    expect(last.rows[0]).not.toHaveProperty('__sort_key_0');
  });

  it('refuses a malformed cursor, or a cursor with an offset, as a 400 naming cursor', async () => {
    const bad = [
      'not a cursor!',
      encodeCursor(['2026-11-04T00:00:00.000000Z']),
      encodeCursor(['2026-11-04T00:00:00Z', randomUUID()]),
      encodeCursor(['2026-11-04T00:00:00.000000Z', 'not-a-uuid']),
      Buffer.from('{"a":1}').toString('base64url'),
    ];
    for (const cursor of bad) {
      expect(() => decodeCursor(cursor, ORDER)).toThrow(AppError);
      await expect(keysetPaginate(db('feed').select('*'), { limit: 2, cursor }, ORDER))
        .rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400, errors: [{ pointer: '/querystring/cursor' }] });
    }
    const good = encodeCursor(['2026-11-04T00:00:00.000000Z', randomUUID()]);
    await expect(keysetPaginate(db('feed').select('*'), { limit: 2, cursor: good, offset: 3 }, ORDER))
      .rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ pointer: '/querystring/cursor' }] });
  });
});
