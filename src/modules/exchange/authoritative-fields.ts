// Field-level answers from several sources (一数一源, Myinfo-like). A data item of the resource read
// may name its authoritative source (`authoritativeSource: { resourceCode, itemKey }` in the
// catalog). When the calling system also holds a serving grant on that source resource (same
// service item) covering the item, the call answers the item from the source — with the source's
// department and last update in `fieldInfo`, masked per the source's data item unless that grant
// allows plain values, counted against and audited under the source grant — instead of the read
// resource's own copy. Deny by default: without such a grant the resource's own value is answered.
// The single read, the batch-get and the verify all resolve their fields here (records-service.ts).
//
// Each source is asked once per call (a batch-get's subjects together), all sources in parallel;
// one whose endpoint fails (or whose grant's quota is used up) makes only its own items
// `unavailable: provider_unavailable` (null in `fields`, `unavailable` in a verify): the rest of
// the reply stands. The hub does not fall back to the resource's own copy then: that copy is the
// one the source exists to correct, and the consumer is told what it lacks.
import { AppError } from '../../lib/errors.js';
import type { DataItem } from '../catalog/resource-validation.js';
import type { AccessGrant } from './grant-check.js';
import { maskValue } from './masking.js';
import type { RecordValue } from './record-validation.js';
import type { SourceRecord, UnavailableReason } from './sources/record-source.js';

export type FieldInfo = { departmentCode: string; updatedAt: string | null; unavailable?: UnavailableReason };

/** One read of a source resource about one subject, for its audit event. */
export interface SourceRead {
  subjectId: string;
  grant: AccessGrant;
  fields: string[];
  outcome: 'success' | 'failure';
  reason: string | null;
}

export interface SourceAccess {
  /** The source resource's id by code (published), or undefined. */
  resourceIdOf(code: string): Promise<string | undefined>;
  /** The calling system's grant serving the source resource now for this service item, or undefined. */
  servingGrantOf(resourceId: string): Promise<AccessGrant | undefined>;
  /** The data items of the grant's version. */
  itemsOf(grant: AccessGrant): Promise<readonly DataItem[]>;
  /** Counts `calls` calls against the grant's quota (throws QUOTA_EXCEEDED). */
  count(grant: AccessGrant, calls: number): Promise<void>;
  /** The source's records of the subjects: one lookup (hosted) or one forwarded call (provider_api) for all of them. */
  fetch(grant: AccessGrant, subjectIds: readonly string[], fields: readonly string[]): Promise<Map<string, SourceRecord>>;
}

/** What the sources answered about one subject: values and fieldInfo of the items they answer, one read per source. */
export interface SourcedAnswer {
  values: Record<string, RecordValue | null>;
  info: Record<string, FieldInfo>;
  reads: SourceRead[];
}

const emptyAnswer = (): SourcedAnswer => ({ values: {}, info: {}, reads: [] });

/**
 * The items among `fields` (already granted on the read resource) answered by their authoritative
 * source, per subject; an item not in a subject's answer keeps the read resource's own answer.
 * Each source is asked once for all `subjectIds` (a batch-get's subjects go in one lookup or one
 * forwarded call per source, counted as one call per subject), the sources in parallel.
 * `raw`: values as stored, unmasked (verify compares them and shows none); otherwise masked per
 * the source's data item unless the source grant allows plain values.
 */
export async function answerFromSources(items: readonly DataItem[], fields: readonly string[], subjectIds: readonly string[], access: SourceAccess,
  opts: { raw?: boolean } = {}): Promise<Map<string, SourcedAnswer>> {
  const answers = new Map<string, SourcedAnswer>(subjectIds.map((id) => [id, emptyAnswer()]));
  if (subjectIds.length === 0) return answers;
  const wanted = new Set(fields);
  const bySource = new Map<string, { field: string; itemKey: string }[]>();
  for (const item of items) {
    const source = item.authoritativeSource;
    if (!source || !wanted.has(item.key)) continue;
    bySource.set(source.resourceCode, [...(bySource.get(source.resourceCode) ?? []), { field: item.key, itemKey: source.itemKey }]);
  }
  await Promise.all([...bySource].map(async ([code, asked]) => {
    const resourceId = await access.resourceIdOf(code);
    const grant = resourceId === undefined ? undefined : await access.servingGrantOf(resourceId);
    if (!grant) return;
    const sourceItems = new Map((await access.itemsOf(grant)).map((i) => [i.key, i]));
    const covered = asked.filter((a) => grant.fields.includes(a.itemKey) && sourceItems.has(a.itemKey));
    if (covered.length === 0) return;
    const itemKeys = [...new Set(covered.map((c) => c.itemKey))];
    let found: Map<string, SourceRecord>;
    try {
      await access.count(grant, subjectIds.length);
      found = await access.fetch(grant, subjectIds, itemKeys);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // The source failed (or its quota is used up): its items only are unavailable, for every subject asked.
      for (const [subjectId, answer] of answers) {
        for (const c of covered) {
          answer.values[c.field] = null;
          answer.info[c.field] = { departmentCode: grant.providerCode, updatedAt: null, unavailable: 'provider_unavailable' };
        }
        answer.reads.push({ subjectId, grant, fields: [], outcome: 'failure', reason: err.code });
      }
      return;
    }
    for (const [subjectId, answer] of answers) {
      const record = found.get(subjectId);
      if (!record) {
        // The source holds no record of the subject: no value, said by the source.
        for (const c of covered) {
          answer.values[c.field] = null;
          answer.info[c.field] = { departmentCode: grant.providerCode, updatedAt: null };
        }
        answer.reads.push({ subjectId, grant, fields: [], outcome: 'failure', reason: 'SUBJECT_NOT_FOUND' });
        continue;
      }
      const delivered = new Set<string>();
      for (const c of covered) {
        const reason = record.unavailable?.[c.itemKey];
        if (reason !== undefined) {
          answer.values[c.field] = null;
          answer.info[c.field] = { departmentCode: grant.providerCode, updatedAt: null, unavailable: reason };
          continue;
        }
        const value = Object.hasOwn(record.record, c.itemKey) ? record.record[c.itemKey]! : null;
        // As a read of the source under that grant would give it: plain only if that grant allows it.
        answer.values[c.field] = opts.raw || grant.plainValues ? value : maskValue(value, sourceItems.get(c.itemKey)!);
        answer.info[c.field] = { departmentCode: grant.providerCode, updatedAt: record.updatedAt.toISOString() };
        delivered.add(c.itemKey);
      }
      answer.reads.push({ subjectId, grant, fields: itemKeys.filter((k) => delivered.has(k)), outcome: 'success', reason: null });
    }
  }));
  return answers;
}
