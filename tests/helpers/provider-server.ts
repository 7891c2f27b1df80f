import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryNonceStore, REQUEST_SIGNATURE_HEADER, verifyRequestSignature, type RequestVerification } from '../../src/lib/request-signature.js';

// A provider department's front-end processor (前置机) serving a provider_api resource: a real HTTP
// server on 127.0.0.1 that checks the hub's signature with the verifier exported for providers
// (src/lib/request-signature.ts) and answers from its own records, or misbehaves as told.

export interface ProviderRecord {
  updatedAt: string;
  fields: Record<string, unknown>;
}

export interface ForwardedQuery {
  path: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { resourceId: string; resourceVersion: number; subjectIds: string[]; fields: string[]; consumer: { departmentCode: string; serviceItem: string } };
  verification: RequestVerification;
}

export interface ProviderServer {
  url: string;
  /** Every request received, in order, with what its signature check said. */
  received: ForwardedQuery[];
  /** Records by subject id. */
  records: Map<string, ProviderRecord>;
  /** How the next requests are answered; 'normal' serves `records`. */
  mode: 'normal' | 'slow' | 'status500' | 'not_json' | 'hang_up';
  /** Delay of 'slow' replies. */
  delayMs: number;
  /** Extra properties added to every answered record's fields (a provider answering what it was not asked). */
  extraFields: Record<string, unknown>;
  /** Extra records (subjects not asked for) added to each reply. */
  extraRecords: { subjectId: string; updatedAt: string; fields: Record<string, unknown> }[];
  /** The secret it verifies with (the department's webhook secret). */
  secret: string;
  /** Its clock, unix seconds (the hub's clock in a test). */
  nowSeconds: () => number;
  close(): Promise<void>;
}

export async function startProviderServer(opts: { secret: string; nowSeconds: () => number; path?: string }): Promise<ProviderServer> {
  const nonces = memoryNonceStore();
  const state: ProviderServer = {
    url: '', received: [], records: new Map(), mode: 'normal', delayMs: 0, extraFields: {}, extraRecords: [],
    secret: opts.secret, nowSeconds: opts.nowSeconds, close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        const verification = await verifyRequestSignature(state.secret, req.headers[REQUEST_SIGNATURE_HEADER] as string | undefined,
          { method: req.method ?? '', path, body }, { nowSeconds: state.nowSeconds(), nonces });
        let json: ForwardedQuery['json'];
        try {
          json = JSON.parse(body);
        } catch {
          json = { resourceId: '', resourceVersion: 0, subjectIds: [], fields: [], consumer: { departmentCode: '', serviceItem: '' } };
        }
        state.received.push({ path, method: req.method ?? '', headers: req.headers, body, json, verification });
        if (state.mode === 'hang_up') {
          req.socket.destroy();
          return;
        }
        if (!verification.ok) {
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: verification.reason }));
          return;
        }
        if (state.mode === 'slow') await new Promise((r) => setTimeout(r, state.delayMs));
        if (state.mode === 'status500') {
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal"}');
          return;
        }
        if (state.mode === 'not_json') {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>');
          return;
        }
        const records = json.subjectIds.filter((id) => state.records.has(id)).map((id) => {
          const r = state.records.get(id)!;
          // A well-behaved provider returns only the fields asked; extraFields simulates one that does not.
          const fields = Object.fromEntries(Object.entries(r.fields).filter(([k]) => json.fields.includes(k)));
          return { subjectId: id, updatedAt: r.updatedAt, fields: { ...fields, ...state.extraFields } };
        });
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ records: [...records, ...state.extraRecords] }));
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${opts.path ?? '/api/records'}`;
  state.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}
