import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

// Outbound HTTP to addresses that departments configure (webhooks, provider endpoints). Without a
// check, any department admin could point the workers at the hub's own host or the cloud metadata
// service and read the answers back from its notifications: a port scanner inside our network.
// Government networks are private (10.x, 172.16/12, 192.168/16), so private ranges stay allowed;
// refused are addresses no department's system can legitimately live on.

const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, incl. metadata at 169.254.169.254
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6'); // link-local
ALWAYS_REFUSED.addSubnet('0.0.0.0', 8, 'ipv4'); // unspecified: 0.0.0.0 reaches this host on Linux
ALWAYS_REFUSED.addAddress('::', 'ipv6'); // unspecified
ALWAYS_REFUSED.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
ALWAYS_REFUSED.addSubnet('ff00::', 8, 'ipv6'); // multicast

// Where the embedded PostgreSQL and Redis listen. Allowed only by OUTBOUND_ALLOW_LOOPBACK, for
// single-host setups and tests whose department systems run on the same machine.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export interface OutboundPolicy {
  allowLoopback: boolean;
}

/** The target is not one the hub sends to. Permanent: retrying cannot change the answer. */
export class RefusedTargetError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'RefusedTargetError';
  }
}

/** Why `address` (an IP; IPv4-mapped IPv6 counts as IPv4) is refused, or undefined if it is not. */
export function refusedAddress(address: string, policy: OutboundPolicy): string | undefined {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (ALWAYS_REFUSED.check(address, family)) return 'a link-local, unspecified or multicast address';
  if (!policy.allowLoopback && LOOPBACK.check(address, family)) return 'a loopback address';
  return undefined;
}

/**
 * Resolves like dns.lookup, all addresses, and fails if any of them is refused. Used as the
 * socket's own lookup, so the connection goes to exactly the addresses checked: a DNS answer
 * that changes between check and connect (rebinding) has no second lookup to slip into.
 */
function checkedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '');
      for (const { address } of addresses) {
        const why = refusedAddress(address, policy);
        if (why) return callback(new RefusedTargetError(`${hostname} resolves to ${why}`), '');
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export interface OutboundRequest {
  method: 'POST' | 'HEAD';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/**
 * One request to a department's URL; resolves with the HTTP status. Redirects are not followed
 * (a redirect could lead anywhere), and the reply body is never read: it is the department's.
 * The timeout covers DNS, connecting and the reply's headers.
 */
export async function outboundRequest(url: string, req: OutboundRequest, policy: OutboundPolicy): Promise<number> {
  const target = new URL(url); // a TypeError for a malformed URL: permanent
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new RefusedTargetError(`scheme ${target.protocol} is not http(s)`);
  if (target.username || target.password) throw new RefusedTargetError('the URL carries credentials');
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  // An IP literal never goes through lookup, so it is checked here.
  const why = isIP(host) ? refusedAddress(host, policy) : undefined;
  if (why) throw new RefusedTargetError(`${host} is ${why}`);

  const client = target.protocol === 'https:' ? https : http;
  const body = req.body ?? '';
  return new Promise<number>((resolve, reject) => {
    const request = client.request(target, {
      method: req.method,
      headers: { ...req.headers, ...(req.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) },
      lookup: checkedLookup(policy),
      agent: false, // no pooled socket: every request is connected through the check above
      signal: AbortSignal.timeout(req.timeoutMs),
    }, (res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    request.on('error', reject);
    request.end(req.body);
  });
}

export interface OutboundExchange {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  /** Covers DNS, connecting, the reply's headers and its whole body. */
  timeoutMs: number;
  /** A reply body above this is cut off and the exchange fails (ReplyTooLargeError). */
  maxReplyBytes: number;
  /** Aborts the exchange from outside (a caller's own deadline). */
  signal?: AbortSignal;
}

/** The reply of a department's system was larger than the hub reads. */
export class ReplyTooLargeError extends Error {
  constructor(limit: number) {
    super(`the reply exceeds ${limit} bytes`);
    this.name = 'ReplyTooLargeError';
  }
}

/**
 * One request to a department's URL whose reply the hub needs (forwarding a query to a provider's
 * endpoint): the same guard as outboundRequest (scheme, no credentials, checked addresses, no
 * redirect followed, a fresh socket), and the reply body read up to a limit.
 */
export async function outboundExchange(url: string, req: OutboundExchange, policy: OutboundPolicy): Promise<{ status: number; contentType: string; body: string }> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new RefusedTargetError(`scheme ${target.protocol} is not http(s)`);
  if (target.username || target.password) throw new RefusedTargetError('the URL carries credentials');
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const why = isIP(host) ? refusedAddress(host, policy) : undefined;
  if (why) throw new RefusedTargetError(`${host} is ${why}`);

  const client = target.protocol === 'https:' ? https : http;
  const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(req.timeoutMs)]) : AbortSignal.timeout(req.timeoutMs);
  return new Promise((resolve, reject) => {
    const request = client.request(target, {
      method: req.method,
      headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
      lookup: checkedLookup(policy),
      agent: false,
      signal,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > req.maxReplyBytes) {
          res.destroy();
          reject(new ReplyTooLargeError(req.maxReplyBytes));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
      }));
    });
    request.on('error', reject);
    request.end(req.body);
  });
}

export interface OutboundFailure {
  /** Coarse, for departments (notifications, dead letters): never the raw message, which may hold the URL or internals. */
  error: 'refused target' | 'invalid target' | 'timeout' | 'unreachable';
  permanent: boolean;
  /** The system error code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED …) for the operators' log. */
  code?: string;
}

/** What a failed outboundRequest means for a retry and what a department may be told. */
export function outboundFailure(err: unknown): OutboundFailure {
  const e = err as Error & { code?: unknown };
  const code = typeof e?.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(e.code) ? e.code : undefined;
  if (err instanceof RefusedTargetError) return { error: 'refused target', permanent: true };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return { error: 'timeout', permanent: false };
  // A malformed URL or header: the same message would fail the same way on every retry.
  if (err instanceof TypeError) return { error: 'invalid target', permanent: true, code };
  return { error: 'unreachable', permanent: false, code };
}
