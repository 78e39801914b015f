import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import type { SigningKey } from './credential-model.js';
import { kidOf, signVcJwt, splitCompactJws } from './vc-jwt.js';

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

async function signingKey(): Promise<SigningKey> {
  return { kid: await kidOf(keys.publicKey), privateKey: keys.privateKey, x5c: ['MIIBfake'] };
}

function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

const CREDENTIAL = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  id: 'urn:oid:1.2.156.3005.2.1',
  type: ['VerifiableCredential', 'OnegateCertificate'],
  credentialSubject: { id: 'urn:onegate:person:1', name: 'Li Lei' },
};

describe('vc+jwt', () => {
  it('uses the RFC 7638 SHA-256 thumbprint as kid', async () => {
    const kid = await kidOf(keys.publicKey);
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await kidOf(keys.publicKey)).toBe(kid);
    expect(await kidOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).not.toBe(kid);
  });

  it('signs the credential itself as the payload, with iat beside it and the VC-JOSE-COSE header', async () => {
    const key = await signingKey();
    const jwt = await signVcJwt(CREDENTIAL, key, new Date('2026-11-22T09:30:00Z'));
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', typ: 'vc+jwt', cty: 'vc', kid: key.kid, x5c: key.x5c });
    const { payload } = await compactVerify(jwt, keys.publicKey, { algorithms: ['ES256'] });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ ...CREDENTIAL, iat: Date.parse('2026-11-22T09:30:00Z') / 1000 });
  });

  it('refuses to sign without a certificate chain', async () => {
    await expect(signVcJwt(CREDENTIAL, { ...(await signingKey()), x5c: [] })).rejects.toThrow(RangeError);
  });
});

describe('splitCompactJws', () => {
  it('takes a signed credential apart', async () => {
    const jwt = await signVcJwt(CREDENTIAL, await signingKey());
    const parts = splitCompactJws(jwt);
    expect(parts).toMatchObject({ ok: true, compact: jwt, header: { typ: 'vc+jwt' }, payload: { id: CREDENTIAL.id } });
  });

  const header = b64url({ alg: 'ES256' });
  const payload = b64url({ a: 1 });
  it.each([
    ['a number', 42],
    ['null', null],
    ['an object', { a: 1 }],
    ['an empty string', ''],
    ['two parts', `${header}.${payload}`],
    ['four parts', `${header}.${payload}.sig.x`],
    ['a non-base64url header', `${header}!.${payload}.sig`],
    ['an impossible base64url length', `${header}.aaaaa.sig`],
    ['a header that is a JSON array', `${b64url([1])}.${payload}.sig`],
    ['a header that is not JSON', `${b64url('{nope')}.${payload}.sig`],
    ['a payload that is JSON null', `${header}.${b64url('null')}.sig`],
    ['a payload that is a string', `${header}.${b64url('"x"')}.sig`],
    ['invalid UTF-8', `${header}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.sig`],
    ['a non-base64url signature', `${header}.${payload}.s+g`],
    ['critical header extensions', `${b64url({ alg: 'ES256', b64: false, crit: ['b64'] })}.${payload}.sig`],
    ['more than 64 KiB', `${header}.${b64url({ a: 'x'.repeat(70_000) })}.sig`],
  ])('reports %s as MALFORMED without throwing', (_label, input) => {
    const result = splitCompactJws(input);
    expect(result).toMatchObject({ ok: false, reason: 'MALFORMED' });
    if (!result.ok) expect(result.message.length).toBeLessThan(200);
  });

  it('copes with deeply nested JSON within the size limit', () => {
    const deep = '['.repeat(30_000) + ']'.repeat(30_000);
    expect(() => splitCompactJws(`${header}.${b64url(`{"a":${deep}}`)}.sig`)).not.toThrow();
  });

  it('does not echo the input in its messages', () => {
    const secret = 'SECRET-ID-330102199001011234';
    const result = splitCompactJws(`${b64url(secret)}.${b64url(secret)}.${secret}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toContain(secret);
  });
});
