import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { outboundFailure, outboundRequest, refusedAddress, RefusedTargetError } from '../../src/lib/outbound-target.js';
import { startWebhookServer, type WebhookServer } from '../helpers/webhook-server.js';

// Department URLs may point into private government networks, never at the hub's own host
// (where the embedded PostgreSQL and Redis listen) or at link-local services such as cloud metadata.

const STRICT = { allowLoopback: false };
const LOOPBACK_OK = { allowLoopback: true };
const post = (url: string, policy = STRICT, timeoutMs = 2000) =>
  outboundRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs }, policy);

describe('outbound targets', () => {
  let server: WebhookServer;
  beforeAll(async () => {
    server = await startWebhookServer();
  });
  afterAll(async () => server.close());

  it('refuses loopback by default, and only allows it when configured', () => {
    expect(loadConfig({}).OUTBOUND_ALLOW_LOOPBACK).toBe(false);
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(refusedAddress(address, STRICT), address).toBe('a loopback address');
      expect(refusedAddress(address, LOOPBACK_OK), address).toBeUndefined();
    }
  });

  it('always refuses link-local, unspecified and multicast addresses', () => {
    for (const address of ['169.254.169.254', '169.254.0.1', 'fe80::1', '0.0.0.0', '0.1.2.3', '::', '224.0.0.1', '239.255.255.250', 'ff02::1', '::ffff:169.254.169.254']) {
      expect(refusedAddress(address, LOOPBACK_OK), address).toBe('a link-local, unspecified or multicast address');
    }
  });

  it('allows private and public addresses: government networks are private', () => {
    for (const address of ['10.0.0.1', '10.255.1.2', '172.16.0.1', '192.168.1.10', '100.64.0.1', '203.0.113.5', 'fd00::1', '2001:db8::1']) {
      expect(refusedAddress(address, STRICT), address).toBeUndefined();
    }
  });

  it('does not connect to a refused IP literal or to a name resolving to loopback', async () => {
    const port = server.port;
    for (const url of [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, `http://[::1]:${port}/`, `http://0.0.0.0:${port}/`, 'http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/']) {
      const err = await post(url).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(RefusedTargetError);
      expect(outboundFailure(err)).toEqual({ error: 'refused target', permanent: true });
    }
    expect(server.received).toHaveLength(0);
    await expect(post('http://169.254.169.254/', LOOPBACK_OK)).rejects.toBeInstanceOf(RefusedTargetError);
  });

  it('connects to an allowed target and answers its status', async () => {
    expect(await post(`${server.url}/hook`, LOOPBACK_OK)).toBe(200);
    expect(await post(`http://localhost:${server.port}/hook`, LOOPBACK_OK)).toBe(200);
    expect(server.received.map((r) => [r.path, r.body])).toEqual([['/hook', '{}'], ['/hook', '{}']]);
  });

  it('refuses credentials and non-http schemes before any connection', async () => {
    for (const url of [`http://user:pw@127.0.0.1:${server.port}/`, 'file:///etc/passwd']) {
      await expect(post(url, LOOPBACK_OK)).rejects.toBeInstanceOf(RefusedTargetError);
    }
  });

  it('gives departments coarse reasons only; the system code goes to the operators', async () => {
    const malformed = await post('http://exa mple.gov.cn/').catch((e: unknown) => e);
    expect(outboundFailure(malformed)).toMatchObject({ error: 'invalid target', permanent: true });
    const silent = http.createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hang = await post(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, LOOPBACK_OK, 100).catch((e: unknown) => e);
    silent.closeAllConnections();
    silent.close();
    expect(outboundFailure(hang)).toEqual({ error: 'timeout', permanent: false });
    const refused = await post('http://127.0.0.1:1/', LOOPBACK_OK).catch((e: unknown) => e);
    expect(outboundFailure(refused)).toEqual({ error: 'unreachable', permanent: false, code: 'ECONNREFUSED' });
    const unknown = await post('http://no-such-host.invalid/', STRICT).catch((e: unknown) => e);
    expect(outboundFailure(unknown)).toMatchObject({ error: 'unreachable', permanent: false });
  });
});
