import { checkStatus, decodeList, getCredentialStatus, statusTypeMatches } from '@digitalbazaar/vc-bitstring-status-list';
import { createTestApp, type TestApp } from '../harness/test-app.js';
import { changeStatus, issueMarriageCertificate, jwsParts, verifiesWithX5cLeaf } from './support/issued-certificate.js';

/*
 * W3C Bitstring Status List v1.0 as Digital Bazaar's implementation reads it: the credential's
 * `credentialStatus` entries, the published status list credentials (fetched from the gateway,
 * their JWS checked with jsrsasign), the list length, and the bit of the credential before and
 * after the department revokes, suspends and reinstates it.
 */

const MINIMUM_LIST_LENGTH = 131_072;

describe('Bitstring Status List, read by @digitalbazaar/vc-bitstring-status-list', () => {
  let t: TestApp;
  /** Every status list credential fetched, so the test can also read the lists themselves. */
  const fetched = new Map<string, Record<string, unknown>>();

  /** The library's document loader: the gateway's published list, after its signature is checked. */
  const documentLoader = async (url: string) => {
    const res = await t.http().get(new URL(url).pathname);
    if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    if (!verifiesWithX5cLeaf(res.text)) throw new Error(`${url}: signature does not verify`);
    const { payload } = jwsParts(res.text);
    fetched.set(url, payload);
    return { documentUrl: url, document: payload, contextUrl: null };
  };

  /** The library's answer for one purpose: the bit of the credential in the list of that purpose. */
  const statusOf = async (credential: Record<string, unknown>, purpose: 'revocation' | 'suspension') => {
    const checked = await checkStatus({ credential, documentLoader, verifyBitstringStatusListCredential: false });
    if (!checked.verified) throw checked.error ?? new Error('status not verified');
    const results = checked.results!.filter((r) => r.credentialStatus.statusPurpose === purpose);
    expect(results).toHaveLength(1);
    return results[0]!.status;
  };

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reads both entries of an issued credential, each in a list of at least 131,072 entries', async () => {
    const issued = await issueMarriageCertificate(t, 'conformance-bsl-001');
    const credential = jwsParts(issued.credential).payload;
    expect(statusTypeMatches({ credential })).toBe(true);
    for (const purpose of ['revocation', 'suspension'] as const) {
      const entry = getCredentialStatus({ credential, statusPurpose: purpose });
      expect(entry).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: purpose });
      expect(await statusOf(credential, purpose)).toBe(false);
      const list = fetched.get(entry.statusListCredential as string)!;
      expect(list).toMatchObject({
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        credentialSubject: { type: 'BitstringStatusList', statusPurpose: purpose },
      });
      const decoded = await decodeList({ encodedList: (list['credentialSubject'] as { encodedList: string }).encodedList });
      expect(decoded.length).toBeGreaterThanOrEqual(MINIMUM_LIST_LENGTH);
      expect(Number(entry.statusListIndex)).toBeLessThan(decoded.length);
    }
  });

  it('after revocation the revocation bit is set and the suspension bit is not', async () => {
    const issued = await issueMarriageCertificate(t, 'conformance-bsl-002');
    const credential = jwsParts(issued.credential).payload;
    await changeStatus(t, issued.id, 'revoke');
    expect(await statusOf(credential, 'revocation')).toBe(true);
    expect(await statusOf(credential, 'suspension')).toBe(false);
  });

  it('suspension sets the suspension bit; reinstatement clears it', async () => {
    const issued = await issueMarriageCertificate(t, 'conformance-bsl-003');
    const credential = jwsParts(issued.credential).payload;
    await changeStatus(t, issued.id, 'suspend');
    expect(await statusOf(credential, 'suspension')).toBe(true);
    expect(await statusOf(credential, 'revocation')).toBe(false);
    await changeStatus(t, issued.id, 'reinstate');
    expect(await statusOf(credential, 'suspension')).toBe(false);
  });

  it("only the changed credential's bit moves: a neighbour in the same list stays valid", async () => {
    const [a, b] = [await issueMarriageCertificate(t, 'conformance-bsl-004'), await issueMarriageCertificate(t, 'conformance-bsl-005')];
    await changeStatus(t, a.id, 'revoke');
    expect(await statusOf(jwsParts(a.credential).payload, 'revocation')).toBe(true);
    expect(await statusOf(jwsParts(b.credential).payload, 'revocation')).toBe(false);
  });
});
