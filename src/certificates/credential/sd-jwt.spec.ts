import { createHash, generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import type { SigningKey } from './credential-model.js';
import { claimsOfDisclosures, disclosureDigest, issueSdJwt, presentSdJwt, splitSdJwt } from './sd-jwt.js';
import { kidOf, splitCompactJws } from './vc-jwt.js';

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let key: SigningKey;
beforeAll(async () => {
  key = { kid: await kidOf(keys.publicKey), privateKey: keys.privateKey, x5c: ['MIIBfake'] };
});

const PAYLOAD = {
  iss: 'urn:onegate:department:CIVIL_AFFAIRS',
  iat: 1_790_000_000,
  vct: 'urn:onegate:certificate-type:MARRIAGE_CERTIFICATE',
  jti: 'urn:oid:1.2.3',
};
const DISCLOSABLE = { name: 'Li Lei', spouseName: 'Han Meimei', registeredOn: '2026-11-22', address: { city: 'Quzhou' } };

function decode(disclosure: string): unknown {
  return JSON.parse(Buffer.from(disclosure, 'base64url').toString('utf8'));
}

function payloadOf(sdJwt: string): Record<string, unknown> {
  const split = splitSdJwt(sdJwt);
  if (!split.ok) throw new Error(split.message);
  const jws = splitCompactJws(split.jws);
  if (!jws.ok) throw new Error(jws.message);
  return jws.payload;
}

function forgeDisclosure(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('issueSdJwt', () => {
  it('signs a dc+sd-jwt whose _sd lists the sorted digests of one disclosure per claim', async () => {
    const sdJwt = await issueSdJwt({ payload: PAYLOAD, disclosable: DISCLOSABLE, key });
    expect(sdJwt.endsWith('~')).toBe(true);
    const [jws, ...rest] = sdJwt.split('~');
    const disclosures = rest.slice(0, -1);
    expect(disclosures).toHaveLength(4);
    expect(decodeProtectedHeader(jws!)).toEqual({ alg: 'ES256', typ: 'dc+sd-jwt', kid: key.kid, x5c: key.x5c });
    await expect(compactVerify(jws!, keys.publicKey, { algorithms: ['ES256'] })).resolves.toBeDefined();

    const payload = payloadOf(sdJwt);
    expect(payload).toMatchObject({ ...PAYLOAD, _sd_alg: 'sha-256' });
    const expected = disclosures.map((d) => createHash('sha256').update(d, 'ascii').digest('base64url')).sort();
    expect(payload['_sd']).toEqual(expected);
    expect(payload).not.toHaveProperty('name');

    const decoded = disclosures.map(decode) as [string, string, unknown][];
    expect(Object.fromEntries(decoded.map(([, name, value]) => [name, value]))).toEqual(DISCLOSABLE);
    for (const [salt] of decoded) expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
  });

  it('uses a fresh salt each time, so equal claims give different digests', async () => {
    const a = payloadOf(await issueSdJwt({ payload: PAYLOAD, disclosable: { name: 'x' }, key }));
    const b = payloadOf(await issueSdJwt({ payload: PAYLOAD, disclosable: { name: 'x' }, key }));
    expect(a['_sd']).not.toEqual(b['_sd']);
  });

  it('refuses reserved or duplicated claims as disclosable', async () => {
    await expect(issueSdJwt({ payload: PAYLOAD, disclosable: { vct: 'x' }, key })).rejects.toThrow(/reserved/);
    await expect(issueSdJwt({ payload: { ...PAYLOAD, name: 'a' }, disclosable: { name: 'b' }, key })).rejects.toThrow(/both/);
    await expect(issueSdJwt({ payload: { ...PAYLOAD, _sd: [] }, disclosable: {}, key })).rejects.toThrow(/_sd/);
  });
});

describe('presentSdJwt', () => {
  it('keeps the signed JWT and only the chosen disclosures', async () => {
    const sdJwt = await issueSdJwt({ payload: PAYLOAD, disclosable: DISCLOSABLE, key });
    const presentation = presentSdJwt(sdJwt, ['name', 'registeredOn']);
    const [jws, ...rest] = presentation.split('~');
    expect(jws).toBe(sdJwt.split('~')[0]);
    expect(rest.at(-1)).toBe('');
    expect(
      rest
        .slice(0, -1)
        .map((d) => (decode(d) as unknown[])[1])
        .sort(),
    ).toEqual(['name', 'registeredOn']);
  });

  it('can disclose nothing', async () => {
    const sdJwt = await issueSdJwt({ payload: PAYLOAD, disclosable: DISCLOSABLE, key });
    expect(presentSdJwt(sdJwt, [])).toBe(`${sdJwt.split('~')[0]}~`);
  });

  it('names the claims the credential does not have', async () => {
    const sdJwt = await issueSdJwt({ payload: PAYLOAD, disclosable: DISCLOSABLE, key });
    expect(() => presentSdJwt(sdJwt, ['name', 'salary', 'bloodType'])).toThrow(/not in the credential: "salary", "bloodType"/);
    expect(() => presentSdJwt('nope', ['name'])).toThrow(RangeError);
  });
});

describe('splitSdJwt', () => {
  it.each([
    ['a non-string', 1],
    ['no tilde', 'a.b.c'],
    ['an empty disclosure', 'a.b.c~~'],
    ['more than 64 KiB', `a.b.c~${'d'.repeat(70_000)}~`],
  ])('reports %s as MALFORMED', (_label, input) => {
    expect(splitSdJwt(input)).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });

  it('splits the JWT from its disclosures', () => {
    expect(splitSdJwt('a.b.c~d1~d2~')).toEqual({ ok: true, jws: 'a.b.c', disclosures: ['d1', 'd2'], kbJwt: null, presented: 'a.b.c~d1~d2~' });
    expect(splitSdJwt('a.b.c~')).toEqual({ ok: true, jws: 'a.b.c', disclosures: [], kbJwt: null, presented: 'a.b.c~' });
  });

  it('takes a segment after the last "~" as the key-binding JWT (SD-JWT+KB), and what it covers', () => {
    expect(splitSdJwt('a.b.c~d1~e.f.g')).toEqual({ ok: true, jws: 'a.b.c', disclosures: ['d1'], kbJwt: 'e.f.g', presented: 'a.b.c~d1~' });
    expect(splitSdJwt('a.b.c~e.f.g')).toEqual({ ok: true, jws: 'a.b.c', disclosures: [], kbJwt: 'e.f.g', presented: 'a.b.c~' });
  });
});

describe('claimsOfDisclosures', () => {
  async function issued(): Promise<{ payload: Record<string, unknown>; disclosures: string[] }> {
    const sdJwt = await issueSdJwt({ payload: PAYLOAD, disclosable: DISCLOSABLE, key });
    return { payload: payloadOf(sdJwt), disclosures: sdJwt.split('~').slice(1, -1) };
  }

  it('returns the disclosed claims', async () => {
    const { payload, disclosures } = await issued();
    expect(claimsOfDisclosures(payload, disclosures)).toEqual({ ok: true, claims: DISCLOSABLE });
    expect(claimsOfDisclosures(payload, disclosures.slice(0, 1))).toMatchObject({ ok: true });
    expect(claimsOfDisclosures(payload, [])).toEqual({ ok: true, claims: {} });
  });

  it('rejects a disclosure whose digest is not in _sd', async () => {
    const { payload } = await issued();
    const forged = forgeDisclosure(['salt', 'name', 'Someone Else']);
    expect(claimsOfDisclosures(payload, [forged])).toMatchObject({ ok: false, reason: 'BAD_DISCLOSURE', message: expect.stringContaining('_sd') });
  });

  it('rejects a disclosure given twice', async () => {
    const { payload, disclosures } = await issued();
    expect(claimsOfDisclosures(payload, [disclosures[0]!, disclosures[0]!])).toMatchObject({
      ok: false,
      reason: 'BAD_DISCLOSURE',
      message: expect.stringContaining('more than once'),
    });
  });

  it('rejects disclosures of reserved or already present claims, even when committed to', () => {
    const reserved = forgeDisclosure(['s1', 'vct', 'urn:onegate:certificate-type:OTHER']);
    const clash = forgeDisclosure(['s2', 'iss', 'urn:evil']);
    const other = forgeDisclosure(['s3', 'extra', 1]);
    const payload = { iss: 'urn:x', extra: 0, _sd_alg: 'sha-256', _sd: [reserved, clash, other].map(disclosureDigest) };
    expect(claimsOfDisclosures(payload, [reserved])).toMatchObject({ ok: false, reason: 'BAD_DISCLOSURE', message: expect.stringContaining('reserved') });
    expect(claimsOfDisclosures(payload, [other])).toMatchObject({ ok: false, reason: 'BAD_DISCLOSURE', message: expect.stringContaining('already present') });
  });

  it('rejects two disclosures of the same claim name', () => {
    const a = forgeDisclosure(['s1', 'name', 'A']);
    const b = forgeDisclosure(['s2', 'name', 'B']);
    const payload = { _sd: [a, b].map(disclosureDigest) };
    expect(claimsOfDisclosures(payload, [a, b])).toMatchObject({ ok: false, reason: 'BAD_DISCLOSURE' });
  });

  it.each([
    ['not base64url', '***'],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['an array element disclosure (two entries)', forgeDisclosure(['salt', 'value'])],
    ['a non-string name', forgeDisclosure(['salt', 7, 'value'])],
    ['a non-string salt', forgeDisclosure([1, 'name', 'value'])],
  ])('rejects a disclosure that is %s', (_label, disclosure) => {
    const payload = { _sd: [disclosureDigest(disclosure)] };
    expect(claimsOfDisclosures(payload, [disclosure])).toMatchObject({ ok: false, reason: 'BAD_DISCLOSURE' });
  });

  it('keeps a claim named __proto__ as plain data', () => {
    const d = forgeDisclosure(['s', '__proto__', { polluted: true }]);
    const result = claimsOfDisclosures({ _sd: [disclosureDigest(d)] }, [d]);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(Object.getPrototypeOf(result.claims)).toBe(Object.prototype);
      expect(Object.hasOwn(result.claims, '__proto__')).toBe(true);
    }
  });

  it('refuses other digest algorithms and a malformed _sd', () => {
    expect(claimsOfDisclosures({ _sd_alg: 'md5', _sd: [] }, [])).toMatchObject({ ok: false, reason: 'UNSUPPORTED_ALGORITHM' });
    expect(claimsOfDisclosures({ _sd: 'x' }, [])).toMatchObject({ ok: false, reason: 'MALFORMED' });
    expect(claimsOfDisclosures({ _sd: [1] }, [])).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });
});
