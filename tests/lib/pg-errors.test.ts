import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db.js';
import { translatePgError } from '../../src/lib/pg-errors.js';
import { createTestDatabase } from '../helpers/test-app.js';

// Errors that bad input can provoke in PostgreSQL itself, taken from a real server.
describe('PostgreSQL errors as domain errors', () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestDatabase(), { max: 1 });
  });
  afterAll(async () => db.destroy());

  const pgError = (sql: string, bindings: string[] = []) => db.raw(sql, bindings).then(() => undefined, (err: unknown) => err);

  it('makes a number out of range (22003) a 400, not a 500', async () => {
    for (const sql of ['select ?::int', 'select 1 offset ?::numeric']) {
      const err = await pgError(sql, ['99999999999999999999']);
      expect(err).toMatchObject({ code: '22003' });
      expect(translatePgError(err)).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, message: 'a number is out of range' });
    }
  });

  it("leaves errors that are not the client's for the generic 500", async () => {
    expect(translatePgError(await pgError('select * from no_such_table'))).toBeUndefined();
  });
});
