import { createPublicKey, generateKeyPairSync, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
// The hub signs with sm-crypto-v2 (via src/lib/sm2.ts); `sm-crypto` is an independent GB/T 32918
// implementation (jsbn, its own SM3 and Z computation) used only here, to check both directions.
import { sm2 as independent } from 'sm-crypto';
import { sm2 as hubLibrary } from 'sm-crypto-v2';
import {
  SM2_CURVE,
  SM2_DEFAULT_USER_ID,
  deriveAuditSm2KeyPair,
  generateSm2KeyPair,
  isSm2PublicKey,
  sm2Digest,
  sm2KeyPairFromPrivateKey,
  sm2KeyPairFromSeed,
  sm2PublicKeyFromPem,
  sm2PublicKeyToPem,
  sm2Sign,
  sm2SignatureFromDer,
  sm2SignatureToDer,
  sm2Verify,
  sm2Z,
} from '../../src/lib/sm2.js';

// GB/T 32918.5-2017 Annex A (= GM/T 0003.5-2012 Annex A): signature example on the recommended
// curve, ID "1234567812345678", M = "message digest". The same values appear in GmSSL's, Tongsuo's
// and openHiTLS's self-tests.
const STANDARD = {
  d: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  publicKey:
    '04' +
    '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
    'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  message: 'message digest',
  z: 'b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3',
  e: 'f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640',
  k: '59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21',
  r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
  s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
};
const N = BigInt(`0x${SM2_CURVE.n}`);
const hex32 = (v: bigint) => v.toString(16).padStart(64, '0');
const rs = (r: bigint, s: bigint) => Buffer.from(hex32(r) + hex32(s), 'hex');
const bytes = (b: Buffer) => Array.from(b);

function randomMessage(i: number): Buffer {
  // Lengths 0..200, including the empty message and lengths around the SM3 block size.
  return randomBytes([0, 1, 55, 56, 63, 64, 65][i] ?? (i * 37) % 201);
}

describe('SM2 against the GB/T 32918.5 Annex A example', () => {
  const keyPair = sm2KeyPairFromPrivateKey(STANDARD.d);

  it('derives the standard public key and its Z and e', () => {
    expect(keyPair.publicKey).toBe(STANDARD.publicKey);
    expect(sm2Z(STANDARD.publicKey).toString('hex')).toBe(STANDARD.z);
    expect(sm2Z(STANDARD.publicKey, SM2_DEFAULT_USER_ID).toString('hex')).toBe(STANDARD.z);
    expect(sm2Digest(STANDARD.message, STANDARD.publicKey).toString('hex')).toBe(STANDARD.e);
    expect(sm2Digest(Buffer.from(STANDARD.message), STANDARD.publicKey).toString('hex')).toBe(STANDARD.e);
  });

  it("accepts the standard's (r, s), raw and DER", () => {
    const signature = Buffer.from(STANDARD.r + STANDARD.s, 'hex');
    expect(sm2Verify(STANDARD.message, signature, STANDARD.publicKey)).toBe(true);
    const der = sm2SignatureToDer(signature);
    expect(sm2SignatureFromDer(der)?.equals(signature)).toBe(true);
    expect(independent.doVerifySignature(STANDARD.message, der.toString('hex'), STANDARD.publicKey, { der: true, hash: true })).toBe(true);
  });

  it("reproduces the standard's (r, s) from its fixed k with the hub's e and curve library", () => {
    // The public API always draws k at random; the library accepts a precomputed (k, x1) pool.
    const kG = hubLibrary.getPublicKeyFromPrivateKey(STANDARD.k);
    const x1 = BigInt(`0x${kG.slice(2, 66)}`);
    const e = sm2Digest(STANDARD.message, STANDARD.publicKey);
    const signature = hubLibrary.doSignature(e, STANDARD.d, { hash: false, pointPool: [{ k: BigInt(`0x${STANDARD.k}`), x1 }] });
    expect(signature).toBe(STANDARD.r + STANDARD.s);
  });

  it('signs with a random k so that the standard key verifies, and no two signatures repeat', () => {
    const a = sm2Sign(STANDARD.message, keyPair);
    const b = sm2Sign(STANDARD.message, keyPair);
    expect(a.length).toBe(64);
    expect(a.equals(b)).toBe(false);
    expect(sm2Verify(STANDARD.message, a, STANDARD.publicKey)).toBe(true);
    expect(sm2Verify(STANDARD.message, b, STANDARD.publicKey)).toBe(true);
  });
});

describe('SM2 interoperability with an independent implementation (sm-crypto)', () => {
  // Each round is a fresh key pair, message and k; every third binds a custom user id. sm-crypto's
  // big-number arithmetic makes a round cost tens of milliseconds, so nine rounds, not dozens.
  const ROUNDS = 9;

  it('the independent implementation verifies what the hub signs (raw and DER, default and custom id)', () => {
    for (let i = 0; i < ROUNDS; i += 1) {
      const keyPair = generateSm2KeyPair();
      const message = randomMessage(i);
      const userId = i % 3 === 0 ? `dept-${i}@sharehub.gov.cn` : undefined;
      const signature = sm2Sign(message, keyPair, { userId });
      const opts = { hash: true, ...(userId ? { userId } : {}) };
      expect(independent.doVerifySignature(bytes(message), signature.toString('hex'), keyPair.publicKey, opts)).toBe(true);
      const der = sm2SignatureToDer(signature).toString('hex');
      expect(independent.doVerifySignature(bytes(message), der, keyPair.publicKey, { ...opts, der: true })).toBe(true);
      // …and the id is bound: the other id fails.
      expect(independent.doVerifySignature(bytes(message), signature.toString('hex'), keyPair.publicKey, { hash: true, userId: 'someone-else' })).toBe(false);
    }
  });

  it('the hub verifies what the independent implementation signs (raw and DER, default and custom id)', () => {
    for (let i = 0; i < ROUNDS; i += 1) {
      const { privateKey, publicKey } = independent.generateKeyPairHex();
      expect(sm2KeyPairFromPrivateKey(privateKey).publicKey).toBe(publicKey.toLowerCase());
      const message = randomMessage(i);
      const userId = i % 3 === 0 ? `dept-${i}@sharehub.gov.cn` : undefined;
      const opts = { hash: true, publicKey, ...(userId ? { userId } : {}) };
      const raw = Buffer.from(independent.doSignature(bytes(message), privateKey, opts), 'hex');
      expect(sm2Verify(message, raw, publicKey.toLowerCase(), { userId })).toBe(true);
      const der = sm2SignatureFromDer(Buffer.from(independent.doSignature(bytes(message), privateKey, { ...opts, der: true }), 'hex'));
      expect(der).not.toBeNull();
      expect(sm2Verify(message, der as Buffer, publicKey.toLowerCase(), { userId })).toBe(true);
      expect(sm2Verify(message, raw, publicKey.toLowerCase(), { userId: 'someone-else' })).toBe(false);
    }
  });

  it('agrees on UTF-8 string messages', () => {
    const keyPair = generateSm2KeyPair();
    const message = '树头 size=42 root=… 时间 2026-11-29T10:00:00Z';
    expect(independent.doVerifySignature(message, sm2Sign(message, keyPair).toString('hex'), keyPair.publicKey, { hash: true })).toBe(true);
    const theirs = independent.doSignature(message, keyPair.privateKey, { hash: true, publicKey: keyPair.publicKey });
    expect(sm2Verify(Buffer.from(message, 'utf8'), Buffer.from(theirs, 'hex'), keyPair.publicKey)).toBe(true);
  });
});

describe('SM2 rejects tampering', () => {
  const keyPair = generateSm2KeyPair();
  const message = Buffer.from('{"size":1024,"root":"ab…","time":"2026-11-29T10:00:00Z"}');
  const signature = sm2Sign(message, keyPair);
  const r = BigInt(`0x${signature.subarray(0, 32).toString('hex')}`);
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);

  it('accepts the untouched signature', () => {
    expect(sm2Verify(message, signature, keyPair.publicKey)).toBe(true);
  });

  it('rejects any changed message byte, an appended or a dropped byte', () => {
    for (let i = 0; i < message.length; i += 1) {
      const tampered = Buffer.from(message);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      expect(sm2Verify(tampered, signature, keyPair.publicKey)).toBe(false);
    }
    expect(sm2Verify(Buffer.concat([message, Buffer.from([0])]), signature, keyPair.publicKey)).toBe(false);
    expect(sm2Verify(message.subarray(1), signature, keyPair.publicKey)).toBe(false);
  });

  it('rejects any flipped signature bit', () => {
    for (let bit = 0; bit < 512; bit += 7) {
      const tampered = Buffer.from(signature);
      tampered[bit >> 3] = (tampered[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      expect(sm2Verify(message, tampered, keyPair.publicKey)).toBe(false);
    }
  });

  it('rejects out-of-range and malleated (r, s) without throwing', () => {
    for (const [badR, badS] of [
      [0n, s],
      [r, 0n],
      [r + N, s],
      [r, s + N],
      [N, s],
      [r, N],
      [r, N - s],
      [N - r, s],
      [2n ** 256n - 1n, 2n ** 256n - 1n],
    ] as Array<[bigint, bigint]>) {
      const sig = badR < 2n ** 256n && badS < 2n ** 256n ? rs(badR, badS) : Buffer.alloc(64, 0xff);
      expect(sm2Verify(message, sig, keyPair.publicKey)).toBe(false);
    }
    expect(sm2Verify(message, signature.subarray(0, 63), keyPair.publicKey)).toBe(false);
    expect(sm2Verify(message, Buffer.concat([signature, Buffer.from([0])]), keyPair.publicKey)).toBe(false);
    expect(sm2Verify(message, sm2SignatureToDer(signature), keyPair.publicKey)).toBe(false);
  });

  it('rejects another key, a different user id, and public keys that are not curve points', () => {
    expect(sm2Verify(message, signature, generateSm2KeyPair().publicKey)).toBe(false);
    expect(sm2Verify(message, signature, keyPair.publicKey, { userId: 'ALICE123@YAHOO.COM' })).toBe(false);
    expect(sm2Verify(message, signature, keyPair.publicKey, { userId: '' })).toBe(false);
    const offCurve = keyPair.publicKey.slice(0, -1) + (keyPair.publicKey.endsWith('0') ? '1' : '0');
    expect(isSm2PublicKey(offCurve)).toBe(false);
    expect(sm2Verify(message, signature, offCurve)).toBe(false);
    expect(sm2Verify(message, signature, `04${'00'.repeat(64)}`)).toBe(false);
    expect(sm2Verify(message, signature, keyPair.publicKey.slice(2))).toBe(false);
    expect(sm2Verify(message, signature, keyPair.publicKey.toUpperCase())).toBe(false);
    expect(() => sm2Z(offCurve)).toThrow(/not an SM2 public key/);
  });
});

describe("Node's crypto.sign('sm3') is not GB/T 32918 SM2", () => {
  // Node 20's OpenSSL 3 has the SM2 curve, but sign('sm3') on an EC key over it computes ECDSA of
  // SM3(M): no Z value, and ECDSA's equation instead of SM2's. This test exists so that nobody
  // replaces src/lib/sm2.ts with it: neither side accepts the other's signatures.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const sec1 = privateKey.export({ format: 'der', type: 'sec1' });
  // SEC1 ECPrivateKey: 30 77 02 01 01 04 20 <d, 32 bytes> …
  const d = sec1.subarray(7, 39).toString('hex');
  const publicHex = spki.subarray(-65).toString('hex');
  const message = Buffer.from('tree head 7');

  it('uses the same key on both sides', () => {
    expect(sec1.subarray(0, 7).toString('hex')).toBe('30770201010420');
    expect(sm2KeyPairFromPrivateKey(d).publicKey).toBe(publicHex);
    expect(sm2PublicKeyFromPem(publicKey.export({ format: 'pem', type: 'spki' }) as string)).toBe(publicHex);
  });

  it("the GB/T 32918 verifiers reject Node's signature, with the default id and with an empty id", () => {
    const nodeSignature = nodeSign('sm3', message, privateKey);
    expect(nodeVerify('sm3', message, publicKey, nodeSignature)).toBe(true);
    const raw = sm2SignatureFromDer(nodeSignature);
    expect(raw).not.toBeNull();
    expect(sm2Verify(message, raw as Buffer, publicHex)).toBe(false);
    expect(sm2Verify(message, raw as Buffer, publicHex, { userId: '' })).toBe(false);
    expect(independent.doVerifySignature(bytes(message), nodeSignature.toString('hex'), publicHex, { der: true, hash: true })).toBe(false);
  });

  it("Node rejects a GB/T 32918 signature made with the same key", () => {
    const signature = sm2Sign(message, sm2KeyPairFromPrivateKey(d));
    expect(sm2Verify(message, signature, publicHex)).toBe(true);
    expect(nodeVerify('sm3', message, publicKey, sm2SignatureToDer(signature))).toBe(false);
  });
});

describe('SM2 keys', () => {
  it('derives the same key from the same seed and different keys from different seeds', () => {
    const seed = Buffer.alloc(32, 7);
    const a = sm2KeyPairFromSeed(seed);
    expect(sm2KeyPairFromSeed(Buffer.alloc(32, 7))).toEqual(a);
    expect(sm2KeyPairFromSeed(Buffer.alloc(32, 8)).privateKey).not.toBe(a.privateKey);
    expect(isSm2PublicKey(a.publicKey)).toBe(true);
    expect(sm2KeyPairFromPrivateKey(a.privateKey)).toEqual(a);
    expect(() => sm2KeyPairFromSeed(Buffer.alloc(31))).toThrow(/at least 32 bytes/);
  });

  it('derives the audit key from the master secret deterministically, per secret', () => {
    const master = '11'.repeat(32);
    const a = deriveAuditSm2KeyPair(master);
    expect(deriveAuditSm2KeyPair(master)).toEqual(a);
    expect(deriveAuditSm2KeyPair('22'.repeat(32)).publicKey).not.toBe(a.publicKey);
    expect(sm2Verify('x', sm2Sign('x', a), a.publicKey)).toBe(true);
  });

  it('accepts private keys in [1, n-2] only', () => {
    expect(sm2KeyPairFromPrivateKey(hex32(1n)).publicKey).toBe(`04${SM2_CURVE.gx}${SM2_CURVE.gy}`);
    expect(isSm2PublicKey(sm2KeyPairFromPrivateKey(hex32(N - 2n)).publicKey)).toBe(true);
    expect(sm2KeyPairFromPrivateKey(STANDARD.d.toUpperCase()).privateKey).toBe(STANDARD.d);
    for (const bad of [hex32(0n), hex32(N - 1n), hex32(N), 'f'.repeat(64), 'abc', `${STANDARD.d}00`, 'g'.repeat(64)]) {
      expect(() => sm2KeyPairFromPrivateKey(bad)).toThrow(/SM2 private key/);
    }
  });

  it('exports SPKI PEM with the SM2 curve OID that OpenSSL reads, and reads it back', () => {
    const keyPair = generateSm2KeyPair();
    const pem = sm2PublicKeyToPem(keyPair.publicKey);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    // OpenSSL parses it (as its SM2 key type, which Node 20 reports without a name) and writes the
    // same bytes back; a key Node generates on the SM2 curve has the same SPKI layout.
    const der = createPublicKey(pem).export({ format: 'der', type: 'spki' });
    expect(der.subarray(-65).toString('hex')).toBe(keyPair.publicKey);
    expect(der.toString('base64')).toBe(pem.split('\n').slice(1, -2).join(''));
    const nodeKey = generateKeyPairSync('ec', { namedCurve: 'SM2' }).publicKey;
    expect(nodeKey.asymmetricKeyDetails?.namedCurve).toBe('SM2');
    expect(nodeKey.export({ format: 'der', type: 'spki' }).subarray(0, -65).equals(der.subarray(0, -65))).toBe(true);
    expect(sm2PublicKeyFromPem(pem)).toBe(keyPair.publicKey);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }) as string;
    expect(() => sm2PublicKeyFromPem(p256)).toThrow(/not an SM2 public key/);
    expect(() => sm2PublicKeyToPem('04abcd')).toThrow(/not an SM2 public key/);
  });
});

describe('SM2 signature DER encoding', () => {
  it('round-trips, including short and high-bit integers', () => {
    for (const [r, s] of [
      [1n, 1n],
      [0x80n, 0x7fn],
      [N - 1n, N - 1n],
      [2n ** 255n, 2n ** 248n - 1n],
    ] as Array<[bigint, bigint]>) {
      const raw = rs(r, s);
      const der = sm2SignatureToDer(raw);
      expect(sm2SignatureFromDer(der)?.equals(raw)).toBe(true);
    }
    expect(sm2SignatureToDer(rs(1n, 0x80n)).toString('hex')).toBe('3007020101020200' + '80');
  });

  it('rejects non-minimal, negative, truncated, trailing and mis-tagged DER', () => {
    const good = sm2SignatureToDer(rs(5n, 6n)); // 30 06 02 01 05 02 01 06
    expect(good.toString('hex')).toBe('3006020105020106');
    for (const bad of [
      '300702020005020106', // r with a needless leading zero
      '3006020185020106', // r negative
      '30060201050201', // truncated
      '300602010502010600', // trailing byte
      '3106020105020106', // not a SEQUENCE
      '3006030105020106', // r not an INTEGER
      '3007020105020106', // wrong sequence length
      '3003020105', // only one integer
      `30270222${'00'}${'ff'.repeat(33)}020106`, // r longer than 32 bytes
    ]) {
      expect(sm2SignatureFromDer(Buffer.from(bad, 'hex'))).toBeNull();
    }
    expect(() => sm2SignatureToDer(Buffer.alloc(63))).toThrow(/64 bytes/);
  });
});
