// The web console checks ledger proofs itself (console/src/merkle.ts, WebCrypto). Here its checks
// meet the proofs this server builds (merkle.ts plans over stored nodes), and refuse tampered ones.
import { fromBase64, toBase64, verifyConsistency, verifyInclusion } from '../../console/src/merkle.js';
import { assembleProof, consistencyProofPlan, foldSubtrees, hashChildren, hashLeaf, inclusionProofPlan, nodeKey, rootPlan } from './merkle.js';

/** Every perfect subtree's hash of a tree of `size` leaves, keyed as the server keys stored nodes. */
function treeOf(size: number) {
  const leaves = Array.from({ length: size }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
  const nodes = new Map<string, Buffer>();
  leaves.forEach((hash, index) => nodes.set(nodeKey({ level: 0, index }), hash));
  for (let level = 1; 2 ** level <= size; level++) {
    for (let index = 0; (index + 1) * 2 ** level <= size; index++) {
      nodes.set(
        nodeKey({ level, index }),
        hashChildren(nodes.get(nodeKey({ level: level - 1, index: 2 * index }))!, nodes.get(nodeKey({ level: level - 1, index: 2 * index + 1 }))!),
      );
    }
  }
  const root = (n: number) => foldSubtrees(rootPlan(n).map((ref) => nodes.get(nodeKey(ref))!));
  return { leaves, nodes, root };
}

function tampered(hashes: Buffer[]): Buffer[] {
  const copy = hashes.map((h) => Buffer.from(h));
  copy[0]![0]! ^= 1;
  return copy;
}

describe("the console's RFC 9162 checks", () => {
  it('accept every inclusion proof of trees of 1 to 17 entries, and refuse a changed proof, leaf or index', async () => {
    for (let size = 1; size <= 17; size++) {
      const { leaves, nodes, root } = treeOf(size);
      for (let index = 0; index < size; index++) {
        const proof = assembleProof(inclusionProofPlan(index, size), nodes);
        await expect(verifyInclusion(index, size, leaves[index]!, proof, root(size))).resolves.toBe(true);
        if (proof.length > 0) await expect(verifyInclusion(index, size, leaves[index]!, tampered(proof), root(size))).resolves.toBe(false);
        await expect(verifyInclusion(index, size, hashLeaf(Buffer.from('forged')), proof, root(size))).resolves.toBe(false);
        if (size > 1) await expect(verifyInclusion((index + 1) % size, size, leaves[index]!, proof, root(size))).resolves.toBe(false);
      }
    }
  });

  it('accept every consistency proof between trees of 1 to 17 entries, and refuse a changed proof or root', async () => {
    for (let second = 1; second <= 17; second++) {
      const { nodes, root } = treeOf(second);
      for (let first = 1; first <= second; first++) {
        const proof = assembleProof(consistencyProofPlan(first, second), nodes);
        await expect(verifyConsistency(first, second, root(first), root(second), proof)).resolves.toBe(true);
        if (proof.length > 0) await expect(verifyConsistency(first, second, root(first), root(second), tampered(proof))).resolves.toBe(false);
        if (first < second) await expect(verifyConsistency(first, second, root(second), root(second), proof)).resolves.toBe(false);
      }
    }
  });

  it('reads and writes standard base64 as the API serves hashes', () => {
    const hash = hashLeaf(Buffer.from('x'));
    expect(toBase64(fromBase64(hash.toString('base64')))).toBe(hash.toString('base64'));
  });
});
