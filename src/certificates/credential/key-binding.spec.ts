import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { parseHolderJwk, sdHash, verifyKeyBindingJwt } from './key-binding.js';
import { bindPresentation } from './test-credentials.fixture.js';

const NOW = new Date('2027-03-01T00:00:00Z');
const PRESENTED = 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln~WyJzYWx0IiwibmFtZSIsIkxpIExlaSJd~';
const EXPECTED = { audience: 'https://verifier.example', nonce: 'n-0S6_WzA2Mj' };

function holder(kind: 'ec' | 'ed25519'): { publicJwk: Record<string, unknown>; privateJwk: Record<string, unknown>; privateKey: KeyObject } {
  const pair = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return {
    publicJwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>,
    privateJwk: pair.privateKey.export({ format: 'jwk' }) as Record<string, unknown>,
    privateKey: pair.privateKey,
  };
}

function parsed(jwk: Record<string, unknown>) {
  const result = parseHolderJwk(jwk);
  if (!result.ok) throw new Error(result.message);
  return result;
}

describe('parseHolderJwk', () => {
  it('takes EC P-256 and Ed25519 public keys, keeping only the members of the key', () => {
    const ec = holder('ec').publicJwk;
    expect(parsed({ ...ec, kid: 'wallet-key-1', use: 'sig', alg: 'ES256' }).jwk).toEqual({ kty: 'EC', crv: 'P-256', x: ec['x'], y: ec['y'] });
    const ed = holder('ed25519').publicJwk;
    expect(parsed(ed).jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: ed['x'] });
  });

  it.each([
    ['an EC private key', () => holder('ec').privateJwk],
    ['an Ed25519 private key', () => holder('ed25519').privateJwk],
    ['a symmetric key', () => ({ kty: 'oct', k: 'c2VjcmV0' })],
    ['an RSA private key', () => ({ kty: 'RSA', n: 'AQAB', e: 'AQAB', p: 'c2VjcmV0LXByaW1l', q: 'AQ' })],
  ])('refuses %s as HOLDER_KEY_NOT_PUBLIC, without echoing it', (_label, make) => {
    const jwk: Record<string, unknown> = make();
    const result = parseHolderJwk(jwk);
    expect(result).toMatchObject({ ok: false, reason: 'HOLDER_KEY_NOT_PUBLIC' });
    const secret = (jwk['d'] ?? jwk['k'] ?? jwk['p']) as string;
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it.each([
    ['RSA', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }],
    ['P-384', { kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA' }],
    ['secp256k1', { kty: 'EC', crv: 'secp256k1', x: 'AA', y: 'AA' }],
    ['X25519', { kty: 'OKP', crv: 'X25519', x: 'AA' }],
  ])('refuses %s as HOLDER_KEY_UNSUPPORTED', (_label, jwk) => {
    expect(parseHolderJwk(jwk)).toMatchObject({ ok: false, reason: 'HOLDER_KEY_UNSUPPORTED', message: expect.stringMatching(/P-256.*Ed25519/) });
  });

  it('refuses malformed keys as HOLDER_KEY_INVALID', () => {
    const ec = holder('ec').publicJwk;
    for (const value of [
      null,
      'a string',
      [ec],
      { ...ec, x: 'short' },
      { ...ec, y: undefined },
      { ...ec, x: `${ec['x']}+` },
      { ...ec, pad: 'x'.repeat(3000) },
    ]) {
      expect(parseHolderJwk(value)).toMatchObject({ ok: false, reason: 'HOLDER_KEY_INVALID' });
    }
    // 32-byte coordinates that are not a point on the curve.
    expect(parseHolderJwk({ ...ec, y: Buffer.alloc(32, 1).toString('base64url') })).toMatchObject({ ok: false, reason: 'HOLDER_KEY_INVALID' });
  });
});

describe('verifyKeyBindingJwt', () => {
  const ec = holder('ec');
  const ed = holder('ed25519');
  const kbOf = (sdJwtKb: string) => sdJwtKb.slice(PRESENTED.length);
  const check = (kb: string, who = ec, expected: Parameters<typeof verifyKeyBindingJwt>[3] = EXPECTED, presented = PRESENTED, inline = false) =>
    verifyKeyBindingJwt(kb, presented, parsed(who.publicJwk), expected, NOW, inline);

  it('accepts a KB-JWT signed by the holder key for this audience and nonce (ES256 and EdDSA, on the thread pool or inline)', async () => {
    expect(await check(kbOf(bindPresentation(PRESENTED, ec.privateKey)))).toMatchObject({ ok: true, payload: { sd_hash: sdHash(PRESENTED) } });
    expect(await check(kbOf(bindPresentation(PRESENTED, ec.privateKey)), ec, EXPECTED, PRESENTED, true)).toMatchObject({ ok: true });
    expect(await check(kbOf(bindPresentation(PRESENTED, ed.privateKey)), ed)).toMatchObject({ ok: true });
    expect(await check(kbOf(bindPresentation(PRESENTED, ed.privateKey)), ed, EXPECTED, PRESENTED, true)).toMatchObject({ ok: true });
    expect(await check(kbOf(bindPresentation(PRESENTED, ed.privateKey, { alg: 'Ed25519' })), ed)).toMatchObject({ ok: true });
  });

  it.each<[string, () => ReturnType<typeof check>, RegExp]>([
    [
      'no expected audience and nonce',
      () => check(kbOf(bindPresentation(PRESENTED, ec.privateKey)), ec, { audience: null, nonce: null }),
      /audience and nonce/,
    ],
    ['another audience', () => check(kbOf(bindPresentation(PRESENTED, ec.privateKey, { audience: 'https://other.example' }))), /another audience/],
    ['another nonce', () => check(kbOf(bindPresentation(PRESENTED, ec.privateKey, { nonce: 'replayed' }))), /another nonce/],
    [
      'an sd_hash over other disclosures',
      () => check(kbOf(bindPresentation(PRESENTED, ec.privateKey)), ec, EXPECTED, 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln~'),
      /sd_hash/,
    ],
    ['a wrong sd_hash', () => check(kbOf(bindPresentation(PRESENTED, ec.privateKey, { sdHash: sdHash('x') }))), /sd_hash/],
    ['another key', () => check(kbOf(bindPresentation(PRESENTED, holder('ec').privateKey))), /not signed by the holder key/],
    ['an Ed25519 signature for a P-256 key', () => check(kbOf(bindPresentation(PRESENTED, ed.privateKey))), /ES256/],
    ['alg none', () => check(kbOf(bindPresentation(PRESENTED, ec.privateKey, { alg: 'none' }))), /ES256/],
    ['HS256', () => check(kbOf(bindPresentation(PRESENTED, ec.privateKey, { alg: 'HS256' }))), /ES256/],
    ['typ JWT', () => check(kbOf(bindPresentation(PRESENTED, ec.privateKey, { typ: 'JWT' }))), /kb\+jwt/],
    ['an old one', () => check(kbOf(bindPresentation(PRESENTED, ec.privateKey, { issuedAt: new Date(NOW.getTime() - 301_000) }))), /older than 300 seconds/],
    ['one from the future', () => check(kbOf(bindPresentation(PRESENTED, ec.privateKey, { issuedAt: new Date(NOW.getTime() + 120_000) }))), /future/],
    ['garbage', () => check('e30.e30.'), /malformed|typ/],
  ])('refuses %s as KEY_BINDING_INVALID', async (_label, run, message) => {
    expect(await run()).toMatchObject({ ok: false, reason: 'KEY_BINDING_INVALID', message: expect.stringMatching(message) });
  });

  it('takes a longer window when the verifier allows one', async () => {
    const old = kbOf(bindPresentation(PRESENTED, ec.privateKey, { issuedAt: new Date(NOW.getTime() - 3_000_000) }));
    expect(await check(old, ec, { ...EXPECTED, maxAgeSeconds: 3600 })).toMatchObject({ ok: true });
  });
});
