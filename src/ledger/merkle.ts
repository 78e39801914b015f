import { hash } from 'node:crypto';
import { consistencySides, inclusionSides, isPowerOfTwo } from './proof-walk.js';

/**
 * RFC 9162 (Certificate Transparency v2) Merkle tree over SHA-256, as pure functions.
 *
 * The database stores only *perfect* subtrees (a node covers 2^level leaves starting at a multiple
 * of 2^level), so nodes never change once written. Every hash the RFC needs — the root, and each
 * element of an inclusion or consistency proof — is the Merkle hash of a range that splits into a
 * few perfect subtrees, folded right to left. Planning a proof therefore names O(log n) stored
 * nodes, which the caller reads in one query and assembles with `assembleProof`.
 *
 * Sizes and indexes are JS numbers (safe integers); shifts are done with arithmetic, not with the
 * 32-bit bitwise operators. Hashing happens only in `sha256` below, so the rest can be ported to a
 * browser (Web Crypto) without touching the algorithms.
 */

export const HASH_SIZE = 32;

function sha256(...parts: Uint8Array[]): Buffer {
  // One-shot hashing: for inputs this small, creating a Hash object costs more than the hashing.
  return hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer');
}

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** MTH of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = sha256();

/** Leaf hash: SHA-256(0x00 || data). */
export function hashLeaf(data: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, data);
}

/** Interior node hash: SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** A perfect subtree: leaves [index·2^level, (index+1)·2^level). Level 0 is a leaf hash. */
export interface NodeRef {
  level: number;
  index: number;
}

/** The key a node is stored and looked up under, e.g. `"3:17"`. */
export function nodeKey(ref: NodeRef): string {
  return `${ref.level}:${ref.index}`;
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${String(value)}`);
  }
}

/** Smallest power of two ≥ n (n ≥ 1). */
function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** RFC 9162's k: the largest power of two smaller than n (n ≥ 2). */
function splitPoint(n: number): number {
  return powerOfTwoAtLeast(n) / 2;
}

/**
 * The perfect subtrees, left to right and largest first, whose right-to-left fold is
 * MTH(D[start:end]).
 *
 * That holds when `start` is a multiple of the smallest power of two ≥ end - start, which every
 * range RFC 9162 hashes satisfies: the whole tree [0, n), and each half its recursion splits off
 * (the right half [k, n) starts at k, a power of two ≥ n - k). Other ranges have a different tree
 * shape, so they are refused with a RangeError rather than hashed wrongly.
 */
export function subtreeNodes(start: number, end: number): NodeRef[] {
  assertCount(start, 'start');
  assertCount(end, 'end');
  if (end < start) throw new RangeError(`range [${start}, ${end}) ends before it starts`);
  const length = end - start;
  if (length === 0) return [];
  let size = powerOfTwoAtLeast(length);
  if (start % size !== 0) {
    throw new RangeError(`range [${start}, ${end}) is not aligned: its start must be a multiple of ${size} for its hash to be a fold of perfect subtrees`);
  }
  let level = Math.log2(size);
  const nodes: NodeRef[] = [];
  let position = start;
  let remaining = length;
  while (remaining > 0) {
    if (size <= remaining) {
      nodes.push({ level, index: position / size });
      position += size;
      remaining -= size;
    }
    size /= 2;
    level -= 1;
  }
  return nodes;
}

/** Folds perfect-subtree hashes right to left into the Merkle hash of their range; [] is the empty tree. */
export function foldSubtrees(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let hash: Buffer = Buffer.from(hashes[hashes.length - 1]!);
  for (let i = hashes.length - 2; i >= 0; i--) hash = hashChildren(hashes[i]!, hash);
  return hash;
}

/** The perfect subtrees whose fold is the root of a tree of `size` leaves (one per set bit of size). */
export function rootPlan(size: number): NodeRef[] {
  assertCount(size, 'tree size');
  return subtreeNodes(0, size);
}

/**
 * RFC 9162 §2.1.3.1 PATH(index, D[size]): one list of perfect nodes per proof element, elements in
 * the RFC's order (from the leaf's sibling up to the root's other child).
 */
export function inclusionProofPlan(index: number, size: number): NodeRef[][] {
  assertCount(index, 'leaf index');
  assertCount(size, 'tree size');
  if (index >= size) throw new RangeError(`leaf index ${index} is not in a tree of size ${size}`);
  const plan: NodeRef[][] = [];
  // PATH(m, D[start : start+n]): the recursion, with the subtree's offset carried along.
  const path = (m: number, start: number, n: number): void => {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, k);
      plan.push(subtreeNodes(start + k, start + n));
    } else {
      path(m - k, start + k, n - k);
      plan.push(subtreeNodes(start, start + k));
    }
  };
  path(index, 0, size);
  return plan;
}

/**
 * RFC 9162 §2.1.4.1 PROOF(fromSize, D[toSize]) = SUBPROOF(fromSize, D[toSize], true), as one list
 * of perfect nodes per proof element, in the RFC's order.
 *
 * The RFC defines the proof for 0 < fromSize < toSize. For fromSize === toSize the proof is empty
 * (SUBPROOF(n, D[n], true) = {}; the two roots must simply be equal). fromSize 0 is refused: the
 * RFC defines no proof from the empty tree (every tree trivially extends it).
 */
export function consistencyProofPlan(fromSize: number, toSize: number): NodeRef[][] {
  assertCount(fromSize, 'fromSize');
  assertCount(toSize, 'toSize');
  if (fromSize === 0) throw new RangeError('fromSize must be at least 1: RFC 9162 defines no consistency proof from the empty tree');
  if (fromSize > toSize) throw new RangeError(`fromSize ${fromSize} is larger than toSize ${toSize}`);
  const plan: NodeRef[][] = [];
  // SUBPROOF(m, D[start : start+n], b).
  const subproof = (m: number, start: number, n: number, b: boolean): void => {
    if (m === n) {
      if (!b) plan.push(subtreeNodes(start, start + n));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, k, b);
      plan.push(subtreeNodes(start + k, start + n));
    } else {
      subproof(m - k, start + k, n - k, false);
      plan.push(subtreeNodes(start, start + k));
    }
  };
  subproof(fromSize, 0, toSize, true);
  return plan;
}

/** Turns a proof plan into the proof, given the planned nodes' hashes keyed by `nodeKey`. Throws when one is missing. */
export function assembleProof(plan: readonly (readonly NodeRef[])[], nodes: ReadonlyMap<string, Buffer>): Buffer[] {
  return plan.map((element) =>
    foldSubtrees(
      element.map((ref) => {
        const hash = nodes.get(nodeKey(ref));
        if (!hash) throw new Error(`Merkle node ${nodeKey(ref)} is missing`);
        return hash;
      }),
    ),
  );
}

export interface StoredNode extends NodeRef {
  hash: Buffer;
}

function assertHash(hash: Uint8Array, name: string): void {
  if (hash.length !== HASH_SIZE) throw new RangeError(`${name} must be ${HASH_SIZE} bytes, got ${hash.length}`);
}

/**
 * Appends leaves to a tree of `size` leaves whose frontier (the hashes of `rootPlan(size)`, left
 * to right) is given. Returns every perfect node of level ≥ 1 the new leaves complete (the
 * caller stores the level-0 leaf hashes itself) and the frontier of the grown tree.
 */
export function appendLeaves(size: number, frontier: readonly Buffer[], leafHashes: readonly Buffer[]): { nodes: StoredNode[]; frontier: Buffer[] } {
  const plan = rootPlan(size);
  if (frontier.length !== plan.length) {
    throw new RangeError(`a tree of size ${size} has a frontier of ${plan.length} hashes, got ${frontier.length}`);
  }
  if (!Number.isSafeInteger(size + leafHashes.length)) throw new RangeError('the tree would outgrow safe integers');
  const stack: StoredNode[] = plan.map((ref, i) => {
    assertHash(frontier[i]!, `frontier[${i}]`);
    return { ...ref, hash: frontier[i]! };
  });
  const nodes: StoredNode[] = [];
  let next = size;
  for (const leaf of leafHashes) {
    assertHash(leaf, 'a leaf hash');
    let node: StoredNode = { level: 0, index: next, hash: leaf };
    // Like incrementing a binary counter: equal neighbours carry into their parent.
    while (stack.length > 0 && stack[stack.length - 1]!.level === node.level) {
      const left = stack.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: hashChildren(left.hash, node.hash) };
      nodes.push(node);
    }
    stack.push(node);
    next += 1;
  }
  return { nodes, frontier: stack.map((node) => node.hash) };
}

/** The root of the tree a frontier describes. */
export function rootFromFrontier(frontier: readonly Buffer[]): Buffer {
  return foldSubtrees(frontier);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

const half = (n: number): number => Math.floor(n / 2);
const isOdd = (n: number): boolean => n % 2 === 1;

function wellFormed(hashes: readonly Uint8Array[]): boolean {
  // ArrayBuffer.isView rather than instanceof: hashes may come from another realm (a worker, a test VM).
  return hashes.every((hash) => ArrayBuffer.isView(hash) && hash.byteLength === HASH_SIZE);
}

/**
 * RFC 9162 §2.1.3.2: does `proof` show the leaf `leafHash` at `index` in the tree of `size` leaves
 * with root `root`? Never throws: malformed arguments simply fail verification.
 */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!wellFormed([leafHash, root, ...proof])) return false;
  const sides = inclusionSides(index, size, proof.length);
  if (!sides) return false;
  let r: Uint8Array = leafHash;
  proof.forEach((p, i) => (r = sides[i] ? hashChildren(p, r) : hashChildren(r, p)));
  return equalBytes(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show the tree of `toSize` leaves (root `toRoot`) extends the
 * tree of `fromSize` leaves (root `fromRoot`)? Never throws. As in `consistencyProofPlan`,
 * fromSize === toSize needs an empty proof and equal roots, and fromSize 0 always fails.
 */
export function verifyConsistency(fromSize: number, toSize: number, proof: readonly Uint8Array[], fromRoot: Uint8Array, toRoot: Uint8Array): boolean {
  if (!Number.isSafeInteger(fromSize) || !Number.isSafeInteger(toSize) || fromSize < 1 || fromSize > toSize) return false;
  if (!wellFormed([fromRoot, toRoot, ...proof])) return false;
  if (fromSize === toSize) return proof.length === 0 && equalBytes(fromRoot, toRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(fromSize) ? [fromRoot, ...proof] : proof;
  const sides = consistencySides(fromSize, toSize, path.length);
  if (!sides) return false;
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  path.slice(1).forEach((c, i) => {
    if (sides[i]) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
    } else {
      sr = hashChildren(sr, c);
    }
  });
  return equalBytes(fr, fromRoot) && equalBytes(sr, toRoot);
}

/**
 * Streaming Merkle root: push leaf hashes in order, read the root at any size. Keeps only the
 * frontier (one hash per set bit of the size), so millions of entries take O(log n) memory.
 */
export class MerkleAccumulator {
  private readonly frontier: Buffer[] = [];
  private count = 0;

  push(leafHash: Uint8Array): void {
    assertHash(leafHash, 'a leaf hash');
    let hash: Buffer = Buffer.from(leafHash);
    // Each trailing 1 bit of the old size is a perfect subtree the new leaf completes.
    for (let n = this.count; isOdd(n); n = half(n)) hash = hashChildren(this.frontier.pop()!, hash);
    this.frontier.push(hash);
    this.count += 1;
  }

  get size(): number {
    return this.count;
  }

  root(): Buffer {
    return foldSubtrees(this.frontier);
  }
}
