import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { referenceRoot, referenceVerifyConsistency, referenceVerifyInclusion } from '../../test/support/rfc9162-reference.js';
import {
  appendLeaves,
  assembleProof,
  consistencyProofPlan,
  EMPTY_ROOT,
  foldSubtrees,
  hashChildren,
  hashLeaf,
  inclusionProofPlan,
  MerkleAccumulator,
  nodeKey,
  rootFromFrontier,
  rootPlan,
  subtreeNodes,
  verifyConsistency,
  verifyInclusion,
  type NodeRef,
} from './merkle.js';

// --- A naive model, straight from the RFC's recursive definitions -------------------------------

function leafHashes(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function naiveMth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0]!;
  const k = largestPowerOfTwoBelow(leaves.length);
  return hashChildren(naiveMth(leaves.slice(0, k)), naiveMth(leaves.slice(k)));
}

function naivePath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k ? [...naivePath(m, leaves.slice(0, k)), naiveMth(leaves.slice(k))] : [...naivePath(m - k, leaves.slice(k)), naiveMth(leaves.slice(0, k))];
}

function naiveSubproof(m: number, leaves: Buffer[], b: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [naiveMth(leaves)];
  const k = largestPowerOfTwoBelow(n);
  return m <= k
    ? [...naiveSubproof(m, leaves.slice(0, k), b), naiveMth(leaves.slice(k))]
    : [...naiveSubproof(m - k, leaves.slice(k), false), naiveMth(leaves.slice(0, k))];
}

/** Every perfect node of a tree, as the database would hold it. */
function allPerfectNodes(leaves: Buffer[]): Map<string, Buffer> {
  const nodes = new Map<string, Buffer>();
  for (let level = 0; 2 ** level <= leaves.length; level++) {
    const width = 2 ** level;
    for (let index = 0; (index + 1) * width <= leaves.length; index++) {
      nodes.set(nodeKey({ level, index }), naiveMth(leaves.slice(index * width, (index + 1) * width)));
    }
  }
  return nodes;
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64 = (hash: Buffer) => hash.toString('base64');
const flipBit = (hash: Buffer, bit = 0) => {
  const copy = Buffer.from(hash);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
};

const MAX_SIZE = 70;
const MAX_CONSISTENCY_SIZE = 40;
const LEAVES = leafHashes(MAX_SIZE);
const NODES = allPerfectNodes(LEAVES);
const ROOTS = Array.from({ length: MAX_SIZE + 1 }, (_, n) => naiveMth(LEAVES.slice(0, n)));

// --- Tests ------------------------------------------------------------------------------------

describe('hashes', () => {
  it('prefixes leaves with 0x00 and interior nodes with 0x01', () => {
    const sha = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest();
    expect(hashLeaf(Buffer.from('abcd', 'hex'))).toEqual(sha('00abcd'));
    expect(hashChildren(Buffer.alloc(32, 1), Buffer.alloc(32, 2))).toEqual(sha('01' + '01'.repeat(32) + '02'.repeat(32)));
  });

  it('matches the RFC 6962 known answers', () => {
    const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const leaves = data.map((hex) => hashLeaf(Buffer.from(hex, 'hex')));
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const accumulator = new MerkleAccumulator();
    for (const [i, leaf] of leaves.entries()) {
      accumulator.push(leaf);
      expect(accumulator.root().toString('hex')).toBe(roots[i]);
    }
    const nodes = allPerfectNodes(leaves);
    expect(foldSubtrees(rootPlan(8).map((ref) => nodes.get(nodeKey(ref))!)).toString('hex')).toBe(roots[7]);
  });
});

describe('subtreeNodes and rootPlan', () => {
  it('splits ranges into aligned perfect subtrees, largest first', () => {
    expect(rootPlan(0)).toEqual([]);
    expect(rootPlan(1)).toEqual([{ level: 0, index: 0 }]);
    expect(rootPlan(7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(subtreeNodes(8, 13)).toEqual([
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(subtreeNodes(5, 5)).toEqual([]);
    expect(nodeKey({ level: 3, index: 17 })).toBe('3:17');
  });

  it('refuses ranges whose hash is not a fold of perfect subtrees, and bad numbers', () => {
    expect(() => subtreeNodes(1, 5)).toThrow(RangeError);
    expect(() => subtreeNodes(1, 5)).toThrow(/not aligned: its start must be a multiple of 4/);
    expect(() => subtreeNodes(4, 3)).toThrow(/ends before it starts/);
    expect(() => rootPlan(-1)).toThrow(/tree size must be a non-negative safe integer/);
    expect(() => rootPlan(1.5)).toThrow(RangeError);
    expect(() => rootPlan(2 ** 53)).toThrow(RangeError);
  });

  it('folds to the naive root for every size 0..70, as the reference does', () => {
    for (let n = 0; n <= MAX_SIZE; n++) {
      const root = foldSubtrees(rootPlan(n).map((ref) => NODES.get(nodeKey(ref))!));
      expect(root).toEqual(ROOTS[n]);
      expect(referenceRoot(LEAVES.slice(0, n).map(b64))).toBe(b64(root));
    }
    expect(foldSubtrees([])).toEqual(EMPTY_ROOT);
  });
});

describe('inclusion proofs', () => {
  it('plans, assembles and verifies every proof for sizes 1..70', () => {
    for (let n = 1; n <= MAX_SIZE; n++) {
      const leaves = LEAVES.slice(0, n);
      for (let i = 0; i < n; i++) {
        const proof = assembleProof(inclusionProofPlan(i, n), NODES);
        expect(proof).toEqual(naivePath(i, leaves));
        expect(verifyInclusion(LEAVES[i]!, i, n, proof, ROOTS[n]!)).toBe(true);
        expect(referenceVerifyInclusion(b64(LEAVES[i]!), i, n, proof.map(b64), b64(ROOTS[n]!))).toBe(true);
      }
    }
  });

  it('rejects a flipped bit, a wrong index, a wrong root and a wrong length — as the reference does', () => {
    for (let n = 1; n <= 40; n++) {
      for (let i = 0; i < n; i++) {
        const proof = assembleProof(inclusionProofPlan(i, n), NODES);
        const leaf = LEAVES[i]!;
        const root = ROOTS[n]!;
        const attempts: Array<[Buffer, number, number, Buffer[], Buffer]> = [
          [flipBit(leaf, 7), i, n, proof, root],
          [leaf, i, n, proof, flipBit(root, 255)],
          [leaf, i + 1, n, proof, root],
          [leaf, i - 1, n, proof, root],
          [leaf, i, n, [...proof, leaf], root],
        ];
        if (proof.length > 0) attempts.push([leaf, i, n, proof.slice(0, -1), root]);
        for (let e = 0; e < proof.length; e++) attempts.push([leaf, i, n, proof.map((p, j) => (j === e ? flipBit(p, e) : p)), root]);
        for (const [l, index, size, p, r] of attempts) {
          expect(verifyInclusion(l, index, size, p, r)).toBe(false);
          expect(referenceVerifyInclusion(b64(l), index, size, p.map(b64), b64(r))).toBe(false);
        }
      }
    }
  });

  it('binds the tree size through the path length (the signed checkpoint binds it to the root)', () => {
    // RFC 9162 verification does not tell apart sizes whose paths for this index have the same
    // shape (e.g. index 0 of sizes 3 and 4): the root, signed together with its size, does.
    let rejected = 0;
    for (let n = 1; n <= 40; n++) {
      for (let i = 0; i < n; i++) {
        const proof = assembleProof(inclusionProofPlan(i, n), NODES);
        for (const size of [n - 1, n + 1, 2 * n]) {
          const ours = verifyInclusion(LEAVES[i]!, i, size, proof, ROOTS[n]!);
          expect(ours).toBe(referenceVerifyInclusion(b64(LEAVES[i]!), i, size, proof.map(b64), b64(ROOTS[n]!)));
          if (i < size && inclusionProofPlan(i, size).length !== proof.length) {
            expect(ours).toBe(false);
            rejected++;
          }
        }
      }
    }
    expect(rejected).toBeGreaterThan(300);
  });

  it('never throws on malformed arguments', () => {
    expect(verifyInclusion(LEAVES[0]!, 0, 1, [], LEAVES[0]!)).toBe(true);
    expect(verifyInclusion(LEAVES[0]!, 0, 0, [], LEAVES[0]!)).toBe(false);
    expect(verifyInclusion(LEAVES[0]!, -1, 1, [], LEAVES[0]!)).toBe(false);
    expect(verifyInclusion(LEAVES[0]!, 0.5, 2, [], LEAVES[0]!)).toBe(false);
    expect(verifyInclusion(LEAVES[0]!.subarray(1), 0, 1, [], LEAVES[0]!)).toBe(false);
    expect(verifyInclusion(LEAVES[0]!, 0, 2, [Buffer.alloc(31)], ROOTS[2]!)).toBe(false);
  });

  it('refuses to plan out-of-range proofs', () => {
    expect(() => inclusionProofPlan(3, 3)).toThrow(/leaf index 3 is not in a tree of size 3/);
    expect(() => inclusionProofPlan(0, 0)).toThrow(RangeError);
    expect(() => inclusionProofPlan(-1, 3)).toThrow(/leaf index must be a non-negative safe integer/);
    expect(inclusionProofPlan(0, 1)).toEqual([]);
  });
});

describe('consistency proofs', () => {
  it('plans, assembles and verifies every pair up to size 40', () => {
    for (let n = 1; n <= MAX_CONSISTENCY_SIZE; n++) {
      const leaves = LEAVES.slice(0, n);
      for (let m = 1; m <= n; m++) {
        const proof = assembleProof(consistencyProofPlan(m, n), NODES);
        expect(proof).toEqual(naiveSubproof(m, leaves, true));
        expect(verifyConsistency(m, n, proof, ROOTS[m]!, ROOTS[n]!)).toBe(true);
        expect(referenceVerifyConsistency(m, n, proof.map(b64), b64(ROOTS[m]!), b64(ROOTS[n]!))).toBe(true);
      }
    }
  });

  it('rejects tampering, wrong sizes and wrong roots — as the reference does', () => {
    for (let n = 2; n <= 32; n++) {
      for (let m = 1; m < n; m++) {
        const proof = assembleProof(consistencyProofPlan(m, n), NODES);
        const attempts: Array<[number, number, Buffer[], Buffer, Buffer]> = [
          [m, n, proof, flipBit(ROOTS[m]!), ROOTS[n]!],
          [m, n, proof, ROOTS[m]!, flipBit(ROOTS[n]!, 100)],
          [m, n, [], ROOTS[m]!, ROOTS[n]!],
          [m, n, proof.slice(1), ROOTS[m]!, ROOTS[n]!],
          [m, n, [...proof, ROOTS[n]!], ROOTS[m]!, ROOTS[n]!],
          [m + 1, n, proof, ROOTS[m + 1]!, ROOTS[n]!],
          [m, n + 1, proof, ROOTS[m]!, ROOTS[n + 1]!],
          [n, m, proof, ROOTS[n]!, ROOTS[m]!],
        ];
        if (m > 1) attempts.push([m - 1, n, proof, ROOTS[m - 1]!, ROOTS[n]!]);
        for (let e = 0; e < proof.length; e++) attempts.push([m, n, proof.map((p, j) => (j === e ? flipBit(p, 9) : p)), ROOTS[m]!, ROOTS[n]!]);
        for (const [from, to, p, fromRoot, toRoot] of attempts) {
          expect(verifyConsistency(from, to, p, fromRoot, toRoot)).toBe(false);
          expect(referenceVerifyConsistency(from, to, p.map(b64), b64(fromRoot), b64(toRoot))).toBe(false);
        }
      }
    }
  });

  it('treats equal sizes as an empty proof of equal roots, and refuses size 0', () => {
    expect(consistencyProofPlan(5, 5)).toEqual([]);
    expect(verifyConsistency(5, 5, [], ROOTS[5]!, ROOTS[5]!)).toBe(true);
    expect(verifyConsistency(5, 5, [], ROOTS[5]!, ROOTS[6]!)).toBe(false);
    expect(verifyConsistency(5, 5, [ROOTS[5]!], ROOTS[5]!, ROOTS[5]!)).toBe(false);
    expect(() => consistencyProofPlan(0, 5)).toThrow(/fromSize must be at least 1/);
    expect(() => consistencyProofPlan(6, 5)).toThrow(/fromSize 6 is larger than toSize 5/);
    expect(() => consistencyProofPlan(1, 2 ** 53)).toThrow(/toSize must be a non-negative safe integer/);
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, ROOTS[5]!)).toBe(false);
  });
});

describe('assembleProof', () => {
  it('names a missing node', () => {
    const nodes = new Map(NODES);
    nodes.delete('2:1');
    expect(() => assembleProof(inclusionProofPlan(0, 8), nodes)).toThrow('Merkle node 2:1 is missing');
  });
});

describe('large trees', () => {
  // With every leaf equal, each perfect subtree's hash depends only on its level, so proofs of
  // trees far beyond 2^32 leaves can be built and checked — catching 32-bit shift mistakes.
  const leaf = hashLeaf(Buffer.from('same'));
  const perfect = [leaf];
  for (let level = 1; level <= 53; level++) perfect.push(hashChildren(perfect[level - 1]!, perfect[level - 1]!));
  const hashOf = (refs: NodeRef[]) => foldSubtrees(refs.map((ref) => perfect[ref.level]!));
  const rootOf = (size: number) => hashOf(rootPlan(size));
  const nodesFor = (plan: NodeRef[][]) => new Map(plan.flat().map((ref) => [nodeKey(ref), perfect[ref.level]!]));

  it('plans proofs that cover the tree exactly once', () => {
    const size = 2 ** 52 + 2 ** 33 + 5;
    for (const index of [0, 2 ** 40 + 7, size - 1, 2 ** 52]) {
      const covered = [[index, index + 1]];
      for (const ref of inclusionProofPlan(index, size).flat()) covered.push([ref.index * 2 ** ref.level, (ref.index + 1) * 2 ** ref.level]);
      covered.sort((a, b) => a[0]! - b[0]!);
      let position = 0;
      for (const [start, end] of covered) {
        expect(start).toBe(position);
        position = end!;
      }
      expect(position).toBe(size);
    }
  });

  it('verifies inclusion and consistency beyond 2^32 leaves, as the reference does', () => {
    const cases = [
      [2 ** 32 + 1, 2 ** 32 + 3],
      [2 ** 40 - 1, 2 ** 45 + 12345],
      [3, Number.MAX_SAFE_INTEGER],
      [2 ** 33, 2 ** 34],
    ] as const;
    for (const [from, to] of cases) {
      const consistency = assembleProof(consistencyProofPlan(from, to), nodesFor(consistencyProofPlan(from, to)));
      expect(verifyConsistency(from, to, consistency, rootOf(from), rootOf(to))).toBe(true);
      expect(referenceVerifyConsistency(from, to, consistency.map(b64), b64(rootOf(from)), b64(rootOf(to)))).toBe(true);
      expect(verifyConsistency(from, to - 1, consistency, rootOf(from), rootOf(to - 1))).toBe(false);
      const index = from - 1;
      const inclusion = assembleProof(inclusionProofPlan(index, to), nodesFor(inclusionProofPlan(index, to)));
      expect(verifyInclusion(leaf, index, to, inclusion, rootOf(to))).toBe(true);
      expect(referenceVerifyInclusion(b64(leaf), index, to, inclusion.map(b64), b64(rootOf(to)))).toBe(true);
      // (Equal leaves make a swapped index indistinguishable; a wrong path length is not.)
      const otherSize = to <= Number.MAX_SAFE_INTEGER / 4 ? to * 4 : Math.floor(to / 4);
      expect(inclusionProofPlan(index % otherSize, otherSize).length).not.toBe(inclusion.length);
      expect(verifyInclusion(leaf, index % otherSize, otherSize, inclusion, rootOf(to))).toBe(false);
      expect(verifyInclusion(leaf, index, to, inclusion.slice(1), rootOf(to))).toBe(false);
    }
  });
});

describe('appendLeaves', () => {
  it('grows a tree in random batches to exactly the naive nodes, roots and frontiers', () => {
    const next = random(9162);
    for (let run = 0; run < 30; run++) {
      const target = 1 + Math.floor(next() * MAX_SIZE);
      const stored = new Map<string, Buffer>();
      let size = 0;
      let frontier: Buffer[] = [];
      while (size < target) {
        const batch = LEAVES.slice(size, Math.min(target, size + Math.floor(next() * 9)));
        const result = appendLeaves(size, frontier, batch);
        for (const [i, leafHash] of batch.entries()) stored.set(nodeKey({ level: 0, index: size + i }), leafHash);
        for (const node of result.nodes) {
          expect(node.level).toBeGreaterThanOrEqual(1);
          expect(stored.has(nodeKey(node))).toBe(false);
          stored.set(nodeKey(node), node.hash);
        }
        size += batch.length;
        frontier = result.frontier;
        expect(frontier).toEqual(rootPlan(size).map((ref) => NODES.get(nodeKey(ref))));
        expect(rootFromFrontier(frontier)).toEqual(ROOTS[size]);
      }
      expect(stored).toEqual(allPerfectNodes(LEAVES.slice(0, target)));
    }
  });

  it('refuses a frontier that does not fit the size, and bad hashes', () => {
    expect(() => appendLeaves(3, [LEAVES[0]!], [])).toThrow(/a tree of size 3 has a frontier of 2 hashes, got 1/);
    expect(() => appendLeaves(0, [], [Buffer.alloc(31)])).toThrow(/a leaf hash must be 32 bytes/);
    expect(appendLeaves(0, [], [])).toEqual({ nodes: [], frontier: [] });
  });
});

describe('MerkleAccumulator', () => {
  it('has the naive root at every size', () => {
    const accumulator = new MerkleAccumulator();
    expect(accumulator.size).toBe(0);
    expect(accumulator.root()).toEqual(EMPTY_ROOT);
    for (let n = 1; n <= MAX_SIZE; n++) {
      accumulator.push(LEAVES[n - 1]!);
      expect(accumulator.size).toBe(n);
      expect(accumulator.root()).toEqual(ROOTS[n]);
    }
    expect(() => accumulator.push(Buffer.alloc(33))).toThrow(RangeError);
  });
});
