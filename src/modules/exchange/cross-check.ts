// 一数一源、多元校核: when a provider loads a copy of an item whose catalog entry names an
// authoritative source (`authoritativeSource: { resourceCode, itemKey }`), each loaded batch is
// compared with the source's hosted records of the same subjects: a differing value opens a
// discrepancy for the source's department (or counts another occurrence of the open one), an
// agreeing value resolves an open one ('agreed'). Nothing runs for a resource that names no source.
// Values are never stored in a discrepancy, never sent to a statement unless they are held in the
// clear anyway, never logged.
//
// - Items in the clear on both sides (`records.data`, below highly_sensitive) are compared in ONE
//   statement per batch: a join on the subject HMAC, which is the same in every resource.
// - Sealed items (highly_sensitive, SM4 per row, on either side) are compared by their decrypted
//   values in process: the batch's plain values are in memory while it loads, and the source's
//   rows of the batch's subjects are read with one query and unsealed (getRecords); only the
//   outcome (differs or not) goes to the statement. It costs one query and one unseal per
//   subject found in the source, only for resources that name a sealed item's source.
// - A provider-served source (delivery provider_api) is not checked on load: the hub holds no copy,
//   and asking the provider from inside the load's transaction would hold that transaction (and
//   the load) on another department's endpoint, its timeout and its breaker. The plan names such
//   items with the reason `provider_served_source` (the load's audit event lists them); reads of
//   the item are answered by the source itself where the consumer is granted it (authoritative-fields.ts).
//
// The other direction: a load of a source re-checks the open discrepancies of the subjects it
// loads (recheckDiscrepancies), resolving those whose copy now agrees and counting the others.
import type { Knex } from 'knex';
import { publishedVersions } from '../catalog/catalog-rows.js';
import type { DataItem } from '../catalog/resource-validation.js';
import { subjectHash, type RecordKeyring } from './record-keys.js';
import type { ExchangeRecord, RecordShape, RecordValue } from './record-validation.js';
import { getRecords } from './records-repository.js';
import { maskSubjectId } from './subject-id.js';

export interface CrossCheckPair {
  item: string;
  sres: string;
  sitem: string;
  scode: string;
}

/** A pair with a sealed item on either side: compared in process; the source's subject key reads its rows. */
export interface SealedCrossCheckPair extends CrossCheckPair {
  subjectKey: string;
}

export type NotCheckedReason = 'provider_served_source';

export interface CrossCheckPlan {
  resourceId: string;
  copyCode: string;
  /** Clear on both sides: compared in the statement. */
  pairs: CrossCheckPair[];
  /** Sealed on either side: compared in process after unsealing the source's rows. */
  sealedPairs: SealedCrossCheckPair[];
  /** Items naming a source that cannot be checked on load, and why. */
  notChecked: { itemKey: string; reason: NotCheckedReason }[];
}

/**
 * One loaded row as the cross-check needs it: subject HMAC (hex), masked id, the clear items; with
 * sealed pairs in the plan also the subject id and the plain record (in memory only).
 */
export interface CheckedRow {
  h: string;
  m: string;
  d: Record<string, unknown>;
  plain?: { subjectId: string; record: ExchangeRecord };
}

const sealed = (item: DataItem) => item.sensitivity === 'highly_sensitive';

/** What a load of `target` is compared with; undefined (and no query) when no item names a source. */
export async function crossCheckPlan(db: Knex, target: { resourceId: string; providerCode: string; shape: RecordShape }): Promise<CrossCheckPlan | undefined> {
  const named = target.shape.dataItems.filter((i) => i.authoritativeSource !== undefined && i.key !== target.shape.subjectKey);
  if (named.length === 0) return undefined;
  // A read-only look at the catalog's tables: the sources' published versions.
  const rows: { id: string; code: string; provider_code: string; delivery: { mode: string }; data_items: DataItem[]; subject_key: string | null }[] = await publishedVersions(db)
    .whereIn('r.code', [...new Set(named.map((i) => i.authoritativeSource!.resourceCode))])
    .where('r.status', 'published')
    .select('r.id', 'r.code', 'r.provider_code', 'v.delivery', 'v.data_items', 'v.subject_key');
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const plan: CrossCheckPlan = { resourceId: target.resourceId, copyCode: target.providerCode, pairs: [], sealedPairs: [], notChecked: [] };
  for (const item of named) {
    const source = byCode.get(item.authoritativeSource!.resourceCode);
    if (!source || source.id === target.resourceId || source.subject_key === null) continue;
    const sourceItem = source.data_items.find((d) => d.key === item.authoritativeSource!.itemKey);
    if (!sourceItem) continue;
    if (source.delivery.mode !== 'hosted') {
      plan.notChecked.push({ itemKey: item.key, reason: 'provider_served_source' });
      continue;
    }
    const pair = { item: item.key, sres: source.id, sitem: sourceItem.key, scode: source.provider_code };
    if (sealed(item) || sealed(sourceItem)) plan.sealedPairs.push({ ...pair, subjectKey: source.subject_key });
    else plan.pairs.push(pair);
  }
  return plan.pairs.length + plan.sealedPairs.length + plan.notChecked.length > 0 ? plan : undefined;
}

/** Whether a load under this plan must keep each row's plain values in memory for the sealed comparisons. */
export const needsPlainRows = (plan: CrossCheckPlan | undefined) => plan !== undefined && plan.sealedPairs.length > 0;

// jsonb_exists is the function behind the `?` operator (which knex would take for a binding).
const CLEAR_CMP = `
  with src as (
    select decode(i.h, 'hex') as subject_hash, i.m as masked, i.d as data from json_to_recordset(?::json) as i(h text, m text, d jsonb)
  ), pairs as (
    select * from json_to_recordset(?::json) as p(item text, sres uuid, sitem text, scode text)
  )
  select s.subject_hash, s.masked, p.item, p.sres, p.sitem, p.scode, (s.data -> p.item) <> (r.data -> p.sitem) as differs
  from src s cross join pairs p
  join records r on r.resource_id = p.sres and r.subject_hash = s.subject_hash
  where r.deleted_at is null and jsonb_exists(s.data, p.item) and jsonb_exists(r.data, p.sitem)`;

/** Comparisons made in process (sealed items): only their outcome reaches the statement. */
const GIVEN_CMP = `
  select decode(c.h, 'hex') as subject_hash, c.m as masked, c.item, c.sres, c.sitem, c.scode, c.differs
  from json_to_recordset(?::json) as c(h text, m text, item text, sres uuid, sitem text, scode text, differs boolean)`;

const applySql = (cmp: string) => `
with cmp as (${cmp}
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

const add = (a: CrossCheckCounts, b: CrossCheckCounts): CrossCheckCounts => ({ opened: a.opened + b.opened, repeated: a.repeated + b.repeated, resolved: a.resolved + b.resolved });

type GivenComparison = { h: string; m: string; item: string; sres: string; sitem: string; scode: string; differs: boolean };

/** The sealed pairs of a batch, compared on decrypted values: one read of each source's rows of the batch's subjects. */
async function compareSealed(db: Knex, keyring: RecordKeyring, pairs: readonly SealedCrossCheckPair[], rows: readonly CheckedRow[]): Promise<GivenComparison[]> {
  const withPlain = rows.filter((r) => r.plain !== undefined);
  if (withPlain.length !== rows.length) throw new Error('a cross-check of sealed items needs every row\'s plain values');
  const hashes = new Map(withPlain.map((r) => [r.plain!.subjectId, Buffer.from(r.h, 'hex')]));
  const out: GivenComparison[] = [];
  const bySource = new Map<string, SealedCrossCheckPair[]>();
  for (const p of pairs) bySource.set(p.sres, [...(bySource.get(p.sres) ?? []), p]);
  for (const [sres, sourcePairs] of bySource) {
    const source = await getRecords(db, keyring, sres, sourcePairs[0]!.subjectKey, [...hashes.keys()], hashes);
    for (const row of withPlain) {
      const held = source.get(row.plain!.subjectId);
      if (!held) continue;
      for (const p of sourcePairs) {
        const mine = row.plain!.record[p.item];
        const theirs = held.record[p.sitem];
        if (mine === undefined || theirs === undefined) continue;
        out.push({ h: row.h, m: row.m, item: p.item, sres: p.sres, sitem: p.sitem, scode: p.scode, differs: !sameValue(mine, theirs) });
      }
    }
  }
  return out;
}

/** Normalised values (record-validation.ts) are one spelling per value: equal means identical. */
const sameValue = (a: RecordValue, b: RecordValue) => a === b;

/** Compares one written batch with the sources, in the load's transaction: one statement for the clear items, one read and one statement for the sealed. */
export async function crossCheckBatch(db: Knex, keyring: RecordKeyring, plan: CrossCheckPlan, rows: readonly CheckedRow[], now: Date): Promise<CrossCheckCounts> {
  let counts: CrossCheckCounts = { opened: 0, repeated: 0, resolved: 0 };
  if (rows.length === 0) return counts;
  const tail = [plan.resourceId, plan.copyCode, now, now, now, plan.resourceId];
  if (plan.pairs.length > 0) {
    const items = new Set(plan.pairs.map((p) => p.item));
    // Only the compared (clear) items travel to the statement.
    const batch = JSON.stringify(rows.map((r) => ({ h: r.h, m: r.m, d: Object.fromEntries(Object.entries(r.d).filter(([k]) => items.has(k))) })));
    const { rows: [c] } = await db.raw(applySql(CLEAR_CMP), [batch, JSON.stringify(plan.pairs), ...tail]) as { rows: CrossCheckCounts[] };
    counts = add(counts, c!);
  }
  if (plan.sealedPairs.length > 0) {
    const given = await compareSealed(db, keyring, plan.sealedPairs, rows);
    if (given.length > 0) {
      const { rows: [c] } = await db.raw(applySql(GIVEN_CMP), [JSON.stringify(given), ...tail]) as { rows: CrossCheckCounts[] };
      counts = add(counts, c!);
    }
  }
  return counts;
}

/** One loaded row of a source resource, for the re-check of its open discrepancies. */
export interface LoadedSourceRow {
  subjectHash: Buffer;
  subjectId: string;
  record: ExchangeRecord;
}

/** Whether `resourceId` is the source of any open discrepancy: a load of it re-checks them only then (one indexed probe per load). */
export async function hasOpenDiscrepancies(db: Knex, sourceResourceId: string): Promise<boolean> {
  const row = await db('discrepancies').where({ source_resource_id: sourceResourceId, status: 'open' }).first(db.raw('1 as one'));
  return row !== undefined;
}

/**
 * A load of an authoritative source: the open discrepancies of the loaded subjects are compared
 * again, the copy's current value (unsealed if sealed) against the value just loaded. Agreeing
 * ones are resolved ('agreed'); the others stay open with one more occurrence and `last_seen_at`
 * now. A discrepancy whose copy record or value is gone, or whose source value is absent now,
 * is left as it is (the source department closes it with a note).
 */
export async function recheckDiscrepancies(db: Knex, keyring: RecordKeyring, sourceResourceId: string, rows: readonly LoadedSourceRow[], now: Date): Promise<{ resolved: number; repeated: number }> {
  if (rows.length === 0) return { resolved: 0, repeated: 0 };
  const byHash = new Map(rows.map((r) => [r.subjectHash.toString('hex'), r]));
  const open: { id: string; resource_id: string; item_key: string; source_item_key: string; h: string }[] = (await db.raw(
    `select id, resource_id, item_key, source_item_key, encode(subject_hash, 'hex') as h from discrepancies
     where source_resource_id = ?::uuid and status = 'open' and subject_hash = any(array(select decode(h, 'hex') from unnest(?::text[]) h))`,
    [sourceResourceId, [...byHash.keys()]],
  )).rows;
  if (open.length === 0) return { resolved: 0, repeated: 0 };
  // The copies' subject keys (a read-only look at the catalog), then one read of each copy's rows.
  const copyIds = [...new Set(open.map((d) => d.resource_id))];
  const keys: { id: string; subject_key: string | null }[] = await publishedVersions(db)
    .whereIn('r.id', copyIds).select('r.id', 'v.subject_key');
  const outcomes: { id: string; agree: boolean }[] = [];
  for (const { id: copyId, subject_key: subjectKey } of keys) {
    if (subjectKey === null) continue;
    const mine = open.filter((d) => d.resource_id === copyId);
    const subjects = new Map(mine.map((d) => [byHash.get(d.h)!.subjectId, byHash.get(d.h)!.subjectHash]));
    const copies = await getRecords(db, keyring, copyId, subjectKey, [...subjects.keys()], subjects);
    for (const d of mine) {
      const loaded = byHash.get(d.h)!;
      const copyValue = copies.get(loaded.subjectId)?.record[d.item_key];
      const sourceValue = loaded.record[d.source_item_key];
      if (copyValue === undefined || sourceValue === undefined) continue;
      outcomes.push({ id: d.id, agree: sameValue(copyValue, sourceValue) });
    }
  }
  if (outcomes.length === 0) return { resolved: 0, repeated: 0 };
  const { rows: [counts] } = await db.raw(
    `with c as (select * from json_to_recordset(?::json) as c(id uuid, agree boolean)),
     changed as (
       update discrepancies d set
         status = case when c.agree then 'resolved' else d.status end,
         resolution = case when c.agree then 'agreed' else d.resolution end,
         resolved_at = case when c.agree then ?::timestamptz else d.resolved_at end,
         occurrences = d.occurrences + case when c.agree then 0 else 1 end,
         last_seen_at = case when c.agree then d.last_seen_at else ?::timestamptz end
       from c where d.id = c.id and d.status = 'open'
       returning c.agree
     )
     select (count(*) filter (where agree))::int as resolved, (count(*) filter (where not agree))::int as repeated from changed`,
    [JSON.stringify(outcomes), now, now],
  ) as { rows: { resolved: number; repeated: number }[] };
  return counts!;
}

/**
 * One record written outside a bulk load (a provider's PUT, a correction after an objection):
 * cross-checked as a copy of its sources and, if the resource is a source of open discrepancies,
 * re-checked as a source. Returns the plan (its `notChecked` goes on the write's audit event).
 */
export async function checkWrittenRecord(db: Knex, keyring: RecordKeyring, target: { resourceId: string; providerCode: string; shape: RecordShape },
  subjectId: string, record: ExchangeRecord, now: Date): Promise<CrossCheckPlan | undefined> {
  const plan = await crossCheckPlan(db, target);
  const hash = subjectHash(keyring.current, subjectId);
  if (plan) await crossCheckBatch(db, keyring, plan, [{ h: hash.toString('hex'), m: maskSubjectId(subjectId), d: record, plain: { subjectId, record } }], now);
  if (await hasOpenDiscrepancies(db, target.resourceId)) await recheckDiscrepancies(db, keyring, target.resourceId, [{ subjectHash: hash, subjectId, record }], now);
  return plan;
}
