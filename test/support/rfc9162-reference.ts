// An independent RFC 9162 implementation for the tests: written straight from the RFC's text,
// with BigInt shifts and base64 strings, and sharing no code with src/ — so a mistake in
// src/ledger/merkle.ts cannot hide behind the same mistake here.
import { createHash } from 'node:crypto';

function hash(...parts: Buffer[]): Buffer {
  return createHash('sha256').update(Buffer.concat(parts)).digest();
}

/** HASH(0x01 || left || right). */
function node(left: Buffer, right: Buffer): Buffer {
  return hash(Buffer.of(0x01), left, right);
}

function decode(b64: string): Buffer | null {
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return null;
  const bytes = Buffer.from(b64, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === b64 ? bytes : null;
}

const lsb = (n: bigint): boolean => (n & 1n) === 1n;

/** §2.1.1: MTH({}) = SHA-256(); MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of two < n. */
export function referenceRoot(leafHashesB64: string[]): string {
  const mth = (leaves: Buffer[]): Buffer => {
    if (leaves.length === 0) return hash();
    if (leaves.length === 1) return leaves[0]!;
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return node(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
  };
  return mth(leafHashesB64.map((b64) => Buffer.from(b64, 'base64'))).toString('base64');
}

/** §2.1.3.2 Verifying an Inclusion Proof. */
export function referenceVerifyInclusion(leafHashB64: string, index: number, treeSize: number, proofB64: string[], rootB64: string): boolean {
  const leaf = decode(leafHashB64);
  const root = decode(rootB64);
  const path = proofB64.map(decode);
  if (!leaf || !root || path.some((p) => p === null)) return false;
  // 1. leaf_index >= tree_size fails.
  if (!(index >= 0 && index < treeSize)) return false;
  // 2. fn = leaf_index, sn = tree_size - 1.
  let fn = BigInt(index);
  let sn = BigInt(treeSize) - 1n;
  // 3. r = hash.
  let r = leaf;
  // 4. For each p in inclusion_path:
  for (const p of path as Buffer[]) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      r = node(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = node(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5. sn must be 0 and r the root.
  return sn === 0n && r.equals(root);
}

/** §2.1.4.2 Verifying Consistency between Two Tree Heads (0 < first < second; first == second: empty proof, equal roots). */
export function referenceVerifyConsistency(fromSize: number, toSize: number, proofB64: string[], fromRootB64: string, toRootB64: string): boolean {
  const firstHash = decode(fromRootB64);
  const secondHash = decode(toRootB64);
  const decoded = proofB64.map(decode);
  if (!firstHash || !secondHash || decoded.some((p) => p === null)) return false;
  if (!(fromSize > 0 && fromSize <= toSize)) return false;
  if (fromSize === toSize) return decoded.length === 0 && firstHash.equals(secondHash);
  let path = decoded as Buffer[];
  // 1. An empty consistency_path fails.
  if (path.length === 0) return false;
  const first = BigInt(fromSize);
  // 2. If first is an exact power of 2, prepend first_hash.
  if ((first & (first - 1n)) === 0n) path = [firstHash, ...path];
  // 3. fn = first - 1, sn = second - 1.
  let fn = first - 1n;
  let sn = BigInt(toSize) - 1n;
  // 4. If LSB(fn) is set, right-shift both until it is not.
  while (lsb(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5. fr = sr = the first value.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6. For each subsequent value c:
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = node(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // 7. fr = first_hash, sr = second_hash, sn = 0.
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0n;
}
