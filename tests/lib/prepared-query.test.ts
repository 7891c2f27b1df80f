import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, preparedQuery, type Db } from '../../src/db.js';
import { createTestDatabase } from '../helpers/test-app.js';

// The data path's two hot statements run as named statements on a pooled connection (db.ts).
describe('preparedQuery', () => {
  let db: Db;
  beforeAll(async () => {
    // One connection: the statement prepared by one call is the one the next call and the check see.
    db = createDb(await createTestDatabase(), { max: 1 });
    await db.schema.createTable('things', (t) => {
      t.integer('n').primary();
      t.string('name').notNullable();
    });
    await db('things').insert([{ n: 1, name: 'one' }, { n: 2, name: 'two' }, { n: 3, name: 'three' }]);
  });
  afterAll(async () => db.destroy());

  const SQL = 'select n, name from things where n = any(?::int[]) and name <> ? order by n';

  it('binds ? placeholders in order, prepares the statement under its name, and announces it as knex does', async () => {
    const announced: { sql: string; bindings: unknown[] }[] = [];
    const listen = (q: { sql: string; bindings: unknown[] }) => announced.push(q);
    db.on('query', listen);
    try {
      expect(await preparedQuery(db, 'things-by-n', SQL, [[1, 2, 3], 'two'])).toEqual([{ n: 1, name: 'one' }, { n: 3, name: 'three' }]);
      expect(await preparedQuery(db, 'things-by-n', SQL, [[2], 'x'])).toEqual([{ n: 2, name: 'two' }]);
    } finally {
      db.off('query', listen);
    }
    expect(announced.map((q) => q.sql)).toEqual(Array(2).fill('select n, name from things where n = any($1::int[]) and name <> $2 order by n'));
    const { rows } = await db.raw(`select count(*)::int as n from pg_prepared_statements where name = 'things-by-n'`) as { rows: { n: number }[] };
    expect(rows[0]!.n).toBe(1);
  });

  it('runs inside a transaction on that transaction', async () => {
    await db.transaction(async (trx) => {
      await trx('things').insert({ n: 4, name: 'four' });
      expect(await preparedQuery(trx, 'things-by-n', SQL, [[4], 'x'])).toEqual([{ n: 4, name: 'four' }]);
      await trx.rollback();
    }).catch(() => undefined);
    expect(await preparedQuery(db, 'things-by-n', SQL, [[4], 'x'])).toEqual([]);
  });

  it('refuses a name already given to other SQL, rather than running the first statement', async () => {
    await expect(preparedQuery(db, 'things-by-n', 'select 1 as n where ? = ?', [1, 1])).rejects.toThrow(/already another statement/);
  });
});
