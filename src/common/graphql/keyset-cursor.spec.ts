import { describe, expect, it } from '@jest/globals';
import { keysetCursor, readKeysetCursor } from './keyset-cursor.js';

const ID = '0b9f4c52-55a8-4c3f-9d0e-2f1c7b6a9e01';

describe('keyset cursors', () => {
  it('reads back the time and id it wrote, or no time', () => {
    const at = new Date('2026-12-07T08:30:00.000Z');
    expect(readKeysetCursor(keysetCursor(at, ID))).toEqual({ at, id: ID });
    expect(readKeysetCursor(keysetCursor(null, ID))).toEqual({ at: null, id: ID });
  });

  it('refuses what it did not write', () => {
    for (const cursor of [
      '',
      'bm90IGEgY3Vyc29y',
      Buffer.from(`yesterday|${ID}`).toString('base64url'),
      Buffer.from('2026-12-07T08:30:00Z|1 OR 1=1').toString('base64url'),
    ]) {
      expect(readKeysetCursor(cursor)).toBeNull();
    }
  });
});
