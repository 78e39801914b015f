/**
 * For tests: a root, department keys, and credentials and status lists shaped as onegate issues
 * and publishes them (Li Lei's marriage certificate, list 1 of Civil Affairs at INDEX), shared by
 * the verifier's and the offline CLI's tests.
 */
import { createRootCa, generateSigningKeyPair, issueDepartmentCertificate, type RootCa } from '../trust/certificate-authority.js';
import type { SigningKey } from './credential-model.js';
import { Bitstring, encodeList, STATUS_LIST_SIZE, statusListCredential, type StatusPurpose } from './status-list.js';
import { kidOf, signVcJwt } from './vc-jwt.js';

export const OPERATOR_CREDIT_CODE = '91350100M000100Y43';
export const CIVIL_AFFAIRS = { code: 'CIVIL_AFFAIRS', name: 'Civil Affairs Bureau', creditCode: '113308000024775820' };
export const HEALTH = { code: 'HEALTH', name: 'Health Commission', creditCode: '11330800002478702A' };
export type Department = typeof CIVIL_AFFAIRS;

export const ISSUED = new Date('2026-11-22T09:30:00Z');
export const BASE = 'https://onegate.example';
export const INDEX = 81_234;
export const ID_NUMBER = '330802199001011234';
/** GB/T 36904 identifier: 民政部's marriage certificate type code, Civil Affairs as issuer, version 001. */
export const IDENTIFIER = '1.2.156.3005.2.111000000000131433001.113308000024775820.2026000001.001.G';
/**
 * The same certificate as onegate identified it before issue 21 (legacy on purpose: the issuer as its
 * own type authority, a 2-digit version): such credentials stay in wallets and must keep verifying.
 */
export const LEGACY_IDENTIFIER = '1.2.156.3005.2.113308000024775820001.113308000024775820.2026000001.01.O';
/** The marriage certificate's claims; each one selectively disclosable in the SD-JWT form. */
export const CLAIMS = { name: 'Li Lei', spouseName: 'Han Meimei', registeredOn: '2026-11-22', registrationOffice: 'Quzhou' };

/** A root CA valid from 2026-01-01 for ten years. */
export function testRoot(): RootCa {
  return createRootCa({ creditCode: OPERATOR_CREDIT_CODE, now: new Date('2026-01-01T00:00:00Z') });
}

/** A department's issuing key, certified by `root` from 2026-01-01 until `notAfter`. */
export async function departmentKey(root: RootCa, department: Department, notAfter = new Date('2030-01-01T00:00:00Z')): Promise<SigningKey> {
  const pair = generateSigningKeyPair();
  const certificate = issueDepartmentCertificate({
    root: { certificate: root.certificate, privateKey: root.privateKey },
    department,
    publicKey: pair.publicKey,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter,
  });
  return { kid: await kidOf(pair.publicKey), privateKey: pair.privateKey, x5c: [certificate.toString('base64')] };
}

export function listUrl(department: string, purpose: StatusPurpose): string {
  return `${BASE}/status-lists/${department}/1/${purpose}`;
}

export function statusEntries(department: string): Record<string, unknown>[] {
  return (['revocation', 'suspension'] as const).map((purpose) => ({
    id: `${listUrl(department, purpose)}#${INDEX}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(INDEX),
    statusListCredential: listUrl(department, purpose),
  }));
}

/** The credentialSubject of the holder with these claims. */
export function holderSubject(claims: Record<string, unknown> = CLAIMS): Record<string, unknown> {
  return { id: `urn:onegate:person:${ID_NUMBER}`, ...claims };
}

/** The unsigned VC 2.0 marriage certificate (sign it with signVcJwt). */
export function marriageCredential(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: `urn:oid:${IDENTIFIER}`,
    type: ['VerifiableCredential', 'OnegateCertificate'],
    certificateType: 'MARRIAGE_CERTIFICATE',
    issuer: { id: 'urn:onegate:department:CIVIL_AFFAIRS', name: CIVIL_AFFAIRS.name, creditCode: CIVIL_AFFAIRS.creditCode },
    validFrom: '2026-11-22T09:30:00Z',
    validUntil: '2036-11-22T09:30:00Z',
    credentialSubject: holderSubject(),
    credentialStatus: statusEntries('CIVIL_AFFAIRS'),
    ...overrides,
  };
}

/** The always-visible payload of the SD-JWT form (issue it with issueSdJwt and CLAIMS as disclosable). */
export function sdJwtPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: 'urn:onegate:department:CIVIL_AFFAIRS',
    iat: Math.floor(ISSUED.getTime() / 1000),
    nbf: Math.floor(ISSUED.getTime() / 1000),
    vct: 'urn:onegate:certificate-type:MARRIAGE_CERTIFICATE',
    jti: `urn:oid:${IDENTIFIER}`,
    credentialStatus: statusEntries('CIVIL_AFFAIRS'),
    ...overrides,
  };
}

export interface ListOptions {
  set?: number[];
  validUntil?: Date;
  purpose?: StatusPurpose;
  url?: string;
}

/** A signed status list credential as the department would publish it. */
export async function signedStatusList(key: SigningKey, department: Department, purpose: StatusPurpose, opts: ListOptions = {}): Promise<string> {
  const url = opts.url ?? listUrl(department.code, purpose);
  const credential = statusListCredential({
    url,
    issuer: { id: `urn:onegate:department:${department.code}`, name: department.name, creditCode: department.creditCode },
    purpose: opts.purpose ?? purpose,
    encodedList: encodeList(Bitstring.fromIndices(STATUS_LIST_SIZE, opts.set ?? []).bytes),
    validFrom: new Date('2027-02-28T00:00:00Z'),
    validUntil: opts.validUntil ?? new Date('2027-03-02T00:00:00Z'),
  });
  return signVcJwt(credential, key, ISSUED);
}
