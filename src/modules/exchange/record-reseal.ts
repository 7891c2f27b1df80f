// Re-sealing hosted records after a rotation of SHAREHUB_SECRET_KEY (README.md, "Key rotation"):
// every row of records and record_history still under a previous key is opened with that key and
// written again under the current one — new subject HMAC (re-index), new SM4 seal, new content
// hash — in batches, each its own transaction, so it can run while the hub serves (reads try every
// configured key until it is done) and be interrupted and started again.
import type { Knex } from 'knex';
import type { HubKeys } from '../../lib/crypto.js';
import { recordKeyring, type RecordKeyring } from './record-keys.js';
import { openSealed, sealParts, type StoredRow } from './record-sealing.js';
import type { RecordValue } from './record-validation.js';

export const DEFAULT_RESEAL_BATCH = 1_000;

export type ResealResult = {
  /** Rows of `records` moved to the current key. */
  records: number;
  /** Rows under an old key for a subject that was loaded again under the new key during the rotation: moved to history. */
  superseded: number;
  /** Rows of `record_history` moved to the current key. */
  history: number;
};

type OldRow = StoredRow & {
  subject_masked: string; resource_version: number; loaded_by: string; loaded_at: Date; updated_at: Date; deleted_at: Date | null;
};

function reseal(keyring: RecordKeyring, row: StoredRow & { resource_version: number }) {
  const { subjectId, sealedValues } = openSealed(keyring, row);
  return sealParts(keyring.current, row.resource_id, row.resource_version, subjectId, row.data, sealedValues as Record<string, RecordValue>);
}

/** Where the walk through the primary key stands (keyset pagination: no index on key_id to keep up on every load). */
type Cursor = { resourceId: string; subjectHash: Buffer } | null;

async function resealRecordBatch(trx: Knex, keyring: RecordKeyring, batchSize: number, after: Cursor): Promise<{ moved: number; superseded: number; next: Cursor }> {
  const { rows } = await trx.raw(
    `select resource_id, subject_hash, key_id, subject_masked, data, sealed, resource_version, loaded_by, loaded_at, updated_at, deleted_at
     from records where key_id <> ? and (?::uuid is null or (resource_id, subject_hash) > (?::uuid, ?::bytea))
     order by resource_id, subject_hash limit ? for update`,
    [keyring.current.id, after?.resourceId ?? null, after?.resourceId ?? null, after?.subjectHash ?? null, batchSize],
  ) as { rows: OldRow[] };
  if (rows.length === 0) return { moved: 0, superseded: 0, next: null };
  const last = rows.at(-1)!;
  const next = rows.map((row) => ({ row, sealed: reseal(keyring, row) }));

  // A subject loaded again since the rotation has a row under the current key already: that row
  // is newer, so the old one ends as history ("replaced" by the newer load) rather than overwriting it.
  const { rows: newer } = await trx.raw(
    `select r.resource_id, encode(r.subject_hash, 'hex') as h, r.loaded_by, r.loaded_at
     from records r join unnest(?::uuid[], ?::text[]) as n(resource_id, h) on r.resource_id = n.resource_id and r.subject_hash = decode(n.h, 'hex')`,
    [next.map((n) => n.row.resource_id), next.map((n) => n.sealed.subjectHash.toString('hex'))],
  ) as { rows: { resource_id: string; h: string; loaded_by: string; loaded_at: Date }[] };
  const newerBy = new Map(newer.map((n) => [`${n.resource_id}:${n.h}`, n]));
  const superseded = next.filter((n) => newerBy.has(`${n.row.resource_id}:${n.sealed.subjectHash.toString('hex')}`));
  const moved = next.filter((n) => !superseded.includes(n));

  for (const { row, sealed } of superseded) {
    const by = newerBy.get(`${row.resource_id}:${sealed.subjectHash.toString('hex')}`)!;
    // A tombstoned row's values went to history when it was deleted.
    if (row.deleted_at === null) {
      await trx('record_history').insert({
        resource_id: row.resource_id, subject_hash: sealed.subjectHash, key_id: sealed.keyId, subject_masked: row.subject_masked,
        data: JSON.stringify(sealed.data), sealed: sealed.sealed, resource_version: row.resource_version, loaded_by: row.loaded_by,
        loaded_at: row.loaded_at, change: 'replaced', changed_by: by.loaded_by, changed_at: by.loaded_at,
      });
    }
    await trx('records').where({ resource_id: row.resource_id, subject_hash: row.subject_hash }).delete();
  }
  if (moved.length > 0) {
    await trx.raw(
      `update records r set subject_hash = decode(u.nh, 'hex'), key_id = u.key_id, sealed = u.sealed, content_hash = decode(u.ch, 'hex')
       from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) as u(resource_id, oh, nh, key_id, sealed, ch)
       where r.resource_id = u.resource_id and r.subject_hash = decode(u.oh, 'hex')`,
      [
        moved.map((m) => m.row.resource_id), moved.map((m) => m.row.subject_hash.toString('hex')),
        moved.map((m) => m.sealed.subjectHash.toString('hex')), moved.map((m) => m.sealed.keyId),
        moved.map((m) => m.sealed.sealed), moved.map((m) => m.sealed.contentHash.toString('hex')),
      ],
    );
  }
  return { moved: moved.length, superseded: superseded.length, next: { resourceId: last.resource_id, subjectHash: last.subject_hash } };
}

async function resealHistoryBatch(trx: Knex, keyring: RecordKeyring, batchSize: number, afterId: number): Promise<{ n: number; lastId: number }> {
  const { rows } = await trx.raw(
    `select id, resource_id, subject_hash, key_id, data, sealed, resource_version from record_history
     where id > ? and key_id <> ? order by id limit ? for update`,
    [afterId, keyring.current.id, batchSize],
  ) as { rows: (StoredRow & { id: number; resource_version: number })[] };
  if (rows.length === 0) return { n: 0, lastId: afterId };
  const next = rows.map((row) => ({ id: row.id, sealed: reseal(keyring, row) }));
  // The append-only trigger lets exactly these key-bound columns change.
  await trx.raw(
    `update record_history h set subject_hash = decode(u.h, 'hex'), key_id = u.key_id, sealed = u.sealed
     from unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) as u(id, h, key_id, sealed) where h.id = u.id`,
    [next.map((n) => n.id), next.map((n) => n.sealed.subjectHash.toString('hex')), next.map((n) => n.sealed.keyId), next.map((n) => n.sealed.sealed)],
  );
  return { n: rows.length, lastId: rows.at(-1)!.id };
}

/**
 * Moves every hosted record and history row to the current key. Rows under a key that is neither
 * current nor previous stop the run with an error naming the key id (nothing of that batch is
 * changed): configure the missing key in SHAREHUB_PREVIOUS_SECRET_KEYS and run again.
 */
export async function resealRecords(
  db: Knex,
  keys: HubKeys,
  previousKeys: readonly HubKeys[],
  opts: { batchSize?: number; onProgress?: (done: ResealResult) => void } = {},
): Promise<ResealResult> {
  const keyring = recordKeyring(keys, previousKeys);
  const batchSize = opts.batchSize ?? DEFAULT_RESEAL_BATCH;
  const done: ResealResult = { records: 0, superseded: 0, history: 0 };
  let cursor: Cursor = null;
  for (;;) {
    const n = await db.transaction((trx) => resealRecordBatch(trx, keyring, batchSize, cursor));
    if (n.next === null) break;
    cursor = n.next;
    done.records += n.moved;
    done.superseded += n.superseded;
    opts.onProgress?.(done);
  }
  let lastId = 0;
  for (;;) {
    const n = await db.transaction((trx) => resealHistoryBatch(trx, keyring, batchSize, lastId));
    if (n.n === 0) break;
    lastId = n.lastId;
    done.history += n.n;
    opts.onProgress?.(done);
  }
  return done;
}
