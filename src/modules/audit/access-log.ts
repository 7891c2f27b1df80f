import type { Knex } from 'knex';
import { accessLogStatementText } from '../../lib/audit-proof.js';
import type { HubKeys } from '../../lib/crypto.js';
import { planInclusionProof, resolvePlan } from '../../lib/merkle.js';
import { sm2Sign, type Sm2KeyPair } from '../../lib/sm2.js';
import { notFound } from '../../lib/errors.js';
import { subjectSearchHashes } from './audit-events.js';
import { publishedHead } from './audit-views.js';
import { LEAF_EVENT_COLUMNS, leafEvent } from './leaf.js';
import { cosignaturesOf, dbNodeFetcher, latestHead } from './tree-store.js';

// "Who read my records" (GET /v1/me/access-log): a data subject's own data-access events, each
// with its inclusion proof against the latest signed head, numbered by the per-subject counter
// the sealer assigned (subjectSeq 1, 2, 3 … inside the leaf, so the hub cannot renumber them).
// The hub signs a statement of how many entries the subject has in that head; a verifier checks
// that the entries are numbered 1..count without a gap, that each is in the tree, and that the
// statement and the head verify under the hub's key (src/modules/audit/README.md). An access under
// a grant with discretion (grants.disclose_after in the future) is a counted, sealed entry — its
// leaf hash and proof, not its content — until that time.

export const ACCESS_LOG_MAX_ENTRIES = 1_000;

/** The text the hub signs with its audit key for a subject's count in a head. */
export function accessLogStatement(origin: string, subjectHash: string, count: number, treeSize: number, root: Buffer): string {
  return accessLogStatementText(origin, subjectHash, count, treeSize, root.toString('base64'));
}

export async function subjectAccessLog(db: Knex, opts: { origin: string; signer: Sm2KeyPair; keys: readonly Pick<HubKeys, 'subject'>[]; now: Date }, subjectId: string) {
  const head = await latestHead(db);
  if (!head) throw notFound('a signed tree head (the log is not sealed yet)');
  // The current key's hash: the counter runs per hash (events sealed under an older master key
  // have their own counter; both are listed).
  const hashes = subjectSearchHashes(opts.keys, subjectId);
  const { rows } = await db.raw(`
    select l.seq, l.subject_seq as "subjectSeq", l.leaf_hash as "leafHash", encode(l.subject_hash, 'hex') as "counterOf",
      g.disclose_after as "discloseAfter", d.name as "departmentName", ${LEAF_EVENT_COLUMNS}
    from event_leaves l join events e on e.id = l.event_id left join grants g on g.id = e.grant_id
      left join departments d on d.code = e.actor_department
    where l.subject_hash = any(?::bytea[]) and l.seq < ?
    order by l.subject_hash, l.subject_seq limit ?`, [hashes, head.size, ACCESS_LOG_MAX_ENTRIES]) as {
    rows: (Record<string, unknown> & { seq: number; subjectSeq: number; leafHash: Buffer; counterOf: string; discloseAfter: Date | null; departmentName: string | null })[];
  };
  const plans = rows.map((r) => planInclusionProof(Number(r.seq), head.size));
  const proofs = await resolvePlan(plans.flat(), dbNodeFetcher(db));
  let at = 0;
  const subjectHash = hashes[0]!.toString('hex');
  const entries = rows.map((r, i) => {
    const auditPath = proofs.slice(at, at + plans[i]!.length).map((h) => h.toString('hex'));
    at += plans[i]!.length;
    const sealed = r.discloseAfter !== null && r.discloseAfter.getTime() > opts.now.getTime();
    const event = leafEvent(r);
    return {
      subjectSeq: Number(r.subjectSeq), seq: Number(r.seq), counterOf: r.counterOf, sealed,
      discloseAfter: r.discloseAfter?.toISOString() ?? null, leafHash: r.leafHash.toString('hex'), auditPath,
      access: sealed ? null : {
        occurredAt: event.occurredAt, department: event.actorDepartment, departmentName: r.departmentName, systemId: event.actorId, resourceId: event.resourceId,
        action: event.action, outcome: event.outcome, fields: event.fields as string[] | null, serviceItemCode: event.serviceItemCode,
        caseId: event.caseId, operatorId: event.operatorId,
      },
      event: sealed ? null : (event as unknown as Record<string, unknown>),
    };
  });
  const count = entries.filter((e) => e.counterOf === subjectHash).length;
  const { rows: [pending] } = await db.raw(`select count(*)::int as n from events e where e.subject_hash = any(?::bytea[])
    and not exists (select 1 from event_leaves l where l.event_id = e.id and l.seq < ?)`, [hashes, head.size]);
  const statement = accessLogStatement(opts.origin, subjectHash, count, head.size, head.root);
  const cosignatures = (await cosignaturesOf(db, [head.size])).get(head.size) ?? [];
  return {
    subjectHash, count, pending: Number(pending.n), head: publishedHead(opts.origin, head, cosignatures),
    statement, statementSignature: sm2Sign(statement, opts.signer).toString('hex'), entries,
  };
}
