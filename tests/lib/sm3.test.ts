import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sm3 as independentSm3 } from 'sm-crypto';
import { hmacSm3Hex } from '../../src/lib/crypto.js';

// The audit log's leaves, nodes, SM2 Z values and subject HMACs all rest on Node's OpenSSL SM3.
const sm3Hex = (data: Uint8Array | string) => createHash('sm3').update(data).digest('hex');

describe("Node's SM3 (GB/T 32905-2016)", () => {
  it("matches the standard's Annex A examples", () => {
    // A.1: the 3-byte message "abc".
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    // A.2: the 64-byte message "abcd" × 16 (two blocks after padding).
    expect(sm3Hex('abcd'.repeat(16))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('gives the same digest fed in pieces as in one go', () => {
    const data = randomBytes(1000);
    const pieces = createHash('sm3');
    for (let at = 0; at < data.length; at += 37) pieces.update(data.subarray(at, at + 37));
    expect(pieces.digest('hex')).toBe(sm3Hex(data));
  });

  it('agrees with an independent implementation (sm-crypto) on every length around the block size', () => {
    for (let length = 0; length <= 130; length += 1) {
      const data = randomBytes(length);
      expect(sm3Hex(data)).toBe(independentSm3(Array.from(data)));
    }
  });

  it('HMAC-SM3 (subject ids in the trail) agrees with the independent implementation', () => {
    for (const keyLength of [16, 32, 64, 65, 100]) {
      const key = randomBytes(keyLength);
      const data = randomBytes(keyLength * 3);
      expect(hmacSm3Hex(key, data)).toBe(independentSm3(Array.from(data), { key: Array.from(key) }));
    }
  });
});
