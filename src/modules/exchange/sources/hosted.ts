// Records the provider loaded into the hub (delivery.mode = hosted): one primary-key lookup
// (records-repository.ts), unsealed in process.
import type { Knex } from 'knex';
import type { RecordKeyring } from '../record-keys.js';
import { getRecord, getRecords } from '../records-repository.js';
import type { RecordSource, SourceRecord } from './record-source.js';

export function hostedSource(db: Knex, keyring: RecordKeyring, resourceId: string, subjectKey: string): RecordSource {
  return {
    local: true,
    async get(subjectId, _fields, subjectHash) {
      const stored = await getRecord(db, keyring, resourceId, subjectKey, subjectId, subjectHash);
      return stored && { record: stored.record, updatedAt: stored.updatedAt };
    },
    async getMany(subjectIds, _fields, subjectHashes) {
      const stored = await getRecords(db, keyring, resourceId, subjectKey, subjectIds, subjectHashes);
      const found = new Map<string, SourceRecord>();
      for (const [id, s] of stored) found.set(id, { record: s.record, updatedAt: s.updatedAt });
      return found;
    },
  };
}
