import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { readCatalogFiles } from '../src/catalog/catalog-files.js';
import { certificateTypeMap, readCertificateTypes } from '../src/certificates/certificate-types.js';
import { BatchVerifier } from '../src/certificates/credential/batch-verifier.js';
import { issueSdJwt } from '../src/certificates/credential/sd-jwt.js';
import {
  CIVIL_AFFAIRS,
  CLAIMS,
  departmentKey,
  HEALTH,
  INDEX,
  ISSUED,
  LEGACY_IDENTIFIER,
  listUrl,
  marriageCredential,
  marriageCredentialBeforeOnegateContext,
  sdJwtPayload,
  signedStatusList,
  testRoot,
} from '../src/certificates/credential/test-credentials.fixture.js';
import { signVcJwt } from '../src/certificates/credential/vc-jwt.js';
import { verifyCredential, type VerificationResult } from '../src/certificates/credential/verify-credential.js';
import { indexStatusLists, offlineStatusListSource, type StatusListFile } from '../src/certificates/offline-status-lists.js';
import { createRootCa } from '../src/certificates/trust/certificate-authority.js';

// The batch verifier runs the built worker (dist/, which the e2e set-up builds when stale).
const NOW = new Date('2027-03-01T00:00:00Z');
/** Which of the credentials below are valid. */
const VALID = [true, false, false, false, false, true, false, true, false, true];

describe('BatchVerifier', () => {
  let anchorsPem: string;
  let files: StatusListFile[];
  let credentials: string[];
  let verifier: BatchVerifier;

  beforeAll(async () => {
    const root = testRoot();
    anchorsPem = new X509Certificate(root.certificate).toString();
    const civilAffairs = await departmentKey(root, CIVIL_AFFAIRS);
    const health = await departmentKey(root, HEALTH);
    const stranger = await departmentKey(createRootCa({ creditCode: '91350100M000100Y43', now: new Date('2026-01-01T00:00:00Z') }), CIVIL_AFFAIRS);
    files = [
      { source: 'revocation.jwt', text: await signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'revocation', { set: [INDEX + 1] }) },
      { source: 'suspension.jwt', text: await signedStatusList(civilAffairs, CIVIL_AFFAIRS, 'suspension') },
    ];
    const valid = await signVcJwt(marriageCredential(), civilAffairs, ISSUED);
    const revoked = await signVcJwt(
      marriageCredential({
        credentialStatus: (['revocation', 'suspension'] as const).map((purpose) => ({
          id: `${listUrl('CIVIL_AFFAIRS', purpose)}#${INDEX + 1}`,
          type: 'BitstringStatusListEntry',
          statusPurpose: purpose,
          statusListIndex: String(INDEX + 1),
          statusListCredential: listUrl('CIVIL_AFFAIRS', purpose),
        })),
      }),
      civilAffairs,
      ISSUED,
    );
    const [head, payload, signature] = valid.split('.');
    const tamperedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), certificateType: 'DEATH_CERTIFICATE' }),
    ).toString('base64url');
    const sdJwt = await issueSdJwt({ payload: sdJwtPayload(), disclosable: CLAIMS, key: civilAffairs });
    credentials = [
      valid,
      revoked,
      `${head}.${tamperedPayload}.${signature}`,
      await signVcJwt(marriageCredential(), health, ISSUED),
      await signVcJwt(marriageCredential(), stranger, ISSUED),
      sdJwt,
      'not a credential',
      // Issued before onegate's JSON-LD context: the VC 2.0 context alone still verifies; a context onegate does not know does not.
      await signVcJwt(marriageCredentialBeforeOnegateContext(), civilAffairs, ISSUED),
      await signVcJwt(marriageCredential({ '@context': ['https://www.w3.org/ns/credentials/v2', 'https://contexts.example/onegate'] }), civilAffairs, ISSUED),
      // Issued before GB/T 36904 identifiers (onegate's legacy form): verifies as before.
      await signVcJwt(marriageCredential({ id: `urn:oid:${LEGACY_IDENTIFIER}` }), civilAffairs, ISSUED),
    ];
    verifier = new BatchVerifier({ anchorsPem, statusLists: { kind: 'offline', files }, workers: 2, chunkSize: 3 });
  });

  afterAll(async () => {
    await verifier.close();
  });

  /** What verifyCredential says in this thread, with the same anchors, types and status lists. */
  async function oneByOne(list: readonly string[]): Promise<VerificationResult[]> {
    const options = {
      anchors: { roots: [new X509Certificate(anchorsPem)] },
      types: certificateTypeMap(readCertificateTypes(readCatalogFiles())),
      now: NOW,
      statusList: offlineStatusListSource(indexStatusLists(files)).statusList,
    };
    return Promise.all(list.map((credential) => verifyCredential(credential, options)));
  }

  it('gives every credential the verdict verifyCredential gives it, in the order given', async () => {
    const results = await verifier.verify(credentials, NOW);
    expect(results).toEqual(await oneByOne(credentials));
    expect(results.map((r) => r.valid)).toEqual(VALID);
    expect(results[1]!.status).toMatchObject({ ok: false, reason: 'REVOKED' });
    expect(results[2]!.integrity).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(results[3]!.issuer).toMatchObject({ ok: false });
    expect(results[4]!.integrity.ok).toBe(false);
    expect(results[5]!.claims).toMatchObject(CLAIMS);
    expect(results[7]!.status).toMatchObject({ ok: true, state: 'VALID' });
    expect(results[8]!.integrity).toMatchObject({ ok: false, reason: 'MALFORMED' });
    expect(results[9]!.identifier).toBe(LEGACY_IDENTIFIER);
  });

  it('keeps the order over many chunks spread across its workers', async () => {
    const many = Array.from({ length: 200 }, (_, i) => credentials[i % credentials.length]!);
    const results = await verifier.verify(many, NOW);
    expect(results).toHaveLength(200);
    expect(results.map((r) => r.valid)).toEqual(many.map((_, i) => VALID[i % credentials.length]));
  });

  it('answers an empty batch with no results', async () => {
    await expect(verifier.verify([], NOW)).resolves.toEqual([]);
  });

  it('refuses work once closed', async () => {
    const closing = new BatchVerifier({ anchorsPem, statusLists: { kind: 'offline', files }, workers: 1 });
    const pending = expect(
      closing.verify(
        Array.from({ length: 50 }, () => credentials[0]!),
        NOW,
      ),
    ).rejects.toThrow('closed');
    await closing.close();
    await pending;
    await expect(closing.verify([credentials[0]!], NOW)).rejects.toThrow('closed');
  });
});
