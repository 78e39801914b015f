import { iso7064Mod1110, iso7064Mod3736 } from './iso7064.js';

describe('ISO/IEC 7064 hybrid systems', () => {
  it('gives the standard examples: MOD 37,36 "A12425GABC1234002" → M, MOD 11,10 "0794" → 5', () => {
    expect(iso7064Mod3736('A12425GABC1234002')).toBe('M');
    expect(iso7064Mod1110('0794')).toBe('5');
  });

  it('matches hand-traced one-character cases', () => {
    // "0": S = (36 + 0) mod 36 = 0 → 36; P = 72 mod 37 = 35; check = (37 − 35) mod 36 = 2.
    expect(iso7064Mod3736('0')).toBe('2');
    // "Z" (35): S = (36 + 35) mod 36 = 35; P = 70 mod 37 = 33; check = (37 − 33) mod 36 = 4.
    expect(iso7064Mod3736('Z')).toBe('4');
    // "": P = 36; check = (37 − 36) mod 36 = 1.
    expect(iso7064Mod3736('')).toBe('1');
  });

  it('refuses characters outside the alphabet', () => {
    expect(() => iso7064Mod3736('a')).toThrow(RangeError);
    expect(() => iso7064Mod1110('A')).toThrow(RangeError);
  });
});
