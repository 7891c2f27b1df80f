import type { Knex } from 'knex';
import { AppError } from './errors.js';

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

// ── Keyset (cursor) pagination ───────────────────────────────────────────────────────────────
// For lists over tables that grow without bound (notifications, applications, grants; events
// when they are listed): the next page starts after the last row's sort key, so a page costs the
// same however deep it is, and a row inserted meanwhile neither repeats nor hides another one
// (offset paging shifts under inserts). The cursor is opaque to clients: base64url of the JSON
// array of the last row's sort-key values. Timestamps travel as text at microsecond precision
// (PostgreSQL's), since a JS Date would round them to milliseconds and skip rows.

export interface SortColumn {
  /** The column as the query names it (`a.submitted_at`). */
  column: string;
  order: 'asc' | 'desc';
  type: 'timestamp' | 'uuid';
}

export interface CursorPage {
  limit: number;
  cursor?: string;
}

const CURSOR_POINTER = '/querystring/cursor';
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const KEY_ALIAS = (i: number) => `__sort_key_${i}`;

const NOT_OURS = 'is not a cursor this list issued (pass nextCursor from the previous page unchanged)';

/** The 400 naming `cursor` that every list answers for a cursor it did not issue. */
export const badCursor = (message = NOT_OURS) =>
  new AppError('VALIDATION_FAILED', `${CURSOR_POINTER}: ${message}`, { errors: [{ pointer: CURSOR_POINTER, message }] });

export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * The `count` string values an opaque cursor (encodeCursor) carries, each matching `valid[i]`;
 * badCursor() otherwise. Lists with sort keys of their own (the access log) check them this way.
 */
export function decodeCursorValues(cursor: string, valid: readonly RegExp[]): string[] {
  let values: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const fits = Array.isArray(values) && values.length === valid.length && values.every((v, i) => typeof v === 'string' && valid[i]!.test(v));
  if (!fits) throw badCursor();
  return values as string[];
}

/** The sort-key values a cursor carries, checked against the list's sort; a 400 naming `cursor` otherwise. */
export function decodeCursor(cursor: string, sort: readonly SortColumn[]): string[] {
  return decodeCursorValues(cursor, sort.map((s) => (s.type === 'uuid' ? UUID_TEXT : TIMESTAMP_TEXT)));
}

/** `(k0, k1, …) after (v0, v1, …)` in the sort's order, directions mixed as the sort says. */
function whereAfter(query: Knex.QueryBuilder, sort: readonly SortColumn[], values: string[]): void {
  const cast = (i: number) => (sort[i]!.type === 'uuid' ? '?::uuid' : '?::timestamptz');
  query.where((outer) => {
    sort.forEach((s, i) => {
      outer.orWhere((branch) => {
        for (let j = 0; j < i; j++) branch.whereRaw(`?? = ${cast(j)}`, [sort[j]!.column, values[j]!]);
        branch.whereRaw(`?? ${s.order === 'desc' ? '<' : '>'} ${cast(i)}`, [s.column, values[i]!]);
      });
    });
  });
}

/** The sort-key columns as text (timestamps in UTC at microseconds), selected beside the row. */
function sortKeyColumns(query: Knex.QueryBuilder, sort: readonly SortColumn[]) {
  const { client } = query as unknown as { client: { raw: Knex['raw'] } };
  return sort.map((s, i) => s.type === 'uuid'
    ? client.raw('??::text as ??', [s.column, KEY_ALIAS(i)])
    : client.raw(`to_char(?? at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ??`, [s.column, KEY_ALIAS(i)]));
}

/**
 * Fetches `limit` + 1 rows of `query` (filters and columns applied, no order) from `start`
 * (a cursor's values, or an offset for the legacy pages), in `sort`'s order; the extra row only
 * says whether there is a next page.
 */
async function sortedPage<Row>(query: Knex.QueryBuilder, sort: readonly SortColumn[], limit: number, start: { after?: string[]; offset?: number }) {
  const q = query.clone().select(sortKeyColumns(query, sort)).orderBy(sort.map((s) => ({ column: s.column, order: s.order }))).limit(limit + 1);
  if (start.after) whereAfter(q, sort, start.after);
  if (start.offset) q.offset(start.offset);
  const fetched = (await q) as Record<string, unknown>[];
  const more = fetched.length > limit;
  const page = fetched.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = more && last ? encodeCursor(sort.map((_, i) => String(last[KEY_ALIAS(i)]))) : null;
  const rows = page.map((row) => {
    const copy = { ...row };
    sort.forEach((_, i) => delete copy[KEY_ALIAS(i)]);
    return copy as Row;
  });
  return { rows, nextCursor };
}

/**
 * One page of a list that grows without bound. With `cursor`: the rows after it (keyset), with
 * no `total` — counting a table that size on every page is what keyset paging avoids. Without
 * (backwards compatibility): the page at `offset` and the `total`, as `paginate` gives. Both
 * give `nextCursor`, null on the last page. `query` carries its filters and columns (an explicit
 * select: the sort keys are added beside them) but no order: `sort` orders it, and must end in a
 * unique column so ties on the leading keys are broken.
 */
export async function keysetPaginate<Row>(
  query: Knex.QueryBuilder,
  page: CursorPage & { offset?: number },
  sort: readonly SortColumn[],
): Promise<{ rows: Row[]; nextCursor: string | null; total?: number }> {
  if (page.cursor !== undefined) {
    if (page.offset) throw badCursor('cannot be combined with offset: a cursor already says where the page starts');
    return sortedPage<Row>(query, sort, page.limit, { after: decodeCursor(page.cursor, sort) });
  }
  const [result, total] = await Promise.all([
    sortedPage<Row>(query, sort, page.limit, { offset: page.offset ?? 0 }),
    query.clone().clearSelect().clearOrder().count({ n: '*' }).first().then((r: { n?: number | string } | undefined) => Number(r?.n ?? 0)),
  ]);
  return { ...result, total };
}
