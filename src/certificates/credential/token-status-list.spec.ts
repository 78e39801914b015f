import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { STATUS_LIST_SIZE } from './status-list.js';
import { compressStatusList, decompressStatusList, statusAt, statusListTokenPayload, TOKEN_STATUS, TokenStatusArray } from './token-status-list.js';

describe('TokenStatusArray', () => {
  it("packs 1-bit statuses from the least significant bit (the draft's example: 0xB9 0xA3)", () => {
    const list = new TokenStatusArray(16, 1);
    [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1].forEach((value, index) => list.set(index, value));
    expect([...list.bytes]).toEqual([0xb9, 0xa3]);
    // The draft's compressed form of those bytes (§4.1, §4.2).
    expect(compressStatusList(list.bytes)).toBe('eNrbuRgAAhcBXQ');
  });

  it('packs 2-bit statuses two bits at a time from the least significant bit (0xC9 0x44 0xF9)', () => {
    const list = new TokenStatusArray(12, 2);
    [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3].forEach((value, index) => list.set(index, value));
    expect([...list.bytes]).toEqual([0xc9, 0x44, 0xf9]);
    expect(compressStatusList(list.bytes)).toBe('eNo76fITAAPfAgc');
    expect(list.get(1)).toBe(TOKEN_STATUS.SUSPENDED);
    list.set(1, TOKEN_STATUS.VALID);
    expect(list.get(1)).toBe(TOKEN_STATUS.VALID);
    expect(list.get(0)).toBe(TOKEN_STATUS.INVALID);
    expect(list.get(3)).toBe(3);
  });

  it('checks sizes, indices and values', () => {
    expect(() => new TokenStatusArray(3, 2)).toThrow(RangeError);
    expect(() => new TokenStatusArray(8, 3 as never)).toThrow(RangeError);
    const list = new TokenStatusArray(8, 2);
    expect(() => list.set(8, 1)).toThrow(RangeError);
    expect(() => list.set(0, 4)).toThrow(RangeError);
    expect(() => list.get(-1)).toThrow(RangeError);
    expect(statusAt(list.bytes, 2, 8)).toBeNull();
  });
});

describe('lst', () => {
  it('round-trips a full onegate list (131,072 two-bit entries) in a few hundred characters', () => {
    const list = new TokenStatusArray(STATUS_LIST_SIZE, 2);
    list.set(81_234, TOKEN_STATUS.INVALID);
    list.set(0, TOKEN_STATUS.SUSPENDED);
    const lst = compressStatusList(list.bytes);
    expect(lst).toMatch(/^eN[A-Za-z0-9_-]+$/);
    expect(lst.length).toBeLessThan(500);
    const bytes = decompressStatusList(lst);
    expect(bytes).toHaveLength(STATUS_LIST_SIZE / 4);
    expect(statusAt(bytes, 2, 81_234)).toBe(TOKEN_STATUS.INVALID);
    expect(statusAt(bytes, 2, 0)).toBe(TOKEN_STATUS.SUSPENDED);
    expect(statusAt(bytes, 2, 81_235)).toBe(TOKEN_STATUS.VALID);
  });

  it('takes only the ZLIB format: gzip, raw DEFLATE and non-base64url are refused', () => {
    const bytes = Buffer.alloc(16);
    expect(decompressStatusList(deflateSync(bytes).toString('base64url'))).toHaveLength(16);
    expect(() => decompressStatusList(gzipSync(bytes).toString('base64url'))).toThrow(/ZLIB/);
    expect(() => decompressStatusList(deflateRawSync(bytes).toString('base64url'))).toThrow(/ZLIB/);
    expect(() => decompressStatusList(`${deflateSync(bytes).toString('base64')}=`)).toThrow(/base64url/);
    expect(() => decompressStatusList('')).toThrow(/base64url/);
  });

  it('stops a zip bomb at the output limit', () => {
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64url');
    expect(() => decompressStatusList(bomb, 1024 * 1024)).toThrow(/inflates beyond/);
  });
});

describe('statusListTokenPayload', () => {
  it('has sub = uri, iat, exp, a positive ttl and status_list { bits, lst }', () => {
    const list = new TokenStatusArray(16, 2);
    const payload = statusListTokenPayload({
      uri: 'https://onegate.example/status-lists/CIVIL_AFFAIRS/1',
      issuer: 'urn:onegate:department:CIVIL_AFFAIRS',
      issuedAt: new Date('2027-03-01T00:00:00Z'),
      expiresAt: new Date('2027-03-02T00:00:00Z'),
      ttlSeconds: 60,
      list,
    });
    expect(payload).toEqual({
      iss: 'urn:onegate:department:CIVIL_AFFAIRS',
      sub: 'https://onegate.example/status-lists/CIVIL_AFFAIRS/1',
      iat: 1_803_859_200,
      exp: 1_803_945_600,
      ttl: 60,
      status_list: { bits: 2, lst: compressStatusList(list.bytes) },
    });
    expect(() => statusListTokenPayload({ ...{ uri: 'u', issuer: 'i', issuedAt: new Date(), expiresAt: new Date(), list }, ttlSeconds: 0 })).toThrow(
      RangeError,
    );
  });
});
