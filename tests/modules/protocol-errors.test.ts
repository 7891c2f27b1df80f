import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/use-test-app.js';

/** Sends raw bytes on a fresh connection and returns everything the server wrote until it closed. */
function exchange(port: number, raw: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close after: ${received.slice(0, 200)}`));
    }, 5000);
    socket.on('data', (chunk) => { received += chunk.toString('utf8'); });
    // The server may reset once it has answered: what it wrote is what counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.write(raw);
  });
}

interface RawResponse { status: number; headers: Record<string, string>; body: string }

function parse(raw: string): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  expect(end, raw).toBeGreaterThan(0);
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
  }));
  let body = raw.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    let out = '';
    for (let rest = body; ;) {
      const nl = rest.indexOf('\r\n');
      const size = parseInt(rest.slice(0, nl), 16);
      if (!size) break;
      out += rest.slice(nl + 2, nl + 2 + size);
      rest = rest.slice(nl + 2 + size + 2);
    }
    body = out;
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}

describe('protocol errors are problem+json with a request id', () => {
  const ctx = useTestApp();
  let port: number;
  beforeAll(async () => {
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    port = (ctx.app.server.address() as AddressInfo).port;
  });

  const json = 'Content-Type: application/json\r\n';

  it.each([
    ['an obs-fold header line', 'GET /healthz HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n', 400, 'MALFORMED_REQUEST'],
    ['bare LF line ends', 'GET /healthz HTTP/1.1\nHost: a\n\n', 400, 'MALFORMED_REQUEST'],
    ['NUL in a header value', 'GET /healthz HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n', 400, 'MALFORMED_REQUEST'],
    ['conflicting Content-Length', `POST /v1/auth/token HTTP/1.1\r\nHost: a\r\n${json}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 400, 'MALFORMED_REQUEST'],
    ['a bad chunk size', `POST /v1/auth/token HTTP/1.1\r\nHost: a\r\n${json}Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`, 400, 'MALFORMED_REQUEST'],
    ['HTTP/9.9', 'GET /healthz HTTP/9.9\r\nHost: a\r\n\r\n', 400, 'MALFORMED_REQUEST'],
    ['a header over 16 KB', `GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    ['no Host header', 'GET /healthz HTTP/1.1\r\n\r\n', 400, 'MALFORMED_REQUEST'],
  ])('answers %s', async (_label, raw, status, code) => {
    const res = parse(await exchange(port, raw));
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers.connection).toBe('close');
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ status, code, instance: id, type: expect.stringContaining(code.toLowerCase().replaceAll('_', '-')) });
    expect(body.detail).toEqual(expect.any(String));
  });

  it('gives every refused request an id of its own', async () => {
    const raw = 'GET /healthz HTTP/9.9\r\nHost: a\r\n\r\n';
    const [a, b] = await Promise.all([exchange(port, raw), exchange(port, raw)]);
    expect(parse(a).headers['x-request-id']).not.toBe(parse(b).headers['x-request-id']);
  });

  it('answers URL errors before routing with the request id header too', async () => {
    for (const path of ['/v1/departments/%FF', `/v1/users/${'a'.repeat(200)}`, '/v1/resources?q=%ED%A0%80']) {
      const res = parse(await exchange(port, `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`));
      expect(res.status, path).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['x-request-id'], path).toBeDefined();
      expect(JSON.parse(res.body).instance).toBe(res.headers['x-request-id']);
    }
  });

  it('requires Host of HTTP/1.1 only, as problem+json, and still serves well-formed requests', async () => {
    const missing = parse(await exchange(port, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'));
    expect(JSON.parse(missing.body)).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST', detail: expect.stringContaining('Host') });
    const ok = parse(await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'));
    expect(ok.status).toBe(200);
    const old = parse(await exchange(port, 'GET /healthz HTTP/1.0\r\n\r\n'));
    expect(old.status).toBe(200);
  });
});
