import type { Knex } from 'knex';
import { AppError, invalidField, notFound } from '../../lib/errors.js';
import { consistencyProof, inclusionProof } from '../../lib/merkle.js';
import { sm2Verify } from '../../lib/sm2.js';
import { publishedHead } from './audit-views.js';
import { checkpoint, type SignedTreeHead } from './tree-head.js';
import { cosignaturesOf, dbNodeFetcher, headOfSize, latestHead, leafOf } from './tree-store.js';

// Public reads of the tree (heads, proofs) and witnesses' countersignatures. Proofs are only
// given against signed heads: a size nobody signed proves nothing.

async function withCosignatures(db: Knex, origin: string, head: SignedTreeHead) {
  const cosignatures = (await cosignaturesOf(db, [head.size])).get(head.size) ?? [];
  return publishedHead(origin, head, cosignatures);
}

export async function getHead(db: Knex, origin: string, size?: number) {
  const head = size === undefined ? await latestHead(db) : await headOfSize(db, size);
  if (!head) throw notFound(size === undefined ? 'a signed tree head (the log is not sealed yet)' : `a signed tree head of size ${size}`);
  return withCosignatures(db, origin, head);
}

async function signedHead(db: Knex, size: number | undefined, pointer: string): Promise<SignedTreeHead> {
  const head = size === undefined ? await latestHead(db) : await headOfSize(db, size);
  if (head) return head;
  if (size === undefined) throw notFound('a signed tree head (the log is not sealed yet)');
  throw new AppError('NOT_FOUND', `${pointer}: no signed tree head has size ${size}`);
}

export async function getInclusionProof(db: Knex, eventId: number, size?: number) {
  const head = await signedHead(db, size, '/querystring/size');
  const leaf = await leafOf(db, { eventId });
  if (!leaf) throw notFound(`event ${eventId} in the sealed log (unknown, or not sealed yet)`);
  if (leaf.seq >= head.size) throw notFound(`event ${eventId} in the tree of size ${head.size} (it was sealed later)`);
  const path = await inclusionProof(leaf.seq, head.size, dbNodeFetcher(db));
  return {
    eventId, leafIndex: leaf.seq, leafHash: leaf.leafHash.toString('hex'), treeSize: head.size, rootHash: head.root.toString('hex'),
    auditPath: path.map((h) => h.toString('hex')),
  };
}

export async function getConsistencyProof(db: Knex, from: number, to: number) {
  if (from > to) throw invalidField('/querystring/from', `must not be larger than to (${to})`);
  const [first, second] = [await signedHead(db, from, '/querystring/from'), await signedHead(db, to, '/querystring/to')];
  const proof = await consistencyProof(from, to, dbNodeFetcher(db));
  return { from, to, fromRootHash: first.root.toString('hex'), toRootHash: second.root.toString('hex'), proof: proof.map((h) => h.toString('hex')) };
}

/**
 * A witness's countersignature: accepted only from a configured witness (AUDIT_WITNESS_KEYS) and
 * only when it verifies (SM2, GB/T 32918.2) over the head's checkpoint. Sending it again is a no-op.
 */
export async function addCosignature(db: Knex, opts: { origin: string; witnesses: Map<string, string>; now: Date },
  size: number, body: { witness: string; signature: string }) {
  const publicKey = opts.witnesses.get(body.witness);
  if (!publicKey) throw new AppError('FORBIDDEN', `'${body.witness}' is not a configured witness of this log`);
  const head = await headOfSize(db, size);
  if (!head) throw notFound(`a signed tree head of size ${size}`);
  const signature = Buffer.from(body.signature, 'hex');
  if (!sm2Verify(checkpoint(opts.origin, head), signature, publicKey)) {
    throw invalidField('/body/signature', `is not ${body.witness}'s SM2 signature over this head's checkpoint`);
  }
  await db('tree_head_cosignatures').insert({ size, witness: body.witness, public_key: publicKey, signature, received_at: opts.now })
    .onConflict(['size', 'public_key']).ignore();
  return withCosignatures(db, opts.origin, head);
}
