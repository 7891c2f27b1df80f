// The keys hosted records are stored under, and how a rotation of SHAREHUB_SECRET_KEY is lived
// through: every row names the key it was written with (key_id); reads try the current key and
// every previous one until `resealRecords` has moved all rows to the current key (README.md,
// "Key rotation").
import { createHmac } from 'node:crypto';
import type { HubKeys } from '../../lib/crypto.js';

/** One master key's derived keys, with the short id rows carry to say which key they use. */
export type RecordKey = { id: string; keys: HubKeys };

/** The current key (all writes) and the previous ones (reads and re-sealing only). */
export type RecordKeyring = { current: RecordKey; previous: RecordKey[] };

/** Characters of the key id: 64 bits, collisions between a handful of keys are not a concern. */
const KEY_ID_CHARS = 16;

/**
 * A key's id is a keyed hash of a fixed text: it names the key without revealing anything of
 * it, and is the same on every replica (derived, never stored in configuration).
 */
export function recordKeyId(keys: Pick<HubKeys, 'subject'>): string {
  return createHmac('sm3', keys.subject).update('sharehub record key id').digest('hex').slice(0, KEY_ID_CHARS);
}

export function recordKeyring(current: HubKeys, previous: readonly HubKeys[] = []): RecordKeyring {
  const cur = { id: recordKeyId(current), keys: current };
  return {
    current: cur,
    // The current key listed again as "previous" (a careless setting) would only duplicate work.
    previous: previous.map((keys) => ({ id: recordKeyId(keys), keys })).filter((k) => k.id !== cur.id),
  };
}

/** The key a stored row names; a row under a key that is no longer configured cannot be read. */
export function keyById(keyring: RecordKeyring, id: string): RecordKey {
  if (keyring.current.id === id) return keyring.current;
  const found = keyring.previous.find((k) => k.id === id);
  if (found === undefined) {
    throw new Error(`a hosted record is sealed under key ${id}, which is neither SHAREHUB_SECRET_KEY nor in SHAREHUB_PREVIOUS_SECRET_KEYS`);
  }
  return found;
}

/** HMAC-SM3 of a normalised subject id under one key: the at-rest index of a record. */
export function subjectHash(key: RecordKey, subjectId: string): Buffer {
  return createHmac('sm3', key.keys.subject).update(subjectId).digest();
}

/** The subject's hash under every configured key, the current one first. */
export function subjectHashes(keyring: RecordKeyring, subjectId: string): Buffer[] {
  return [subjectHash(keyring.current, subjectId), ...keyring.previous.map((k) => subjectHash(k, subjectId))];
}
