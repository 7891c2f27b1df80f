// Storage of hosted records (tables records, record_history). Functions take a knex instance or
// transaction first and plain values; access rules (which system may load which resource, grants)
// are the caller's. Subject ids are plain only in memory: the tables hold their HMAC, a masked
// form and an SM4-sealed copy (record-sealing.ts).
import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { preparedQuery } from '../../db.js';
import type { RecordShape, ExchangeRecord } from './record-validation.js';
import { subjectHash, subjectHashes, type RecordKeyring } from './record-keys.js';
import { openRecord, sealRecord, sealingShape, type LookedUp, type SealedRecord, type StoredRow } from './record-sealing.js';

/** Who writes and when: the loading system and the caller's clock. */
export type RecordWriter = { systemId: string; now: Date };

/** The resource version records are validated against and stored for. */
export type RecordTarget = { resourceId: string; resourceVersion: number; shape: RecordShape };

export type StoredRecord = {
  subjectId: string;
  subjectMasked: string;
  /** The normalised record, subject id included. */
  record: ExchangeRecord;
  resourceVersion: number;
  loadedBy: string;
  loadedAt: Date;
  updatedAt: Date;
};

export type HistoryEntry = {
  subjectMasked: string;
  record: ExchangeRecord;
  resourceVersion: number;
  loadedBy: string;
  loadedAt: Date;
  change: 'replaced' | 'deleted';
  changedBy: string;
  changedAt: Date;
};

export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged';
export type BatchCounts = { inserted: number; updated: number; unchanged: number };

export function subjectKeyOf(shape: RecordShape): string {
  if (shape.subjectType === 'none' || shape.subjectKey === null) {
    // Hosted records are found by subject id; checkResource() gives every hosted person or
    // legal-entity resource a subject key, so reaching this is a bug of the caller.
    throw new Error('hosted records need a resource with a subject type and a subject key');
  }
  return shape.subjectKey;
}

/** Seals validated records for one resource version under the current key. */
export function sealerFor(keyring: RecordKeyring, target: RecordTarget): (subjectId: string, record: ExchangeRecord) => SealedRecord {
  const shape = sealingShape(target.shape.dataItems, subjectKeyOf(target.shape));
  return (subjectId, record) => sealRecord(keyring.current, shape, target.resourceId, target.resourceVersion, subjectId, record);
}

const hashParam = (hashes: readonly Buffer[]) => hashes.map((h) => h.toString('hex'));

const RECORD_COLUMNS = 'resource_id, subject_hash, key_id, subject_masked, data, sealed, resource_version, loaded_by, loaded_at';

// One statement per batch (the rows arrive as one JSON array): the previous values of replaced rows go to history, new rows are
// inserted, changed ones replaced, equal ones left alone (no history, no write). `old` is one
// index scan of the primary key (`= any(array)`: a join would let the planner scan the whole
// resource once the table is large, every batch). It is joined into the insert so it is read — and its rows locked, in subject-hash order — before the insert
// changes them; a tombstoned row brought back adds no history (its values went there when it
// was deleted).
const WRITE_BATCH_SQL = `
with src as (
  select decode(i.h, 'hex') as subject_hash, i.k as key_id, i.m as masked, i.d as data, i.s as sealed, decode(i.c, 'hex') as content_hash
  from json_to_recordset(?::json) as i(h text, k text, m text, d jsonb, s text, c text)
), old as (
  select r.* from records r
  where r.resource_id = ?::uuid and r.subject_hash = any(array(select subject_hash from src))
  order by r.subject_hash for update
), up as (
  insert into records as r (${RECORD_COLUMNS}, content_hash, updated_at, deleted_at)
  select ?::uuid, s.subject_hash, s.key_id, s.masked, s.data, s.sealed, ?::int, ?::uuid, ?::timestamptz, s.content_hash, ?::timestamptz, null
  from src s left join old o on o.subject_hash = s.subject_hash
  on conflict (resource_id, subject_hash) do update set
    key_id = excluded.key_id, subject_masked = excluded.subject_masked, data = excluded.data, sealed = excluded.sealed,
    content_hash = excluded.content_hash, resource_version = excluded.resource_version, loaded_by = excluded.loaded_by,
    loaded_at = excluded.loaded_at, updated_at = excluded.updated_at, deleted_at = null
  where r.deleted_at is not null or r.content_hash <> excluded.content_hash or r.key_id <> excluded.key_id
  returning r.subject_hash, (r.xmax = 0) as inserted
), hist as (
  insert into record_history (${RECORD_COLUMNS}, change, changed_by, changed_at)
  select o.resource_id, o.subject_hash, o.key_id, o.subject_masked, o.data, o.sealed, o.resource_version, o.loaded_by, o.loaded_at,
    'replaced', ?::uuid, ?::timestamptz
  from old o join up u on u.subject_hash = o.subject_hash
  where not u.inserted and o.deleted_at is null
)
select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from up`;

/**
 * Writes sealed records of one resource in one statement. Each subject at most once per call
 * (one statement cannot change a row twice; the bulk loader splits batches at a repeated subject).
 */
export async function writeRecordBatch(
  db: Knex,
  target: Pick<RecordTarget, 'resourceId' | 'resourceVersion'>,
  writer: RecordWriter,
  rows: readonly SealedRecord[],
): Promise<BatchCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  // Locks in one order across concurrent writers: no deadlock between two loads of one resource.
  const sorted = [...rows].sort((a, b) => Buffer.compare(a.subjectHash, b.subjectHash));
  // One JSON document per batch: JSON.stringify is native, where pg's array literals escape every
  // element in JavaScript (a tenth of the loader's time in a profile).
  const batch = JSON.stringify(sorted.map((r) => ({
    h: r.subjectHash.toString('hex'), k: r.keyId, m: r.subjectMasked, d: r.data, s: r.sealed, c: r.contentHash.toString('hex'),
  })));
  const { rows: [counts] } = await db.raw(WRITE_BATCH_SQL, [
    batch,
    target.resourceId,
    target.resourceId, target.resourceVersion, writer.systemId, writer.now,
    writer.now,
    writer.systemId, writer.now,
  ]) as { rows: { inserted: number; updated: number }[] };
  const { inserted, updated } = counts!;
  return { inserted, updated, unchanged: rows.length - inserted - updated };
}

/** Loads one validated record (PUT …/records/{subjectId}); the previous values go to history. */
export async function upsertRecord(
  db: Knex,
  keyring: RecordKeyring,
  target: RecordTarget,
  writer: RecordWriter,
  subjectId: string,
  record: ExchangeRecord,
): Promise<UpsertOutcome> {
  const counts = await writeRecordBatch(db, target, writer, [sealerFor(keyring, target)(subjectId, record)]);
  return counts.inserted ? 'inserted' : counts.updated ? 'updated' : 'unchanged';
}

/**
 * Tombstones a record (DELETE …/records/{subjectId}): consumers no longer find it; its last values
 * go to history with who deleted it and when. False when there was no live record.
 */
export async function tombstoneRecord(db: Knex, keyring: RecordKeyring, resourceId: string, writer: RecordWriter, subjectId: string): Promise<boolean> {
  const { rows: [row] } = await db.raw(`
    with old as (
      select * from records
      where resource_id = ?::uuid and subject_hash = any(array(select decode(h, 'hex') from unnest(?::text[]) h)) and deleted_at is null
      for update
    ), hist as (
      insert into record_history (${RECORD_COLUMNS}, change, changed_by, changed_at)
      select ${RECORD_COLUMNS}, 'deleted', ?::uuid, ?::timestamptz from old
    ), gone as (
      update records r set deleted_at = ?::timestamptz, updated_at = ?::timestamptz
      from old o where r.resource_id = o.resource_id and r.subject_hash = o.subject_hash
      returning 1
    )
    select count(*)::int as n from gone`,
  [resourceId, hashParam(subjectHashes(keyring, subjectId)), writer.systemId, writer.now, writer.now, writer.now]) as { rows: { n: number }[] };
  return row!.n > 0;
}

type RecordRow = StoredRow & { subject_masked: string; resource_version: number; loaded_by: string; loaded_at: Date; updated_at: Date };

const READ_COLUMNS = 'resource_id, subject_hash, key_id, subject_masked, data, sealed, resource_version, loaded_by, loaded_at, updated_at';

const LIVE_ROWS_SQL = `select ${READ_COLUMNS} from records
  where resource_id = ?::uuid and subject_hash = any(array(select decode(h, 'hex') from unnest(?::text[]) h)) and deleted_at is null`;

function toStored(keyring: RecordKeyring, subjectKey: string, row: RecordRow, lookedUp?: LookedUp): StoredRecord {
  const { subjectId, record } = openRecord(keyring, subjectKey, row, lookedUp);
  return {
    subjectId,
    subjectMasked: row.subject_masked,
    record,
    resourceVersion: row.resource_version,
    loadedBy: row.loaded_by,
    loadedAt: row.loaded_at,
    updatedAt: row.updated_at,
  };
}

/** The subject's hash under every configured key, current first, each with its key id; `current` when the caller has it already. */
function lookups(keyring: RecordKeyring, subjectId: string, current?: Buffer): { hash: Buffer; keyId: string }[] {
  return [
    { hash: current ?? subjectHash(keyring.current, subjectId), keyId: keyring.current.id },
    ...keyring.previous.map((k) => ({ hash: subjectHash(k, subjectId), keyId: k.id })),
  ];
}

/**
 * The live record of a subject (the hot path): one primary-key lookup — one hash, or during a key
 * rotation one hash per configured key — skipping tombstones; unsealed. `currentHash`: the
 * subject's hash under the current key when the caller computed it already (the audit event needs
 * it too), so it is computed once per read.
 *
 * Outside a transaction, the lookups of one resource asked for in the same event-loop turn (the
 * reads of concurrent requests) share one statement (`= any(…)`, the batch-get query): a read
 * waits at most until the end of the turn, and PostgreSQL gets one query instead of one per
 * request. Each read still gets its own answer — a row failing its integrity check fails only
 * the read that asked for it. Inside a transaction the lookup is its own statement, on that
 * transaction's connection.
 */
export async function getRecord(db: Knex, keyring: RecordKeyring, resourceId: string, subjectKey: string, subjectId: string, currentHash?: Buffer): Promise<StoredRecord | undefined> {
  if (db.isTransaction) return getRecordAlone(db, keyring, resourceId, subjectKey, subjectId, currentHash);
  return recordLoader(db, keyring, resourceId, subjectKey).load({ subjectId, currentHash });
}

async function getRecordAlone(db: Knex, keyring: RecordKeyring, resourceId: string, subjectKey: string, subjectId: string, currentHash?: Buffer): Promise<StoredRecord | undefined> {
  const live = await liveRows(db, keyring, resourceId, [subjectId], currentHash && new Map([[subjectId, currentHash]]));
  const hit = live.get(subjectId);
  return hit && toStored(keyring, subjectKey, hit.row, hit.lookedUp);
}

type Lookup = { subjectId: string; currentHash: Buffer | undefined };

/** Lookups per batch: the batch-get limit, so a coalesced statement is never larger than one batch-get's. */
const MAX_COALESCED_LOOKUPS = 1_000;

// One loader per (pool, keyring, resource, subject key); pools and keyrings are the app's, so the
// loaders go with them. `cache: false`: a loader only batches, it never answers from memory.
const loaders = new WeakMap<Knex, WeakMap<RecordKeyring, Map<string, DataLoader<Lookup, StoredRecord | undefined>>>>();

function recordLoader(db: Knex, keyring: RecordKeyring, resourceId: string, subjectKey: string): DataLoader<Lookup, StoredRecord | undefined> {
  let byKeyring = loaders.get(db);
  if (byKeyring === undefined) loaders.set(db, byKeyring = new WeakMap());
  let byResource = byKeyring.get(keyring);
  if (byResource === undefined) byKeyring.set(keyring, byResource = new Map());
  const name = `${resourceId}\u0000${subjectKey}`;
  let loader = byResource.get(name);
  if (loader === undefined) {
    loader = new DataLoader<Lookup, StoredRecord | undefined>(async (batch) => {
      const currentHashes = new Map<string, Buffer>();
      for (const l of batch) if (l.currentHash !== undefined) currentHashes.set(l.subjectId, l.currentHash);
      const live = await liveRows(db, keyring, resourceId, batch.map((l) => l.subjectId), currentHashes);
      return batch.map((l) => {
        const hit = live.get(l.subjectId);
        if (hit === undefined) return undefined;
        try {
          return toStored(keyring, subjectKey, hit.row, hit.lookedUp);
        } catch (err) {
          return err as Error;
        }
      });
    }, { cache: false, maxBatchSize: MAX_COALESCED_LOOKUPS, batchScheduleFn: (run) => setImmediate(run) });
    byResource.set(name, loader);
  }
  return loader;
}

/**
 * The live row of each subject that has one, in one query, with how it was looked up (the
 * current key's row preferred during a rotation). Ids are expected normalised.
 */
async function liveRows(
  db: Knex,
  keyring: RecordKeyring,
  resourceId: string,
  subjectIds: readonly string[],
  currentHashes?: ReadonlyMap<string, Buffer>,
): Promise<Map<string, { row: RecordRow; lookedUp: LookedUp }>> {
  const live = new Map<string, { row: RecordRow; lookedUp: LookedUp }>();
  if (subjectIds.length === 0) return live;
  const byHash = new Map<string, LookedUp>();
  const hashes: string[] = [];
  for (const id of subjectIds) {
    const keys = lookups(keyring, id, currentHashes?.get(id));
    if (byHash.has(keys[0]!.hash.toString('latin1'))) continue; // a subject named twice is looked up once
    for (const { hash, keyId } of keys) {
      byHash.set(hash.toString('latin1'), { subjectId: id, keyId });
      hashes.push(hash.toString('hex'));
    }
  }
  // The hashes travel as hex text: `= any(?::bytea[])` plans the same primary-key index scan
  // (EXPLAIN ANALYZE, 1,000 hashes: equal plans, execution within noise) but pg escapes a bytea
  // array in JavaScript, ~3 µs more CPU per id than toString('hex') (measured).
  // The hot path's one query: a named statement (db.ts).
  const rows = await preparedQuery<RecordRow>(db, 'records-live-rows', LIVE_ROWS_SQL, [resourceId, hashes]);
  for (const row of rows) {
    const lookedUp = byHash.get(row.subject_hash.toString('latin1'))!;
    const seen = live.get(lookedUp.subjectId);
    // During a rotation a subject may have a row under the current key and a stale one: the current one wins.
    if (seen === undefined || (seen.row.key_id !== keyring.current.id && row.key_id === keyring.current.id)) live.set(lookedUp.subjectId, { row, lookedUp });
  }
  return live;
}

/**
 * Live records of many subjects of one resource in one query (batch-get): a map from subject id
 * to its record; a subject without a live record is absent. Ids are expected normalised;
 * `currentHashes` (id → hash under the current key), when given, spares hashing them again.
 */
export async function getRecords(
  db: Knex,
  keyring: RecordKeyring,
  resourceId: string,
  subjectKey: string,
  subjectIds: readonly string[],
  currentHashes?: ReadonlyMap<string, Buffer>,
): Promise<Map<string, StoredRecord>> {
  const found = new Map<string, StoredRecord>();
  for (const [id, { row, lookedUp }] of await liveRows(db, keyring, resourceId, subjectIds, currentHashes)) {
    found.set(id, toStored(keyring, subjectKey, row, lookedUp));
  }
  return found;
}

type HistoryRow = StoredRow & {
  subject_masked: string; resource_version: number; loaded_by: string; loaded_at: Date;
  change: 'replaced' | 'deleted'; changed_by: string; changed_at: Date;
};

/** Previous values of a subject's record, newest first (who loaded what, when, and what ended it). */
export async function getRecordHistory(
  db: Knex,
  keyring: RecordKeyring,
  resourceId: string,
  subjectKey: string,
  subjectId: string,
  opts: { limit?: number } = {},
): Promise<HistoryEntry[]> {
  const { rows } = await db.raw(
    `select resource_id, subject_hash, key_id, subject_masked, data, sealed, resource_version, loaded_by, loaded_at, change, changed_by, changed_at
     from record_history
     where resource_id = ?::uuid and subject_hash = any(array(select decode(h, 'hex') from unnest(?::text[]) h))
     order by id desc limit ?`,
    [resourceId, hashParam(subjectHashes(keyring, subjectId)), opts.limit ?? 100],
  ) as { rows: HistoryRow[] };
  return rows.map((row) => ({
    subjectMasked: row.subject_masked,
    record: openRecord(keyring, subjectKey, row).record,
    resourceVersion: row.resource_version,
    loadedBy: row.loaded_by,
    loadedAt: row.loaded_at,
    change: row.change,
    changedBy: row.changed_by,
    changedAt: row.changed_at,
  }));
}

/**
 * The live record whose row has this subject HMAC (a 纠错 objection names its subject only by
 * hash): one primary-key lookup, unsealed; the subject id comes from the sealed part.
 */
export async function getRecordByHash(db: Knex, keyring: RecordKeyring, resourceId: string, subjectKey: string, hash: Buffer): Promise<StoredRecord | undefined> {
  const { rows } = await db.raw(`select ${READ_COLUMNS} from records where resource_id = ? and subject_hash = ? and deleted_at is null`, [resourceId, hash]) as { rows: RecordRow[] };
  return rows[0] && toStored(keyring, subjectKey, rows[0]);
}
