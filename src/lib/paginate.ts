import type { Knex } from 'knex';

export interface Page {
  limit: number;
  offset: number;
}

/**
 * One page of `query` (filters, columns and order already applied) and the number of rows it
 * pages through, read side by side. The count drops the columns and the order it has no use for.
 */
export async function paginate<Row>(query: Knex.QueryBuilder, page: Page): Promise<{ rows: Row[]; total: number }> {
  const [rows, total] = await Promise.all([
    query.clone().limit(page.limit).offset(page.offset),
    query.clone().clearSelect().clearOrder().count({ n: '*' }).first().then((r: { n?: number | string } | undefined) => Number(r?.n ?? 0)),
  ]);
  return { rows: rows as Row[], total };
}
