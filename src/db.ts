import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from '../migrations/index.js';

// Return timestamps as Date and bigint counts as numbers (counts here never exceed 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Db = Knex;

export function createDb(url: string, pool: { min?: number; max?: number } = {}): Db {
  return knexFactory({
    client: 'pg',
    connection: url,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

/** Named statements: the SQL each name was first given, and its text with `$n` placeholders. */
const statements = new Map<string, { sql: string; text: string }>();

/**
 * A named statement run on a pooled connection directly, for the two statements every data query
 * runs (the record lookup and the access-event insert): knex's raw() rebuilds the SQL from its
 * `?` placeholders and wraps each call in a runner, about 6 % of the query path's CPU (measured).
 * Named, PostgreSQL parses and plans it once per connection. `sql` is written as for raw() (`?`
 * placeholders, none inside literals); inside a transaction it runs through raw() on it. Knex's
 * `query` event still announces it. A name stands for one statement: given other SQL, it throws.
 */
export async function preparedQuery<Row>(db: Db, name: string, sql: string, values: unknown[]): Promise<Row[]> {
  if (db.isTransaction) return (await db.raw(sql, values as Knex.RawBinding[]) as { rows: Row[] }).rows;
  let statement = statements.get(name);
  if (statement === undefined) {
    let n = 0;
    statements.set(name, (statement = { sql, text: sql.replace(/\?/g, () => `$${++n}`) }));
  } else if (statement.sql !== sql) {
    throw new Error(`prepared statement ${name} is already another statement`);
  }
  const text = statement.text;
  const client = db.client as unknown as {
    emit(event: 'query', query: object): boolean;
    acquireConnection(): Promise<pg.PoolClient>;
    releaseConnection(connection: pg.PoolClient): Promise<void>;
  };
  // Seen like any other statement by whoever follows knex's query event (logging, tests).
  client.emit('query', { method: 'raw', sql: text, bindings: values, options: { name } });
  const connection = await client.acquireConnection();
  try {
    return (await connection.query<Row & pg.QueryResultRow>({ name, text, values })).rows;
  } finally {
    await client.releaseConnection(connection);
  }
}
