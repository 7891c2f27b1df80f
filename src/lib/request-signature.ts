import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hmacSm3Hex } from './crypto.js';

// Signed forwarding. Every query the hub forwards to a provider's endpoint (前置机, delivery mode
// provider_api) carries
//
//   X-ShareHub-Request-Signature: t=<unix seconds>,n=<nonce>,sm3=<hex HMAC-SM3(secret, payload)>
//
//   payload = "<METHOD>\n<path and query, as sent>\n<hex SM3 of the raw body>\n<t>\n<nonce>"
//
// keyed with the providing department's webhook secret (the one shared secret the hub and a
// department already have; rotated with PATCH /v1/departments/{code} rotateWebhookSecret). The
// payload cannot be taken for a webhook's ("<t>.<body>": digits then a dot; this one starts with
// the method's letters), so one key serves both without one signature standing for the other.
//
// Method and path are inside the MAC (a signature for one endpoint is worthless on another), the
// body through its SM3 digest, and the time and a random nonce make each signature single-use: a
// provider refuses a `t` more than SIGNATURE_TOLERANCE_SECONDS from its clock and a nonce it has
// seen within that window (`verifyRequestSignature` with a NonceStore). This file is the
// reference implementation for providers; `memoryNonceStore` is enough for one process, a
// provider with several replicas keeps nonces in a shared store (e.g. Redis SET NX EX).

export const REQUEST_SIGNATURE_HEADER = 'x-sharehub-request-signature';
export const REQUEST_SIGNATURE_TOLERANCE_SECONDS = 300;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

export interface SignedRequest {
  method: string;
  /** Path and query exactly as on the request line (`/api/records?x=1`). */
  path: string;
  /** The raw body ('' for none). */
  body: string | Buffer;
}

export const sm3Hex = (data: string | Buffer) => createHash('sm3').update(data).digest('hex');

export const requestSigningPayload = (req: SignedRequest, timestamp: number, nonce: string) =>
  `${req.method.toUpperCase()}\n${req.path}\n${sm3Hex(req.body)}\n${timestamp}\n${nonce}`;

export const newNonce = () => randomBytes(16).toString('base64url');

export function signRequest(secret: string, req: SignedRequest, timestamp: number, nonce: string = newNonce()): string {
  if (!NONCE.test(nonce)) throw new Error('a nonce is 16–64 characters of [A-Za-z0-9_-]');
  return `t=${timestamp},n=${nonce},sm3=${hmacSm3Hex(secret, requestSigningPayload(req, timestamp, nonce))}`;
}

/** Remembers nonces for as long as a signature could still be accepted. */
export interface NonceStore {
  /** true the first time `nonce` is claimed (until `expiresAt`, unix seconds); false if seen. */
  claim(nonce: string, expiresAt: number, nowSeconds: number): boolean | Promise<boolean>;
}

/** In-process NonceStore: entries are dropped once past their expiry. */
export function memoryNonceStore(): NonceStore & { size(): number } {
  const seen = new Map<string, number>();
  let nextSweep = 0;
  return {
    claim(nonce, expiresAt, nowSeconds) {
      if (nowSeconds >= nextSweep) {
        for (const [n, until] of seen) if (until < nowSeconds) seen.delete(n);
        nextSweep = nowSeconds + 60;
      }
      const until = seen.get(nonce);
      if (until !== undefined && until >= nowSeconds) return false;
      seen.set(nonce, expiresAt);
      return true;
    },
    size: () => seen.size,
  };
}

export type RequestVerification = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' | 'replayed' };

/**
 * What a provider does with a forwarded request: parse the header, check the time, recompute the
 * MAC over the request as received (constant-time compare), then claim the nonce. Only a request
 * that passes all four may be answered.
 */
export async function verifyRequestSignature(
  secret: string,
  header: string | undefined,
  req: SignedRequest,
  opts: { nowSeconds: number; nonces: NonceStore; toleranceSeconds?: number },
): Promise<RequestVerification> {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = new Map<string, string>();
  for (const part of header.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) return { ok: false, reason: 'malformed' };
    parts.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const t = Number(parts.get('t'));
  const nonce = parts.get('n') ?? '';
  const mac = parts.get('sm3') ?? '';
  if (!/^\d{1,12}$/.test(parts.get('t') ?? '') || !NONCE.test(nonce) || !/^[0-9a-f]{64}$/.test(mac)) return { ok: false, reason: 'malformed' };
  const tolerance = opts.toleranceSeconds ?? REQUEST_SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(opts.nowSeconds - t) > tolerance) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(hmacSm3Hex(secret, requestSigningPayload(req, t, nonce)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(mac, 'hex'))) return { ok: false, reason: 'mismatch' };
  // Kept until the signature could no longer pass the time check anyway.
  if (!(await opts.nonces.claim(nonce, t + tolerance, opts.nowSeconds))) return { ok: false, reason: 'replayed' };
  return { ok: true };
}
