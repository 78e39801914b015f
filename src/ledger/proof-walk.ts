/**
 * RFC 9162's walks up the tree along a proof path (§2.1.3.2 inclusion, §2.1.4.2 consistency),
 * apart from hashing: which side each path hash joins on. The server's verifiers (merkle.ts, with
 * node:crypto) and the web console's (console/src/merkle.ts, with WebCrypto) hash along the same
 * walk. No imports: the console compiles this file for the browser.
 */
const half = (n: number): number => Math.floor(n / 2);
const isOdd = (n: number): boolean => n % 2 === 1;

/**
 * `steps` steps up from position `fn` in the last position `sn`: for each, true when the path hash
 * joins on the left (fn is a right child, or the last node of its level), false on the right; null
 * when the walk reaches the root early or not at all.
 */
function walk(fn: number, sn: number, steps: number): boolean[] | null {
  const sides: boolean[] = [];
  for (let i = 0; i < steps; i++) {
    if (sn === 0) return null;
    const left = isOdd(fn) || fn === sn;
    sides.push(left);
    if (left) {
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? sides : null;
}

/**
 * Inclusion of leaf `index` in a tree of `size` leaves with a path of `pathLength` hashes: for each
 * path hash, true when it joins on the left of the running hash (H(p, r)), false on the right
 * (H(r, p)); null when no such path exists.
 */
export function inclusionSides(index: number, size: number, pathLength: number): boolean[] | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  return walk(index, size - 1, pathLength);
}

/**
 * Consistency from `fromSize` to `toSize` (1 ≤ fromSize < toSize) with a path of `pathLength` hashes
 * (the proof, after fromRoot when fromSize is a power of two): for each path hash after the first,
 * true when it joins on the left of both running hashes (fr = H(c, fr), sr = H(c, sr)), false when
 * on the right of the second only (sr = H(sr, c)); null when no such path exists.
 */
export function consistencySides(fromSize: number, toSize: number, pathLength: number): boolean[] | null {
  if (!Number.isSafeInteger(fromSize) || !Number.isSafeInteger(toSize) || fromSize < 1 || fromSize >= toSize || pathLength < 1) return null;
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  return walk(fn, sn, pathLength - 1);
}

/** Whether n is a power of two (n ≥ 1). */
export function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return n >= 1 && p === n;
}
