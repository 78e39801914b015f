import { describe, expect, it } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import { canonicalRequest, constantTimeEqual, SIGNATURE_HEADERS, signRequest, verifySignature } from './hmac-signature.js';

const SECRET = 'a-shared-secret-of-the-department';
const NOW = Date.UTC(2026, 0, 15, 8, 0, 0);
const PATH = '/v1/social-insurance/accounts?idNumbers=330825198803142023,330825198611021315';

function signed(overrides: Partial<Parameters<typeof signRequest>[0]> = {}) {
  return signRequest({ keyId: 'onegate', secret: SECRET, method: 'GET', pathWithQuery: PATH, now: NOW, ...overrides });
}

function verify(headers: Record<string, string>, overrides: Partial<Parameters<typeof verifySignature>[0]> = {}) {
  return verifySignature({
    headers,
    method: 'GET',
    pathWithQuery: PATH,
    secretFor: (keyId) => (keyId === 'onegate' ? SECRET : undefined),
    now: NOW,
    ...overrides,
  });
}

describe('signRequest', () => {
  it('signs METHOD, path with query, unix-seconds timestamp and the body hash with HMAC-SHA256 (base64url)', () => {
    const headers = signed();
    const timestamp = String(NOW / 1000);
    expect(headers[SIGNATURE_HEADERS.keyId]).toBe('onegate');
    expect(headers[SIGNATURE_HEADERS.timestamp]).toBe(timestamp);
    const emptyHash = createHash('sha256').update('').digest('hex');
    const expected = createHmac('sha256', SECRET).update(`GET\n${PATH}\n${timestamp}\n${emptyHash}`).digest('base64url');
    expect(headers[SIGNATURE_HEADERS.signature]).toBe(expected);
    expect(canonicalRequest('get', PATH, timestamp)).toBe(`GET\n${PATH}\n${timestamp}\n${emptyHash}`);
  });
});

describe('verifySignature', () => {
  it('accepts its own signature, with and without a body', () => {
    expect(verify(signed())).toEqual({ ok: true, keyId: 'onegate' });
    const body = JSON.stringify({ mode: 'hang' });
    expect(verify(signed({ method: 'POST', body }), { method: 'POST', body })).toEqual({ ok: true, keyId: 'onegate' });
    expect(verify(signed({ method: 'POST', body: Buffer.from(body) }), { method: 'POST', body })).toEqual({ ok: true, keyId: 'onegate' });
  });

  it.each([
    ['another method', { method: 'POST' }],
    ['another path', { pathWithQuery: '/v1/social-insurance/accounts?idNumbers=330825198803142023' }],
    ['another body', { body: '{}' }],
  ])('rejects a request with %s', (_label, overrides) => {
    expect(verify(signed(), overrides)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a wrong secret, a changed timestamp and an unknown key id', () => {
    expect(verify(signed({ secret: 'wrong' }))).toEqual({ ok: false, reason: 'bad-signature' });
    const headers = signed();
    expect(verify({ ...headers, [SIGNATURE_HEADERS.timestamp]: String(NOW / 1000 + 1) })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(signed({ keyId: 'someone-else' }))).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('accepts a timestamp within ±300 s and refuses one outside', () => {
    expect(verify(signed({ now: NOW - 300_000 })).ok).toBe(true);
    expect(verify(signed({ now: NOW + 300_000 })).ok).toBe(true);
    expect(verify(signed({ now: NOW - 301_000 }))).toEqual({ ok: false, reason: 'stale' });
    expect(verify(signed({ now: NOW + 301_000 }))).toEqual({ ok: false, reason: 'stale' });
  });

  it('reports missing and malformed headers without throwing', () => {
    expect(verify({})).toEqual({ ok: false, reason: 'missing' });
    const headers = signed();
    expect(verify({ ...headers, [SIGNATURE_HEADERS.timestamp]: 'yesterday' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ ...headers, [SIGNATURE_HEADERS.signature]: 'not base64url!' })).toEqual({ ok: false, reason: 'malformed' });
    expect(
      verifySignature({
        headers: { ...headers, [SIGNATURE_HEADERS.keyId]: ['a', 'b'] },
        method: 'GET',
        pathWithQuery: PATH,
        secretFor: () => SECRET,
        now: NOW,
      }),
    ).toEqual({
      ok: false,
      reason: 'missing',
    });
  });
});

describe('constantTimeEqual', () => {
  it('compares strings of any length', () => {
    expect(constantTimeEqual('token', 'token')).toBe(true);
    expect(constantTimeEqual('token', 'tokeN')).toBe(false);
    expect(constantTimeEqual('token', 'token-longer')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
