import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  status: number;
  at: number;
}

export interface WebhookServer {
  url: string;
  port: number;
  received: Received[];
  /** The status the next requests get; a function decides per request. */
  respond: (req: { path: string; count: number; body: string }) => number;
  /** Requests answered 2xx, by Idempotency-Key. */
  successesByKey(): Map<string, number>;
  close(): Promise<void>;
}

/** A department's system: a real HTTP server on 127.0.0.1 that records what it is sent. */
export async function startWebhookServer(opts: { port?: number; respond?: WebhookServer['respond'] } = {}): Promise<WebhookServer> {
  const received: Received[] = [];
  const state: WebhookServer = {
    url: '',
    port: 0,
    received,
    respond: opts.respond ?? (() => 200),
    successesByKey() {
      const map = new Map<string, number>();
      for (const r of received) {
        if (r.status < 200 || r.status >= 300) continue;
        const key = String(r.headers['idempotency-key']);
        map.set(key, (map.get(key) ?? 0) + 1);
      }
      return map;
    },
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const status = state.respond({ path, count: received.filter((r) => r.path === path).length, body });
      let json: Received['json'];
      try {
        json = JSON.parse(body);
      } catch {
        json = { id: '', type: '', createdAt: '', data: {} };
      }
      received.push({ path, headers: req.headers, body, json, status, at: Date.now() });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: opts.port ?? 0 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  state.port = port;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}
