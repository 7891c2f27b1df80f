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
  /** The live record of one subject (normalised id), or undefined. */
  get(subjectId: string): Promise<SourceRecord | undefined>;
  /** The live records of many subjects; a subject without one is absent from the map. */
  getMany(subjectIds: readonly string[]): Promise<Map<string, SourceRecord>>;
}
