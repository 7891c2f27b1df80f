import type { Knex } from 'knex';

// Data access events (issue 9 point 5): one row per subject read, group-committed. Requests hand
// their events to one appender per process; it collects what arrives within a few milliseconds
// (or up to MAX_BATCH events), writes them in ONE multi-row insert (one statement, one commit)
// and then resolves every waiting request with its event id. A reply is sent only after its
// event is durable; a failed insert fails every request of the batch (none is answered as
// served without its trace).

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

/** Events of one insert: PostgreSQL allows 65,535 parameters; 14 columns each. */
const MAX_BATCH = 2_000;

const row = (e: AccessEvent) => ({
  occurred_at: e.occurredAt,
  actor_kind: 'system',
  actor_id: e.systemId,
  actor_department: e.departmentCode,
  entity_type: 'resource',
  entity_id: e.resourceId,
  action: e.action,
  outcome: e.outcome,
  reason: e.reason,
  request_id: e.requestId,
  resource_id: e.resourceId,
  grant_id: e.grantId,
  subject_hash: e.subjectHash,
  subject_masked: e.subjectMasked,
  fields: JSON.stringify(e.fields),
  service_item_code: e.serviceItemCode,
  case_id: e.caseId,
  operator_id: e.operatorId,
  latency_ms: e.latencyMs,
});

export function createAccessAppender(db: Knex, opts: { lingerMs?: number } = {}): AccessAppender {
  const lingerMs = opts.lingerMs ?? 2;
  const queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let closed = false;

  async function write(batch: Pending[]) {
    try {
      const ids: { id: string }[] = await db('events').insert(batch.map((p) => row(p.event))).returning('id');
      batch.forEach((p, i) => p.resolve(String(ids[i]!.id)));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  function flush() {
    timer = undefined;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      // Batches commit one after the other: the trail's ids grow in commit order.
      inFlight = inFlight.then(() => write(batch));
    }
  }

  return {
    append(events) {
      if (closed) return Promise.reject(new Error('the access appender is closed'));
      const promises = events.map((event) => new Promise<string>((resolve, reject) => queue.push({ event, resolve, reject })));
      if (queue.length >= MAX_BATCH) flush();
      else timer ??= setTimeout(flush, lingerMs);
      return Promise.all(promises);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      flush();
      await inFlight;
    },
  };
}
