import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKeys, seal, unseal } from '../../../src/lib/crypto.js';
import { sealFast, sm4Ctr, unsealFast } from '../../../src/modules/exchange/record-cipher.js';

// The fast sealer must give exactly what OpenSSL's SM4-CTR gives, so crypto.ts unseal() opens it.
describe('SM4 sealing of hosted records', () => {
  const keys = deriveKeys(randomBytes(32).toString('hex'));

  it('is OpenSSL SM4-CTR for every length, counter carries included', () => {
    const ivs = [randomBytes(16), Buffer.from('00000000000000000000000000fffffe', 'hex'), Buffer.alloc(16, 0xff)];
    for (const iv of ivs) {
      for (const length of [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000]) {
        const data = randomBytes(length);
        const c = createCipheriv('sm4-ctr', keys.sealEnc, iv);
        expect(sm4Ctr(keys, iv, data).equals(Buffer.concat([c.update(data), c.final()]))).toBe(true);
      }
    }
  });

  it('seals in the format crypto.ts unseal() opens, with a fresh IV each time', () => {
    const texts = ['', '张三', '虚构省𠀀路1号', 'x'.repeat(5000)];
    const sealed = texts.map((t) => sealFast(keys, t));
    expect(sealed.map((s) => unseal(keys, s))).toEqual(texts);
    const ivs = new Set(Array.from({ length: 5000 }, () => sealFast(keys, 'a').split('.')[1]));
    expect(ivs.size).toBe(5000);
    // Another key cannot open it.
    expect(() => unseal(deriveKeys(randomBytes(32).toString('hex')), sealed[1]!)).toThrow(/integrity/);
  });

  it('opens what seal() and sealFast() seal, as unseal() does, and refuses what unseal() refuses', () => {
    const texts = ['', '张三', '虚构省𠀀路1号', 'x'.repeat(5000)];
    for (const t of texts) {
      expect(unsealFast(keys, seal(keys, t))).toBe(t);
      expect(unsealFast(keys, sealFast(keys, t))).toBe(t);
    }
    const sealed = seal(keys, '虚构省示例市测试区样例路1号');
    const [v, iv, ct, mac] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0]! ^= 1;
    const bad = [
      `${v}.${iv}.${flipped.toString('base64url')}.${mac}`, // ciphertext changed
      `${v}.${iv}.${ct}.${Buffer.alloc(32).toString('base64url')}`, // MAC replaced
      `v2.${iv}.${ct}.${mac}`, 'v1..', 'not sealed',
    ];
    for (const b of bad) {
      expect(() => unseal(keys, b)).toThrow();
      expect(() => unsealFast(keys, b)).toThrow();
    }
    expect(() => unsealFast(deriveKeys(randomBytes(32).toString('hex')), sealed)).toThrow(/integrity/);
  });
});
