// Records a provider serves from its own endpoint (前置机, delivery.mode = provider_api): the hub
// forwards each query there, signed, under a timeout and a circuit breaker per endpoint, and
// takes from the reply only what it asked for. Grant, quota, projection, masking and audit stay
// in records-service.ts, exactly as for hosted records: only the fetch differs.
//
// The call (the provider's side of the contract; README "Provider-served resources"):
//
//   POST <endpoint>
//   Content-Type: application/json
//   X-ShareHub-Request-Id: <the consumer's request id>
//   X-ShareHub-Request-Signature: t=…,n=…,sm3=…          (src/lib/request-signature.ts)
//   {"resourceId":"…","resourceVersion":1,"subjectIds":["…"],"fields":["name",…],
//    "consumer":{"departmentCode":"…","serviceItem":"…"}}
//
//   200 {"records":[{"subjectId":"…","updatedAt":"<RFC 3339>","fields":{"name":"…",…}}]}
//
// One POST form for a read, a batch-get (up to 1,000 ids) and a verify (the hub asks for the
// claimed fields and compares itself: the provider never learns the claim). A subject without a
// record is left out of `records`. A field asked for but absent from a record is answered to the
// consumer as unavailable (`not_returned`), a value that is not valid for its data item as
// unavailable (`invalid_value`); `null` is "no value". Fields not asked for, and subjects not
// asked for, are dropped here and never reach the consumer.
import type { CircuitBreakerPolicy } from 'cockatiel';
import { BrokenCircuitError, ConsecutiveBreaker, TaskCancelledError, TimeoutStrategy, circuitBreaker, handleAll, timeout, wrap } from 'cockatiel';
import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import type { HubKeys } from '../../../lib/crypto.js';
import { AppError } from '../../../lib/errors.js';
import { outboundExchange, RefusedTargetError, ReplyTooLargeError } from '../../../lib/outbound-target.js';
import { REQUEST_SIGNATURE_HEADER, signRequest } from '../../../lib/request-signature.js';
import { departmentSecret } from '../../departments/departments-service.js';
import type { ExchangeRecord, RecordValidator } from '../record-validation.js';
import type { RecordSource, SourceRecord, UnavailableReason } from './record-source.js';

export interface ForwardingSettings {
  /** The whole exchange with the provider: connect, headers and body (PROVIDER_TIMEOUT_MS). */
  timeoutMs: number;
  /** Consecutive failures that open an endpoint's breaker (PROVIDER_BREAKER_FAILURES). */
  breakerFailures: number;
  /** How long an open breaker answers 503 before it lets one call through (PROVIDER_BREAKER_HALF_OPEN_MS). */
  halfOpenAfterMs: number;
  /** The largest reply read (PROVIDER_REPLY_LIMIT_BYTES). */
  maxReplyBytes: number;
  allowLoopback: boolean;
}

/**
 * Per process: one breaker per endpoint (each replica has its own, so a breaker opens on every
 * replica that sees the failures) and the departments' secrets, reused for a minute (a rotation
 * reaches forwarding within that minute; the provider accepts both secrets while it rotates).
 */
export class ProviderForwarder {
  private readonly breakers = new LRUCache<string, CircuitBreakerPolicy>({ max: 10_000 });
  private readonly secrets = new LRUCache<string, string>({ max: 10_000, ttl: 60_000 });

  constructor(readonly settings: ForwardingSettings, private readonly keys: HubKeys, private readonly clock: () => Date) {}

  breakerOf(endpoint: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(endpoint);
    if (!breaker) {
      breaker = circuitBreaker(handleAll, { halfOpenAfter: this.settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(this.settings.breakerFailures) });
      this.breakers.set(endpoint, breaker);
    }
    return breaker;
  }

  private async secretOf(db: Knex, departmentCode: string): Promise<string> {
    const cached = this.secrets.get(departmentCode);
    if (cached !== undefined) return cached;
    const secret = await departmentSecret(db, this.keys, departmentCode);
    if (secret === undefined) throw new AppError('PROVIDER_UNREACHABLE', 'the providing department has no shared secret to sign forwarded queries with');
    this.secrets.set(departmentCode, secret);
    return secret;
  }

  /** One signed POST through the endpoint's breaker and the timeout; the parsed reply or a PROVIDER_* AppError. */
  async call(db: Knex, target: ProviderTarget, body: string, requestId: string): Promise<unknown> {
    const secret = await this.secretOf(db, target.providerCode);
    const url = new URL(target.endpoint);
    const policy = wrap(this.breakerOf(target.endpoint), timeout(this.settings.timeoutMs, TimeoutStrategy.Aggressive));
    const seconds = Math.floor(this.clock().getTime() / 1000);
    try {
      return await policy.execute(async ({ signal }) => {
        const reply = await outboundExchange(target.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'ShareHub-Forward/1',
            'x-sharehub-request-id': requestId,
            [REQUEST_SIGNATURE_HEADER]: signRequest(secret, { method: 'POST', path: url.pathname + url.search, body }, seconds),
          },
          body,
          // The policy's timeout ends the exchange; this one only guards against a lost signal.
          timeoutMs: this.settings.timeoutMs + 1_000,
          maxReplyBytes: this.settings.maxReplyBytes,
          signal,
        }, { allowLoopback: this.settings.allowLoopback });
        if (reply.status !== 200) throw new BadReply(`the provider answered HTTP ${reply.status}`);
        if (!/^application\/json\b/i.test(reply.contentType)) throw new BadReply('the provider\'s reply is not application/json');
        try {
          return JSON.parse(reply.body) as unknown;
        } catch {
          throw new BadReply('the provider\'s reply is not JSON');
        }
      });
    } catch (err) {
      throw providerProblem(err, this.settings);
    }
  }
}

class BadReply extends Error {}

/** A failed forward as the consumer sees it: which way the provider failed, never its internals. */
function providerProblem(err: unknown, settings: ForwardingSettings): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof BrokenCircuitError) {
    return new AppError('PROVIDER_CIRCUIT_OPEN', "the provider's endpoint failed repeatedly: calls are refused at once for a while", {
      extra: { retryAfter: Math.max(1, Math.ceil(settings.halfOpenAfterMs / 1000)) },
    });
  }
  if (err instanceof TaskCancelledError) return new AppError('PROVIDER_TIMEOUT', `the provider's endpoint did not answer within ${settings.timeoutMs} ms`);
  if (err instanceof BadReply) return new AppError('PROVIDER_BAD_REPLY', err.message);
  if (err instanceof ReplyTooLargeError) return new AppError('PROVIDER_BAD_REPLY', `the provider's reply exceeds ${settings.maxReplyBytes} bytes`);
  if (err instanceof RefusedTargetError) return new AppError('PROVIDER_UNREACHABLE', 'the provider\'s endpoint is an address the hub does not call');
  return new AppError('PROVIDER_UNREACHABLE', "the provider's endpoint could not be reached");
}

export interface ProviderTarget {
  resourceId: string;
  resourceVersion: number;
  endpoint: string;
  providerCode: string;
  subjectKey: string;
  /** The version's record validator: a provider's value is served only if it is one the hub would load. */
  validate: RecordValidator;
}

export interface ForwardedCall {
  requestId: string;
  consumerDepartment: string;
  serviceItem: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * One provider record → what the consumer may get: the asked fields only, each validated and
 * normalised as a load would be; the rest is unavailable with its reason.
 */
function takeRecord(target: ProviderTarget, subjectId: string, raw: Record<string, unknown>, fields: readonly string[]): SourceRecord {
  const updatedAt = typeof raw.updatedAt === 'string' && RFC3339.test(raw.updatedAt) ? new Date(raw.updatedAt) : undefined;
  if (!updatedAt || Number.isNaN(updatedAt.getTime())) throw new AppError('PROVIDER_BAD_REPLY', 'a record of the provider\'s reply has no valid updatedAt');
  const given = raw.fields !== null && typeof raw.fields === 'object' && !Array.isArray(raw.fields) ? raw.fields as Record<string, unknown> : undefined;
  if (!given) throw new AppError('PROVIDER_BAD_REPLY', 'a record of the provider\'s reply has no fields object');
  const record: ExchangeRecord = { [target.subjectKey]: subjectId };
  const unavailable: Record<string, UnavailableReason> = {};
  for (const field of fields) {
    if (field === target.subjectKey) continue; // the subject asked for: the hub knows it
    if (!Object.hasOwn(given, field)) {
      unavailable[field] = 'not_returned';
      continue;
    }
    const value = given[field];
    if (value === null) continue; // no value
    const checked = target.validate({ [target.subjectKey]: subjectId, [field]: value as never });
    if (checked.ok && checked.record[field] !== undefined) record[field] = checked.record[field]!;
    else unavailable[field] = 'invalid_value';
  }
  return { record, updatedAt, ...(Object.keys(unavailable).length > 0 ? { unavailable } : {}) };
}

export function providerApiSource(db: Knex, forwarder: ProviderForwarder, target: ProviderTarget, call: ForwardedCall): RecordSource {
  async function fetch(subjectIds: readonly string[], fields: readonly string[]): Promise<Map<string, SourceRecord>> {
    const found = new Map<string, SourceRecord>();
    if (subjectIds.length === 0) return found;
    // The subject key is never forwarded as a field: the provider is asked by id.
    const asked = fields.filter((f) => f !== target.subjectKey);
    const body = JSON.stringify({
      resourceId: target.resourceId,
      resourceVersion: target.resourceVersion,
      subjectIds,
      fields: asked,
      consumer: { departmentCode: call.consumerDepartment, serviceItem: call.serviceItem },
    });
    const reply = await forwarder.call(db, target, body, call.requestId);
    const records = reply !== null && typeof reply === 'object' && Array.isArray((reply as { records?: unknown }).records)
      ? (reply as { records: unknown[] }).records : undefined;
    if (!records) throw new AppError('PROVIDER_BAD_REPLY', "the provider's reply has no records array");
    const wanted = new Set(subjectIds);
    for (const r of records) {
      if (r === null || typeof r !== 'object') throw new AppError('PROVIDER_BAD_REPLY', 'a record of the provider\'s reply is not an object');
      const id = (r as { subjectId?: unknown }).subjectId;
      // A subject not asked for is never passed on (nor is a second answer for one).
      if (typeof id !== 'string' || !wanted.has(id) || found.has(id)) continue;
      found.set(id, takeRecord(target, id, r as Record<string, unknown>, fields));
    }
    return found;
  }
  return {
    local: false,
    async get(subjectId, fields) {
      return (await fetch([subjectId], fields)).get(subjectId);
    },
    getMany: fetch,
  };
}
