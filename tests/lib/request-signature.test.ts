import { describe, expect, it } from 'vitest';
import { sm3 as independentSm3 } from 'sm-crypto';
import { memoryNonceStore, signRequest, verifyRequestSignature } from '../../src/lib/request-signature.js';

// The signature of forwarded queries (hub → provider endpoint) and the verifier exported for providers.
const SECRET = 'provider-shared-secret-0123456789abcdef';
const REQ = { method: 'POST', path: '/api/records?v=1', body: '{"subjectIds":["11010519491231002X"],"fields":["name"]}' };
const T = 1_796_000_000;
const NONCE = 'AAAAAAAAAAAAAAAAAAAAAA';
const utf8 = (s: string) => Array.from(Buffer.from(s, 'utf8'));

describe('forwarded request signature (HMAC-SM3 over method, path, body digest, time, nonce)', () => {
  it('is the HMAC-SM3 of the documented payload, as an independent SM3 implementation computes it', () => {
    const header = signRequest(SECRET, REQ, T, NONCE);
    const bodyDigest = independentSm3(utf8(REQ.body));
    const payload = `POST\n/api/records?v=1\n${bodyDigest}\n${T}\n${NONCE}`;
    expect(header).toBe(`t=${T},n=${NONCE},sm3=${independentSm3(utf8(payload), { key: utf8(SECRET) })}`);
  });

  it('verifies once: the same signature again is a replay', async () => {
    const nonces = memoryNonceStore();
    const header = signRequest(SECRET, REQ, T);
    expect(await verifyRequestSignature(SECRET, header, REQ, { nowSeconds: T + 10, nonces })).toEqual({ ok: true });
    expect(await verifyRequestSignature(SECRET, header, REQ, { nowSeconds: T + 20, nonces })).toEqual({ ok: false, reason: 'replayed' });
    // a fresh signature of the same request has a new nonce
    expect(await verifyRequestSignature(SECRET, signRequest(SECRET, REQ, T), REQ, { nowSeconds: T + 20, nonces })).toEqual({ ok: true });
  });

  it('refuses a stale or future time beyond the tolerance', async () => {
    const nonces = memoryNonceStore();
    expect(await verifyRequestSignature(SECRET, signRequest(SECRET, REQ, T), REQ, { nowSeconds: T + 301, nonces })).toEqual({ ok: false, reason: 'stale' });
    expect(await verifyRequestSignature(SECRET, signRequest(SECRET, REQ, T), REQ, { nowSeconds: T - 301, nonces })).toEqual({ ok: false, reason: 'stale' });
    expect(await verifyRequestSignature(SECRET, signRequest(SECRET, REQ, T), REQ, { nowSeconds: T + 300, nonces })).toEqual({ ok: true });
  });

  it('refuses any change of method, path, body, time or nonce, and another key', async () => {
    const header = signRequest(SECRET, REQ, T, NONCE);
    const check = (h: string, req = REQ, secret = SECRET) => verifyRequestSignature(secret, h, req, { nowSeconds: T, nonces: memoryNonceStore() });
    const mismatch = { ok: false, reason: 'mismatch' };
    expect(await check(header, { ...REQ, method: 'GET' })).toEqual(mismatch);
    expect(await check(header, { ...REQ, path: '/api/records?v=2' })).toEqual(mismatch);
    expect(await check(header, { ...REQ, body: REQ.body.replace('name', 'address') })).toEqual(mismatch);
    expect(await check(header.replace(`t=${T}`, `t=${T + 1}`))).toEqual(mismatch);
    expect(await check(header.replace(NONCE, 'BAAAAAAAAAAAAAAAAAAAAA'))).toEqual(mismatch);
    expect(await check(header, REQ, 'another-secret')).toEqual(mismatch);
    expect(await check(header)).toEqual({ ok: true });
  });

  it('refuses a missing or malformed header', async () => {
    const check = (h: string | undefined) => verifyRequestSignature(SECRET, h, REQ, { nowSeconds: T, nonces: memoryNonceStore() });
    expect(await check(undefined)).toEqual({ ok: false, reason: 'missing' });
    for (const bad of ['garbage', `t=${T},sm3=${'0'.repeat(64)}`, `t=x,n=${NONCE},sm3=${'0'.repeat(64)}`, `t=${T},n=short,sm3=${'0'.repeat(64)}`, `t=${T},n=${NONCE},sm3=XYZ`]) {
      expect(await check(bad)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('forgets nonces once their signatures could no longer pass the time check', () => {
    const nonces = memoryNonceStore();
    expect(nonces.claim('n1', T + 300, T)).toBe(true);
    expect(nonces.claim('n1', T + 300, T + 1)).toBe(false);
    expect(nonces.claim('n2', T + 400, T + 1)).toBe(true);
    expect(nonces.claim('n3', T + 1000, T + 301 + 60)).toBe(true);
    expect(nonces.size()).toBe(2); // n1 dropped, n2 and n3 kept
  });
});
