import { afterAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config.js';
import { PRODUCTION_ENV } from '../config/production-env.fixture.js';
import { loadConsentSigningKey, type ConsentSigningKey } from './consent-key.js';
import { CONSENT_TOKEN_ISSUER, CONSENT_TOKEN_TYPE, ConsentTokenError, signConsentToken, verifyConsentToken, type ConsentTokenScope } from './consent-token.js';

const TEMP = mkdtempSync(join(tmpdir(), 'onegate-consent-spec-'));
afterAll(() => rmSync(TEMP, { recursive: true, force: true }));

function keyFrom(privateKey = generateKeyPairSync('ed25519').privateKey): ConsentSigningKey {
  const file = join(mkdtempSync(join(TEMP, 'token-')), 'key.pem');
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  return loadConsentSigningKey(loadConfig({ CONSENT_SIGNING_KEY_FILE: file }));
}

const KEY = keyFrom();
const OTHER = keyFrom();
const NOW = new Date('2026-11-23T02:00:00.000Z');
const SETTINGS = { audience: 'onegate', ttlSeconds: 600, clockToleranceSeconds: 30 };
const SCOPE: ConsentTokenScope = {
  grantId: '0b7c6a52-4a8f-4a53-9d1b-8a8f3f0e2c11',
  matter: 'HOUSE_TRANSFER',
  caseNumber: 'LY-2026-0042',
  hall: 'LONGYOU-01',
  expiresAt: new Date('2026-11-30T02:00:00.000Z'),
};
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const at = (offsetSeconds: number) => new Date(NOW.getTime() + offsetSeconds * 1000);

async function refusal(promise: Promise<unknown>): Promise<ConsentTokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConsentTokenError);
  return error as ConsentTokenError;
}

describe('consent tokens', () => {
  it('carries the grant and its scope, typed and signed with EdDSA, and never an ID number', async () => {
    const token = (await signConsentToken(SCOPE, KEY, SETTINGS, NOW))!;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: CONSENT_TOKEN_TYPE, kid: KEY.kid });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({
      iss: CONSENT_TOKEN_ISSUER,
      aud: 'onegate',
      cid: SCOPE.grantId,
      matter: 'HOUSE_TRANSFER',
      case: 'LY-2026-0042',
      hall: 'LONGYOU-01',
      iat: seconds(NOW),
      exp: seconds(NOW) + 600,
    });
    expect(payload.sub).toBeUndefined();
    expect(typeof payload.jti).toBe('string');

    const claims = await verifyConsentToken(token, KEY.publicKey, SETTINGS, at(60));
    expect(claims).toEqual({ ...SCOPE, issuedAt: NOW, expiresAt: at(600), tokenId: payload.jti });
  });

  it('never outlives the grant, and leaves out the case and hall a grant does not limit', async () => {
    const scope = { ...SCOPE, caseNumber: null, hall: null, expiresAt: at(120.5) };
    const token = (await signConsentToken(scope, KEY, SETTINGS, NOW))!;
    const payload = decodeJwt(token);
    expect(payload.exp).toBe(seconds(NOW) + 120);
    expect(payload).not.toHaveProperty('case');
    expect(payload).not.toHaveProperty('hall');
    expect(await verifyConsentToken(token, KEY.publicKey, SETTINGS, NOW)).toMatchObject({ caseNumber: null, hall: null });
    expect(await signConsentToken({ ...SCOPE, expiresAt: at(0.5) }, KEY, SETTINGS, NOW)).toBeNull();
  });

  it('refuses a token signed by another key, or changed after signing', async () => {
    const foreign = (await signConsentToken(SCOPE, OTHER, SETTINGS, NOW))!;
    expect((await refusal(verifyConsentToken(foreign, KEY.publicKey, SETTINGS, NOW))).reason).toBe('TOKEN_INVALID');

    const token = (await signConsentToken(SCOPE, KEY, SETTINGS, NOW))!;
    const [header, , signature] = token.split('.');
    const widened = Buffer.from(JSON.stringify({ ...decodeJwt(token), matter: 'RETIREMENT' })).toString('base64url');
    const changed = await refusal(verifyConsentToken(`${header}.${widened}.${signature}`, KEY.publicKey, SETTINGS, NOW));
    expect(changed).toMatchObject({ reason: 'TOKEN_INVALID', grantId: null });
  });

  it('refuses an expired token, naming its grant, and one older than the TTL whatever its exp', async () => {
    const token = (await signConsentToken(SCOPE, KEY, SETTINGS, NOW))!;
    const expired = await refusal(verifyConsentToken(token, KEY.publicKey, SETTINGS, at(600 + 31)));
    expect(expired).toMatchObject({ reason: 'TOKEN_EXPIRED', grantId: SCOPE.grantId });
    expect(expired.message).not.toContain(SCOPE.grantId);

    const long = (await signConsentToken(SCOPE, KEY, { ...SETTINGS, ttlSeconds: 3600 }, NOW))!;
    expect((await refusal(verifyConsentToken(long, KEY.publicKey, SETTINGS, at(1200)))).reason).toBe('TOKEN_EXPIRED');
  });

  it('refuses tokens of another type, issuer, audience or algorithm', async () => {
    const base = () =>
      new SignJWT({ cid: SCOPE.grantId, matter: SCOPE.matter })
        .setIssuer(CONSENT_TOKEN_ISSUER)
        .setAudience('onegate')
        .setIssuedAt(seconds(NOW))
        .setExpirationTime(seconds(NOW) + 300)
        .setJti('j-1');
    const accessTyped = await base().setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' }).sign(KEY.privateKey);
    const otherIssuer = await base().setIssuer('onegate-dev').setProtectedHeader({ alg: 'EdDSA', typ: CONSENT_TOKEN_TYPE }).sign(KEY.privateKey);
    const otherAudience = await base().setAudience('elsewhere').setProtectedHeader({ alg: 'EdDSA', typ: CONSENT_TOKEN_TYPE }).sign(KEY.privateKey);
    const withoutGrant = await new SignJWT({ matter: SCOPE.matter })
      .setProtectedHeader({ alg: 'EdDSA', typ: CONSENT_TOKEN_TYPE })
      .setIssuer(CONSENT_TOKEN_ISSUER)
      .setAudience('onegate')
      .setIssuedAt(seconds(NOW))
      .setExpirationTime(seconds(NOW) + 300)
      .setJti('j-2')
      .sign(KEY.privateKey);
    const withSubject = await base().setProtectedHeader({ alg: 'EdDSA', typ: CONSENT_TOKEN_TYPE }).setSubject('x').sign(KEY.privateKey);
    const hmac = await base()
      .setProtectedHeader({ alg: 'HS256', typ: CONSENT_TOKEN_TYPE })
      .sign(createSecretKey(KEY.publicKey.export({ format: 'der', type: 'spki' })));
    const none = new UnsecuredJWT({ cid: SCOPE.grantId, matter: SCOPE.matter }).setIssuer(CONSENT_TOKEN_ISSUER).setAudience('onegate').encode();

    for (const token of [accessTyped, otherIssuer, otherAudience, withoutGrant, hmac]) {
      expect((await refusal(verifyConsentToken(token, KEY.publicKey, SETTINGS, NOW))).reason).toBe('TOKEN_INVALID');
    }
    // A valid signature over a cid that is no grant id.
    const badCid = await new SignJWT({ cid: "' OR 1=1--", matter: SCOPE.matter })
      .setProtectedHeader({ alg: 'EdDSA', typ: CONSENT_TOKEN_TYPE })
      .setIssuer(CONSENT_TOKEN_ISSUER)
      .setAudience('onegate')
      .setIssuedAt(seconds(NOW))
      .setExpirationTime(seconds(NOW) + 300)
      .setJti('j-3')
      .sign(KEY.privateKey);
    expect((await refusal(verifyConsentToken(badCid, KEY.publicKey, SETTINGS, NOW))).reason).toBe('TOKEN_INVALID');
    // Extra claims do no harm.
    expect(await verifyConsentToken(withSubject, KEY.publicKey, SETTINGS, NOW)).toMatchObject({ grantId: SCOPE.grantId });
    // An unsecured JWT has an empty signature part: not even a compact JWS.
    expect((await refusal(verifyConsentToken(none, KEY.publicKey, SETTINGS, NOW))).reason).toBe('TOKEN_MALFORMED');
  });

  it('refuses what is not a compact JWS without parsing it', async () => {
    for (const token of ['', 'not-a-token', 'a.b', 'a.b.c.d', `${'a'.repeat(2048)}.b.c`, 'e30.e30.!!']) {
      expect((await refusal(verifyConsentToken(token, KEY.publicKey, SETTINGS, NOW))).reason).toBe('TOKEN_MALFORMED');
    }
  });
});

describe('the consent signing key', () => {
  it('is generated once under DATA_DIR/keys outside production and reused', () => {
    const dataDir = mkdtempSync(join(TEMP, 'key-'));
    const first = loadConsentSigningKey(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }));
    const again = loadConsentSigningKey(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }));
    expect(again.kid).toBe(first.kid);
    expect(first.privateKey.asymmetricKeyType).toBe('ed25519');
    const file = join(dataDir, 'keys', 'consent-ed25519.pem');
    expect(createPublicKey(createPrivateKey(readFileSync(file, 'utf8'))).equals(first.publicKey)).toBe(true);
  });

  it('is required from CONSENT_SIGNING_KEY_FILE in production, and must be Ed25519', () => {
    const dataDir = mkdtempSync(join(TEMP, 'key-'));
    const { CONSENT_SIGNING_KEY_FILE: _required, ...production } = { ...PRODUCTION_ENV, DATA_DIR: dataDir };
    expect(() => loadConfig(production)).toThrow('CONSENT_SIGNING_KEY_FILE is required when NODE_ENV=production');
    expect(() => loadConsentSigningKey(loadConfig({ ...production, CONSENT_SIGNING_KEY_FILE: join(dataDir, 'missing.pem') }))).toThrow(
      'cannot read CONSENT_SIGNING_KEY_FILE: ENOENT',
    );
    const ec = join(dataDir, 'ec.pem');
    writeFileSync(ec, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(() => loadConsentSigningKey(loadConfig({ ...production, CONSENT_SIGNING_KEY_FILE: ec }))).toThrow('must be an Ed25519 key');
  });
});
