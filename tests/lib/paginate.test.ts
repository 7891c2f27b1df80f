import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db.js';
import { paginate } from '../../src/lib/paginate.js';
import { createTestDatabase } from '../helpers/test-app.js';

describe('paginate', () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestDatabase(), { max: 2 });
    await db.schema.createTable('pages', (t) => {
      t.integer('n').primary();
      t.string('parity', 4).notNullable();
    });
    await db('pages').insert(Array.from({ length: 7 }, (_, i) => ({ n: i + 1, parity: (i + 1) % 2 ? 'odd' : 'even' })));
  });
  afterAll(async () => db.destroy());

  it('gives one page of the ordered, filtered query and the total it pages through', async () => {
    const odd = () => db('pages').where('parity', 'odd').select('n', db.raw('n * 10 as tens')).orderBy('n', 'desc');
    expect(await paginate(odd(), { limit: 2, offset: 0 })).toEqual({ rows: [{ n: 7, tens: 70 }, { n: 5, tens: 50 }], total: 4 });
    expect(await paginate(odd(), { limit: 2, offset: 3 })).toEqual({ rows: [{ n: 1, tens: 10 }], total: 4 });
    expect(await paginate(odd(), { limit: 2, offset: 10 })).toEqual({ rows: [], total: 4 });
  });

  it('counts over a join and a query without explicit columns', async () => {
    const joined = db('pages as a').join('pages as b', 'b.parity', 'a.parity').where('a.n', 1).orderBy('b.n').select('b.n');
    expect(await paginate(joined, { limit: 1, offset: 1 })).toEqual({ rows: [{ n: 3 }], total: 4 });
    expect((await paginate(db('pages').orderBy('n'), { limit: 50, offset: 0 })).total).toBe(7);
  });
});
