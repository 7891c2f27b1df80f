import { checkpoint, type SignedTreeHead } from './tree-head.js';
import type { Cosignature } from './tree-store.js';

// How tree heads and proofs leave the hub (schemas/audit.ts): hashes and signatures as lower-case
// hex, the checkpoint text every signature covers, and `witnessed` when a configured witness's
// countersignature verifies.

export function publishedHead(origin: string, head: SignedTreeHead, cosignatures: Cosignature[]) {
  return {
    origin,
    size: head.size,
    rootHash: head.root.toString('hex'),
    timestamp: head.signedAt.toISOString(),
    checkpoint: checkpoint(origin, head),
    publicKey: head.publicKey,
    signature: head.signature.toString('hex'),
    cosignatures: cosignatures.map((c) => ({ witness: c.witness, publicKey: c.publicKey, signature: c.signature.toString('hex'), receivedAt: c.receivedAt.toISOString() })),
    witnessed: cosignatures.length > 0,
  };
}

export type PublishedHead = ReturnType<typeof publishedHead>;
