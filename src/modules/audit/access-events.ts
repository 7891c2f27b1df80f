import type { Knex } from 'knex';
import { preparedQuery } from '../../db.js';

// Data access events (issue 9 point 5): one row per subject read, group-committed. Requests hand
// their events to one appender per process; it writes what is queued in ONE insert (one
// statement, one commit) and then resolves every waiting request with its event id. A reply is
// sent only after its event is durable; a failed insert fails every request of the batch (none is
// answered as served without its trace).
//
// Pacing (no fixed linger): when nothing is being written, a batch starts on the next turn of the
// event loop (what the current turn appended — all events of a batch-get — goes in together), so
// a lone request waits for one commit, not for a timer. While batches are being written, events
// queue; as soon as a commit returns, the next batch takes everything queued. Up to
// MAX_IN_FLIGHT batches are written at once on separate connections, so a request arriving
// during a commit waits for about half of one rather than its rest plus its own.
//
// Order: batches in flight together may commit in either order, so event ids (a bigserial,
// handed out at insert) do not grow in commit order — nor did they before, since every other
// writer of `events` (recordEvent, in the transaction of its change) commits independently. Nothing
// relies on it: the audit sealer (sealer.ts) sequences events itself in the order it sees them
// commit, through the inserting transaction's xid (insert_xid, its column default) and the
// snapshot's xmin, never by "every id up to the largest seen".

export type AccessOutcome = 'success' | 'failure';

export interface AccessEvent {
  systemId: string;
  departmentCode: string;
  /** 'record.read' | 'record.batch_read' | 'record.verify'. */
  action: string;
  resourceId: string;
  grantId: string | null;
  /** HMAC-SM3 of the normalised subject id (records' index); null when the id was invalid. */
  subjectHash: Buffer | null;
  subjectMasked: string | null;
  fields: string[];
  serviceItemCode: string | null;
  caseId: string | null;
  operatorId: string | null;
  outcome: AccessOutcome;
  /** The problem code of a refusal (GRANT_REQUIRED …) or of a per-subject result (not_found). */
  reason: string | null;
  requestId: string;
  latencyMs: number;
  occurredAt: Date;
}

type Pending = { event: AccessEvent; resolve: (id: string) => void; reject: (err: unknown) => void };

export interface AccessAppender {
  /** Appends events; resolves with their ids once the batch holding them has committed. */
  append(events: readonly AccessEvent[]): Promise<string[]>;
  /** Writes what is pending and stops taking events. */
  close(): Promise<void>;
}

/** Events of one insert (one batch-get is 1,000). */
export const MAX_BATCH = 2_000;
/** Batches written at once (each holds a pool connection for its insert). */
export const MAX_IN_FLIGHT = 2;

// The batch travels as ONE JSON document (json_to_recordset): one parameter whatever the batch's
// size. A multi-row VALUES insert binds 19 parameters per event, which PostgreSQL parses and plans
// anew for every batch size (about 0.45 ms per event for 1,000 events, measured), and pg's array
// literals (unnest) are escaped element by element in JavaScript; JSON.stringify is native.
// Rows are inserted, and ids returned, in the order of the document.
const INSERT_SQL = `
insert into events (occurred_at, actor_kind, actor_id, actor_department, entity_type, entity_id, action, outcome, reason,
  request_id, resource_id, grant_id, subject_hash, subject_masked, fields, service_item_code, case_id, operator_id, latency_ms)
select e.o, 'system', e.a, e.d, 'resource', e.r::text, e.ac, e.oc, e.re, e.rq, e.r, e.g, decode(e.h, 'hex'), e.m, e.f, e.s, e.c, e.op, e.l
from json_to_recordset(?::json) as e(o timestamptz, a text, d text, r uuid, ac text, oc text, re text, rq text, g uuid, h text,
  m text, f jsonb, s text, c text, op text, l int)
returning id`;

const row = (e: AccessEvent) => ({
  o: e.occurredAt,
  a: e.systemId,
  d: e.departmentCode,
  r: e.resourceId,
  ac: e.action,
  oc: e.outcome,
  re: e.reason,
  rq: e.requestId,
  g: e.grantId,
  h: e.subjectHash === null ? null : e.subjectHash.toString('hex'),
  m: e.subjectMasked,
  f: e.fields,
  s: e.serviceItemCode,
  c: e.caseId,
  op: e.operatorId,
  l: e.latencyMs,
});

export function createAccessAppender(db: Knex): AccessAppender {
  let queue: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;
  let closed = false;
  const idle: (() => void)[] = [];

  async function write(batch: Pending[]) {
    try {
      const rows = await preparedQuery<{ id: string | number }>(db, 'access-events-insert', INSERT_SQL, [JSON.stringify(batch.map((p) => row(p.event)))]);
      if (rows.length !== batch.length) throw new Error(`the access event insert returned ${rows.length} ids for ${batch.length} events`);
      batch.forEach((p, i) => p.resolve(String(rows[i]!.id)));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  function start() {
    scheduled = false;
    while (queue.length > 0 && inFlight < MAX_IN_FLIGHT) {
      const batch = queue.length <= MAX_BATCH ? queue : queue.slice(0, MAX_BATCH);
      queue = queue.length <= MAX_BATCH ? [] : queue.slice(MAX_BATCH);
      inFlight++;
      void write(batch).finally(() => {
        inFlight--;
        // The next batch starts as soon as a commit returns, with everything queued meanwhile.
        if (queue.length > 0) start();
        else if (inFlight === 0) for (const done of idle.splice(0)) done();
      });
    }
  }

  return {
    append(events) {
      if (closed) return Promise.reject(new Error('the access appender is closed'));
      const promises = events.map((event) => new Promise<string>((resolve, reject) => queue.push({ event, resolve, reject })));
      if (!scheduled && inFlight < MAX_IN_FLIGHT) {
        scheduled = true;
        setImmediate(start);
      }
      return Promise.all(promises);
    },
    async close() {
      closed = true;
      start();
      if (inFlight > 0) await new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
