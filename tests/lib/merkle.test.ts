import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MemoryMerkleStore,
  MerkleFrontier,
  type MerkleHasher,
  type MerkleNodeFetcher,
  consistencyProof,
  createMerkleHasher,
  inclusionProof,
  merkleRoot,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
  rootFromInclusionProof,
  rootFromNodes,
  sm3MerkleHasher,
  verifyConsistency,
  verifyInclusion,
} from '../../src/lib/merkle.js';

// ---------------------------------------------------------------------------------------------
// An independent reference: RFC 6962 §2.1 written down literally (recursion over lists of
// entries, slices, SM3 straight from node:crypto), and verifiers that rebuild the roots by
// walking the same recursion backwards, not RFC 9162's bit arithmetic that src/lib/merkle.ts uses.
// ---------------------------------------------------------------------------------------------

const sm3 = (...parts: Uint8Array[]) => {
  const h = createHash('sm3');
  for (const part of parts) h.update(part);
  return h.digest();
};
const refLeaf = (d: Uint8Array) => sm3(Buffer.from([0]), d);
const refNode = (l: Uint8Array, r: Uint8Array) => sm3(Buffer.from([1]), l, r);
const largestPow2Below = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

// MTH memoised per list of entries (the same slices are asked for again and again).
const mthCache = new WeakMap<Buffer[], Map<string, Buffer>>();
function refMTH(D: Buffer[], begin = 0, end = D.length): Buffer {
  let cache = mthCache.get(D);
  if (!cache) mthCache.set(D, (cache = new Map()));
  const key = `${begin}:${end}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const n = end - begin;
  let result: Buffer;
  if (n === 0) result = sm3();
  else if (n === 1) result = refLeaf(D[begin] as Buffer);
  else {
    const k = largestPow2Below(n);
    result = refNode(refMTH(D, begin, begin + k), refMTH(D, begin + k, end));
  }
  cache.set(key, result);
  return result;
}

// PATH(m, D[n]) of RFC 6962 §2.1.1, over D[begin:end].
function refPATH(m: number, D: Buffer[], begin: number, end: number): Buffer[] {
  const n = end - begin;
  if (n === 1) return [];
  const k = largestPow2Below(n);
  if (m < k) return [...refPATH(m, D, begin, begin + k), refMTH(D, begin + k, end)];
  return [...refPATH(m - k, D, begin + k, end), refMTH(D, begin, begin + k)];
}

// PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 6962 §2.1.2.
function refSUBPROOF(m: number, D: Buffer[], begin: number, end: number, b: boolean): Buffer[] {
  const n = end - begin;
  if (m === n) return b ? [] : [refMTH(D, begin, end)];
  const k = largestPow2Below(n);
  if (m <= k) return [...refSUBPROOF(m, D, begin, begin + k, b), refMTH(D, begin + k, end)];
  return [...refSUBPROOF(m - k, D, begin + k, end, false), refMTH(D, begin, begin + k)];
}
const refPROOF = (m: number, D: Buffer[], n: number) => refSUBPROOF(m, D, 0, n, true);

// Rebuilds the root from an audit path by undoing PATH's recursion (last element = top sibling).
function refVerifyInclusion(m: number, n: number, leafHash: Buffer, path: Buffer[], root: Buffer): boolean {
  const rebuild = (m: number, n: number, path: Buffer[]): Buffer | null => {
    if (n === 1) return path.length === 0 ? leafHash : null;
    const top = path[path.length - 1];
    if (!top) return null;
    const k = largestPow2Below(n);
    const sub = m < k ? rebuild(m, k, path.slice(0, -1)) : rebuild(m - k, n - k, path.slice(0, -1));
    if (!sub) return null;
    return m < k ? refNode(sub, top) : refNode(top, sub);
  };
  if (m < 0 || m >= n) return false;
  const got = rebuild(m, n, path);
  return got !== null && got.equals(root);
}

// Rebuilds (old root, new root) from a consistency proof by undoing SUBPROOF's recursion.
function refVerifyConsistency(m: number, n: number, root1: Buffer, root2: Buffer, proof: Buffer[]): boolean {
  const rebuild = (m: number, n: number, b: boolean, proof: Buffer[]): [Buffer, Buffer] | null => {
    if (m === n) {
      if (b) return proof.length === 0 ? [root1, root1] : null;
      return proof.length === 1 ? [proof[0] as Buffer, proof[0] as Buffer] : null;
    }
    const top = proof[proof.length - 1];
    if (!top) return null;
    const k = largestPow2Below(n);
    if (m <= k) {
      const sub = rebuild(m, k, b, proof.slice(0, -1));
      return sub && [sub[0], refNode(sub[1], top)];
    }
    const sub = rebuild(m - k, n - k, false, proof.slice(0, -1));
    return sub && [refNode(top, sub[0]), refNode(top, sub[1])];
  };
  if (!(m > 0 && m < n)) return false;
  const got = rebuild(m, n, true, proof);
  return got !== null && got[0].equals(root1) && got[1].equals(root2);
}

const hex = (hashes: Buffer[]) => hashes.map((h) => h.toString('hex'));
const randomEntries = (count: number) => Array.from({ length: count }, (_, i) => randomBytes((i * 13) % 41));

const MAX = 64;
const entries = randomEntries(MAX);
// One array per prefix, so that refMTH's memo (kept per array) serves every test asking for it.
const prefixes = Array.from({ length: MAX + 1 }, (_, n) => entries.slice(0, n));
const prefix = (n: number): Buffer[] => prefixes[n] as Buffer[];
const store = new MemoryMerkleStore();
for (const entry of entries) store.appendEntry(entry);

describe('SM3 Merkle tree against the RFC 6962 §2.1 reference, every size 1..64', () => {
  it('hashes leaves and nodes with the domain-separation prefixes', () => {
    const d = Buffer.from('event');
    expect(sm3MerkleHasher.hashLeaf(d).equals(refLeaf(d))).toBe(true);
    expect(sm3MerkleHasher.hashChildren(refLeaf(d), refLeaf(d)).equals(refNode(refLeaf(d), refLeaf(d)))).toBe(true);
    expect(sm3MerkleHasher.emptyRoot().equals(sm3())).toBe(true);
    expect(sm3MerkleHasher.size).toBe(32);
  });

  it('computes every root, batch, incrementally and from stored nodes', async () => {
    expect(merkleRoot([]).equals(sm3())).toBe(true);
    expect(MerkleFrontier.empty().root().equals(sm3())).toBe(true);
    const frontier = MerkleFrontier.empty();
    for (let n = 1; n <= MAX; n += 1) {
      const D = prefix(n);
      const want = refMTH(D);
      frontier.append(refLeaf(entries[n - 1] as Buffer));
      expect(frontier.root().equals(want)).toBe(true);
      expect(merkleRoot(D.map(refLeaf)).equals(want)).toBe(true);
      expect((await rootFromNodes(n, store.fetch)).equals(want)).toBe(true);
    }
  });

  it('produces exactly RFC 6962 PATH for every leaf of every size, and both verifiers accept it', async () => {
    for (let n = 1; n <= MAX; n += 1) {
      const D = prefix(n);
      const root = refMTH(D);
      for (let m = 0; m < n; m += 1) {
        const proof = await inclusionProof(m, n, store.fetch);
        expect(hex(proof)).toEqual(hex(refPATH(m, D, 0, n)));
        const leafHash = refLeaf(D[m] as Buffer);
        expect(refVerifyInclusion(m, n, leafHash, proof, root)).toBe(true);
        expect(verifyInclusion(m, n, leafHash, proof, root)).toBe(true);
        expect(rootFromInclusionProof(m, n, leafHash, proof)?.equals(root)).toBe(true);
      }
    }
  });

  it('produces exactly RFC 6962 PROOF for every m < n, and both verifiers accept it', async () => {
    for (let n = 1; n <= MAX; n += 1) {
      const D = prefix(n);
      for (let m = 1; m < n; m += 1) {
        const proof = await consistencyProof(m, n, store.fetch);
        expect(hex(proof)).toEqual(hex(refPROOF(m, D, n)));
        expect(refVerifyConsistency(m, n, refMTH(prefix(m)), refMTH(D), proof)).toBe(true);
        expect(verifyConsistency(m, n, refMTH(prefix(m)), refMTH(D), proof)).toBe(true);
      }
    }
  });

  it('handles the trivial consistency cases outside 0 < m < n', async () => {
    const root5 = refMTH(prefix(5));
    expect(await consistencyProof(5, 5, store.fetch)).toEqual([]);
    expect(await consistencyProof(0, 5, store.fetch)).toEqual([]);
    expect(verifyConsistency(5, 5, root5, root5, [])).toBe(true);
    expect(verifyConsistency(0, 5, sm3(), root5, [])).toBe(true);
    expect(verifyConsistency(0, 0, sm3(), sm3(), [])).toBe(true);
    // Equal sizes need equal roots and an empty proof; size 0 needs the empty root.
    expect(verifyConsistency(5, 5, root5, refMTH(prefix(6)), [])).toBe(false);
    expect(verifyConsistency(5, 5, root5, root5, [root5])).toBe(false);
    expect(verifyConsistency(0, 5, root5, root5, [])).toBe(false);
    expect(verifyConsistency(0, 5, sm3(), root5, [root5])).toBe(false);
    // Time does not run backwards.
    expect(verifyConsistency(6, 5, refMTH(prefix(6)), root5, [])).toBe(false);
    expect(() => planConsistencyProof(6, 5)).toThrow(/cannot precede/);
  });

  it('refuses to plan proofs for leaves outside the tree or for non-integer sizes', () => {
    expect(() => planInclusionProof(5, 5)).toThrow(/not in a tree of size 5/);
    expect(() => planInclusionProof(0, 0)).toThrow(/not in a tree/);
    expect(() => planInclusionProof(-1, 5)).toThrow(/non-negative safe integer/);
    expect(() => planInclusionProof(1.5, 5)).toThrow(/non-negative safe integer/);
    expect(() => planRoot(2 ** 53)).toThrow(/non-negative safe integer/);
  });

  it('asks the node store only for perfect nodes it has, once each, in a single call', async () => {
    const calls: number[] = [];
    const counting: MerkleNodeFetcher = (ids) => {
      calls.push(ids.length);
      const keys = ids.map((id) => `${id.level}:${id.index}`);
      expect(new Set(keys).size).toBe(keys.length);
      for (const id of ids) expect((id.index + 1) * 2 ** id.level).toBeLessThanOrEqual(MAX);
      return store.fetch(ids);
    };
    await inclusionProof(0, 63, counting);
    await consistencyProof(21, 63, counting);
    expect(calls).toHaveLength(2);
    await expect(inclusionProof(3, MAX + 1, store.fetch)).rejects.toThrow(/not stored/);
    await expect(inclusionProof(3, 8, () => [])).rejects.toThrow(/answered 0 of/);
  });
});

describe('SHA-256 instance against RFC 6962 reference vectors', () => {
  // transparency-dev/merkle (successor of certificate-transparency-go/merkletree):
  // testonly/constants.go (LeafInputs, NodeHashes, RootHashes, CompactTrees) and
  // proof/verify_test.go (inclusionProofs, consistencyProofs; leaf numbers there are 1-based).
  const sha256 = createMerkleHasher('sha256');
  const leafInputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
    Buffer.from(h, 'hex'),
  );
  const nodeHashes = [
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
      '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
    ],
    [
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    ],
    ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
    ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
  ];
  const nh = (level: number, index: number) => nodeHashes[level]?.[index] as string;
  const roots = [
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];
  const compactTrees = [[], [nh(0, 0)], [nh(1, 0)], [nh(1, 0), nh(0, 2)], [nh(2, 0)], [nh(2, 0), nh(0, 4)], [nh(2, 0), nh(1, 2)], [nh(2, 0), nh(1, 2), nh(0, 6)], [nh(3, 0)]];
  const inclusionVectors: Array<{ leaf: number; size: number; proof: string[] }> = [
    { leaf: 1, size: 1, proof: [] },
    { leaf: 1, size: 8, proof: [nh(0, 1), nh(1, 1), nh(2, 1)] },
    { leaf: 6, size: 8, proof: [nh(0, 4), nh(1, 3), nh(2, 0)] },
    { leaf: 3, size: 3, proof: [nh(1, 0)] },
    { leaf: 2, size: 5, proof: [nh(0, 0), nh(1, 1), nh(0, 4)] },
  ];
  const consistencyVectors: Array<{ size1: number; size2: number; proof: string[] }> = [
    { size1: 1, size2: 1, proof: [] },
    { size1: 1, size2: 8, proof: [nh(0, 1), nh(1, 1), nh(2, 1)] },
    { size1: 6, size2: 8, proof: [nh(1, 2), nh(1, 3), nh(2, 0)] },
    { size1: 2, size2: 5, proof: [nh(1, 1), nh(0, 4)] },
    { size1: 6, size2: 7, proof: [nh(1, 2), nh(0, 6), nh(2, 0)] },
  ];
  // The vectors spelled out in verify_test.go, to make sure nh() picked the right ones.
  it('transcribes the vectors faithfully', () => {
    expect(inclusionVectors[2]?.proof).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(consistencyVectors[4]?.proof).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  const shaStore = new MemoryMerkleStore(sha256);
  for (const leaf of leafInputs) shaStore.appendEntry(leaf);
  const buf = (hs: string[]) => hs.map((h) => Buffer.from(h, 'hex'));

  it('reproduces the leaf hashes, every root, and every compact frontier', async () => {
    leafInputs.forEach((leaf, i) => expect(sha256.hashLeaf(leaf).toString('hex')).toBe(nh(0, i)));
    const frontier = MerkleFrontier.empty(sha256);
    expect(frontier.root().toString('hex')).toBe(roots[0]);
    for (let n = 1; n <= 8; n += 1) {
      frontier.appendEntries([leafInputs[n - 1] as Buffer]);
      expect(frontier.root().toString('hex')).toBe(roots[n]);
      expect(hex(frontier.nodes)).toEqual(compactTrees[n]);
      expect(merkleRoot(leafInputs.slice(0, n).map((l) => sha256.hashLeaf(l)), sha256).toString('hex')).toBe(roots[n]);
      expect((await rootFromNodes(n, shaStore.fetch, sha256)).toString('hex')).toBe(roots[n]);
    }
  });

  it('generates and verifies the reference inclusion proofs', async () => {
    for (const v of inclusionVectors) {
      const index = v.leaf - 1;
      expect(hex(await inclusionProof(index, v.size, shaStore.fetch, sha256))).toEqual(v.proof);
      const leafHash = sha256.hashLeaf(leafInputs[index] as Buffer);
      expect(verifyInclusion(index, v.size, leafHash, buf(v.proof), Buffer.from(roots[v.size] as string, 'hex'), sha256)).toBe(true);
    }
  });

  it('generates and verifies the reference consistency proofs', async () => {
    for (const v of consistencyVectors) {
      expect(hex(await consistencyProof(v.size1, v.size2, shaStore.fetch, sha256))).toEqual(v.proof);
      const root1 = Buffer.from(roots[v.size1] as string, 'hex');
      const root2 = Buffer.from(roots[v.size2] as string, 'hex');
      expect(verifyConsistency(v.size1, v.size2, root1, root2, buf(v.proof), sha256)).toBe(true);
    }
  });

  it('does not accept SM3 hashes as SHA-256 ones or the other way round', () => {
    const v = inclusionVectors[1] as { leaf: number; size: number; proof: string[] };
    const leafHash = sha256.hashLeaf(leafInputs[0] as Buffer);
    expect(verifyInclusion(0, 8, leafHash, buf(v.proof), Buffer.from(roots[8] as string, 'hex'))).toBe(false);
  });
});

describe('tampered proofs fail', () => {
  const someHash = sm3(Buffer.from('some other hash'));
  const flip = (h: Buffer, bit: number) => {
    const c = Buffer.from(h);
    c[0] = (c[0] ?? 0) ^ (1 << bit);
    return c;
  };

  it('inclusion: wrong index, size, leaf or root; garbage, flipped bits, missing or extra hashes', async () => {
    let probes = 0;
    for (let n = 1; n <= 24; n += 1) {
      const root = refMTH(prefix(n));
      for (let m = 0; m < n; m += 1) {
        const leafHash = refLeaf(entries[m] as Buffer);
        const proof = await inclusionProof(m, n, store.fetch);
        const bad: Array<[number, number, Buffer, Buffer[], Buffer, string]> = [
          [m - 1, n, leafHash, proof, root, 'index - 1'],
          [m + 1, n, leafHash, proof, root, 'index + 1'],
          [m ^ 2, n, leafHash, proof, root, 'index ^ 2'],
          [m, n * 2, leafHash, proof, root, 'size * 2'],
          [m, Math.floor(n / 2), leafHash, proof, root, 'size / 2'],
          [m, n, refLeaf(Buffer.from('wrong leaf')), proof, root, 'wrong leaf'],
          [m, n, leafHash, proof, sm3(), 'empty root'],
          [m, n, leafHash, proof, someHash, 'other root'],
          [m, n, leafHash, [...proof, someHash], root, 'trailing hash'],
          [m, n, leafHash, [...proof, root], root, 'trailing root'],
          [m, n, leafHash, [someHash, ...proof], root, 'preceding hash'],
          [m, n, leafHash, [root, ...proof], root, 'preceding root'],
          [m, n, leafHash, [...proof, Buffer.alloc(0)], root, 'trailing empty'],
          [m, n, leafHash, proof, root.subarray(1), 'short root'],
        ];
        proof.forEach((_, i) => {
          bad.push([m, n, leafHash, proof.map((p, j) => (j === i ? flip(p, 3) : p)), root, `flipped proof[${i}]`]);
          bad.push([m, n, leafHash, proof.map((p, j) => (j === i ? p.subarray(1) : p)), root, `short proof[${i}]`]);
        });
        if (proof.length > 0) bad.push([m, n, leafHash, proof.slice(0, -1), root, 'removed last']);
        if (proof.length > 1) {
          bad.push([m, n, leafHash, [proof[0] as Buffer, someHash, ...proof.slice(1)], root, 'inserted']);
          bad.push([m, n, leafHash, [proof[1] as Buffer, proof[0] as Buffer, ...proof.slice(2)], root, 'swapped first two']);
        }
        for (const [index, size, leaf, p, r, desc] of bad) {
          // index ± k may be another real leaf position; then the proof must still not fit it.
          expect(verifyInclusion(index, size, leaf, p, r), `n=${n} m=${m}: ${desc}`).toBe(false);
          probes += 1;
        }
      }
    }
    expect(probes).toBeGreaterThan(5000);
  });

  it('consistency: wrong sizes or roots, swapped roots, garbage, flipped bits, missing hashes', async () => {
    let probes = 0;
    for (let n = 2; n <= 24; n += 1) {
      const root2 = refMTH(prefix(n));
      for (let m = 1; m < n; m += 1) {
        const root1 = refMTH(prefix(m));
        const proof = await consistencyProof(m, n, store.fetch);
        const bad: Array<[number, number, Buffer, Buffer, Buffer[], string]> = [
          [m - 1, n, root1, root2, proof, 'size1 - 1'],
          [m + 1, n, root1, root2, proof, 'size1 + 1'],
          [m ^ 2, n, root1, root2, proof, 'size1 ^ 2'],
          [m, n * 2, root1, root2, proof, 'size2 * 2'],
          [m, Math.floor(n / 2), root1, root2, proof, 'size2 / 2'],
          [m, n, someHash, root2, proof, 'wrong root1'],
          [m, n, root1, someHash, proof, 'wrong root2'],
          [m, n, root2, root1, proof, 'swapped roots'],
          [m, n, root1, root2, [], 'empty proof'],
          [m, n, root1, root2, [...proof, someHash], 'trailing hash'],
          [m, n, root1, root2, [...proof, root1], 'trailing root1'],
          [m, n, root1, root2, [...proof, root2], 'trailing root2'],
          [m, n, root1, root2, [someHash, ...proof], 'preceding hash'],
          [m, n, root1, root2, [root1, ...proof], 'preceding root1'],
          [m, n, root1, root2, [root2, ...proof], 'preceding root2'],
          [m, n, root1, root2, [proof[0] as Buffer, ...proof], 'preceding proof[0]'],
          [m, n, root1, root2, proof.slice(0, -1), 'truncated'],
        ];
        proof.forEach((_, i) => {
          bad.push([m, n, root1, root2, proof.map((p, j) => (j === i ? flip(p, 4) : p)), `flipped proof[${i}]`]);
        });
        for (const [size1, size2, r1, r2, p, desc] of bad) {
          expect(verifyConsistency(size1, size2, r1, r2, p), `m=${m} n=${n}: ${desc}`).toBe(false);
          probes += 1;
        }
      }
    }
    expect(probes).toBeGreaterThan(5000);
  });

  it('a tree that rewrote an old entry is not consistent with its past', async () => {
    const rewritten = new MemoryMerkleStore();
    prefix(20).forEach((entry, i) => rewritten.appendEntry(i === 7 ? Buffer.from('edited') : entry));
    const root10 = refMTH(prefix(10));
    const proof = await consistencyProof(10, 20, rewritten.fetch);
    expect(verifyConsistency(10, 20, root10, rewritten.root(), proof)).toBe(false);
    // …while the same proof shape from the honest tree passes.
    expect(verifyConsistency(10, 20, root10, refMTH(prefix(20)), await consistencyProof(10, 20, store.fetch))).toBe(true);
  });
});

describe('incremental sealing equals the batch definition', () => {
  it('appends in random chunks, saves and restores the frontier, and keeps O(log N) state', () => {
    const leaves = randomEntries(300);
    let frontier = MerkleFrontier.empty();
    let at = 0;
    const completed = new Map<string, Buffer>();
    while (at < leaves.length) {
      const chunk = leaves.slice(at, at + 1 + Math.floor(Math.random() * 40));
      for (const node of frontier.appendEntries(chunk)) completed.set(`${node.level}:${node.index}`, node.hash);
      at += chunk.length;
      expect(frontier.size).toBe(at);
      expect(frontier.root().equals(refMTH(leaves.slice(0, at)))).toBe(true);
      // One stored hash per set bit of the size.
      expect(frontier.nodes).toHaveLength(at.toString(2).replace(/0/g, '').length);
      // Persist (size, nodes) as a sealer would between runs, and continue from the copy.
      frontier = MerkleFrontier.restore(frontier.size, frontier.nodes);
    }
    // Every complete perfect subtree of the 300-leaf tree was reported, and each is MTH of its range.
    let perfect = 0;
    for (let level = 0; 2 ** level <= leaves.length; level += 1) perfect += Math.floor(leaves.length / 2 ** level);
    expect(completed.size).toBe(perfect);
    for (const [key, hash] of completed) {
      const [level, index] = key.split(':').map(Number) as [number, number];
      expect(hash.equals(refMTH(leaves, index * 2 ** level, (index + 1) * 2 ** level))).toBe(true);
    }
    expect(frontier.nodeIds().map(({ level, index }) => `${level}:${index}`)).toEqual(['8:0', '5:8', '3:36', '2:74']);
  });

  it('rejects a frontier that does not fit its size, and leaf hashes of the wrong length', () => {
    const two = MerkleFrontier.empty();
    two.appendEntries([Buffer.from('a'), Buffer.from('b')]);
    expect(() => MerkleFrontier.restore(3, two.nodes)).toThrow(/has 2 nodes, not 1/);
    expect(() => MerkleFrontier.restore(2, [Buffer.alloc(31)])).toThrow(/32-byte/);
    expect(() => MerkleFrontier.restore(-1, [])).toThrow(/non-negative/);
    expect(() => two.append(Buffer.alloc(20))).toThrow(/32 bytes/);
  });
});

describe('sizes beyond 32 bits', () => {
  // A tree whose leaves are all equal: the perfect node at each level is the same hash for every
  // index, so a tree of ~2^45 leaves is cheap, and 32-bit shortcuts in the arithmetic would show.
  const uniform: Buffer[] = [refLeaf(Buffer.from('same'))];
  for (let level = 1; level <= 53; level += 1) uniform.push(refNode(uniform[level - 1] as Buffer, uniform[level - 1] as Buffer));
  const fetchUniform: MerkleNodeFetcher = (ids) => ids.map((id) => uniform[id.level] as Buffer);
  const hasher: MerkleHasher = sm3MerkleHasher;

  it('plans, proves and verifies inclusion and consistency in a tree of 2^45 + 12345 leaves', async () => {
    const size = 2 ** 45 + 12345;
    const root = await rootFromNodes(size, fetchUniform, hasher);
    for (const index of [0, 2 ** 32 + 7, 2 ** 45 - 1, 2 ** 45, size - 1]) {
      const plan = planInclusionProof(index, size);
      // The leaf and the planned subtrees partition [0, size).
      const ranges = plan.flat().map(({ level, index: i }) => [i * 2 ** level, (i + 1) * 2 ** level] as const);
      ranges.push([index, index + 1]);
      ranges.sort((a, b) => a[0] - b[0]);
      let covered = 0;
      for (const [begin, end] of ranges) {
        expect(begin).toBe(covered);
        covered = end;
      }
      expect(covered).toBe(size);
      const proof = await inclusionProof(index, size, fetchUniform, hasher);
      expect(verifyInclusion(index, size, uniform[0] as Buffer, proof, root, hasher)).toBe(true);
      expect(refVerifyInclusion(index, size, uniform[0] as Buffer, proof, root)).toBe(true);
      expect(verifyInclusion(index, size, uniform[1] as Buffer, proof, root, hasher)).toBe(false);
      expect(verifyInclusion(index, size * 2, uniform[0] as Buffer, proof, root, hasher)).toBe(false);
    }
    for (const first of [1, 2 ** 33 + 1, 2 ** 45, 2 ** 45 + 12000]) {
      const root1 = await rootFromNodes(first, fetchUniform, hasher);
      const proof = await consistencyProof(first, size, fetchUniform, hasher);
      expect(verifyConsistency(first, size, root1, root, proof, hasher)).toBe(true);
      expect(refVerifyConsistency(first, size, root1, root, proof)).toBe(true);
    }
  });
});
