/**
 * For tests: a root, department keys, and credentials and status lists shaped as onegate issues
 * and publishes them (Li Lei's marriage certificate, list 1 of Civil Affairs at INDEX), shared by
 * the verifier's and the offline CLI's tests.
 */
import { sign, type KeyObject } from 'node:crypto';
import { createRootCa, generateSigningKeyPair, issueDepartmentCertificate, type RootCa } from '../trust/certificate-authority.js';
import { ONEGATE_CONTEXT_V1_DIGEST_SRI, type SigningKey } from './credential-model.js';
import { KB_JWT_TYPE, sdHash } from './key-binding.js';
import { Bitstring, encodeList, STATUS_LIST_SIZE, statusListCredential, type StatusPurpose } from './status-list.js';
import { STATUS_LIST_TOKEN_TYPE, statusListTokenPayload, TokenStatusArray } from './token-status-list.js';
import { kidOf, protectedHeaderFor, signCompact, signVcJwt } from './vc-jwt.js';

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
 * The same certificate as onegate identified it until December 2026 (legacy on purpose: the issuer as its
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

/** Where a department's Token Status List of list 1 is published (the SD-JWT VC `status.status_list.uri`). */
export function tokenListUrl(department: string): string {
  return `${BASE}/status-lists/${department}/1`;
}

/** The SD-JWT VC `status` claim: the same list and index, as a Token Status List reference. */
export function tokenStatus(department: string, index = INDEX): Record<string, unknown> {
  return { status_list: { idx: index, uri: tokenListUrl(department) } };
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
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://w3id.org/onegate/credentials/v1'],
    id: `urn:oid:${IDENTIFIER}`,
    type: ['VerifiableCredential', 'OnegateCertificate'],
    certificateType: 'MARRIAGE_CERTIFICATE',
    issuer: { id: 'urn:onegate:department:CIVIL_AFFAIRS', name: CIVIL_AFFAIRS.name, creditCode: CIVIL_AFFAIRS.creditCode },
    validFrom: '2026-11-22T09:30:00Z',
    validUntil: '2036-11-22T09:30:00Z',
    credentialSubject: holderSubject(),
    credentialStatus: statusEntries('CIVIL_AFFAIRS'),
    relatedResource: [{ id: 'https://w3id.org/onegate/credentials/v1', digestSRI: ONEGATE_CONTEXT_V1_DIGEST_SRI }],
    ...overrides,
  };
}

/** The same credential as onegate issued it before its own JSON-LD context: the VC 2.0 context alone. */
export function marriageCredentialBeforeOnegateContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { relatedResource: _, ...credential } = marriageCredential({ '@context': ['https://www.w3.org/ns/credentials/v2'], ...overrides });
  return credential;
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

export interface TokenListOptions {
  /** Status values by index (0 VALID, 1 INVALID, 2 SUSPENDED). */
  statuses?: Record<number, number>;
  uri?: string;
  issuedAt?: Date;
  expiresAt?: Date;
  /** Changes to the claims after they are built (to make broken tokens). */
  edit?: (payload: Record<string, unknown>) => void;
  typ?: string;
}

/** A signed Token Status List token (statuslist+jwt) as the department publishes it. */
export async function signedStatusListToken(key: SigningKey, department: Department, opts: TokenListOptions = {}): Promise<string> {
  const list = new TokenStatusArray(STATUS_LIST_SIZE);
  for (const [index, value] of Object.entries(opts.statuses ?? {})) list.set(Number(index), value);
  const payload = statusListTokenPayload({
    uri: opts.uri ?? tokenListUrl(department.code),
    issuer: `urn:onegate:department:${department.code}`,
    issuedAt: opts.issuedAt ?? new Date('2027-02-28T23:00:00Z'),
    expiresAt: opts.expiresAt ?? new Date('2027-03-02T00:00:00Z'),
    ttlSeconds: 60,
    list,
  });
  opts.edit?.(payload);
  return signCompact(payload, protectedHeaderFor(key, opts.typ ?? STATUS_LIST_TOKEN_TYPE), key);
}

export interface KeyBindingOptions {
  audience?: string;
  nonce?: string;
  issuedAt?: Date;
  /** Defaults to the alg of the key: ES256 for P-256, EdDSA for Ed25519. */
  alg?: string;
  typ?: string;
  /** Replace sd_hash (to make a mismatching one). */
  sdHash?: string;
}

/**
 * The holder's wallet side: appends a Key Binding JWT signed by `privateKey` to a presentation
 * (which ends in "~"), as RFC 9901 §4.3 describes.
 */
export function bindPresentation(presentation: string, privateKey: KeyObject, opts: KeyBindingOptions = {}): string {
  const ed25519 = privateKey.asymmetricKeyType === 'ed25519';
  const header = { typ: opts.typ ?? KB_JWT_TYPE, alg: opts.alg ?? (ed25519 ? 'EdDSA' : 'ES256') };
  const payload = {
    iat: Math.floor((opts.issuedAt ?? new Date('2027-03-01T00:00:00Z')).getTime() / 1000),
    aud: opts.audience ?? 'https://verifier.example',
    nonce: opts.nonce ?? 'n-0S6_WzA2Mj',
    sd_hash: opts.sdHash ?? sdHash(presentation),
  };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = ed25519 ? sign(null, Buffer.from(input), privateKey) : sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${presentation}${input}.${signature.toString('base64url')}`;
}
