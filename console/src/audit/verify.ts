import { sm2, sm3 } from 'sm-crypto-v2';
// Imported with .js (resolved to .ts by Vite and vue-tsc) so that the hub's tests can import this
// file too and check it against real access logs (tests/modules/audit/access-log.test.ts).
import { accessLogStatementText, checkpointText, leafCanonicalText, rootFromInclusionPath } from '../../../src/lib/audit-proof.js';
import type { components, operations } from '../api/schema.js';

// The citizen's "verified" mark, computed in the browser from what the hub sent, with the same
// rules the hub runs (src/lib/audit-proof.ts) and an independent SM3/SM2 (sm-crypto-v2, pure
// JavaScript on @noble/curves): (1) the entry's content hashes to its leaf, SM3(0x00 ‖ RFC 8785
// text); (2) its audit path leads to the head's root (RFC 9162 §2.1.3.2, NH = SM3(0x01 ‖ l ‖ r));
// (3) the head's checkpoint carries a valid SM2 signature (GB/T 32918.2, user id
// 1234567812345678) by a key the hub publishes (GET /v1/audit/public-key); (4) the signed
// statement of the subject's count covers the entries numbered 1..count without a gap.

export type AccessLog = operations['getMyAccessLog']['responses'][200]['content']['application/json'];
export type TreeHead = components['schemas']['TreeHead'];
type Entry = AccessLog['entries'][number];

const hexToBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
const bytesToHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const utf8 = (text: string) => new TextEncoder().encode(text);

function sm3Of(...parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return hexToBytes(sm3(all));
}

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);
const hashChildren = (l: Uint8Array, r: Uint8Array) => sm3Of(NODE, l, r);

/** SM2 over the text, canonical r ‖ s hex; never throws. */
function sm2Valid(text: string, signatureHex: string, publicKey: string): boolean {
  if (!/^[0-9a-f]{128}$/.test(signatureHex) || !/^04[0-9a-f]{128}$/.test(publicKey)) return false;
  try {
    return sm2.doVerifySignature(utf8(text), signatureHex, publicKey, { hash: true, der: false });
  } catch {
    return false;
  }
}

/** Why the head is not to be trusted, or null when its signature verifies under a published key. */
export function checkHead(head: TreeHead, trustedKeys: readonly string[]): string | null {
  if (!trustedKeys.includes(head.publicKey)) return '树头的签名公钥不是平台公布的公钥';
  const text = checkpointText(head.origin, head.size, base64(hexToBytes(head.rootHash)), head.timestamp);
  if (text !== head.checkpoint) return '树头的签名文本与其内容不符';
  return sm2Valid(text, head.signature, head.publicKey) ? null : '树头的 SM2 签名验证失败';
}

/** Why the entry fails, or null when it is proven in the head (a sealed entry: its leaf only). */
export function checkEntry(entry: Entry, head: TreeHead): string | null {
  let leaf: Uint8Array = hexToBytes(entry.leafHash);
  // A sealed (discretion) or dropped (retention) entry shows its leaf hash and proof, not its content.
  if (!entry.sealed && !entry.dropped) {
    if (!entry.event) return '记录内容缺失';
    leaf = sm3Of(LEAF, utf8(leafCanonicalText({ seq: entry.seq, subjectSeq: entry.subjectSeq, event: entry.event as Record<string, unknown> })));
    if (bytesToHex(leaf) !== entry.leafHash) return '记录内容与存证哈希不符';
  }
  const root = rootFromInclusionPath(entry.seq, head.size, leaf, entry.auditPath.map(hexToBytes), hashChildren);
  return root && bytesToHex(root) === head.rootHash ? null : '存证路径不能推出树头的根哈希';
}

/** Why the count is not proven complete, or null: signed statement, entries 1..count without a gap. */
export function checkCompleteness(log: AccessLog): string | null {
  const { head } = log;
  const text = accessLogStatementText(head.origin, log.subjectHash, log.count, head.size, base64(hexToBytes(head.rootHash)));
  if (text !== log.statement || !sm2Valid(text, log.statementSignature, head.publicKey)) return '平台对条数的签名声明验证失败';
  const own = log.entries.filter((e) => (e.counterOf ?? log.subjectHash) === log.subjectHash).map((e) => e.subjectSeq);
  if (own.length !== log.count || own.some((n, i) => n !== i + 1)) return '记录编号不连续';
  return null;
}
