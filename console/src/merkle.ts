// RFC 9162 (Certificate Transparency 2.0) proof checks, in the browser with WebCrypto: an auditor's
// console recomputes the roots itself instead of trusting the gateway's word. The walk along a path
// is the server verifier's own (src/ledger/proof-walk.ts); only the hashing differs.
import { consistencySides, inclusionSides, isPowerOfTwo } from '../../src/ledger/proof-walk.js';

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 1;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** RFC 9162 §2.1.3.2: does `path` prove leaf `index` (hash `leaf`) in the tree of `size` with `root`? */
export async function verifyInclusion(index: number, size: number, leaf: Uint8Array, path: Uint8Array[], root: Uint8Array): Promise<boolean> {
  const sides = inclusionSides(index, size, path.length);
  if (!sides) return false;
  let r = leaf;
  for (const [i, p] of path.entries()) r = sides[i] ? await nodeHash(p, r) : await nodeHash(r, p);
  return equal(r, root);
}

/** RFC 9162 §2.1.4.2: is the tree of `second` size (root `secondRoot`) an append-only extension of the `first`? */
export async function verifyConsistency(first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: Uint8Array[]): Promise<boolean> {
  if (first === second) return first >= 1 && proof.length === 0 && equal(firstRoot, secondRoot);
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : proof;
  const sides = consistencySides(first, second, path.length);
  if (!sides) return false;
  let fr = path[0]!;
  let sr = path[0]!;
  for (const [i, c] of path.slice(1).entries()) {
    if (sides[i]) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
    } else {
      sr = await nodeHash(sr, c);
    }
  }
  return equal(fr, firstRoot) && equal(sr, secondRoot);
}
