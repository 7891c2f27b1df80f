// The at-rest form of a hosted record (README.md, "Hosted records at rest"): what is stored in
// the clear, what is sealed with SM4, and the keyed hashes that find and compare records without
// the plain subject id. Pure: no database.
import { createHash, createHmac } from 'node:crypto';
import { sealFast, unsealFast } from './record-cipher.js';
import type { DataItem } from '../catalog/resource-validation.js';
import { keyById, subjectHash, type RecordKey, type RecordKeyring } from './record-keys.js';
import type { ExchangeRecord, RecordValue } from './record-validation.js';
import { maskSubjectId } from './subject-id.js';

/** What decides the split of a record: the sensitivity of each item, and which item is the subject id. */
export type SealingShape = {
  /** Keys of the data items of the highest sensitivity (highly_sensitive): always sealed. */
  sealedKeys: ReadonlySet<string>;
  /** The subject key item: never stored in the clear, whatever its sensitivity. */
  subjectKey: string;
};

export function sealingShape(dataItems: readonly Pick<DataItem, 'key' | 'sensitivity'>[], subjectKey: string): SealingShape {
  return {
    sealedKeys: new Set(dataItems.filter((i) => i.sensitivity === 'highly_sensitive').map((i) => i.key)),
    subjectKey,
  };
}

/** A record as its row holds it (the columns that depend on the key). */
export type SealedRecord = {
  subjectHash: Buffer;
  keyId: string;
  subjectMasked: string;
  data: Record<string, RecordValue>;
  sealed: string;
  contentHash: Buffer;
};

/** The sealed part: resource and subject bind the value to its row, so a sealed value copied to another row is refused. */
type SealedPayload = { r: string; s: string; v: Record<string, RecordValue> };

/**
 * A keyed hash of the whole normalised record (subject id and items, keys sorted) and the version
 * it was validated against: equal content gives an equal hash whatever the order of the loaded
 * JSON, so a reload of the same values is "unchanged". Keyed, because the content includes sealed
 * values. `values` are the items other than the subject key item.
 */
export function contentHash(key: RecordKey, resourceVersion: number, subjectId: string, values: Record<string, RecordValue>): Buffer {
  // SM3 over a secret 32-byte prefix rather than a full HMAC (one hash instead of two, and no
  // HMAC key set-up per record): the hash is only compared for equality, never checked as a MAC,
  // so length extension gives nothing; without the key a guessed content cannot be confirmed.
  let text = `${resourceVersion}\u0000${subjectId}`;
  for (const k of Object.keys(values).sort()) text += `\u0000${JSON.stringify(k)}:${JSON.stringify(values[k])}`;
  return createHash('sm3').update(contentKeyOf(key)).update(text).digest();
}

const contentKeys = new WeakMap<RecordKey['keys'], Buffer>();
function contentKeyOf(key: RecordKey): Buffer {
  let k = contentKeys.get(key.keys);
  if (k === undefined) {
    k = createHmac('sm3', key.keys.subject).update('sharehub record content key').digest();
    contentKeys.set(key.keys, k);
  }
  return k;
}

export function sealRecord(
  key: RecordKey,
  shape: SealingShape,
  resourceId: string,
  resourceVersion: number,
  subjectId: string,
  record: ExchangeRecord,
): SealedRecord {
  const data: Record<string, RecordValue> = {};
  const sealedValues: Record<string, RecordValue> = {};
  const values: Record<string, RecordValue> = {};
  for (const k of Object.keys(record)) {
    if (k === shape.subjectKey) continue; // kept once, as `s` in the sealed part
    values[k] = record[k]!;
    if (shape.sealedKeys.has(k)) sealedValues[k] = record[k]!;
    else data[k] = record[k]!;
  }
  return sealParts(key, resourceId, resourceVersion, subjectId, data, sealedValues, values);
}

/** The key-bound columns of a record from its parts; also how a key rotation re-seals a row. */
export function sealParts(
  key: RecordKey,
  resourceId: string,
  resourceVersion: number,
  subjectId: string,
  data: Record<string, RecordValue>,
  sealedValues: Record<string, RecordValue>,
  values: Record<string, RecordValue> = { ...data, ...sealedValues },
): SealedRecord {
  const payload: SealedPayload = { r: resourceId, s: subjectId, v: sealedValues };
  return {
    subjectHash: subjectHash(key, subjectId),
    keyId: key.id,
    subjectMasked: maskSubjectId(subjectId),
    data,
    sealed: sealFast(key.keys, JSON.stringify(payload)),
    contentHash: contentHash(key, resourceVersion, subjectId, values),
  };
}

/** The columns of a stored row that opening needs. */
export type StoredRow = { resource_id: string; subject_hash: Buffer; key_id: string; data: Record<string, RecordValue>; sealed: string };

/**
 * How the caller found a row: by the HMAC of `subjectId` under the key `keyId`. Then the row's
 * subject_hash is that HMAC, and the integrity check below needs no HMAC of its own.
 */
export type LookedUp = { subjectId: string; keyId: string };

/**
 * A stored row back to the normalised record (subject id included under its item key). Refuses a
 * sealed part that does not belong to the row (resource or subject hash differ): a sealed value
 * moved between rows, or a row edited without the key, is an integrity failure, not data.
 *
 * The check is HMAC(row's key, sealed subject) = row.subject_hash. When the row was looked up by
 * the hash of a known id under the row's own key (`lookedUp`), that hash is already known to be
 * HMAC(key, id), so comparing the sealed subject with the id is the same check without hashing
 * again (the read path's third HMAC per record).
 */
export function openSealed(keyring: RecordKeyring, row: StoredRow, lookedUp?: LookedUp): { subjectId: string; sealedValues: Record<string, RecordValue> } {
  const key = keyById(keyring, row.key_id);
  const payload = JSON.parse(unsealFast(key.keys, row.sealed)) as SealedPayload;
  const sameSubject = lookedUp !== undefined && lookedUp.keyId === key.id
    ? payload.s === lookedUp.subjectId
    : subjectHash(key, payload.s).equals(row.subject_hash);
  if (payload.r !== row.resource_id || !sameSubject) {
    throw new Error('a hosted record failed its integrity check: its sealed part belongs to another row');
  }
  return { subjectId: payload.s, sealedValues: payload.v };
}

export function openRecord(keyring: RecordKeyring, subjectKey: string, row: StoredRow, lookedUp?: LookedUp): { subjectId: string; record: ExchangeRecord } {
  const { subjectId, sealedValues } = openSealed(keyring, row, lookedUp);
  // The subject id first, as a record is usually listed; then the clear and the sealed items.
  const record: ExchangeRecord = { [subjectKey]: subjectId, ...row.data, ...sealedValues };
  return { subjectId, record };
}
