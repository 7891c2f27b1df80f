import { timingSafeEqual } from 'node:crypto';
import { hmacSm3Hex } from './crypto.js';

// Signed webhooks. Every POST the hub makes to a department carries
//
//   X-ShareHub-Signature: t=<unix seconds>,sm3=<hex HMAC-SM3(secret, "<t>.<raw body>")>
//
// with the department's webhook secret as the key. SM3 (GM/T 0004) rather than SHA-256 because
// government systems are assessed against the commercial-cryptography rules (密评) that the
// rest of the hub already follows. The timestamp is inside the MAC so a captured delivery cannot
// be replayed later: receivers reject a `t` more than a few minutes from their clock, and
// de-duplicate on the Idempotency-Key header (the message id) for retries.

export const SIGNATURE_HEADER = 'x-sharehub-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export const signaturePayload = (timestamp: number, body: string) => `${timestamp}.${body}`;

export function signWebhook(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},sm3=${hmacSm3Hex(secret, signaturePayload(timestamp, body))}`;
}

/** What a receiver does: recompute the MAC over the raw body and check the timestamp's age. */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=') as [string, string]));
  const t = Number(parts.t);
  const mac = parts.sm3;
  if (!Number.isInteger(t) || !mac || !/^[0-9a-f]{64}$/.test(mac)) return false;
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacSm3Hex(secret, signaturePayload(t, body)), 'hex');
  return timingSafeEqual(expected, Buffer.from(mac, 'hex'));
}
