/**
 * ISO/IEC 7064 hybrid check character systems (MOD 11,10 for digits, MOD 37,36 for digits and
 * capital letters): P₀ = M; for each character, S = (P + value) mod M (0 → M), P = 2S mod (M + 1);
 * the check character makes (P + check) mod M = 1, i.e. check = (M + 1 − P) mod M.
 */
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function hybridCheck(input: string, modulus: 10 | 36): string {
  let p = modulus;
  for (const character of input) {
    const value = ALPHANUMERIC.indexOf(character);
    if (value < 0 || value >= modulus) throw new RangeError(`ISO 7064 MOD ${modulus + 1},${modulus}: "${character}" is not in the alphabet`);
    let s = (p + value) % modulus;
    if (s === 0) s = modulus;
    p = (2 * s) % (modulus + 1);
  }
  return ALPHANUMERIC[(modulus + 1 - p) % modulus]!;
}

/** The MOD 37,36 check character (0-9, A-Z) of a string of digits and capital letters. */
export function iso7064Mod3736(input: string): string {
  return hybridCheck(input, 36);
}

/** The MOD 11,10 check digit of a string of digits. */
export function iso7064Mod1110(input: string): string {
  return hybridCheck(input, 10);
}
