import { describe, expect, it } from '@jest/globals';
import { planGeneration } from './ledger-writer.js';

describe('planGeneration', () => {
  it('prepares the append anew each time the tree has grown fourfold from 1,024 entries', () => {
    expect([0, 1023].map(planGeneration)).toEqual([0, 0]);
    expect([1024, 4095].map(planGeneration)).toEqual([1, 1]);
    expect([4096, 16_383, 16_384, 65_536, 262_144].map(planGeneration)).toEqual([2, 2, 3, 4, 5]);
  });

  it('stops at about a million entries, where plans no longer change with size', () => {
    expect(planGeneration(1_048_576)).toBe(6);
    expect(planGeneration(50_000_000)).toBe(6);
  });
});
