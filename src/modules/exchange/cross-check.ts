// 一数一源、多元校核: when a provider loads a copy of an item whose catalog entry names an
// authoritative source (`authoritativeSource: { resourceCode, itemKey }`), each loaded batch is
// compared with the source's hosted records of the same subjects in ONE statement (a join on the
// subject HMAC, which is the same in every resource): a differing value opens a discrepancy for
// the source's department (or counts another occurrence of the open one), an agreeing value
// resolves an open one ('agreed'). Nothing runs for a resource that names no source.
//
// Compared are the items held in the clear (`records.data`): below highly_sensitive on both sides.
// A highly_sensitive item is sealed per row, and opening every source row of every batch would cost
// the load its speed, so such items are not cross-checked on load; nor are provider-served sources
// (the hub holds no copy of them to compare with) — the reads of issue 10's field-level answers
// take those items from the source instead. Values are never stored in a discrepancy.
import type { Knex } from 'knex';
import type { DataItem } from '../catalog/resource-validation.js';
import type { RecordShape } from './record-validation.js';

export interface CrossCheckPair {
  item: string;
  sres: string;
  sitem: string;
  scode: string;
}

export interface CrossCheckPlan {
  resourceId: string;
  copyCode: string;
  pairs: CrossCheckPair[];
}

/** One loaded row as the cross-check needs it: subject HMAC (hex), masked id, the clear items. */
export interface CheckedRow {
  h: string;
  m: string;
  d: Record<string, unknown>;
}

const comparable = (item: DataItem | undefined) => item !== undefined && item.sensitivity !== 'highly_sensitive';

/** What a load of `target` is compared with; undefined (and no query) when no item names a source. */
export async function crossCheckPlan(db: Knex, target: { resourceId: string; providerCode: string; shape: RecordShape }): Promise<CrossCheckPlan | undefined> {
  const named = target.shape.dataItems.filter((i) => i.authoritativeSource !== undefined && comparable(i) && i.key !== target.shape.subjectKey);
  if (named.length === 0) return undefined;
  // A read-only look at the catalog's tables: the sources' published versions.
  const rows: { id: string; code: string; provider_code: string; delivery: { mode: string }; data_items: DataItem[] }[] = await db('resources as r')
    .join('resource_versions as v', (j) => j.on('v.resource_id', 'r.id').andOn('v.version', 'r.published_version'))
    .whereIn('r.code', [...new Set(named.map((i) => i.authoritativeSource!.resourceCode))])
    .where('r.status', 'published')
    .select('r.id', 'r.code', 'r.provider_code', 'v.delivery', 'v.data_items');
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const pairs: CrossCheckPair[] = [];
  for (const item of named) {
    const source = byCode.get(item.authoritativeSource!.resourceCode);
    if (!source || source.delivery.mode !== 'hosted' || source.id === target.resourceId) continue;
    const sourceItem = source.data_items.find((d) => d.key === item.authoritativeSource!.itemKey);
    if (!comparable(sourceItem)) continue;
    pairs.push({ item: item.key, sres: source.id, sitem: sourceItem!.key, scode: source.provider_code });
  }
  return pairs.length > 0 ? { resourceId: target.resourceId, copyCode: target.providerCode, pairs } : undefined;
}

// jsonb_exists is the function behind the `?` operator (which knex would take for a binding).
const CROSS_CHECK_SQL = `
with src as (
  select decode(i.h, 'hex') as subject_hash, i.m as masked, i.d as data from json_to_recordset(?::json) as i(h text, m text, d jsonb)
), pairs as (
  select * from json_to_recordset(?::json) as p(item text, sres uuid, sitem text, scode text)
), cmp as (
  select s.subject_hash, s.masked, p.item, p.sres, p.sitem, p.scode, (s.data -> p.item) <> (r.data -> p.sitem) as differs
  from src s cross join pairs p
  join records r on r.resource_id = p.sres and r.subject_hash = s.subject_hash
  where r.deleted_at is null and jsonb_exists(s.data, p.item) and jsonb_exists(r.data, p.sitem)
), opened as (
  insert into discrepancies as d (resource_id, item_key, copy_code, source_resource_id, source_item_key, source_code, subject_hash, subject_masked, detected_at, last_seen_at)
  select ?::uuid, c.item, ?, c.sres, c.sitem, c.scode, c.subject_hash, c.masked, ?::timestamptz, ?::timestamptz from cmp c where c.differs
  on conflict (resource_id, item_key, subject_hash) where status = 'open'
  do update set occurrences = d.occurrences + 1, last_seen_at = excluded.last_seen_at
  returning (xmax = 0) as inserted
), agreed as (
  update discrepancies d set status = 'resolved', resolution = 'agreed', resolved_at = ?::timestamptz
  from cmp c where not c.differs and d.resource_id = ?::uuid and d.item_key = c.item and d.subject_hash = c.subject_hash and d.status = 'open'
  returning d.id
)
select (select count(*) from opened where inserted)::int as opened, (select count(*) from opened where not inserted)::int as repeated,
  (select count(*) from agreed)::int as resolved`;

export type CrossCheckCounts = { opened: number; repeated: number; resolved: number };

/** Compares one written batch with the sources, in one statement of the load's transaction. */
export async function crossCheckBatch(db: Knex, plan: CrossCheckPlan, rows: readonly CheckedRow[], now: Date): Promise<CrossCheckCounts> {
  if (rows.length === 0) return { opened: 0, repeated: 0, resolved: 0 };
  const items = new Set(plan.pairs.map((p) => p.item));
  // Only the compared items travel to the statement.
  const batch = JSON.stringify(rows.map((r) => ({ h: r.h, m: r.m, d: Object.fromEntries(Object.entries(r.d).filter(([k]) => items.has(k))) })));
  const { rows: [counts] } = await db.raw(CROSS_CHECK_SQL, [batch, JSON.stringify(plan.pairs), plan.resourceId, plan.copyCode, now, now, now, plan.resourceId]) as {
    rows: CrossCheckCounts[];
  };
  return counts!;
}
