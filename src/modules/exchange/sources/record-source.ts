// Where the records of a resource come from. Hosted resources are read from the hub's own tables
// (hosted.ts); provider-served resources are forwarded to the provider's endpoint (provider-api.ts)
// behind the same interface, so the query path — grant, quota, projection, masking, audit — is
// shared and only the fetch differs.
import type { UNAVAILABLE_REASONS } from '../../../../schemas/records.js';
import type { ExchangeRecord } from '../record-validation.js';

/** Why an asked field has no value in an answer (`fieldInfo[…].unavailable`). */
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

export interface SourceRecord {
  /** The normalised record, subject id included. */
  record: ExchangeRecord;
  /** When the source last changed it (the provider's load, or the provider's own timestamp). */
  updatedAt: Date;
  /** Fields asked for that the source could not answer, with the reason (never a value). */
  unavailable?: Record<string, UnavailableReason>;
}

export interface RecordSource {
  /**
   * Reading costs only the hub (its own tables, no other department sees the query): the query
   * path then reads while it counts the quota, and drops what it read if the count refuses. A
   * source that asks another department (provider-served) is asked only after the count.
   */
  local: boolean;
  /**
   * The live record of one subject (normalised id), or undefined. `fields` are the data items the
   * caller will receive: a source that forwards asks for these only (hosted reads the row whole).
   * `subjectHash`: its HMAC index under the current key, which the query path computes once for
   * the audit event; a source that needs it (hosted) uses it rather than hashing again.
   */
  get(subjectId: string, fields: readonly string[], subjectHash?: Buffer): Promise<SourceRecord | undefined>;
  /** The live records of many subjects; a subject without one is absent from the map. `subjectHashes` as for get. */
  getMany(subjectIds: readonly string[], fields: readonly string[], subjectHashes?: ReadonlyMap<string, Buffer>): Promise<Map<string, SourceRecord>>;
}
