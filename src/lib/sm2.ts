import { createHash, createPublicKey, hkdfSync, randomBytes } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';

// SM2 digital signatures exactly as GB/T 32918.2-2016 (= GM/T 0003.2-2012) specifies, on the
// recommended curve of GB/T 32918.5-2017. Used to sign the audit log's tree heads.
//
// Why not Node's crypto: `crypto.sign('sm3', data, key)` with an EC key on the SM2 curve is plain
// ECDSA with an SM3 digest. It neither prepends the signer's Z value nor uses the SM2 signing
// equation, so a GB/T 32918 verifier (sm-crypto, GmSSL, BouncyCastle's SM2Signer …) rejects its
// signatures and Node rejects theirs. tests/lib/sm2.test.ts pins that down; do not "simplify" to it.
//
// Division of labour: the pre-processing of GB/T 32918.2 §6.1 A1–A2 (Z and e) is computed here with
// Node's native SM3; the elliptic-curve part (k, r = (e + x1) mod n, s = (1+d)^-1 (k - r·d) mod n,
// and its verification) is done by `sm-crypto-v2`, which is built on @noble/curves.
//
// The algorithm, for a verifier written elsewhere (e.g. on the citizen's side):
//   ENTL = bit length of ID as 2 bytes big-endian (ID = UTF-8 bytes of the user id,
//          default "1234567812345678", i.e. ENTL = 0x0080)
//   Z    = SM3(ENTL || ID || a || b || xG || yG || xA || yA)   each field element as 32 bytes BE
//   e    = SM3(Z || M) read as a big-endian integer
//   verify (r, s): 1 <= r, s <= n-1; t = (r + s) mod n != 0; (x1, y1) = [s]G + [t]P;
//                  accept iff (e + x1) mod n == r
// Canonical signature encoding (tree heads, receipts): raw r || s, each 32 bytes big-endian,
// 64 bytes in all (in JSON: 128 lower-case hex characters). DER (SEQUENCE { INTEGER r, INTEGER s },
// as in GM/T 0009 / X.509) is offered for interop only; it is not canonical because the same
// signature has a single raw form but DER parsers differ in what they tolerate.
// Canonical public key encoding: uncompressed point 04 || x || y (65 bytes, 130 hex characters);
// SPKI PEM (id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301) is offered for publishing.

/** GB/T 32918.5-2017 recommended curve parameters (hex, 32 bytes each). */
export const SM2_CURVE = {
  p: 'fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff',
  a: 'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc',
  b: '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93',
  n: 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123',
  gx: '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7',
  gy: 'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0',
} as const;

/** GM/T 0009-2012 §10: the user id both sides use when none was agreed. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

const N = BigInt(`0x${SM2_CURVE.n}`);
const CURVE_BYTES = Buffer.from(SM2_CURVE.a + SM2_CURVE.b + SM2_CURVE.gx + SM2_CURVE.gy, 'hex');
const HEX_PUBLIC_KEY = /^04[0-9a-f]{128}$/;
const HEX_PRIVATE_KEY = /^[0-9a-f]{64}$/;
// DER prefix of SubjectPublicKeyInfo { AlgorithmIdentifier { id-ecPublicKey, sm2 }, BIT STRING 04||x||y }.
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

export interface Sm2KeyPair {
  /** d as 64 lower-case hex characters; 1 <= d <= n-2. */
  privateKey: string;
  /** 04 || x || y as 130 lower-case hex characters. */
  publicKey: string;
}

export interface Sm2Options {
  /** The signer's distinguishing identifier (UTF-8); defaults to SM2_DEFAULT_USER_ID. */
  userId?: string;
}

const toHex32 = (value: bigint) => value.toString(16).padStart(64, '0');
const toBytes = (message: Uint8Array | string) => (typeof message === 'string' ? Buffer.from(message, 'utf8') : message);

/** True for an uncompressed point that lies on the curve (and so is not the point at infinity). */
export function isSm2PublicKey(publicKey: string): boolean {
  if (!HEX_PUBLIC_KEY.test(publicKey)) return false;
  try {
    return sm2.verifyPublicKey(publicKey);
  } catch {
    return false;
  }
}

function assertPublicKey(publicKey: string): void {
  if (!isSm2PublicKey(publicKey)) throw new Error('not an SM2 public key (expected 04 || x || y on the SM2 curve, lower-case hex)');
}

/** A key pair from a configured private key d (1 <= d <= n-2, GB/T 32918.1 §6.1). */
export function sm2KeyPairFromPrivateKey(privateKey: string): Sm2KeyPair {
  const hex = privateKey.toLowerCase();
  if (!HEX_PRIVATE_KEY.test(hex)) throw new Error('an SM2 private key is 64 hex characters');
  const d = BigInt(`0x${hex}`);
  if (d < 1n || d > N - 2n) throw new Error('an SM2 private key must lie in [1, n-2]');
  return { privateKey: hex, publicKey: sm2.getPublicKeyFromPrivateKey(hex).toLowerCase() };
}

/**
 * A key pair derived deterministically from a secret seed of at least 32 bytes.
 * The seed is expanded with HKDF-SHA256 to 40 bytes c (320 bits, so the reduction below is biased
 * by less than 2^-64) and d = (c mod (n-2)) + 1, which always lies in [1, n-2].
 */
export function sm2KeyPairFromSeed(seed: Uint8Array): Sm2KeyPair {
  if (seed.length < 32) throw new Error('an SM2 key seed must be at least 32 bytes');
  const c = Buffer.from(hkdfSync('sha256', seed, 'sharehub-sm2', 'sm2-private-key', 40));
  const d = (BigInt(`0x${c.toString('hex')}`) % (N - 2n)) + 1n;
  return sm2KeyPairFromPrivateKey(toHex32(d));
}

/**
 * The audit log's signing key, derived from the master secret (SHAREHUB_SECRET_KEY, hex) with the
 * same HKDF as every other hub key in src/lib/crypto.ts `deriveKeys` (info `audit-sm2`).
 */
export function deriveAuditSm2KeyPair(masterHex: string): Sm2KeyPair {
  const seed = Buffer.from(hkdfSync('sha256', Buffer.from(masterHex, 'hex'), 'sharehub', 'audit-sm2', 32));
  return sm2KeyPairFromSeed(seed);
}

/** A fresh random key pair (for a cosigner, or a configured key made once). */
export function generateSm2KeyPair(): Sm2KeyPair {
  return sm2KeyPairFromSeed(randomBytes(32));
}

/** Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), GB/T 32918.2 §5.5. */
export function sm2Z(publicKey: string, userId: string = SM2_DEFAULT_USER_ID): Buffer {
  assertPublicKey(publicKey);
  const id = Buffer.from(userId, 'utf8');
  // ENTL is two bytes of bit length, so the id may have at most 8191 bytes.
  if (id.length * 8 > 0xffff) throw new Error('an SM2 user id is at most 8191 bytes');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  return createHash('sm3').update(entl).update(id).update(CURVE_BYTES).update(Buffer.from(publicKey.slice(2), 'hex')).digest();
}

/** e = SM3(Z || M), GB/T 32918.2 §6.1 A1–A2: what the curve arithmetic actually signs. */
export function sm2Digest(message: Uint8Array | string, publicKey: string, userId: string = SM2_DEFAULT_USER_ID): Buffer {
  return createHash('sm3').update(sm2Z(publicKey, userId)).update(toBytes(message)).digest();
}

/** Signs M with a random k; returns the canonical 64-byte r || s. The pair must come from this module (Z uses its public key). */
export function sm2Sign(message: Uint8Array | string, keyPair: Sm2KeyPair, options: Sm2Options = {}): Buffer {
  const e = sm2Digest(message, keyPair.publicKey, options.userId);
  // hash: false — e is already SM3(Z || M); the library only does the curve arithmetic.
  const rs = sm2.doSignature(e, keyPair.privateKey, { hash: false, der: false });
  return Buffer.from(rs, 'hex');
}

/**
 * Verifies a canonical 64-byte r || s. Never throws for malformed input: a wrong length, r or s
 * outside [1, n-1], or a public key that is not a point on the curve are all simply `false`.
 */
export function sm2Verify(message: Uint8Array | string, signature: Uint8Array, publicKey: string, options: Sm2Options = {}): boolean {
  if (signature.length !== 64 || !isSm2PublicKey(publicKey)) return false;
  const hex = Buffer.from(signature).toString('hex');
  const r = BigInt(`0x${hex.slice(0, 64)}`);
  const s = BigInt(`0x${hex.slice(64)}`);
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  try {
    const e = sm2Digest(message, publicKey, options.userId);
    return sm2.doVerifySignature(e, hex, publicKey, { hash: false, der: false });
  } catch {
    return false;
  }
}

// --- encodings -------------------------------------------------------------------------------

function derInteger(value: Buffer): Buffer {
  let i = 0;
  while (i < value.length - 1 && value[i] === 0) i += 1;
  let body = value.subarray(i);
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02, body.length]), body]);
}

/** DER SEQUENCE { INTEGER r, INTEGER s } of a 64-byte r || s (GM/T 0009 SM2Signature). */
export function sm2SignatureToDer(signature: Uint8Array): Buffer {
  if (signature.length !== 64) throw new Error('an SM2 signature is 64 bytes r || s');
  const sig = Buffer.from(signature);
  const body = Buffer.concat([derInteger(sig.subarray(0, 32)), derInteger(sig.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function readDerInteger(der: Buffer, at: number): { value: Buffer; next: number } | null {
  if (der[at] !== 0x02) return null;
  const length = der[at + 1];
  if (length === undefined || length < 1 || length > 33 || at + 2 + length > der.length) return null;
  const body = der.subarray(at + 2, at + 2 + length);
  const first = body[0] ?? 0;
  if (first & 0x80) return null; // negative
  if (first === 0 && length > 1 && !((body[1] ?? 0) & 0x80)) return null; // non-minimal
  const value = first === 0 && length > 1 ? body.subarray(1) : body;
  if (value.length > 32) return null;
  return { value: Buffer.concat([Buffer.alloc(32 - value.length), value]), next: at + 2 + length };
}

/** Strict DER → 64-byte r || s, or null when the input is not exactly one minimal DER signature. */
export function sm2SignatureFromDer(der: Uint8Array): Buffer | null {
  const buf = Buffer.from(der);
  // Both integers are at most 33 bytes, so the sequence is at most 70 bytes: short-form length only.
  if (buf.length < 8 || buf[0] !== 0x30 || buf[1] !== buf.length - 2) return null;
  const r = readDerInteger(buf, 2);
  if (!r) return null;
  const s = readDerInteger(buf, r.next);
  if (!s || s.next !== buf.length) return null;
  return Buffer.concat([r.value, s.value]);
}

/** SubjectPublicKeyInfo PEM (id-ecPublicKey, curve OID 1.2.156.10197.1.301) of 04 || x || y. */
export function sm2PublicKeyToPem(publicKey: string): string {
  assertPublicKey(publicKey);
  const der = Buffer.concat([SPKI_PREFIX, Buffer.from(publicKey, 'hex')]);
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

/** 04 || x || y of an SPKI PEM holding an SM2 public key (as sm2PublicKeyToPem or OpenSSL write it). */
export function sm2PublicKeyFromPem(pem: string): string {
  const der = createPublicKey({ key: pem, format: 'pem' }).export({ format: 'der', type: 'spki' });
  if (der.length !== SPKI_PREFIX.length + 65 || !der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)) {
    throw new Error('not an SM2 public key (expected id-ecPublicKey on curve 1.2.156.10197.1.301)');
  }
  const publicKey = der.subarray(SPKI_PREFIX.length).toString('hex');
  assertPublicKey(publicKey);
  return publicKey;
}
