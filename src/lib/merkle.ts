import { createHash } from 'node:crypto';
import { rootFromInclusionPath } from './audit-proof.js';

// A Merkle hash tree with the structure of RFC 6962 §2.1 (= RFC 9162 §2.1), over SM3 for the audit
// log; the hash is a parameter so the same code is checked against RFC 6962's SHA-256 vectors.
//
// Definitions (H = SM3 for the audit log, || = concatenation, D[n] = the first n leaves):
//   leaf hash            LH(d)         = H(0x00 || d)          d = the entry's canonical bytes
//   interior node        NH(l, r)      = H(0x01 || l || r)
//   tree hash            MTH({})       = H()                   (hash of the empty string)
//                        MTH({d0})     = LH(d0)
//                        MTH(D[n])     = NH(MTH(D[0:k]), MTH(D[k:n]))   k = largest power of 2 < n
//   inclusion proof      PATH(m, D[n])  RFC 6962 §2.1.1, ordered from the leaf's sibling upwards
//   consistency proof    PROOF(m, D[n]) RFC 6962 §2.1.2 (0 < m < n), ordered as SUBPROOF emits it
// Proofs are verified with the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 (verifyInclusion,
// verifyConsistency below). Hashes are 32 raw bytes; in JSON they travel as lower-case hex.
//
// Storage model, for a sealer over a large log:
// - A *perfect node* (level, index) is the root of the perfect subtree over leaves
//   [index·2^level, (index+1)·2^level); level 0 nodes are leaf hashes. Once complete it never changes.
// - The *frontier* of a tree of size N is the list of perfect nodes for the set bits of N, largest
//   first (at most log2 N + 1 hashes). MTH(D[N]) is their right fold: NH(f0, NH(f1, … f_last)).
//   Appending a leaf merges equal-sized nodes like a binary counter, so k appends cost O(k) hashes
//   amortised (O(k log N) worst case) and the state to keep between seals is O(log N).
// - Every hash a proof needs is MTH of a range [begin, end) that RFC 6962's recursion produces;
//   such a range is aligned, so it splits into perfect nodes by the binary digits of its length.
//   Proof generation therefore *plans* the perfect nodes it needs, fetches them in one call from
//   whatever stores them (memory here; a later issue may keep them in PostgreSQL), and folds them.
//
// Sizes and indexes are JavaScript numbers (safe integers, up to 2^53); no 32-bit bit operators.

export interface MerkleHasher {
  /** Node's name of the hash function ('sm3', 'sha256'). */
  readonly algorithm: string;
  /** Digest length in bytes. */
  readonly size: number;
  /** MTH of the empty tree: the hash of the empty string. */
  emptyRoot(): Buffer;
  /** H(0x00 || data). */
  hashLeaf(data: Uint8Array): Buffer;
  /** H(0x01 || left || right). */
  hashChildren(left: Uint8Array, right: Uint8Array): Buffer;
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function createMerkleHasher(algorithm: string): MerkleHasher {
  const size = createHash(algorithm).digest().length;
  return {
    algorithm,
    size,
    emptyRoot: () => createHash(algorithm).digest(),
    hashLeaf: (data) => createHash(algorithm).update(LEAF_PREFIX).update(data).digest(),
    hashChildren: (left, right) => createHash(algorithm).update(NODE_PREFIX).update(left).update(right).digest(),
  };
}

/** The audit log's hasher: SM3 (GB/T 32905) from Node's OpenSSL. */
export const sm3MerkleHasher: MerkleHasher = createMerkleHasher('sm3');

/** A perfect subtree: leaves [index·2^level, (index+1)·2^level). */
export interface MerkleNodeId {
  level: number;
  index: number;
}

export interface MerkleNode extends MerkleNodeId {
  hash: Buffer;
}

/** Fetches perfect nodes, answering in the order asked. May be async (e.g. one SQL query). */
export type MerkleNodeFetcher = (ids: readonly MerkleNodeId[]) => readonly Buffer[] | Promise<readonly Buffer[]>;

// --- integer helpers without 32-bit bit operators ------------------------------------------------

const isSize = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** Largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** k for n = 2^k (n a power of two). */
function levelOf(n: number): number {
  let level = 0;
  for (let k = 1; k < n; k *= 2) level += 1;
  return level;
}

function popcount(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

// --- the frontier (compact range from 0) ----------------------------------------------------

/**
 * The O(log N) state needed to extend a tree and compute its root. `append` returns the perfect
 * nodes that the new leaf completes (its leaf hash first), so a caller may persist them for proofs.
 */
export class MerkleFrontier {
  private readonly stack: Buffer[];

  private constructor(
    private readonly hasher: MerkleHasher,
    private count: number,
    nodes: readonly Buffer[],
  ) {
    this.stack = nodes.map((node) => Buffer.from(node));
  }

  static empty(hasher: MerkleHasher = sm3MerkleHasher): MerkleFrontier {
    return new MerkleFrontier(hasher, 0, []);
  }

  /** Restores a frontier saved as (size, nodes): one hash per set bit of size, largest subtree first. */
  static restore(size: number, nodes: readonly Uint8Array[], hasher: MerkleHasher = sm3MerkleHasher): MerkleFrontier {
    if (!isSize(size)) throw new Error('a tree size is a non-negative safe integer');
    if (nodes.length !== popcount(size)) throw new Error(`a frontier of size ${size} has ${popcount(size)} nodes, not ${nodes.length}`);
    if (nodes.some((node) => node.length !== hasher.size)) throw new Error(`frontier nodes are ${hasher.size}-byte hashes`);
    return new MerkleFrontier(hasher, size, nodes.map((node) => Buffer.from(node)));
  }

  get size(): number {
    return this.count;
  }

  /** The frontier's nodes, largest subtree first (copies). */
  get nodes(): Buffer[] {
    return this.stack.map((node) => Buffer.from(node));
  }

  /** The perfect nodes of the frontier with their ids, largest subtree first. */
  nodeIds(): MerkleNode[] {
    const result: MerkleNode[] = [];
    let begin = 0;
    let i = 0;
    for (const size of binaryParts(this.count)) {
      const level = levelOf(size);
      result.push({ level, index: begin / size, hash: Buffer.from(this.stack[i] as Buffer) });
      begin += size;
      i += 1;
    }
    return result;
  }

  /** Appends one leaf hash (already LH(d)); returns the perfect nodes it completes. */
  append(leafHash: Uint8Array): MerkleNode[] {
    if (leafHash.length !== this.hasher.size) throw new Error(`a leaf hash is ${this.hasher.size} bytes`);
    const position = this.count;
    let carry: Buffer = Buffer.from(leafHash);
    const completed: MerkleNode[] = [{ level: 0, index: position, hash: carry }];
    let level = 0;
    // Like incrementing a binary counter: every trailing 1 bit of the old size merges two subtrees.
    for (let rest = position; rest % 2 === 1; rest = Math.floor(rest / 2)) {
      const left = this.stack.pop() as Buffer;
      carry = this.hasher.hashChildren(left, carry);
      level += 1;
      completed.push({ level, index: Math.floor(position / 2 ** level), hash: carry });
    }
    this.stack.push(carry);
    this.count = position + 1;
    return completed;
  }

  /** Hashes and appends entries; returns every perfect node completed, in order. */
  appendEntries(entries: Iterable<Uint8Array>): MerkleNode[] {
    const completed: MerkleNode[] = [];
    for (const entry of entries) completed.push(...this.append(this.hasher.hashLeaf(entry)));
    return completed;
  }

  /** MTH(D[size]). */
  root(): Buffer {
    return foldRight(this.hasher, this.stack);
  }
}

function foldRight(hasher: MerkleHasher, hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return hasher.emptyRoot();
  let acc = hashes[hashes.length - 1] as Buffer;
  for (let i = hashes.length - 2; i >= 0; i -= 1) acc = hasher.hashChildren(hashes[i] as Buffer, acc);
  return acc;
}

/** The powers of two that sum to n, largest first. */
function binaryParts(n: number): number[] {
  const parts: number[] = [];
  let rest = n;
  while (rest > 0) {
    let part = 1;
    while (part * 2 <= rest) part *= 2;
    parts.push(part);
    rest -= part;
  }
  return parts;
}

/** MTH of leaf hashes given in full (batch). Same result as appending them to a frontier. */
export function merkleRoot(leafHashes: readonly Uint8Array[], hasher: MerkleHasher = sm3MerkleHasher): Buffer {
  const frontier = MerkleFrontier.empty(hasher);
  for (const leafHash of leafHashes) frontier.append(leafHash);
  return frontier.root();
}

// --- proof planning: which perfect nodes each proof hash folds ------------------------------

/**
 * A proof as a plan: each element is the list of perfect nodes whose right fold is that proof
 * hash (one node when the subtree is perfect, more for a subtree on the tree's right edge).
 */
export type MerkleProofPlan = MerkleNodeId[][];

/** Perfect nodes covering [begin, end) for an aligned range of RFC 6962's recursion. */
function rangeNodes(begin: number, end: number): MerkleNodeId[] {
  const ids: MerkleNodeId[] = [];
  let at = begin;
  for (const size of binaryParts(end - begin)) {
    ids.push({ level: levelOf(size), index: at / size });
    at += size;
  }
  return ids;
}

function assertSize(name: string, n: number): void {
  if (!isSize(n)) throw new Error(`${name} must be a non-negative safe integer`);
}

/** The perfect nodes whose right fold is MTH(D[size]); [] for the empty tree. */
export function planRoot(size: number): MerkleNodeId[] {
  assertSize('size', size);
  return rangeNodes(0, size);
}

/** RFC 6962 §2.1.1 PATH(index, D[size]), as a plan. */
export function planInclusionProof(index: number, size: number): MerkleProofPlan {
  assertSize('index', index);
  assertSize('size', size);
  if (index >= size) throw new Error(`leaf ${index} is not in a tree of size ${size}`);
  const plan: MerkleProofPlan = [];
  // PATH(m, D[begin:end]) = PATH(m, left) : MTH(right)  or  PATH(m-k, right) : MTH(left);
  // the recursion appends after descending, so walking down we prepend.
  let m = index;
  let begin = 0;
  let end = size;
  while (end - begin > 1) {
    const k = splitPoint(end - begin);
    if (m < k) {
      plan.unshift(rangeNodes(begin + k, end));
      end = begin + k;
    } else {
      plan.unshift(rangeNodes(begin, begin + k));
      m -= k;
      begin += k;
    }
  }
  return plan;
}

/** RFC 6962 §2.1.2 PROOF(first, D[second]), as a plan; empty when first is 0 or equals second. */
export function planConsistencyProof(first: number, second: number): MerkleProofPlan {
  assertSize('first', first);
  assertSize('second', second);
  if (first > second) throw new Error(`a tree of size ${first} cannot precede one of size ${second}`);
  if (first === 0 || first === second) return [];
  const plan: MerkleProofPlan = [];
  // SUBPROOF(m, D[begin:end], b), walking down and prepending as above.
  let m = first;
  let begin = 0;
  let end = second;
  let whole = true; // b: is the subtree we are in the old tree's own root?
  while (m !== end - begin) {
    const k = splitPoint(end - begin);
    if (m <= k) {
      plan.unshift(rangeNodes(begin + k, end));
      end = begin + k;
    } else {
      plan.unshift(rangeNodes(begin, begin + k));
      m -= k;
      begin += k;
      whole = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b = true the verifier already has it.
  if (!whole) plan.unshift(rangeNodes(begin, end));
  return plan;
}

/** Fetches every node a plan (or several) needs in one call, and folds each proof hash. */
export async function resolvePlan(plan: MerkleProofPlan, fetch: MerkleNodeFetcher, hasher: MerkleHasher = sm3MerkleHasher): Promise<Buffer[]> {
  const key = (id: MerkleNodeId) => `${id.level}:${id.index}`;
  const unique = new Map<string, MerkleNodeId>();
  for (const ids of plan) for (const id of ids) unique.set(key(id), id);
  const asked = [...unique.values()];
  const answers = asked.length > 0 ? await fetch(asked) : [];
  if (answers.length !== asked.length) throw new Error(`the node store answered ${answers.length} of ${asked.length} nodes`);
  const byKey = new Map<string, Buffer>();
  asked.forEach((id, i) => {
    const hash = answers[i] as Buffer;
    if (hash.length !== hasher.size) throw new Error(`node ${key(id)} is not a ${hasher.size}-byte hash`);
    byKey.set(key(id), hash);
  });
  return plan.map((ids) => foldRight(hasher, ids.map((id) => byKey.get(key(id)) as Buffer)));
}

/** MTH(D[size]) from stored perfect nodes (e.g. to re-check a historical tree head). */
export async function rootFromNodes(size: number, fetch: MerkleNodeFetcher, hasher: MerkleHasher = sm3MerkleHasher): Promise<Buffer> {
  const [root] = await resolvePlan([planRoot(size)], fetch, hasher);
  return root as Buffer;
}

export async function inclusionProof(index: number, size: number, fetch: MerkleNodeFetcher, hasher: MerkleHasher = sm3MerkleHasher): Promise<Buffer[]> {
  return resolvePlan(planInclusionProof(index, size), fetch, hasher);
}

export async function consistencyProof(first: number, second: number, fetch: MerkleNodeFetcher, hasher: MerkleHasher = sm3MerkleHasher): Promise<Buffer[]> {
  return resolvePlan(planConsistencyProof(first, second), fetch, hasher);
}

/**
 * An in-memory node store: keeps every perfect node the frontier completes (2N-1 hashes).
 * For tests, tools and small logs; a database-backed store keeps the same (level, index) → hash.
 */
export class MemoryMerkleStore {
  private readonly frontier: MerkleFrontier;
  private readonly nodes = new Map<string, Buffer>();

  constructor(readonly hasher: MerkleHasher = sm3MerkleHasher) {
    this.frontier = MerkleFrontier.empty(hasher);
  }

  get size(): number {
    return this.frontier.size;
  }

  appendLeafHash(leafHash: Uint8Array): void {
    for (const node of this.frontier.append(leafHash)) this.nodes.set(`${node.level}:${node.index}`, node.hash);
  }

  appendEntry(entry: Uint8Array): void {
    this.appendLeafHash(this.hasher.hashLeaf(entry));
  }

  root(): Buffer {
    return this.frontier.root();
  }

  readonly fetch: MerkleNodeFetcher = (ids) =>
    ids.map((id) => {
      const hash = this.nodes.get(`${id.level}:${id.index}`);
      if (!hash) throw new Error(`node ${id.level}:${id.index} is not stored (tree size ${this.size})`);
      return hash;
    });
}

// --- verification (RFC 9162) -----------------------------------------------------------------

const isHash = (hasher: MerkleHasher, value: Uint8Array) => value instanceof Uint8Array && value.length === hasher.size;
const sameHash = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/**
 * RFC 9162 §2.1.3.2: recomputes the root from a leaf hash and its inclusion proof; null when the
 * proof cannot belong to (index, size) at all.
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  hasher: MerkleHasher = sm3MerkleHasher,
): Buffer | null {
  if (!isHash(hasher, leafHash) || !proof.every((p) => isHash(hasher, p))) return null;
  const root = rootFromInclusionPath(index, size, leafHash, proof, (l, r) => hasher.hashChildren(l, r));
  return root === null ? null : Buffer.from(root);
}

/** RFC 9162 §2.1.3.2: is the leaf with this hash at `index` of the tree (size, root)? */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  hasher: MerkleHasher = sm3MerkleHasher,
): boolean {
  if (!isHash(hasher, root)) return false;
  const computed = rootFromInclusionProof(index, size, leafHash, proof, hasher);
  return computed !== null && sameHash(computed, root);
}

/**
 * RFC 9162 §2.1.4.2: is the tree (second, secondRoot) an append-only extension of
 * (first, firstRoot)? Edge cases outside the RFC's 0 < first < second: equal sizes need an empty
 * proof and equal roots; first = 0 needs an empty proof and the empty tree's root.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
  hasher: MerkleHasher = sm3MerkleHasher,
): boolean {
  if (!isSize(first) || !isSize(second) || first > second) return false;
  if (!isHash(hasher, firstRoot) || !isHash(hasher, secondRoot) || !proof.every((p) => isHash(hasher, p))) return false;
  if (first === second) return proof.length === 0 && sameHash(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0 && sameHash(firstRoot, hasher.emptyRoot());
  // 1. An empty path fails.
  if (proof.length === 0) return false;
  // 2. If first is a power of two, the old root itself starts the path.
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  // 3.–4.
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5.
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr: Buffer = Buffer.from(path[0] as Uint8Array);
  // 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hasher.hashChildren(c, fr);
      sr = hasher.hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hasher.hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7.
  return sn === 0 && sameHash(fr, firstRoot) && sameHash(sr, secondRoot);
}
