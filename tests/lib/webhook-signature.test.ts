import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../src/lib/webhook-signature.js';

describe('webhook signatures', () => {
  const secret = 'a-department-webhook-secret-of-32-chars';
  const body = '{"id":"6f1c","type":"application.pending_provider"}';

  it('is HMAC-SM3 over "<t>.<body>", as documented', () => {
    const header = signWebhook(secret, body, 1_780_000_000);
    const mac = createHmac('sm3', secret).update(`1780000000.${body}`).digest('hex');
    expect(header).toBe(`t=1780000000,sm3=${mac}`);
  });

  it('verifies, and refuses a changed body, another secret, or an old timestamp', () => {
    const header = signWebhook(secret, body, 1_780_000_000);
    expect(verifyWebhookSignature(secret, header, body, 1_780_000_100)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body.replace('6f1c', '6f1d'), 1_780_000_100)).toBe(false);
    expect(verifyWebhookSignature(`${secret}x`, header, body, 1_780_000_100)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, 1_780_000_000 + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, body, 1_780_000_000)).toBe(false);
    expect(verifyWebhookSignature(secret, 't=1780000000,sm3=zz', body, 1_780_000_000)).toBe(false);
  });
});
