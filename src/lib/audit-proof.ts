import canonicalizeModule from 'canonicalize';

// The audit log's verification rules as pure functions over bytes and text — no Node API, no
// hash of its own (the caller passes SM3) — so that the hub and the web console's in-browser
// verifier (console/src/audit/verify.ts, with sm-crypto-v2's SM3 and SM2) run the same code:
// the leaf's canonical text, the RFC 9162 inclusion check, the checkpoint and the access-log
// statement. The algorithms are written out in src/lib/README.md and src/modules/audit/README.md.

export const LEAF_VERSION = 1;

/** The columns of an event that its leaf covers (leaf.ts, LeafEvent), in the API's camelCase. */
export const LEAF_EVENT_KEYS = ['id', 'occurredAt', 'actorKind', 'actorId', 'actorDepartment', 'entityType', 'entityId',
  'entityVersion', 'action', 'outcome', 'reason', 'requestId', 'details', 'resourceId', 'grantId', 'subjectHash', 'subjectMasked',
  'fields', 'serviceItemCode', 'caseId', 'operatorId', 'latencyMs'] as const;

// The package is CommonJS (module.exports = the function); its typings declare an ES default export.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/**
 * The leaf's data as text: RFC 8785 (JCS) of { v: 1, seq, subjectSeq, event } with only the
 * event's leaf columns (a missing one as null), to be encoded as UTF-8.
 */
export function leafCanonicalText(leaf: { seq: number; subjectSeq: number | null; event: Record<string, unknown> }): string {
  const event: Record<string, unknown> = {};
  for (const key of LEAF_EVENT_KEYS) event[key] = leaf.event[key] ?? null;
  event.id = Number(event.id);
  const text = canonicalize({ v: LEAF_VERSION, seq: leaf.seq, subjectSeq: leaf.subjectSeq, event });
  if (text === undefined) throw new Error('an event has no canonical form');
  return text;
}

export type HashChildren = (left: Uint8Array, right: Uint8Array) => Uint8Array;

/**
 * RFC 9162 §2.1.3.2: the root computed from a leaf hash at `index` and its inclusion proof in a
 * tree of `size` leaves, with NH = hashChildren; null when the proof cannot belong to (index, size).
 * Sizes are JavaScript safe integers; no 32-bit bit operators.
 */
export function rootFromInclusionPath(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[], hashChildren: HashChildren): Uint8Array | null {
  const isSize = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!isSize(index) || !isSize(size) || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** The tree head's checkpoint (C2SP tlog-checkpoint with a time line): what its SM2 signature covers. */
export function checkpointText(origin: string, size: number, rootBase64: string, timestamp: string): string {
  return `${origin}\n${size}\n${rootBase64}\ntime ${timestamp}\n`;
}

/** The statement the hub signs for a subject's count of entries in a head (GET /v1/me/access-log). */
export function accessLogStatementText(origin: string, subjectHash: string, count: number, treeSize: number, rootBase64: string): string {
  return `sharehub access-log v1\n${origin}\n${subjectHash}\n${count}\n${treeSize}\n${rootBase64}\n`;
}
