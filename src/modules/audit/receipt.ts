import { verifyInclusion } from '../../lib/merkle.js';
import { isSm2PublicKey } from '../../lib/sm2.js';
import { leafHash, type LeafEvent } from './leaf.js';
import { verifyTreeHeadSignature } from './tree-head.js';

// Offline verification of a receipt: one access-log entry (or any event with its proof) against a
// signed tree head, with nothing but the hub's published public key. The algorithm, for a
// verifier written elsewhere (src/modules/audit/README.md, "Verifying a receipt"):
//   1. data = RFC 8785 JSON of { v: 1, seq, subjectSeq, event }   (UTF-8)
//   2. leaf = SM3(0x00 || data); it must equal the receipt's leafHash
//   3. root = RFC 9162 §2.1.3.2 from (seq, treeSize, leaf, auditPath) with SM3 and
//      NH(l, r) = SM3(0x01 || l || r); it must equal the head's rootHash
//   4. the head's checkpoint "<origin>\n<size>\n<base64 root>\ntime <timestamp>\n" must verify
//      under SM2 (GB/T 32918.2, user id 1234567812345678) with the hub's public key.

export interface Receipt {
  seq: number;
  subjectSeq: number | null;
  event: LeafEvent;
  leafHash: string;
  auditPath: string[];
  head: { origin: string; size: number; rootHash: string; timestamp: string; signature: string };
}

export type ReceiptCheck = { ok: true } | { ok: false; reason: string };

export function verifyReceipt(receipt: Receipt, publicKey: string): ReceiptCheck {
  if (!isSm2PublicKey(publicKey)) return { ok: false, reason: 'the public key is not an SM2 public key (04 || x || y, hex)' };
  const { head } = receipt;
  const root = Buffer.from(head.rootHash, 'hex');
  const signedAt = new Date(head.timestamp);
  if (Number.isNaN(signedAt.getTime()) || signedAt.toISOString() !== head.timestamp) return { ok: false, reason: 'the head\'s timestamp is not RFC 3339 UTC with milliseconds' };
  if (!verifyTreeHeadSignature(head.origin, { size: head.size, root, signedAt }, publicKey, Buffer.from(head.signature, 'hex'))) {
    return { ok: false, reason: 'the tree head\'s SM2 signature does not verify with this public key' };
  }
  const leaf = leafHash({ seq: receipt.seq, subjectSeq: receipt.subjectSeq, event: receipt.event });
  if (leaf.toString('hex') !== receipt.leafHash) return { ok: false, reason: 'the entry does not hash to its leafHash (its content differs from what was sealed)' };
  if (!verifyInclusion(receipt.seq, head.size, leaf, receipt.auditPath.map((h) => Buffer.from(h, 'hex')), root)) {
    return { ok: false, reason: 'the audit path does not lead from the leaf to the head\'s root' };
  }
  return { ok: true };
}
