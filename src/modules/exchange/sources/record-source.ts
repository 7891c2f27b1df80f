// Where the records of a resource come from. Hosted resources are read from the hub's own tables
// (hosted.ts); the next issue adds provider-served resources (forwarded to the provider's endpoint)
// behind the same interface, so the query path — grant, quota, projection, masking, audit — is
// shared and only the fetch differs.
import type { ExchangeRecord } from '../record-validation.js';

export interface SourceRecord {
  /** The normalised record, subject id included. */
  record: ExchangeRecord;
  /** When the source last changed it (the provider's load, or the provider's own timestamp). */
  updatedAt: Date;
}

export interface RecordSource {
  /**
   * The live record of one subject (normalised id), or undefined. `subjectHash`: its HMAC index
   * under the current key, which the query path computes once for the audit event; a source
   * that needs it (hosted) uses it rather than hashing again, others ignore it.
   */
  get(subjectId: string, subjectHash?: Buffer): Promise<SourceRecord | undefined>;
  /** The live records of many subjects; a subject without one is absent from the map. `subjectHashes` as for get. */
  getMany(subjectIds: readonly string[], subjectHashes?: ReadonlyMap<string, Buffer>): Promise<Map<string, SourceRecord>>;
}
