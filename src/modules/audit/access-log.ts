import type { Knex } from 'knex';
import { accessLogStatementText } from '../../lib/audit-proof.js';
import type { HubKeys } from '../../lib/crypto.js';
import { planInclusionProof, resolvePlan } from '../../lib/merkle.js';
import { sm2Sign, type Sm2KeyPair } from '../../lib/sm2.js';
import { notFound } from '../../lib/errors.js';
import { badCursor, decodeCursorValues, encodeCursor } from '../../lib/paginate.js';
import { subjectSearchHashes } from './audit-events.js';
import { publishedHead } from './audit-views.js';
import { LEAF_EVENT_COLUMNS, leafEvent } from './leaf.js';
import { recordEvent } from './events.js';
import { cosignaturesOf, dbNodeFetcher, headOfSize, latestHead } from './tree-store.js';

// "Who read my records" (GET /v1/me/access-log): a data subject's own data-access events, each
// with its inclusion proof against the latest signed head, numbered by the per-subject counter
// the sealer assigned (subjectSeq 1, 2, 3 … inside the leaf, so the hub cannot renumber them).
// The hub signs a statement of how many entries the subject has in that head; a verifier checks
// that the entries are numbered 1..count without a gap, that each is in the tree, and that the
// statement and the head verify under the hub's key (src/modules/audit/README.md). An access under
// a grant with discretion (grants.disclose_after in the future) is a counted, sealed entry — its
// leaf hash and proof, not its content — until that time. An access whose event retention dropped
// keeps its leaf hash and proof too (`dropped`), and still counts.

/** The keyset cursor of a page: [tree size, counter's subject hash (hex), last subjectSeq]. */
function decodeAccessLogCursor(cursor: string, hashes: readonly Buffer[]): { size: number; counterOf: Buffer; subjectSeq: number } {
  const [size, counterOf, subjectSeq] = decodeCursorValues(cursor, [/^\d{1,15}$/, /^[0-9a-f]+$/, /^[1-9]\d{0,9}$/]);
  const counter = hashes.find((h) => h.toString('hex') === counterOf);
  // Another subject's cursor names a hash that is not this subject's: refused like any other.
  if (!counter) throw badCursor();
  return { size: Number(size), counterOf: counter, subjectSeq: Number(subjectSeq) };
}

/** The text the hub signs with its audit key for a subject's count in a head. */
export function accessLogStatement(origin: string, subjectHash: string, count: number, treeSize: number, root: Buffer): string {
  return accessLogStatementText(origin, subjectHash, count, treeSize, root.toString('base64'));
}

export interface AccessLogOptions {
  origin: string;
  signer: Sm2KeyPair;
  keys: readonly Pick<HubKeys, 'subject'>[];
  now: Date;
  requestId?: string;
}

/**
 * One page of the subject's access log, in counter order. The first page is against the latest
 * signed head; its nextCursor pins that head, so every page of one listing carries the same head,
 * count and signed statement, and the pages together hold subjectSeq 1..count. Reading it is
 * itself an event on the trail: actor kind `subject`, the subject's keyed hash as actor id.
 */
export async function subjectAccessLog(db: Knex, opts: AccessLogOptions, subjectId: string, page: { limit: number; cursor?: string }) {
  // The current key's hash: the counter runs per hash (events sealed under an older master key
  // have their own counter; both are listed).
  const hashes = subjectSearchHashes(opts.keys, subjectId);
  const after = page.cursor === undefined ? undefined : decodeAccessLogCursor(page.cursor, hashes);
  const head = after ? await headOfSize(db, after.size) : await latestHead(db);
  if (!head) {
    if (after) throw badCursor();
    throw notFound('a signed tree head (the log is not sealed yet)');
  }
  const keyset = after ? 'and (l.subject_hash, l.subject_seq) > (?::bytea, ?::int)' : '';
  const { rows } = await db.raw(`
    select l.seq, l.subject_seq as "subjectSeq", l.leaf_hash as "leafHash", encode(l.subject_hash, 'hex') as "counterOf",
      e.id is null as dropped, g.disclose_after as "discloseAfter", d.name as "departmentName", ${LEAF_EVENT_COLUMNS}
    from event_leaves l left join events e on e.id = l.event_id left join grants g on g.id = e.grant_id
      left join departments d on d.code = e.actor_department
    where l.subject_hash = any(?::bytea[]) and l.seq < ? ${keyset}
    order by l.subject_hash, l.subject_seq limit ?`,
  [hashes, head.size, ...(after ? [after.counterOf, after.subjectSeq] : []), page.limit + 1] as Knex.RawBinding[]) as {
    rows: (Record<string, unknown> & { seq: number; subjectSeq: number; leafHash: Buffer; counterOf: string; dropped: boolean; discloseAfter: Date | null; departmentName: string | null })[];
  };
  const more = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  const plans = pageRows.map((r) => planInclusionProof(Number(r.seq), head.size));
  const proofs = await resolvePlan(plans.flat(), dbNodeFetcher(db));
  let at = 0;
  const subjectHash = hashes[0]!.toString('hex');
  const entries = pageRows.map((r, i) => {
    const auditPath = proofs.slice(at, at + plans[i]!.length).map((h) => h.toString('hex'));
    at += plans[i]!.length;
    const sealed = r.discloseAfter !== null && r.discloseAfter.getTime() > opts.now.getTime();
    // Dropped by retention: the leaf and its proof remain (and still count), the content is gone.
    const hidden = sealed || r.dropped;
    const event = leafEvent(r);
    return {
      subjectSeq: Number(r.subjectSeq), seq: Number(r.seq), counterOf: r.counterOf, sealed, dropped: r.dropped,
      discloseAfter: r.discloseAfter?.toISOString() ?? null, leafHash: r.leafHash.toString('hex'), auditPath,
      access: hidden ? null : {
        occurredAt: event.occurredAt, department: event.actorDepartment, departmentName: r.departmentName, systemId: event.actorId, resourceId: event.resourceId,
        action: event.action, outcome: event.outcome, fields: event.fields as string[] | null, serviceItemCode: event.serviceItemCode,
        caseId: event.caseId, operatorId: event.operatorId,
      },
      event: hidden ? null : (event as unknown as Record<string, unknown>),
    };
  });
  const { rows: [counted] } = await db.raw('select count(*)::int as n from event_leaves where subject_hash = ? and seq < ?', [hashes[0]!, head.size]);
  const count = Number(counted.n);
  const { rows: [pending] } = await db.raw(`select count(*)::int as n from events e where e.subject_hash = any(?::bytea[])
    and not exists (select 1 from event_leaves l where l.event_id = e.id and l.seq < ?)`, [hashes, head.size]);
  const statement = accessLogStatement(opts.origin, subjectHash, count, head.size, head.root);
  const cosignatures = (await cosignaturesOf(db, [head.size])).get(head.size) ?? [];
  const last = pageRows.at(-1);
  await recordEvent(db, {
    actor: { kind: 'subject', subjectHash }, entityType: 'audit', entityId: 'access-log', action: 'audit.access_log_read', requestId: opts.requestId,
    details: { treeSize: head.size, entries: entries.length, page: after ? 'next' : 'first' },
  });
  return {
    subjectHash, count, pending: Number(pending.n), head: publishedHead(opts.origin, head, cosignatures),
    statement, statementSignature: sm2Sign(statement, opts.signer).toString('hex'), entries,
    nextCursor: more && last ? encodeCursor([String(head.size), last.counterOf, String(last.subjectSeq)]) : null,
  };
}
