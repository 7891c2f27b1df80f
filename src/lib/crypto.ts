import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

// Commercial cryptography (GM/T 0054) from Node's bundled OpenSSL 3: SM3 for hashing and
// HMAC, SM4 for encrypting secrets at rest. OpenSSL has no SM4-GCM, so secrets are sealed with
// SM4-CTR and authenticated with HMAC-SM3 (encrypt-then-MAC).

export interface HubKeys {
  /** HS256 key for the JWTs the hub issues. */
  jwt: Uint8Array;
  /** SM4 key for secrets stored in the database (webhook secrets). */
  sealEnc: Buffer;
  sealMac: Buffer;
  /** Keyed SM3 HMAC of subject ids: searchable without storing the id. */
  subject: Buffer;
}

/** Every key the hub uses is derived from one master secret (SHAREHUB_SECRET_KEY). */
export function deriveKeys(masterHex: string): HubKeys {
  const master = Buffer.from(masterHex, 'hex');
  const derive = (info: string, length: number) => Buffer.from(hkdfSync('sha256', master, 'sharehub', info, length));
  return {
    jwt: new Uint8Array(derive('jwt-hs256', 32)),
    sealEnc: derive('seal-sm4', 16),
    sealMac: derive('seal-hmac-sm3', 32),
    subject: derive('subject-hmac-sm3', 32),
  };
}

export const hmacSm3Hex = (key: Buffer | string, data: string | Buffer) => createHmac('sm3', key).update(data).digest('hex');
export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** SM4-CTR + HMAC-SM3; output is `v1.<iv>.<ciphertext>.<mac>` in base64url. */
export function seal(keys: Pick<HubKeys, 'sealEnc' | 'sealMac'>, plaintext: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('sm4-ctr', keys.sealEnc, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const mac = createHmac('sm3', keys.sealMac).update(iv).update(ct).digest();
  return ['v1', iv, ct, mac].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/**
 * A sealed value's IV and ciphertext once its format and MAC are checked (before any decryption):
 * what every opener of a `v1.` value shares, whichever SM4-CTR it decrypts with.
 */
export function checkedSealedParts(keys: Pick<HubKeys, 'sealMac'>, sealed: string): { iv: Buffer; ct: Buffer } {
  const [version, ivB, ctB, macB] = sealed.split('.');
  if (version !== 'v1' || !ivB || ctB === undefined || !macB) throw new Error('sealed value has an unknown format');
  const iv = Buffer.from(ivB, 'base64url');
  const ct = Buffer.from(ctB, 'base64url');
  const expected = createHmac('sm3', keys.sealMac).update(iv).update(ct).digest();
  const mac = Buffer.from(macB, 'base64url');
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new Error('sealed value failed its integrity check');
  return { iv, ct };
}

export function unseal(keys: Pick<HubKeys, 'sealEnc' | 'sealMac'>, sealed: string): string {
  const { iv, ct } = checkedSealedParts(keys, sealed);
  const decipher = createDecipheriv('sm4-ctr', keys.sealEnc, iv);
  return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
