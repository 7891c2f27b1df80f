// What of a record a consumer receives: the granted fields it asked for, masked per data item
// unless its grant allows plain values. Deny by default: a value leaves only when its field is
// granted AND is a data item with a mask rule; nothing else of the record is ever copied.
import type { DataItem } from '../catalog/resource-validation.js';
import { maskValue } from './masking.js';
import type { ExchangeRecord, RecordValue } from './record-validation.js';

export type ProjectionRequest = {
  record: ExchangeRecord;
  /** The data items of the resource version the grant is for; their mask rules apply. */
  dataItems: readonly DataItem[];
  /** The grant's fields. */
  granted: readonly string[];
  /** The fields the caller asked for; undefined asks for every granted field. */
  asked?: readonly string[];
  /** The grant allows plain (unmasked) values. */
  plain: boolean;
};

export type Projection =
  /** `values` holds every returned field (null when the record has no value); `fields` lists them for the audit event. */
  | { ok: true; values: Record<string, RecordValue | null>; fields: string[] }
  /** API.md: 403 FIELD_NOT_GRANTED; `fields` are the asked fields outside the grant, in the order asked. */
  | { ok: false; code: 'FIELD_NOT_GRANTED'; fields: string[] };

export function projectRecord(req: ProjectionRequest): Projection {
  const granted = new Set(req.granted);
  let wanted: ReadonlySet<string> = granted;
  if (req.asked !== undefined) {
    // Asking for a field outside the grant is refused, not silently dropped: the consumer must not
    // take a missing field for an empty one, and the refusal names what the grant lacks.
    const refused = [...new Set(req.asked.filter((f) => !granted.has(f)))];
    if (refused.length > 0) return { ok: false, code: 'FIELD_NOT_GRANTED', fields: refused };
    wanted = new Set(req.asked);
  }
  const values: Record<string, RecordValue | null> = {};
  const fields: string[] = [];
  // Walk the data items, not the record or the request: a granted key that is no data item of this
  // version has no mask rule and is not served; keys come out in catalog order.
  for (const item of req.dataItems) {
    if (!wanted.has(item.key)) continue;
    const value = Object.hasOwn(req.record, item.key) ? req.record[item.key]! : null;
    values[item.key] = req.plain ? value : maskValue(value, item);
    fields.push(item.key);
  }
  return { ok: true, values, fields };
}
