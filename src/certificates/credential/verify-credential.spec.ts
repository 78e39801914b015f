import { randomBytes, X509Certificate } from 'node:crypto';
import { CompactSign } from 'jose';
import { createRootCa, generateSigningKeyPair, type RootCa } from '../trust/certificate-authority.js';
import type { TrustAnchors } from '../trust/chain.js';
import type { SigningKey } from './credential-model.js';
import { issueSdJwt, presentSdJwt } from './sd-jwt.js';
import { STATUS_LIST_SIZE, statusListCredential } from './status-list.js';
import {
  BASE,
  CIVIL_AFFAIRS,
  CLAIMS,
  departmentKey,
  HEALTH,
  ID_NUMBER,
  IDENTIFIER,
  INDEX,
  ISSUED,
  listUrl,
  marriageCredential,
  OPERATOR_CREDIT_CODE,
  sdJwtPayload,
  signedStatusList,
  statusEntries,
  testRoot,
} from './test-credentials.fixture.js';
import { verifyCredential, type VerificationResult, type VerifyOptions } from './verify-credential.js';
import { kidOf, signVcJwt } from './vc-jwt.js';

const NOW = new Date('2027-03-01T00:00:00Z');

const TYPES: VerifyOptions['types'] = new Map([
  ['MARRIAGE_CERTIFICATE', { issuer: 'CIVIL_AFFAIRS' }],
  ['MEDICAL_BIRTH_CERTIFICATE', { issuer: 'HEALTH' }],
]);

let root: RootCa;
let anchors: TrustAnchors;
let civilAffairs: SigningKey;
let health: SigningKey;

beforeAll(async () => {
  root = testRoot();
  anchors = { roots: [new X509Certificate(root.certificate)] };
  civilAffairs = await departmentKey(root, CIVIL_AFFAIRS);
  health = await departmentKey(root, HEALTH);
});

/** Options whose status list fetcher serves the given lists by URL and counts requests. */
function optionsServing(lists: Record<string, string | null>): VerifyOptions & { fetched: string[] } {
  const fetched: string[] = [];
  return {
    anchors,
    types: TYPES,
    now: NOW,
    fetched,
    statusList: async (url) => {
      fetched.push(url);
      return lists[url] ?? null;
    },
  };
}

async function civilAffairsLists(revoked: number[] = [], suspended: number[] = []): Promise<Record<string, string>> {
  return {
    [listUrl('CIVIL_AFFAIRS', 'revocation')]: await signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { set: revoked }),
    [listUrl('CIVIL_AFFAIRS', 'suspension')]: await signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'suspension', { set: suspended }),
  };
}

async function verifyWithLists(credential: string, revoked: number[] = [], suspended: number[] = []): Promise<VerificationResult> {
  return verifyCredential(credential, optionsServing(await civilAffairsLists(revoked, suspended)));
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function payloadOf(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function expectIntegrityFailure(result: VerificationResult, reason: string): void {
  expect(result).toMatchObject({
    valid: false,
    identifier: null,
    certificateType: null,
    integrity: { ok: false, reason },
    status: { ok: false, reason: 'NOT_CHECKED', state: 'UNKNOWN' },
    issuer: { ok: false, reason: 'NOT_CHECKED', department: null },
    claims: {},
  });
}


describe('verifyCredential: vc+jwt', () => {
  it('accepts a valid credential and returns its claims with three passing verdicts', async () => {
    const result = await verifyWithLists(await signVcJwt(marriageCredential(), civilAffairs, ISSUED));
    expect(result).toEqual({
      valid: true,
      format: 'vc+jwt',
      identifier: IDENTIFIER,
      certificateType: 'MARRIAGE_CERTIFICATE',
      integrity: { ok: true, reason: null, message: expect.any(String) },
      status: { ok: true, reason: null, message: expect.any(String), state: 'VALID' },
      issuer: { ok: true, reason: null, message: expect.any(String), department: 'CIVIL_AFFAIRS' },
      claims: marriageCredential()['credentialSubject'],
    });
  });

  it('reports an edited claim with the original signature as BAD_SIGNATURE and returns no claims', async () => {
    const [header, , signature] = (await signVcJwt(marriageCredential(), civilAffairs, ISSUED)).split('.');
    const edited = marriageCredential({ credentialSubject: { id: `urn:onegate:person:${ID_NUMBER}`, name: 'Someone Else' } });
    const result = await verifyWithLists(`${header}.${b64url(edited)}.${signature}`);
    expectIntegrityFailure(result, 'BAD_SIGNATURE');
    expect(result.format).toBe('vc+jwt');
    expect(JSON.stringify(result)).not.toContain(ID_NUMBER);
  });

  it('rejects a key the root did not certify, whatever the token says', async () => {
    const rogueRoot = createRootCa({ creditCode: OPERATOR_CREDIT_CODE, now: new Date('2026-01-01T00:00:00Z') });
    const rogue = await departmentKey(rogueRoot, CIVIL_AFFAIRS);
    const result = await verifyWithLists(await signVcJwt(marriageCredential(), rogue, ISSUED));
    expectIntegrityFailure(result, 'UNTRUSTED_ISSUER');
  });

  it('rejects a signature by another key under a genuine department certificate', async () => {
    const other = generateSigningKeyPair();
    const impostor: SigningKey = { ...civilAffairs, privateKey: other.privateKey };
    expectIntegrityFailure(await verifyWithLists(await signVcJwt(marriageCredential(), impostor, ISSUED)), 'BAD_SIGNATURE');
    const ownKid: SigningKey = { ...impostor, kid: await kidOf(other.publicKey) };
    expectIntegrityFailure(await verifyWithLists(await signVcJwt(marriageCredential(), ownKid, ISSUED)), 'KID_MISMATCH');
  });

  it('rejects a department certificate that has expired', async () => {
    const lapsed = await departmentKey(root, CIVIL_AFFAIRS, new Date('2027-01-01T00:00:00Z'));
    expectIntegrityFailure(await verifyWithLists(await signVcJwt(marriageCredential(), lapsed, ISSUED)), 'CERTIFICATE_EXPIRED');
  });

  it.each([
    ['none', (signingInput: string) => `${signingInput}.`],
    ['HS256', (signingInput: string) => `${signingInput}.${b64url('not-a-real-mac')}`],
  ])('refuses alg %s as UNSUPPORTED_ALGORITHM', async (alg, finish) => {
    const header = { alg, typ: 'vc+jwt', cty: 'vc', kid: civilAffairs.kid, x5c: civilAffairs.x5c };
    const result = await verifyWithLists(finish(`${b64url(header)}.${b64url(marriageCredential())}`));
    expectIntegrityFailure(result, 'UNSUPPORTED_ALGORITHM');
  });

  it('refuses an HS256 token MACed with the public certificate as the secret', async () => {
    const secret = Buffer.from(civilAffairs.x5c[0]!, 'base64');
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(marriageCredential())))
      .setProtectedHeader({ alg: 'HS256', typ: 'vc+jwt', kid: civilAffairs.kid, x5c: civilAffairs.x5c })
      .sign(secret);
    expectIntegrityFailure(await verifyWithLists(token), 'UNSUPPORTED_ALGORITHM');
  });

  it('refuses other token types', async () => {
    const asJwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(marriageCredential())))
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: civilAffairs.kid, x5c: civilAffairs.x5c })
      .sign(civilAffairs.privateKey);
    expectIntegrityFailure(await verifyWithLists(asJwt), 'UNSUPPORTED_TYPE');
    const vcWithTilde = `${await signVcJwt(marriageCredential(), civilAffairs, ISSUED)}~`;
    expectIntegrityFailure(await verifyWithLists(vcWithTilde), 'UNSUPPORTED_TYPE');
  });

  it('reports a signed payload that is not a VC 2.0 credential as MALFORMED', async () => {
    const noContext = await signVcJwt(marriageCredential({ '@context': ['https://www.w3.org/2018/credentials/v1'] }), civilAffairs, ISSUED);
    expectIntegrityFailure(await verifyWithLists(noContext), 'MALFORMED');
    const badDate = await signVcJwt(marriageCredential({ validUntil: 'next year' }), civilAffairs, ISSUED);
    expectIntegrityFailure(await verifyWithLists(badDate), 'MALFORMED');
  });
});

describe('verifyCredential: issuer identity', () => {
  it('flags a Health Commission key signing a marriage certificate, although integrity holds', async () => {
    const credential = marriageCredential({ issuer: { id: 'urn:onegate:department:HEALTH', name: HEALTH.name }, credentialStatus: [] });
    const result = await verifyCredential(await signVcJwt(credential, health, ISSUED), optionsServing({}));
    expect(result).toMatchObject({
      valid: false,
      integrity: { ok: true },
      status: { ok: true, state: 'VALID' },
      issuer: { ok: false, reason: 'ISSUER_NOT_AUTHORISED', department: 'HEALTH' },
    });
    expect(result.issuer.message).toContain('CIVIL_AFFAIRS');
  });

  it('flags a credential whose issuer is not the signing department', async () => {
    const credential = marriageCredential({ issuer: { id: 'urn:onegate:department:HEALTH', name: HEALTH.name } });
    const result = await verifyWithLists(await signVcJwt(credential, civilAffairs, ISSUED));
    expect(result).toMatchObject({ valid: false, integrity: { ok: true }, issuer: { ok: false, reason: 'ISSUER_MISMATCH', department: 'CIVIL_AFFAIRS' } });
    const wrongCreditCode = marriageCredential({ issuer: { id: 'urn:onegate:department:CIVIL_AFFAIRS', creditCode: HEALTH.creditCode } });
    expect((await verifyWithLists(await signVcJwt(wrongCreditCode, civilAffairs, ISSUED))).issuer.reason).toBe('ISSUER_MISMATCH');
  });

  it('flags an unknown certificate type', async () => {
    const result = await verifyWithLists(await signVcJwt(marriageCredential({ certificateType: 'DIVORCE_CERTIFICATE' }), civilAffairs, ISSUED));
    expect(result).toMatchObject({ valid: false, certificateType: 'DIVORCE_CERTIFICATE', issuer: { ok: false, reason: 'TYPE_UNKNOWN' } });
    const untyped = await verifyWithLists(await signVcJwt(marriageCredential({ certificateType: undefined }), civilAffairs, ISSUED));
    expect(untyped.issuer.reason).toBe('TYPE_UNKNOWN');
  });
});

describe('verifyCredential: status', () => {
  let credential: string;
  beforeAll(async () => {
    credential = await signVcJwt(marriageCredential(), civilAffairs, ISSUED);
  });

  it('reports a revoked certificate', async () => {
    const result = await verifyWithLists(credential, [INDEX]);
    expect(result).toMatchObject({ valid: false, integrity: { ok: true }, issuer: { ok: true }, status: { ok: false, reason: 'REVOKED', state: 'REVOKED' } });
    expect(result.claims).toHaveProperty('name');
  });

  it('reports a suspended certificate, and revocation over suspension', async () => {
    expect((await verifyWithLists(credential, [], [INDEX])).status).toMatchObject({ ok: false, reason: 'SUSPENDED', state: 'SUSPENDED' });
    expect((await verifyWithLists(credential, [INDEX], [INDEX])).status.state).toBe('REVOKED');
  });

  it('ignores other entries of the lists', async () => {
    expect((await verifyWithLists(credential, [INDEX - 1, INDEX + 1], [0, STATUS_LIST_SIZE - 1])).status.state).toBe('VALID');
  });

  it('reports an expired certificate, revocation taking precedence', async () => {
    const expired = await signVcJwt(marriageCredential({ validUntil: '2027-01-01T00:00:00Z' }), civilAffairs, ISSUED);
    expect((await verifyWithLists(expired)).status).toMatchObject({ ok: false, reason: 'EXPIRED', state: 'EXPIRED' });
    expect((await verifyWithLists(expired, [INDEX])).status.state).toBe('REVOKED');
  });

  it('reports a certificate that is not valid yet', async () => {
    const future = await signVcJwt(marriageCredential({ validFrom: '2028-01-01T00:00:00Z' }), civilAffairs, ISSUED);
    expect((await verifyWithLists(future)).status).toMatchObject({ ok: false, reason: 'NOT_YET_VALID', state: 'NOT_YET_VALID' });
  });

  it('fetches each list once and only after integrity holds', async () => {
    const options = optionsServing(await civilAffairsLists());
    await verifyCredential(credential, options);
    expect(options.fetched.sort()).toEqual([listUrl('CIVIL_AFFAIRS', 'revocation'), listUrl('CIVIL_AFFAIRS', 'suspension')]);

    const tampered = credential.replace(/\.[^.]+\./, `.${b64url(marriageCredential({ validUntil: undefined }))}.`);
    const after = optionsServing(await civilAffairsLists());
    await verifyCredential(tampered, after);
    expect(after.fetched).toEqual([]);
  });

  it('reads two entries in one list with a single fetch', async () => {
    const shared = `${BASE}/status-lists/CIVIL_AFFAIRS/1/revocation`;
    const entries = [INDEX, INDEX + 1].map((index) => ({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(index), statusListCredential: shared }));
    const options = optionsServing({ [shared]: await signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { set: [INDEX + 1] }) });
    const result = await verifyCredential(await signVcJwt(marriageCredential({ credentialStatus: entries }), civilAffairs, ISSUED), options);
    expect(result.status.state).toBe('REVOKED');
    expect(options.fetched).toEqual([shared]);
  });

  it('says UNKNOWN when a status list is unavailable', async () => {
    const result = await verifyCredential(credential, optionsServing({}));
    expect(result).toMatchObject({ valid: false, integrity: { ok: true }, status: { ok: false, reason: 'STATUS_UNAVAILABLE', state: 'UNKNOWN' } });
    const throwing = { ...optionsServing({}), statusList: () => Promise.reject(new Error('ECONNREFUSED')) };
    expect((await verifyCredential(credential, throwing)).status).toMatchObject({ reason: 'STATUS_UNAVAILABLE', state: 'UNKNOWN' });
  });

  it('still reports a revocation when the suspension list is unavailable', async () => {
    const revocation = listUrl('CIVIL_AFFAIRS', 'revocation');
    const lists = { [revocation]: await signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { set: [INDEX] }) };
    expect((await verifyCredential(credential, optionsServing(lists))).status.state).toBe('REVOKED');
  });

  async function withRevocationList(list: string | null): Promise<VerificationResult> {
    const lists = await civilAffairsLists();
    return verifyCredential(credential, optionsServing({ ...lists, [listUrl('CIVIL_AFFAIRS', 'revocation')]: list }));
  }

  it.each<[string, () => Promise<string>]>([
    ['signed by another department', () => signedStatusList(health, CIVIL_AFFAIRS, 'revocation')],
    ['for the other purpose', () => signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { purpose: 'suspension' })],
    ['published for another URL', () => signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { url: `${BASE}/status-lists/CIVIL_AFFAIRS/2/revocation` })],
    ['out of date', () => signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { validUntil: new Date('2027-02-28T12:00:00Z') })],
    ['signed by an uncertified key', async () => signedStatusList({ ...civilAffairs, privateKey: generateSigningKeyPair().privateKey }, CIVIL_AFFAIRS, 'revocation')],
    ['not a status list', () => signVcJwt(marriageCredential(), civilAffairs, ISSUED)],
    ['garbage', async () => 'not a list'],
  ])('says UNKNOWN when the status list is %s', async (_label, makeList) => {
    const result = await withRevocationList(await makeList());
    expect(result).toMatchObject({ valid: false, integrity: { ok: true }, status: { ok: false, reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN' } });
  });

  it('says STATUS_LIST_INVALID for a malformed status entry or an index beyond the list', async () => {
    const [revocation, suspension] = statusEntries('CIVIL_AFFAIRS');
    for (const entry of [
      { ...revocation, statusListIndex: 81_234 },
      { ...revocation, statusListIndex: '-1' },
      { ...revocation, statusListIndex: '0x10' },
      { ...revocation, statusPurpose: 'refresh' },
      { ...revocation, type: 'StatusList2021Entry' },
      { ...revocation, statusListIndex: String(STATUS_LIST_SIZE) },
    ]) {
      const signed = await signVcJwt(marriageCredential({ credentialStatus: [entry, suspension] }), civilAffairs, ISSUED);
      expect((await verifyWithLists(signed)).status).toMatchObject({ reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN' });
    }
  });

  it('accepts a single credentialStatus object and a credential without status entries', async () => {
    const [revocation] = statusEntries('CIVIL_AFFAIRS');
    const single = await signVcJwt(marriageCredential({ credentialStatus: revocation }), civilAffairs, ISSUED);
    expect((await verifyWithLists(single, [INDEX])).status.state).toBe('REVOKED');
    const none = await signVcJwt(marriageCredential({ credentialStatus: undefined }), civilAffairs, ISSUED);
    expect((await verifyCredential(none, optionsServing({}))).status.state).toBe('VALID');
  });
});

describe('verifyCredential: SD-JWT VC', () => {
  let sdJwt: string;
  beforeAll(async () => {
    sdJwt = await issueSdJwt({ payload: sdJwtPayload(), disclosable: CLAIMS, key: civilAffairs });
  });

  it('accepts the issued SD-JWT with every claim', async () => {
    const result = await verifyWithLists(sdJwt);
    expect(result).toMatchObject({ valid: true, format: 'dc+sd-jwt', identifier: IDENTIFIER, certificateType: 'MARRIAGE_CERTIFICATE', claims: CLAIMS });
  });

  it('returns only the claims a presentation discloses', async () => {
    const result = await verifyWithLists(presentSdJwt(sdJwt, ['name', 'registeredOn']));
    expect(result).toMatchObject({ valid: true, format: 'dc+sd-jwt', integrity: { ok: true }, status: { state: 'VALID' }, issuer: { ok: true } });
    expect(result.claims).toEqual({ name: 'Li Lei', registeredOn: '2026-11-22' });
  });

  it('rejects a disclosure the issuer did not sign', async () => {
    const forged = b64url(['c2FsdHNhbHRzYWx0c2FsdA', 'spouseName', 'Someone Else']);
    const result = await verifyWithLists(`${presentSdJwt(sdJwt, ['name'])}${forged}~`);
    expectIntegrityFailure(result, 'BAD_DISCLOSURE');
    expect(result.format).toBe('dc+sd-jwt');
  });

  it('rejects a disclosure given twice', async () => {
    const presentation = presentSdJwt(sdJwt, ['name']);
    const disclosure = presentation.split('~')[1]!;
    expectIntegrityFailure(await verifyWithLists(`${presentation}${disclosure}~`), 'BAD_DISCLOSURE');
  });

  it('rejects an edited payload', async () => {
    const [jws, ...disclosures] = sdJwt.split('~');
    const [header, , signature] = jws!.split('.');
    const edited = { ...payloadOf(jws!), vct: 'urn:onegate:certificate-type:MEDICAL_BIRTH_CERTIFICATE' };
    expectIntegrityFailure(await verifyWithLists([`${header}.${b64url(edited)}.${signature}`, ...disclosures].join('~')), 'BAD_SIGNATURE');
  });

  it('refuses key-binding JWTs and an issuer JWT without its "~"', async () => {
    expectIntegrityFailure(await verifyWithLists(`${sdJwt}e30.e30.sig`), 'MALFORMED');
    expectIntegrityFailure(await verifyWithLists(sdJwt.split('~')[0]), 'UNSUPPORTED_TYPE');
  });

  it('reports expiry from exp and revocation from the lists', async () => {
    const expired = await issueSdJwt({ payload: sdJwtPayload({ exp: Math.floor(Date.parse('2027-01-01T00:00:00Z') / 1000) }), disclosable: CLAIMS, key: civilAffairs });
    expect((await verifyWithLists(expired)).status.state).toBe('EXPIRED');
    expect((await verifyWithLists(sdJwt, [INDEX])).status.state).toBe('REVOKED');
  });

  it('checks the issuer from vct and iss', async () => {
    const byHealth = await issueSdJwt({ payload: sdJwtPayload({ iss: 'urn:onegate:department:HEALTH', credentialStatus: [] }), disclosable: CLAIMS, key: health });
    expect((await verifyCredential(byHealth, optionsServing({}))).issuer).toMatchObject({ ok: false, reason: 'ISSUER_NOT_AUTHORISED', department: 'HEALTH' });
    const wrongIss = await issueSdJwt({ payload: sdJwtPayload({ iss: 'urn:onegate:department:HEALTH' }), disclosable: CLAIMS, key: civilAffairs });
    expect((await verifyWithLists(wrongIss)).issuer.reason).toBe('ISSUER_MISMATCH');
    const foreignVct = await issueSdJwt({ payload: sdJwtPayload({ vct: 'https://example.com/pid' }), disclosable: CLAIMS, key: civilAffairs });
    expect((await verifyWithLists(foreignVct)).issuer.reason).toBe('TYPE_UNKNOWN');
  });
});

describe('verifyCredential: hostile input', () => {
  const huge = 'a'.repeat(10 * 1024 * 1024);
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { credential: 'x' }],
    ['an array', ['a', 'b']],
    ['an empty string', ''],
    ['a lone tilde', '~'],
    ['dots', '..'],
    ['three junk parts', 'a.b.c'],
    ['a 10 MB string', huge],
    ['a 10 MB SD-JWT', `${huge}~`],
    ['tildes only', '~'.repeat(10_000)],
    ['random bytes', randomBytes(4096).toString('latin1')],
    ['JSON', JSON.stringify({ alg: 'ES256' })],
    ['deeply nested JSON', `${b64url({ alg: 'ES256', typ: 'vc+jwt' })}.${Buffer.from(`{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`).toString('base64url')}.sig`],
    ['an x5c of junk', `${b64url({ alg: 'ES256', typ: 'vc+jwt', kid: 'k', x5c: ['////', 7, null] })}.${b64url({})}.sig`],
    ['an x5c that is not an array', `${b64url({ alg: 'ES256', typ: 'vc+jwt', x5c: 'MIIB' })}.${b64url({})}.sig`],
  ])('reports %s as invalid without throwing', async (_label, input) => {
    const result = await verifyCredential(input, optionsServing({}));
    expect(result.valid).toBe(false);
    expect(result.integrity.ok).toBe(false);
    expect(result.claims).toEqual({});
    expect(result.integrity.message.length).toBeLessThan(300);
  });

  it('reports oversized input as MALFORMED', async () => {
    expect((await verifyCredential(huge, optionsServing({}))).integrity.reason).toBe('MALFORMED');
  });

  it('does not fail when the status fetcher returns something odd', async () => {
    const credential = await signVcJwt(marriageCredential(), civilAffairs, ISSUED);
    const odd = { ...optionsServing({}), statusList: async () => 12 as unknown as string };
    expect((await verifyCredential(credential, odd)).status.reason).toBe('STATUS_UNAVAILABLE');
  });
});
