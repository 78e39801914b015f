import { gzipSync } from 'node:zlib';
import { ONEGATE_CONTEXT_V1_DIGEST_SRI } from './credential-model.js';
import { bitAt, Bitstring, decodeList, encodeList, pickFreeIndex, STATUS_LIST_SIZE, statusListCredential } from './status-list.js';

describe('Bitstring', () => {
  it('numbers bits from the most significant bit of the first byte', () => {
    const bits = Bitstring.fromIndices(16, [0, 9, 15]);
    expect([...bits.bytes]).toEqual([0b1000_0000, 0b0100_0001]);
    expect(bits.get(0)).toBe(true);
    expect(bits.get(1)).toBe(false);
    expect(bits.get(9)).toBe(true);
    bits.set(9, false);
    expect(bits.get(9)).toBe(false);
    expect(bitAt(bits.bytes, 15)).toBe(true);
  });

  it('defaults to 131,072 entries and checks indices and sizes', () => {
    const bits = new Bitstring();
    expect(bits.size).toBe(STATUS_LIST_SIZE);
    expect(bits.bytes).toHaveLength(16 * 1024);
    expect(() => bits.set(STATUS_LIST_SIZE)).toThrow(RangeError);
    expect(() => bits.get(-1)).toThrow(RangeError);
    expect(() => bits.get(1.5)).toThrow(RangeError);
    expect(() => new Bitstring(12)).toThrow(RangeError);
  });
});

describe('encodedList', () => {
  it('round-trips as "u" + base64url(gzip(bits))', () => {
    const bits = Bitstring.fromIndices(STATUS_LIST_SIZE, [0, 81_234, STATUS_LIST_SIZE - 1]);
    const encoded = encodeList(bits.bytes);
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
    expect(encoded.length).toBeLessThan(500);
    const decoded = decodeList(encoded);
    expect(decoded).toHaveLength(16 * 1024);
    expect(bitAt(decoded, 81_234)).toBe(true);
    expect(bitAt(decoded, 81_233)).toBe(false);
  });

  it('stops a zip bomb at the output limit', () => {
    const bomb = `u${gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64url')}`;
    expect(() => decodeList(bomb)).toThrow(/inflates beyond/);
    expect(() => decodeList(encodeList(new Uint8Array(2048)), 1024)).toThrow(/inflates beyond 1024/);
  });

  it.each([
    ['no multibase prefix', 'H4sIAAAA'],
    ['base64 rather than base64url', 'uab+/'],
    ['not gzip', `u${Buffer.from('hello').toString('base64url')}`],
    ['an empty list', encodeList(new Uint8Array(0))],
    ['trailing garbage', `u${Buffer.concat([gzipSync(Buffer.alloc(8)), Buffer.from('xx')]).toString('base64url')}`],
  ])('rejects %s with a RangeError', (_label, encoded) => {
    expect(() => decodeList(encoded)).toThrow(RangeError);
  });
});

describe('pickFreeIndex', () => {
  it('returns a random free index', () => {
    const taken = new Set([3, 5]);
    const sequence = [3, 5, 7];
    expect(
      pickFreeIndex(
        (i) => taken.has(i),
        10,
        () => sequence.shift()!,
      ),
    ).toBe(7);
  });

  it('falls back to a scan from a random start when probes keep hitting used entries', () => {
    const free = 2;
    let calls = 0;
    const index = pickFreeIndex(
      (i) => i !== free,
      10,
      () => (calls++, 5),
    );
    expect(index).toBe(free);
    expect(calls).toBe(65);
  });

  it('returns null when the list is full', () => {
    expect(pickFreeIndex(() => true, 100)).toBeNull();
  });

  it('spreads allocations over the whole list', () => {
    const picks = Array.from({ length: 50 }, () => pickFreeIndex(() => false)!);
    expect(Math.max(...picks)).toBeGreaterThan(STATUS_LIST_SIZE / 2);
    expect(new Set(picks).size).toBeGreaterThan(45);
  });
});

describe('statusListCredential', () => {
  it('builds a BitstringStatusListCredential', () => {
    const url = 'https://onegate.example/status-lists/CIVIL_AFFAIRS/1/revocation';
    const issuer = { id: 'urn:onegate:department:CIVIL_AFFAIRS', name: 'Civil Affairs Bureau', creditCode: '113308000024775820' };
    expect(
      statusListCredential({
        url,
        issuer,
        purpose: 'revocation',
        encodedList: 'uH4sI',
        validFrom: new Date('2026-11-22T09:30:00.123Z'),
        validUntil: new Date('2026-11-23T09:30:00Z'),
      }),
    ).toEqual({
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://w3id.org/onegate/credentials/v1'],
      id: url,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer,
      validFrom: '2026-11-22T09:30:00Z',
      validUntil: '2026-11-23T09:30:00Z',
      credentialSubject: { id: `${url}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: 'uH4sI' },
      relatedResource: [{ id: 'https://w3id.org/onegate/credentials/v1', digestSRI: ONEGATE_CONTEXT_V1_DIGEST_SRI }],
    });
  });
});
