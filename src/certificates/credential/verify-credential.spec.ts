import { generateKeyPairSync, randomBytes, sign, verify, X509Certificate } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CompactSign } from 'jose';
import { createRootCa, generateSigningKeyPair, type RootCa } from '../trust/certificate-authority.js';
import type { TrustAnchors } from '../trust/chain.js';
import type { SigningKey } from './credential-model.js';
import { issueSdJwt, presentSdJwt } from './sd-jwt.js';
import { encodeList, STATUS_LIST_SIZE, statusListCredential } from './status-list.js';
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
  marriageCredentialBeforeOnegateContext,
  OPERATOR_CREDIT_CODE,
  sdJwtPayload,
  bindPresentation,
  signedStatusList,
  signedStatusListToken,
  statusEntries,
  testRoot,
  tokenListUrl,
  tokenStatus,
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
      holderBound: false,
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

describe('verifyCredential: JSON-LD contexts, compared, never fetched', () => {
  const V2 = 'https://www.w3.org/ns/credentials/v2';
  const ONEGATE = 'https://w3id.org/onegate/credentials/v1';

  it('accepts a credential issued before onegate had its own context: the VC 2.0 context alone, no relatedResource', async () => {
    const old = marriageCredentialBeforeOnegateContext();
    expect(old['@context']).toEqual([V2]);
    expect(old).not.toHaveProperty('relatedResource');
    const result = await verifyWithLists(await signVcJwt(old, civilAffairs, ISSUED));
    expect(result).toMatchObject({ valid: true, integrity: { ok: true }, status: { state: 'VALID' }, issuer: { ok: true } });
  });

  it.each<[string, unknown]>([
    ['an unknown context after the VC 2.0 one', [V2, ONEGATE, 'https://contexts.example/extra']],
    ["an unknown context in place of onegate's", [V2, 'https://contexts.example/onegate']],
    ['the contexts in the other order', [ONEGATE, V2]],
    ['a context given as an object', [V2, { certificateType: 'https://contexts.example/certificateType' }]],
    ['a lone string', V2],
    ['no context at all', undefined],
  ])('refuses %s as MALFORMED', async (_, context) => {
    const result = await verifyWithLists(await signVcJwt(marriageCredential({ '@context': context }), civilAffairs, ISSUED));
    expectIntegrityFailure(result, 'MALFORMED');
    expect(result.integrity.message).toContain('@context is not one onegate issues');
  });

  it("requires a relatedResource naming onegate's context to carry its published digest", async () => {
    const wrongDigest = marriageCredential({ relatedResource: [{ id: ONEGATE, digestSRI: `sha384-${'A'.repeat(64)}` }] });
    const result = await verifyWithLists(await signVcJwt(wrongDigest, civilAffairs, ISSUED));
    expectIntegrityFailure(result, 'MALFORMED');
    expect(result.integrity.message).toMatch(/relatedResource pins .* to a digest other than the published context's/);
    const noDigest = marriageCredential({ relatedResource: { id: ONEGATE } });
    expectIntegrityFailure(await verifyWithLists(await signVcJwt(noDigest, civilAffairs, ISSUED)), 'MALFORMED');
    for (const related of ['https://w3id.org/onegate/credentials/v1', [null], [{ digestSRI: 'sha384-x' }]]) {
      expectIntegrityFailure(await verifyWithLists(await signVcJwt(marriageCredential({ relatedResource: related }), civilAffairs, ISSUED)), 'MALFORMED');
    }
    // A related resource that is not a context onegate knows is not onegate's to check (VC 2.0 §5.3).
    const other = marriageCredential({
      relatedResource: [...(marriageCredential()['relatedResource'] as unknown[]), { id: 'https://files.example/photo.png', digestSRI: 'sha384-x' }],
    });
    expect((await verifyWithLists(await signVcJwt(other, civilAffairs, ISSUED))).valid).toBe(true);
  });

  it("checks a status list credential's contexts the same way, and accepts one in the earlier shape", async () => {
    const credential = await signVcJwt(marriageCredential(), civilAffairs, ISSUED);
    const listWith = async (edit: (list: Record<string, unknown>) => void) => {
      const url = listUrl('CIVIL_AFFAIRS', 'revocation');
      const list = statusListCredential({
        url,
        issuer: { id: 'urn:onegate:department:CIVIL_AFFAIRS', name: CIVIL_AFFAIRS.name, creditCode: CIVIL_AFFAIRS.creditCode },
        purpose: 'revocation',
        encodedList: encodeList(new Uint8Array(STATUS_LIST_SIZE / 8)),
        validFrom: new Date('2027-02-28T00:00:00Z'),
        validUntil: new Date('2027-03-02T00:00:00Z'),
      });
      edit(list);
      return { ...(await civilAffairsLists()), [url]: await signVcJwt(list, civilAffairs, ISSUED) };
    };
    const earlier = await listWith((list) => {
      list['@context'] = [V2];
      delete list['relatedResource'];
    });
    expect(await verifyCredential(credential, optionsServing(earlier))).toMatchObject({ valid: true, status: { state: 'VALID' } });
    const unknown = await listWith((list) => (list['@context'] = [V2, 'https://contexts.example/lists']));
    expect(await verifyCredential(credential, optionsServing(unknown))).toMatchObject({
      valid: false,
      integrity: { ok: true },
      status: { ok: false, reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN', message: expect.stringContaining('@context is not one onegate issues') },
    });
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
    const entries = [INDEX, INDEX + 1].map((index) => ({
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(index),
      statusListCredential: shared,
    }));
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
    [
      'published for another URL',
      () => signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { url: `${BASE}/status-lists/CIVIL_AFFAIRS/2/revocation` }),
    ],
    ['out of date', () => signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { validUntil: new Date('2027-02-28T12:00:00Z') })],
    [
      'signed by an uncertified key',
      async () => signedStatusList({ ...civilAffairs, privateKey: generateSigningKeyPair().privateKey }, CIVIL_AFFAIRS, 'revocation'),
    ],
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

  it('refuses a key-binding JWT on a credential without a holder key, and an issuer JWT without its "~"', async () => {
    expectIntegrityFailure(await verifyWithLists(`${sdJwt}e30.e30.sig`), 'KEY_BINDING_INVALID');
    expectIntegrityFailure(await verifyWithLists(sdJwt.split('~')[0]), 'UNSUPPORTED_TYPE');
  });

  it('reports expiry from exp and revocation from the lists', async () => {
    const expired = await issueSdJwt({
      payload: sdJwtPayload({ exp: Math.floor(Date.parse('2027-01-01T00:00:00Z') / 1000) }),
      disclosable: CLAIMS,
      key: civilAffairs,
    });
    expect((await verifyWithLists(expired)).status.state).toBe('EXPIRED');
    expect((await verifyWithLists(sdJwt, [INDEX])).status.state).toBe('REVOKED');
  });

  it('checks the issuer from vct and iss', async () => {
    const byHealth = await issueSdJwt({
      payload: sdJwtPayload({ iss: 'urn:onegate:department:HEALTH', credentialStatus: [] }),
      disclosable: CLAIMS,
      key: health,
    });
    expect((await verifyCredential(byHealth, optionsServing({}))).issuer).toMatchObject({ ok: false, reason: 'ISSUER_NOT_AUTHORISED', department: 'HEALTH' });
    const wrongIss = await issueSdJwt({ payload: sdJwtPayload({ iss: 'urn:onegate:department:HEALTH' }), disclosable: CLAIMS, key: civilAffairs });
    expect((await verifyWithLists(wrongIss)).issuer.reason).toBe('ISSUER_MISMATCH');
    const foreignVct = await issueSdJwt({ payload: sdJwtPayload({ vct: 'https://example.com/pid' }), disclosable: CLAIMS, key: civilAffairs });
    expect((await verifyWithLists(foreignVct)).issuer.reason).toBe('TYPE_UNKNOWN');
  });
});

describe('verifyCredential: SD-JWT VC with a Token Status List (status.status_list)', () => {
  let sdJwt: string;
  beforeAll(async () => {
    sdJwt = await issueSdJwt({ payload: sdJwtPayload({ status: tokenStatus('CIVIL_AFFAIRS') }), disclosable: CLAIMS, key: civilAffairs });
  });

  async function withToken(token: string | null, revoked: number[] = [], suspended: number[] = []): Promise<VerificationResult> {
    return verifyCredential(sdJwt, optionsServing({ ...(await civilAffairsLists(revoked, suspended)), [tokenListUrl('CIVIL_AFFAIRS')]: token }));
  }

  it('reads the status from the token list as well as the Bitstring lists: VALID, INVALID, SUSPENDED', async () => {
    expect((await withToken(await signedStatusListToken(civilAffairs, CIVIL_AFFAIRS))).status).toMatchObject({ ok: true, state: 'VALID' });
    expect((await withToken(await signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { statuses: { [INDEX]: 1 } }))).status.state).toBe('REVOKED');
    expect((await withToken(await signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { statuses: { [INDEX]: 2 } }))).status.state).toBe('SUSPENDED');
    // Another entry's status says nothing about this one.
    expect((await withToken(await signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { statuses: { [INDEX + 1]: 1 } }))).status.state).toBe('VALID');
  });

  it('needs every list the credential names: without the token list the status is UNKNOWN, unless a list says revoked', async () => {
    expect((await withToken(null)).status).toMatchObject({ ok: false, reason: 'STATUS_UNAVAILABLE', state: 'UNKNOWN' });
    expect((await withToken(null, [INDEX])).status.state).toBe('REVOKED');
  });

  it.each<[string, () => Promise<string>]>([
    ['for another uri (sub)', () => signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { uri: `${BASE}/status-lists/CIVIL_AFFAIRS/2` })],
    ['expired (exp passed)', () => signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { expiresAt: new Date('2027-02-28T23:59:59Z') })],
    ['issued in the future', () => signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { issuedAt: new Date('2027-03-01T01:00:00Z') })],
    ['without iat', () => signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { edit: (p) => delete p['iat'] })],
    ['with a ttl of 0', () => signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { edit: (p) => (p['ttl'] = 0) })],
    [
      'with 3 bits per status',
      () => signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { edit: (p) => (p['status_list'] = { ...(p['status_list'] as object), bits: 3 }) }),
    ],
    [
      'gzip-compressed',
      () =>
        signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, {
          edit: (p) => (p['status_list'] = { bits: 2, lst: gzipSync(Buffer.alloc(32_768)).toString('base64url') }),
        }),
    ],
    [
      'too short for the index',
      () => signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { edit: (p) => (p['status_list'] = { bits: 2, lst: 'eNpjYAAAAAQAAQ' }) }),
    ],
    ['with status value 3', () => signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { statuses: { [INDEX]: 3 } })],
    ['signed by another department', () => signedStatusListToken(health, CIVIL_AFFAIRS)],
    ['typed as a JWT', () => signedStatusListToken(civilAffairs, CIVIL_AFFAIRS, { typ: 'JWT' })],
    ['a Bitstring list credential', () => signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { url: tokenListUrl('CIVIL_AFFAIRS') })],
  ])('says STATUS_LIST_INVALID for a token list %s', async (_label, make) => {
    expect((await withToken(await make())).status).toMatchObject({ ok: false, reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN' });
  });

  it('says STATUS_LIST_INVALID for a status claim without a usable status_list, and MALFORMED for a status that is not an object', async () => {
    for (const status of [
      {},
      { status_list: { idx: -1, uri: tokenListUrl('CIVIL_AFFAIRS') } },
      { status_list: { idx: '5', uri: tokenListUrl('CIVIL_AFFAIRS') } },
      { status_list: { idx: 1 } },
    ]) {
      const credential = await issueSdJwt({ payload: sdJwtPayload({ status }), disclosable: CLAIMS, key: civilAffairs });
      expect((await verifyWithLists(credential)).status).toMatchObject({ reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN' });
    }
    const notObject = await issueSdJwt({ payload: sdJwtPayload({ status: 'revoked' }), disclosable: CLAIMS, key: civilAffairs });
    expectIntegrityFailure(await verifyWithLists(notObject), 'MALFORMED');
  });
});

describe('verifyCredential: SD-JWT VC bound to its holder (cnf) with a key-binding JWT', () => {
  const holderPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = holderPair.publicKey.export({ format: 'jwk' });
  const expected = { audience: 'https://verifier.example', nonce: 'n-0S6_WzA2Mj' };
  let bound: string;
  beforeAll(async () => {
    bound = await issueSdJwt({ payload: sdJwtPayload({ cnf: { jwk } }), disclosable: CLAIMS, key: civilAffairs });
  });

  const verifyBound = async (presentation: string, keyBinding: VerifyOptions['keyBinding'] | 'none' = expected) =>
    verifyCredential(presentation, { ...optionsServing(await civilAffairsLists()), ...(keyBinding === 'none' ? {} : { keyBinding }) });

  it('accepts a presentation the holder bound to this verifier and nonce, and says so', async () => {
    const result = await verifyBound(bindPresentation(presentSdJwt(bound, ['name']), holderPair.privateKey));
    expect(result).toMatchObject({
      valid: true,
      holderBound: true,
      claims: { name: 'Li Lei' },
      integrity: { ok: true, message: expect.stringMatching(/possession/) },
    });
  });

  it('refuses it without a key-binding JWT (KEY_BINDING_MISSING), as issued or as presented', async () => {
    expectIntegrityFailure(await verifyBound(bound), 'KEY_BINDING_MISSING');
    expectIntegrityFailure(await verifyBound(presentSdJwt(bound, ['name'])), 'KEY_BINDING_MISSING');
  });

  it('refuses a wrong nonce, another key, a disclosure added after binding, or no expectation (KEY_BINDING_INVALID)', async () => {
    const presented = presentSdJwt(bound, ['name']);
    expectIntegrityFailure(await verifyBound(bindPresentation(presented, holderPair.privateKey, { nonce: 'old' })), 'KEY_BINDING_INVALID');
    expectIntegrityFailure(
      await verifyBound(bindPresentation(presented, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)),
      'KEY_BINDING_INVALID',
    );
    const kb = bindPresentation(presented, holderPair.privateKey).slice(presented.length);
    const spouse = presentSdJwt(bound, ['spouseName']).split('~')[1]!;
    expectIntegrityFailure(await verifyBound(`${presented}${spouse}~${kb}`), 'KEY_BINDING_INVALID');
    expectIntegrityFailure(await verifyBound(bindPresentation(presented, holderPair.privateKey), 'none'), 'KEY_BINDING_INVALID');
  });

  it('reads an unusable cnf as MALFORMED', async () => {
    const privateJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    for (const cnf of [{ jwk: privateJwk }, { kid: 'k1' }, 'key']) {
      const credential = await issueSdJwt({ payload: sdJwtPayload({ cnf }), disclosable: CLAIMS, key: civilAffairs });
      expectIntegrityFailure(await verifyBound(credential), 'MALFORMED');
    }
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
    [
      'deeply nested JSON',
      `${b64url({ alg: 'ES256', typ: 'vc+jwt' })}.${Buffer.from(`{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`).toString('base64url')}.sig`,
    ],
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

describe('verifyCredential: the ES256 signature check', () => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let credential: string;
  beforeAll(async () => {
    credential = await signVcJwt(marriageCredential(), civilAffairs, ISSUED);
  });

  const signingInputOf = (jws: string) => jws.slice(0, jws.lastIndexOf('.'));
  const signatureOf = (jws: string) => jws.slice(jws.lastIndexOf('.') + 1);
  const withSignature = (jws: string, signature: string) => `${signingInputOf(jws)}.${signature}`;

  it('accepts the genuine signature: 86 base64url characters', async () => {
    expect(signatureOf(credential)).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect((await verifyWithLists(credential)).integrity).toMatchObject({ ok: true });
  });

  it.each([
    ['its lowest significant bit', 0x10],
    ['its highest significant bit', 0x20],
    ['both significant bits', 0x30],
  ])('reports BAD_SIGNATURE when the last character changes %s (still 86 base64url characters)', async (_label, flip) => {
    const signature = signatureOf(credential);
    const last = ALPHABET[ALPHABET.indexOf(signature.at(-1)!) ^ flip]!;
    const altered = `${signature.slice(0, -1)}${last}`;
    expect(altered).not.toBe(signature);
    expect(altered).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(Buffer.from(altered, 'base64url').equals(Buffer.from(signature, 'base64url'))).toBe(false);
    const result = await verifyWithLists(withSignature(credential, altered));
    expectIntegrityFailure(result, 'BAD_SIGNATURE');
    expect(result.format).toBe('vc+jwt');
  });

  it.each([
    ['its unused low bit', 0x01],
    ['all four unused bits', 0x0f],
  ])('reports BAD_SIGNATURE when the last character changes %s: the same bytes, another encoding', async (_label, flip) => {
    const signature = signatureOf(credential);
    const altered = `${signature.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(signature.at(-1)!) ^ flip]!}`;
    expect(Buffer.from(altered, 'base64url').equals(Buffer.from(signature, 'base64url'))).toBe(true);
    expectIntegrityFailure(await verifyWithLists(withSignature(credential, altered)), 'BAD_SIGNATURE');
  });

  it('reports BAD_SIGNATURE when the first character of the signature changes', async () => {
    const signature = signatureOf(credential);
    const first = ALPHABET[(ALPHABET.indexOf(signature[0]!) + 1) % 64]!;
    expectIntegrityFailure(await verifyWithLists(withSignature(credential, `${first}${signature.slice(1)}`)), 'BAD_SIGNATURE');
  });

  it.each<[string, (signature: string) => string]>([
    ['one character short', (s) => s.slice(0, -1)],
    ['one character long', (s) => `${s}A`],
    ['two characters long', (s) => `${s}AA`],
    ['half of it', (s) => s.slice(0, 43)],
    ['twice as long', (s) => `${s}${s}`],
    ['empty', () => ''],
  ])('reports BAD_SIGNATURE for a signature segment %s', async (_label, change) => {
    const signature = change(signatureOf(credential));
    expect(signature.length).not.toBe(86);
    expectIntegrityFailure(await verifyWithLists(withSignature(credential, signature)), 'BAD_SIGNATURE');
  });

  it('refuses a genuine signature in DER form (the wrong length), and accepts the same signature as r‖s', async () => {
    const input = Buffer.from(signingInputOf(credential), 'ascii');
    const der = sign('sha256', input, civilAffairs.privateKey);
    expect(verify('sha256', input, publicKeyOf(civilAffairs), der)).toBe(true);
    const derSignature = der.toString('base64url');
    expect(derSignature.length).not.toBe(86);
    expectIntegrityFailure(await verifyWithLists(withSignature(credential, derSignature)), 'BAD_SIGNATURE');
    // The same r and s as 64 raw bytes: what ES256 means.
    const raw = derToRaw(der).toString('base64url');
    expect(raw).toHaveLength(86);
    expect((await verifyWithLists(withSignature(credential, raw))).valid).toBe(true);
  });

  it.each([
    ['r = s = 0', 'A'.repeat(86)],
    ['r and s above the group order', '_'.repeat(85) + 'w'],
  ])('reports BAD_SIGNATURE for an 86-character signature with %s', async (_label, signature) => {
    expectIntegrityFailure(await verifyWithLists(withSignature(credential, signature)), 'BAD_SIGNATURE');
  });

  it('gives each of many concurrent verifications its own verdict', async () => {
    const options = optionsServing(await civilAffairsLists());
    const signature = signatureOf(credential);
    const bad = withSignature(credential, `${ALPHABET[(ALPHABET.indexOf(signature[0]!) + 1) % 64]}${signature.slice(1)}`);
    const other = await signVcJwt(
      marriageCredential({ credentialSubject: { id: `urn:onegate:person:${ID_NUMBER}`, name: 'Wang Fang' } }),
      civilAffairs,
      ISSUED,
    );
    const inputs = Array.from({ length: 60 }, (_, i) => [credential, bad, other][i % 3]!);
    const results = await Promise.all(inputs.map((input) => verifyCredential(input, options)));
    results.forEach((result, i) => {
      if (i % 3 === 1) expect(result.integrity.reason).toBe('BAD_SIGNATURE');
      else expect(result).toMatchObject({ valid: true, claims: { name: i % 3 === 0 ? 'Li Lei' : 'Wang Fang' } });
    });
  });

  it('refuses a status list whose signature was altered', async () => {
    const lists = await civilAffairsLists([INDEX]);
    const revocation = listUrl('CIVIL_AFFAIRS', 'revocation');
    const genuine = lists[revocation]!;
    const signature = signatureOf(genuine);
    const altered = withSignature(genuine, `${signature.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(signature.at(-1)!) ^ 0x10]}`);
    const result = await verifyCredential(credential, optionsServing({ ...lists, [revocation]: altered }));
    expect(result.status).toMatchObject({ ok: false, reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN' });
    expect(result.status.message).toContain('the signature does not match the content');
    // The genuine list still says revoked.
    expect((await verifyCredential(credential, optionsServing(lists))).status.state).toBe('REVOKED');
  });
});

describe('verifyCredential: verified status lists kept between verifications', () => {
  const REVOCATION = listUrl('CIVIL_AFFAIRS', 'revocation');
  const SUSPENSION = listUrl('CIVIL_AFFAIRS', 'suspension');
  /** Lists are kept per anchors object: a new one per test keeps the tests apart. */
  let own: TrustAnchors;
  let credential: string;
  beforeAll(async () => {
    credential = await signVcJwt(marriageCredential(), civilAffairs, ISSUED);
  });
  beforeEach(() => {
    own = { roots: [new X509Certificate(root.certificate)] };
  });

  /** Options serving whatever `lists` holds at the time of each fetch. */
  function serving(lists: Record<string, string | null>, overrides: Partial<VerifyOptions> = {}): VerifyOptions {
    return { anchors: own, types: TYPES, now: NOW, statusList: async (url) => lists[url] ?? null, ...overrides };
  }

  it('reads a newly published list, not the one verified before it', async () => {
    const lists: Record<string, string | null> = await civilAffairsLists();
    const first = { ...lists };
    expect((await verifyCredential(credential, serving(lists))).status).toMatchObject({ ok: true, state: 'VALID' });
    expect((await verifyCredential(credential, serving(lists))).status.state).toBe('VALID');

    // The department revokes it: a new revocation list with the credential's bit set.
    lists[REVOCATION] = await signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { set: [INDEX] });
    expect((await verifyCredential(credential, serving(lists))).status).toMatchObject({ ok: false, reason: 'REVOKED', state: 'REVOKED' });
    expect((await verifyCredential(credential, serving(lists))).status.state).toBe('REVOKED');

    // Each version is read for what it says: the first lists still say VALID, a new suspension list SUSPENDED.
    expect((await verifyCredential(credential, serving(first))).status.state).toBe('VALID');
    const suspended = { ...first, [SUSPENSION]: await signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'suspension', { set: [INDEX] }) };
    expect((await verifyCredential(credential, serving(suspended))).status.state).toBe('SUSPENDED');
    expect((await verifyCredential(credential, serving(lists))).status.state).toBe('REVOKED');
  });

  it('refuses a list it accepted before once the list’s validUntil has passed, or before its validFrom', async () => {
    const lists = await civilAffairsLists(); // valid from 2027-02-28T00:00Z until 2027-03-02T00:00Z
    expect((await verifyCredential(credential, serving(lists))).status.state).toBe('VALID');
    for (const now of ['2027-03-02T00:00:00Z', '2027-03-02T00:00:01Z', '2027-06-01T00:00:00Z']) {
      const result = await verifyCredential(credential, serving(lists, { now: new Date(now) }));
      expect(result).toMatchObject({ valid: false, integrity: { ok: true }, status: { ok: false, reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN' } });
      expect(result.status.message).toBe('the status list is out of date (its validUntil has passed)');
    }
    const early = await verifyCredential(credential, serving(lists, { now: new Date('2027-02-27T23:59:59Z') }));
    expect(early.status).toMatchObject({ reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN', message: 'the status list is not yet valid' });
    // Within its period it is accepted again, up to the last millisecond.
    expect((await verifyCredential(credential, serving(lists))).status.state).toBe('VALID');
    expect((await verifyCredential(credential, serving(lists, { now: new Date('2027-03-01T23:59:59.999Z') }))).status.state).toBe('VALID');
    expect((await verifyCredential(credential, serving(lists, { now: new Date('2027-02-28T00:00:00Z') }))).status.state).toBe('VALID');
  });

  it('refuses a list it accepted before once the certificate that signed it has expired', async () => {
    const until = new Date('2027-03-01T12:00:00Z');
    const shortLived = await departmentKey(root, CIVIL_AFFAIRS, until);
    const lists = {
      [REVOCATION]: await signedStatusList(shortLived, CIVIL_AFFAIRS, 'revocation'),
      [SUSPENSION]: await signedStatusList(shortLived, CIVIL_AFFAIRS, 'suspension'),
    };
    expect((await verifyCredential(credential, serving(lists))).status.state).toBe('VALID');
    expect((await verifyCredential(credential, serving(lists, { now: until }))).status.state).toBe('VALID');
    const after = await verifyCredential(credential, serving(lists, { now: new Date(until.getTime() + 1000) }));
    expect(after).toMatchObject({ integrity: { ok: true }, status: { ok: false, reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN' } });
    expect(after.status.message).toBe('the status list credential is not valid: the signing certificate has expired');
  });

  it('refuses a list served for another URL, even after accepting it for its own', async () => {
    const lists = await civilAffairsLists();
    expect((await verifyCredential(credential, serving(lists))).status.state).toBe('VALID');

    // A credential on list 2, whose revocation list is answered with list 1's.
    const list2 = `${BASE}/status-lists/CIVIL_AFFAIRS/2/revocation`;
    const [revocation, suspension] = statusEntries('CIVIL_AFFAIRS');
    const onList2 = await signVcJwt(
      marriageCredential({ credentialStatus: [{ ...revocation, id: `${list2}#${INDEX}`, statusListCredential: list2 }, suspension] }),
      civilAffairs,
      ISSUED,
    );
    const swapped = { ...lists, [list2]: lists[REVOCATION]! };
    for (let round = 0; round < 2; round++) {
      const result = await verifyCredential(onList2, serving(swapped));
      expect(result).toMatchObject({ valid: false, integrity: { ok: true }, status: { ok: false, reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN' } });
      expect(result.status.message).toBe('the status list credential is for a different URL');
    }
    // Refusing it under list 2 did not spoil it for list 1, and list 2's own list is accepted.
    expect((await verifyCredential(credential, serving(lists))).status.state).toBe('VALID');
    const ownList2 = { ...swapped, [list2]: await signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { url: list2, set: [INDEX] }) };
    expect((await verifyCredential(onList2, serving(ownList2))).status.state).toBe('REVOKED');
    // …and that one is not accepted in place of list 1.
    const result = await verifyCredential(credential, serving({ ...lists, [REVOCATION]: ownList2[list2]! }));
    expect(result.status).toMatchObject({ reason: 'STATUS_LIST_INVALID', message: 'the status list credential is for a different URL' });
  });

  it('still checks the department of a list accepted before for another credential', async () => {
    // Health's list, accepted while verifying a Health credential…
    const healthList = listUrl('HEALTH', 'revocation');
    const healthLists = { [healthList]: await signedStatusList(health, HEALTH, 'revocation') };
    const [healthEntry] = statusEntries('HEALTH');
    const byHealth = await signVcJwt(marriageCredential({ issuer: { id: 'urn:onegate:department:HEALTH' }, credentialStatus: [healthEntry] }), health, ISSUED);
    expect((await verifyCredential(byHealth, serving(healthLists))).status.state).toBe('VALID');
    // …says nothing about a Civil Affairs credential pointing at it.
    const pointing = await signVcJwt(marriageCredential({ credentialStatus: [healthEntry] }), civilAffairs, ISSUED);
    const result = await verifyCredential(pointing, serving(healthLists));
    expect(result.status).toMatchObject({
      reason: 'STATUS_LIST_INVALID',
      state: 'UNKNOWN',
      message: 'the status list is signed by a different department than the credential',
    });
  });

  it('keeps lists per trust anchors: a list accepted under other anchors is checked again', async () => {
    const rogueRoot = createRootCa({ creditCode: OPERATOR_CREDIT_CODE, now: new Date('2026-01-01T00:00:00Z') });
    const rogue = await departmentKey(rogueRoot, CIVIL_AFFAIRS);
    const lists = {
      [REVOCATION]: await signedStatusList(rogue, CIVIL_AFFAIRS, 'revocation'),
      [SUSPENSION]: await signedStatusList(rogue, CIVIL_AFFAIRS, 'suspension'),
    };
    // Anchors that also trust the other root accept the lists…
    const both: TrustAnchors = { roots: [new X509Certificate(root.certificate), new X509Certificate(rogueRoot.certificate)] };
    expect((await verifyCredential(credential, serving(lists, { anchors: both }))).status.state).toBe('VALID');
    // …the usual anchors do not, before or after.
    const result = await verifyCredential(credential, serving(lists));
    expect(result).toMatchObject({ integrity: { ok: true }, status: { reason: 'STATUS_LIST_INVALID', state: 'UNKNOWN' } });
    expect(result.status.message).toBe('the status list credential is not valid: the certificate chain does not lead to a trusted root');
    expect((await verifyCredential(credential, serving(lists, { anchors: both }))).status.state).toBe('VALID');
  });
});

function publicKeyOf(key: SigningKey) {
  return new X509Certificate(Buffer.from(key.x5c[0]!, 'base64')).publicKey;
}

/** An ECDSA-Sig-Value (SEQUENCE of two INTEGERs) as r‖s, 32 bytes each. */
function derToRaw(der: Buffer): Buffer {
  let offset = 2; // SEQUENCE tag and (short) length: a P-256 signature is under 128 bytes
  const integer = () => {
    const length = der[offset + 1]!;
    const bytes = der.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
    const unsigned = bytes[0] === 0 ? bytes.subarray(1) : bytes;
    return Buffer.concat([Buffer.alloc(32 - unsigned.length), unsigned]);
  };
  return Buffer.concat([integer(), integer()]);
}
