import canonicalizeModule from 'canonicalize';
import { LEAF_EVENT_KEYS, LEAF_VERSION, leafCanonicalText } from '../../lib/audit-proof.js';
import { sm3MerkleHasher } from '../../lib/merkle.js';

// An event's leaf in the audit tree. The leaf's data is the event's *canonical form*: the JSON
// Canonicalization Scheme (RFC 8785, npm `canonicalize`) of
//   { "v": 1, "seq": <position in the log>, "subjectSeq": <per-subject counter or null>,
//     "event": { every column of the event below, camelCase, null when empty } }
// encoded as UTF-8; its leaf hash is SM3(0x00 || data) (RFC 6962 §2.1 with SM3). Times are
// RFC 3339 UTC with PostgreSQL's microseconds (read as text, never through a JS Date, which would
// drop them and let a tampered microsecond pass); the subject's keyed hash is lower-case hex.
// A verifier outside the hub recomputes the leaf from an access-log entry's `event` object and
// its seq / subjectSeq (src/modules/audit/README.md, "Verifying a receipt").

export { LEAF_VERSION };

// The package is CommonJS (module.exports = the function); its typings declare an ES default export.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** One event as the leaf sees it (every column but insert_xid and the unused legacy `hash`). */
export interface LeafEvent {
  id: number;
  occurredAt: string;
  actorKind: string;
  actorId: string | null;
  actorDepartment: string | null;
  entityType: string;
  entityId: string;
  entityVersion: number | null;
  action: string;
  outcome: string;
  reason: string | null;
  requestId: string | null;
  details: unknown;
  resourceId: string | null;
  grantId: string | null;
  subjectHash: string | null;
  subjectMasked: string | null;
  fields: unknown;
  serviceItemCode: string | null;
  caseId: string | null;
  operatorId: string | null;
  latencyMs: number | null;
}

/** The SELECT list that reads an events row (alias `e`) as a LeafEvent. */
export const LEAF_EVENT_COLUMNS = `
  e.id,
  to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "occurredAt",
  e.actor_kind as "actorKind", e.actor_id as "actorId", e.actor_department as "actorDepartment",
  e.entity_type as "entityType", e.entity_id as "entityId", e.entity_version as "entityVersion",
  e.action, e.outcome, e.reason, e.request_id as "requestId", e.details,
  e.resource_id as "resourceId", e.grant_id as "grantId", encode(e.subject_hash, 'hex') as "subjectHash",
  e.subject_masked as "subjectMasked", e.fields, e.service_item_code as "serviceItemCode",
  e.case_id as "caseId", e.operator_id as "operatorId", e.latency_ms as "latencyMs"`;

const KEYS: readonly (keyof LeafEvent)[] = LEAF_EVENT_KEYS;

/** Only the LeafEvent's own keys, in a fresh object (a row may carry more columns). */
export function leafEvent(row: Record<string, unknown>): LeafEvent {
  const event: Record<string, unknown> = {};
  for (const key of KEYS) event[key] = row[key] ?? null;
  event.id = Number(event.id);
  return event as unknown as LeafEvent;
}

export interface LeafInput {
  seq: number;
  subjectSeq: number | null;
  event: LeafEvent;
}

// RFC 8785 sorts keys by UTF-16 code units, which for these ASCII names is JavaScript's default sort.
const SORTED_KEYS = [...KEYS].sort();
const NESTED = new Set<string>(['details', 'fields']);

/**
 * The leaf's data: RFC 8785 canonical JSON, UTF-8. Written out with the keys presorted (the
 * sealer hashes tens of thousands of events a round); nested values (details, fields) and the
 * scalars go through `canonicalize` / JSON.stringify, whose string and integer forms are RFC
 * 8785's. tests/modules/audit/sealer.test.ts compares it with canonicalize() of the whole object.
 */
export function leafData(leaf: LeafInput): Buffer {
  const event = leaf.event as unknown as Record<string, unknown>;
  let text = '{"event":{';
  SORTED_KEYS.forEach((key, i) => {
    const value = key === 'id' ? Number(event.id) : event[key] ?? null;
    const encoded = NESTED.has(key) ? canonicalize(value) : JSON.stringify(value);
    if (encoded === undefined) throw new Error('an event has no canonical form');
    text += `${i ? ',' : ''}"${key}":${encoded}`;
  });
  text += `},"seq":${JSON.stringify(leaf.seq)},"subjectSeq":${JSON.stringify(leaf.subjectSeq)},"v":${LEAF_VERSION}}`;
  return Buffer.from(text, 'utf8');
}

/** The same as leafData, by canonicalize() of the whole leaf object (slower; for tests and tools). */
export function leafDataByCanonicalize(leaf: LeafInput): Buffer {
  // The shared rule (src/lib/audit-proof.ts), which the web console's verifier runs in the browser.
  return Buffer.from(leafCanonicalText({ seq: leaf.seq, subjectSeq: leaf.subjectSeq, event: leaf.event as unknown as Record<string, unknown> }), 'utf8');
}

/** SM3(0x00 || canonical form). */
export const leafHash = (leaf: LeafInput): Buffer => sm3MerkleHasher.hashLeaf(leafData(leaf));
