// SM4 sealing of hosted records at bulk-load speed. The format is crypto.ts `seal()`'s exactly
// (`v1.<iv>.<SM4-CTR ciphertext>.<HMAC-SM3 of iv‖ciphertext>`, base64url) and `unseal()` opens it;
// only the cost differs. Creating an OpenSSL cipher per value (`createCipheriv`) and drawing 16
// random bytes per value cost about as much as the rest of a record's validation, so here one SM4
// block cipher (ECB, no padding) per key makes the CTR keystream — E(iv), E(iv+1), … with the
// 128-bit big-endian counter OpenSSL's CTR uses — and IVs come from a pooled random buffer.
import { createCipheriv, createHmac, randomBytes, type Cipher } from 'node:crypto';
import { checkedSealedParts, type HubKeys } from '../../lib/crypto.js';

const BLOCK = 16;
const IV_POOL_BLOCKS = 4096;

type SealState = { ecb: Cipher; mac: Buffer; pool: Buffer; used: number };
const states = new WeakMap<Pick<HubKeys, 'sealEnc' | 'sealMac'>, SealState>();

function stateFor(keys: Pick<HubKeys, 'sealEnc' | 'sealMac'>): SealState {
  let state = states.get(keys);
  if (state === undefined) {
    const ecb = createCipheriv('sm4-ecb', keys.sealEnc, null);
    ecb.setAutoPadding(false);
    state = { ecb, mac: keys.sealMac, pool: randomBytes(BLOCK * IV_POOL_BLOCKS), used: 0 };
    states.set(keys, state);
  }
  return state;
}

function nextIv(state: SealState): Buffer {
  if (state.used === IV_POOL_BLOCKS) {
    state.pool = randomBytes(BLOCK * IV_POOL_BLOCKS);
    state.used = 0;
  }
  // A copy: the pool is replaced, never reused, but the IV outlives this call in the output.
  return Buffer.from(state.pool.subarray(BLOCK * state.used, BLOCK * ++state.used));
}

/** SM4-CTR of `data` from counter block `iv`, as OpenSSL computes it. Exported for the tests. */
export function sm4Ctr(keys: Pick<HubKeys, 'sealEnc' | 'sealMac'>, iv: Buffer, data: Buffer): Buffer {
  const state = stateFor(keys);
  const blocks = Math.ceil(data.length / BLOCK);
  const counters = Buffer.allocUnsafe(blocks * BLOCK);
  const counter = Buffer.from(iv);
  for (let b = 0; b < blocks; b++) {
    counter.copy(counters, b * BLOCK);
    for (let i = BLOCK - 1; i >= 0; i--) {
      counter[i] = (counter[i]! + 1) & 0xff;
      if (counter[i] !== 0) break;
    }
  }
  // The keystream buffer is ours: the ciphertext is written into it, one allocation fewer per value.
  const stream = state.ecb.update(counters);
  for (let i = 0; i < data.length; i++) stream[i] = data[i]! ^ stream[i]!;
  return stream.subarray(0, data.length);
}

/** As crypto.ts `seal()`; `iv` only for the tests (a fixed IV must never be used twice in earnest). */
export function sealFast(keys: Pick<HubKeys, 'sealEnc' | 'sealMac'>, plaintext: string, iv: Buffer = nextIv(stateFor(keys))): string {
  const ct = sm4Ctr(keys, iv, Buffer.from(plaintext, 'utf8'));
  const mac = createHmac('sm3', keys.sealMac).update(iv).update(ct).digest();
  return `v1.${iv.toString('base64url')}.${ct.toString('base64url')}.${mac.toString('base64url')}`;
}

/**
 * As crypto.ts `unseal()` (same checks: format, then the MAC before any decryption), with the
 * keystream from the pooled SM4 block cipher instead of a new OpenSSL CTR context per value: the
 * read path opens one sealed part per record, 1,000 per batch-get.
 */
export function unsealFast(keys: Pick<HubKeys, 'sealEnc' | 'sealMac'>, sealed: string): string {
  const { iv, ct } = checkedSealedParts(keys, sealed);
  if (iv.length !== BLOCK) throw new Error('sealed value has an unknown format');
  return sm4Ctr(keys, iv, ct).toString('utf8');
}
