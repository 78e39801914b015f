import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { BoundedMap } from '../../common/bounded-map.js';
import { verifyChain, type ChainFailure, type TrustAnchors } from '../trust/chain.js';
import {
  ACCEPTED_CONTEXTS,
  CERTIFICATE_TYPE_URN_PREFIX,
  departmentUrn,
  isJsonObject,
  MAX_CREDENTIAL_LENGTH,
  MAX_STATUS_LIST_CREDENTIAL_LENGTH,
  OID_URN_PREFIX,
  parseDateTime,
  PINNED_CONTEXTS,
  SD_JWT_TYPE,
  SIGNING_ALGORITHM,
  VC_JWT_TYPE,
  type CredentialFormat,
  type Failure,
  type JsonObject,
} from './credential-model.js';
import { claimsOfDisclosures, splitSdJwt } from './sd-jwt.js';
import { bitAt, decodeList, type StatusPurpose } from './status-list.js';
import { kidOf, splitCompactJws } from './vc-jwt.js';

/**
 * The one credential verifier, used online (GraphQL, public endpoint) and offline (CLI with only
 * the trust anchors). It answers three separate questions, each with a reason code and message:
 *
 * 1. integrity — is this an unaltered credential signed by a key the root certified?
 * 2. status    — is it still in force (not revoked, suspended, expired, or not yet valid)?
 * 3. issuer    — may the signing department issue this certificate type, and does the
 *                credential name that department as its issuer?
 *
 * Status and issuer are only examined once integrity holds: before that, nothing in the
 * credential is trustworthy, and its status list URLs must not be fetched.
 * Untrusted input never makes it throw; messages describe problems without echoing input.
 */

export interface Verdict {
  ok: boolean;
  reason: string | null;
  message: string;
}

export type IntegrityReason =
  | 'MALFORMED'
  | 'UNSUPPORTED_ALGORITHM'
  | 'UNSUPPORTED_TYPE'
  | 'KID_MISMATCH'
  | 'BAD_SIGNATURE'
  | 'BAD_DISCLOSURE'
  | ChainFailure;

export type StatusState = 'VALID' | 'REVOKED' | 'SUSPENDED' | 'EXPIRED' | 'NOT_YET_VALID' | 'UNKNOWN';

export type StatusReason = 'REVOKED' | 'SUSPENDED' | 'EXPIRED' | 'NOT_YET_VALID' | 'STATUS_UNAVAILABLE' | 'STATUS_LIST_INVALID' | 'NOT_CHECKED';

export type IssuerReason = 'TYPE_UNKNOWN' | 'ISSUER_NOT_AUTHORISED' | 'ISSUER_MISMATCH' | 'NOT_CHECKED';

export interface VerificationResult {
  /** All three verdicts pass. */
  valid: boolean;
  format: CredentialFormat | null;
  /** The credential `id` (vc+jwt) or `jti` (SD-JWT) without `urn:oid:`; null unless integrity holds. */
  identifier: string | null;
  /** The certificate type code; null unless integrity holds. */
  certificateType: string | null;
  integrity: Verdict;
  status: Verdict & { state: StatusState };
  issuer: Verdict & { department: string | null };
  /** credentialSubject claims (vc+jwt: all; SD-JWT: the disclosed ones); empty unless integrity holds. */
  claims: Record<string, unknown>;
}

export interface VerifyOptions {
  anchors: TrustAnchors;
  /** Certificate type code → code of the department that issues it. */
  types: ReadonlyMap<string, { issuer: string }>;
  now: Date;
  /** Fetch a status list credential (compact vc+jwt) by URL; null when unavailable (offline without a cache). */
  statusList: (url: string) => Promise<string | null>;
  /**
   * Where signatures are checked: on libuv's thread pool (the default: the caller's event loop stays
   * free), or in the calling thread (`inline`: for a thread that does nothing else, such as a batch
   * verifier's worker, where handing each signature to the pool only adds a round trip).
   */
  signatures?: 'thread-pool' | 'inline';
}

/** Verifies a credential (compact `vc+jwt`, or an SD-JWT VC issuance or presentation). Never throws. */
export async function verifyCredential(input: unknown, options: VerifyOptions): Promise<VerificationResult> {
  try {
    return await verify(input, options);
  } catch {
    // A safety net for bugs, not a code path: every expected failure is reported as a value.
    return notVerified(null, { ok: false, reason: 'MALFORMED', message: 'the credential could not be processed' });
  }
}

async function verify(input: unknown, options: VerifyOptions): Promise<VerificationResult> {
  const integrity = await checkIntegrity(input, options);
  if (!integrity.ok) return notVerified(integrity.format, integrity);
  const { view, signer } = integrity;
  const status = await checkStatus(view, signer.department, options);
  const issuer = checkIssuer(view, signer, options.types);
  return {
    valid: status.ok && issuer.ok,
    format: view.format,
    identifier: view.identifier,
    certificateType: view.certificateType,
    integrity: { ok: true, reason: null, message: `signed with the certificate issuing key of ${signer.department}, certified by a trusted root` },
    status,
    issuer,
    claims: view.claims,
  };
}

function notVerified(format: CredentialFormat | null, failure: Failure): VerificationResult {
  const notChecked = { ok: false, reason: 'NOT_CHECKED', message: 'not checked: the credential failed the integrity check' };
  return {
    valid: false,
    format,
    identifier: null,
    certificateType: null,
    integrity: { ok: false, reason: failure.reason, message: failure.message },
    status: { ...notChecked, state: 'UNKNOWN' },
    issuer: { ...notChecked, department: null },
    claims: {},
  };
}

// ---------------------------------------------------------------------------------------------
// Signed JWS (shared by credentials and status list credentials)

interface Signer {
  department: string;
  creditCode: string | null;
  publicKey: KeyObject;
}

interface VerifiedJws {
  ok: true;
  header: JsonObject;
  payload: JsonObject;
  signer: Signer;
  /** When the signing chain is valid (ms since the epoch). */
  window: { notBefore: number; notAfter: number };
}

function fail<R extends string>(reason: R, message: string): Failure<R> {
  return { ok: false, reason, message };
}

/**
 * Checks a compact JWS: the expected `typ`, ES256 only (never `none`, HMAC or anything else a
 * header could pick), the `x5c` leaf chaining to an anchor and valid at `now`, `kid` naming that leaf
 * key, and the signature under the leaf key.
 */
async function verifySignedJws(
  compact: string,
  expectedType: CredentialFormat,
  options: VerifyOptions,
  maxLength: number,
): Promise<VerifiedJws | Failure<IntegrityReason>> {
  const { anchors, now } = options;
  const parts = splitCompactJws(compact, maxLength);
  if (!parts.ok) return parts;
  const { header, payload } = parts;
  if (header['typ'] !== expectedType) return fail('UNSUPPORTED_TYPE', `expected a JWS of type ${expectedType}`);
  if (header['alg'] !== SIGNING_ALGORITHM) return fail('UNSUPPORTED_ALGORITHM', `only ${SIGNING_ALGORITHM} signatures are accepted`);
  const chain = verifyChain(header['x5c'], anchors, now);
  if (!chain.ok) return fail(chain.reason, chain.message);
  if (header['kid'] !== (await kidOf(chain.publicKey))) return fail('KID_MISMATCH', 'the kid header is missing or does not name the key of the x5c certificate');
  if (!(await es256Verifies(compact, chain.publicKey, options.signatures === 'inline'))) {
    return fail('BAD_SIGNATURE', 'the signature does not match the content: the credential was altered or not signed by this key');
  }
  return {
    ok: true,
    header,
    payload,
    signer: { department: chain.department, creditCode: chain.creditCode, publicKey: chain.publicKey },
    window: chain.window,
  };
}

/** ES256 signature bytes: r and s, 32 bytes each (RFC 7518 §3.4), as 86 base64url characters. */
const ES256_SIGNATURE_BASE64URL_LENGTH = 86;

/**
 * Checks the ES256 signature of a compact JWS (its parts already checked as base64url) with
 * OpenSSL, on libuv's thread pool (the event loop stays free, and many verifications run on as many
 * cores as the pool has threads) or, `inline`, in this thread. `publicKey` is an EC P-256 key (the
 * chain's leaf check ensures it).
 */
function es256Verifies(compact: string, publicKey: KeyObject, inline: boolean): Promise<boolean> | boolean {
  const dot = compact.lastIndexOf('.');
  const encoded = compact.slice(dot + 1);
  if (encoded.length !== ES256_SIGNATURE_BASE64URL_LENGTH) return false;
  const signature = Buffer.from(encoded, 'base64url');
  // One encoding per signature: the last character's 4 unused bits must be zero, and no character
  // outside base64url (which Node's decoder would accept or skip) may appear.
  if (signature.toString('base64url') !== encoded) return false;
  const signingInput = Buffer.from(compact.slice(0, dot), 'ascii');
  const key = { key: publicKey, dsaEncoding: 'ieee-p1363' } as const;
  if (inline) return verifySignature('sha256', signingInput, key, signature);
  return new Promise((resolve) => {
    verifySignature('sha256', signingInput, key, signature, (error, ok) => resolve(!error && ok));
  });
}

// ---------------------------------------------------------------------------------------------
// Integrity

/** What the later checks need, read the same way from both formats. */
interface CredentialView {
  format: CredentialFormat;
  identifier: string | null;
  certificateType: string | null;
  issuerId: string | null;
  issuerCreditCode: string | null;
  validFrom: Date | null;
  validUntil: Date | null;
  statusEntries: unknown[];
  claims: Record<string, unknown>;
}

type IntegrityOutcome =
  | { ok: true; view: CredentialView; signer: Signer }
  | (Failure<IntegrityReason> & { format: CredentialFormat | null });

async function checkIntegrity(input: unknown, options: VerifyOptions): Promise<IntegrityOutcome> {
  if (typeof input !== 'string') return { ...fail('MALFORMED', 'a credential is a string'), format: null };
  if (input.length > MAX_CREDENTIAL_LENGTH) return { ...fail('MALFORMED', `a credential is at most ${MAX_CREDENTIAL_LENGTH} characters`), format: null };
  // Only SD-JWTs contain "~" (it is not a base64url character).
  const format: CredentialFormat = input.includes('~') ? SD_JWT_TYPE : VC_JWT_TYPE;
  let compact = input;
  let disclosures: string[] = [];
  if (format === SD_JWT_TYPE) {
    const split = splitSdJwt(input);
    if (!split.ok) return { ...split, format: null };
    ({ jws: compact, disclosures } = split);
  }
  const signed = await verifySignedJws(compact, format, options, MAX_CREDENTIAL_LENGTH);
  // The typ header is checked first, so past MALFORMED and UNSUPPORTED_TYPE the format is known.
  if (!signed.ok) return { ...signed, format: signed.reason === 'MALFORMED' || signed.reason === 'UNSUPPORTED_TYPE' ? null : format };
  const view = format === VC_JWT_TYPE ? vcView(signed.payload) : sdJwtView(signed.payload, disclosures);
  if (!view.ok) return { ...view, format };
  return { ok: true, view: view.view, signer: signed.signer };
}

function withoutOidPrefix(id: unknown): string | null {
  if (typeof id !== 'string') return null;
  return id.startsWith(OID_URN_PREFIX) ? id.slice(OID_URN_PREFIX.length) : id;
}

/** `credentialStatus` as a list of entries (VC 2.0 allows one object or an array). */
function statusEntriesOf(value: unknown): unknown[] | null {
  if (value === undefined) return [];
  if (isJsonObject(value)) return [value];
  return Array.isArray(value) ? value : null;
}

type ViewOutcome = { ok: true; view: CredentialView } | Failure<IntegrityReason>;

/** Reads a signed VC 2.0 payload; anything not shaped like a VC 2.0 credential is MALFORMED. */
function vcView(payload: JsonObject): ViewOutcome {
  const type = payload['type'];
  const contextProblem = checkContexts(payload);
  if (contextProblem) return fail('MALFORMED', `the credential's ${contextProblem}`);
  if (!Array.isArray(type) || !type.includes('VerifiableCredential')) return fail('MALFORMED', 'the credential is not of type VerifiableCredential');
  const subject = payload['credentialSubject'];
  if (!isJsonObject(subject)) return fail('MALFORMED', 'the credential has no credentialSubject object');
  const validFrom = optionalDateTime(payload['validFrom']);
  const validUntil = optionalDateTime(payload['validUntil']);
  if (validFrom === undefined || validUntil === undefined) return fail('MALFORMED', 'validFrom and validUntil must be XSD dateTimes');
  const statusEntries = statusEntriesOf(payload['credentialStatus']);
  if (!statusEntries) return fail('MALFORMED', 'credentialStatus must be an object or an array');
  const issuer = payload['issuer'];
  return {
    ok: true,
    view: {
      format: VC_JWT_TYPE,
      identifier: withoutOidPrefix(payload['id']),
      certificateType: typeof payload['certificateType'] === 'string' ? payload['certificateType'] : null,
      issuerId: typeof issuer === 'string' ? issuer : isJsonObject(issuer) && typeof issuer['id'] === 'string' ? issuer['id'] : null,
      issuerCreditCode: isJsonObject(issuer) && typeof issuer['creditCode'] === 'string' ? issuer['creditCode'] : null,
      validFrom,
      validUntil,
      statusEntries,
      claims: { ...subject },
    },
  };
}

const MAX_RELATED_RESOURCES = 16;

/**
 * Checks a credential's JSON-LD contexts without fetching anything: `@context` is exactly one of
 * those onegate issues (ACCEPTED_CONTEXTS, compared as strings), and a `relatedResource` naming a
 * context onegate knows carries that context's digest (VC 2.0 §5.3), so the credential was issued
 * against the very context the verifier holds. Other related resources are not onegate's to check.
 * Returns what is wrong (completing "the credential's …"), or null.
 */
function checkContexts(payload: JsonObject): string | null {
  const context = payload['@context'];
  if (!Array.isArray(context) || !ACCEPTED_CONTEXTS.some((known) => known.length === context.length && known.every((url, i) => context[i] === url))) {
    return `@context is not one onegate issues (${ACCEPTED_CONTEXTS.map((known) => `[${known.join(', ')}]`).join(' or ')})`;
  }
  const related = payload['relatedResource'];
  if (related === undefined) return null;
  const resources = Array.isArray(related) ? related : [related];
  if (resources.length > MAX_RELATED_RESOURCES) return `relatedResource lists more than ${MAX_RELATED_RESOURCES} resources`;
  for (const resource of resources) {
    if (!isJsonObject(resource) || typeof resource['id'] !== 'string') return 'relatedResource is not a list of objects with an id';
    const pinned = PINNED_CONTEXTS.get(resource['id']);
    if (pinned !== undefined && resource['digestSRI'] !== pinned) return `relatedResource pins ${resource['id']} to a digest other than the published context's`;
  }
  return null;
}

/** null when absent, undefined when present but not a dateTime. */
function optionalDateTime(value: unknown): Date | null | undefined {
  if (value === undefined) return null;
  return parseDateTime(value) ?? undefined;
}

/** null when absent, undefined when present but not a NumericDate. */
function optionalNumericDate(value: unknown): Date | null | undefined {
  if (value === undefined) return null;
  return typeof value === 'number' && Number.isFinite(value) ? new Date(value * 1000) : undefined;
}

/** Reads a signed SD-JWT VC payload and checks its disclosures against `_sd`. */
function sdJwtView(payload: JsonObject, disclosures: readonly string[]): ViewOutcome {
  const vct = payload['vct'];
  if (typeof payload['iss'] !== 'string' || typeof vct !== 'string') return fail('MALFORMED', 'an SD-JWT VC has string iss and vct claims');
  const validFrom = optionalNumericDate(payload['nbf']);
  const validUntil = optionalNumericDate(payload['exp']);
  if (validFrom === undefined || validUntil === undefined || optionalNumericDate(payload['iat']) === undefined) {
    return fail('MALFORMED', 'iat, nbf and exp must be NumericDates');
  }
  const statusEntries = statusEntriesOf(payload['credentialStatus']);
  if (!statusEntries) return fail('MALFORMED', 'credentialStatus must be an object or an array');
  const disclosed = claimsOfDisclosures(payload, disclosures);
  if (!disclosed.ok) return disclosed;
  return {
    ok: true,
    view: {
      format: SD_JWT_TYPE,
      identifier: withoutOidPrefix(payload['jti']),
      certificateType: vct.startsWith(CERTIFICATE_TYPE_URN_PREFIX) ? vct.slice(CERTIFICATE_TYPE_URN_PREFIX.length) : null,
      issuerId: payload['iss'],
      issuerCreditCode: null,
      validFrom,
      validUntil,
      statusEntries,
      claims: disclosed.claims,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Status

type StatusVerdict = VerificationResult['status'];

/** More status entries than onegate ever issues (two) is not worth fetching. */
const MAX_STATUS_ENTRIES = 8;

interface StatusEntry {
  purpose: StatusPurpose;
  index: number;
  url: string;
}

/** A verified, decoded status list credential. */
interface StatusList {
  purpose: string;
  bits: Uint8Array;
}

type ListOutcome = { ok: true; list: StatusList } | Failure<'STATUS_UNAVAILABLE' | 'STATUS_LIST_INVALID'>;

type EntryOutcome = { ok: true; purpose: StatusPurpose; set: boolean } | Failure<'STATUS_UNAVAILABLE' | 'STATUS_LIST_INVALID'>;

/**
 * Combines time validity and the status lists. A definite negative answer wins over an unknown
 * one (REVOKED > SUSPENDED > EXPIRED > NOT_YET_VALID), so a revoked credential reads as revoked
 * even when its suspension list is unreachable; otherwise a missing or invalid list makes the
 * state UNKNOWN rather than VALID.
 */
async function checkStatus(view: CredentialView, department: string, options: VerifyOptions): Promise<StatusVerdict> {
  const outcomes = await readStatusEntries(view.statusEntries, department, options);
  const isSet = (purpose: StatusPurpose) => outcomes.some((o) => o.ok && o.purpose === purpose && o.set);
  if (isSet('revocation')) return statusVerdict('REVOKED', 'the issuing department has revoked this certificate');
  if (isSet('suspension')) return statusVerdict('SUSPENDED', 'the issuing department has suspended this certificate');
  const now = options.now.getTime();
  if (view.validUntil && now >= view.validUntil.getTime()) return statusVerdict('EXPIRED', 'the certificate\'s validity period has ended');
  if (view.validFrom && now < view.validFrom.getTime()) return statusVerdict('NOT_YET_VALID', 'the certificate\'s validity period has not begun');
  const problem = outcomes.find((o): o is Failure<'STATUS_UNAVAILABLE' | 'STATUS_LIST_INVALID'> => !o.ok);
  if (problem) return { ok: false, reason: problem.reason, message: problem.message, state: 'UNKNOWN' };
  return { ok: true, reason: null, message: 'in force: within its validity period, not revoked and not suspended', state: 'VALID' };
}

function statusVerdict(state: 'REVOKED' | 'SUSPENDED' | 'EXPIRED' | 'NOT_YET_VALID', message: string): StatusVerdict {
  return { ok: false, reason: state, message, state };
}

async function readStatusEntries(entries: unknown[], department: string, options: VerifyOptions): Promise<EntryOutcome[]> {
  if (entries.length > MAX_STATUS_ENTRIES) return [fail('STATUS_LIST_INVALID', `a credential has at most ${MAX_STATUS_ENTRIES} status entries`)];
  // One fetch and verification per list URL, even when several entries point at it.
  const lists = new Map<string, Promise<ListOutcome>>();
  const listAt = (url: string): Promise<ListOutcome> => {
    let list = lists.get(url);
    if (!list) {
      list = fetchStatusList(url, department, options);
      lists.set(url, list);
    }
    return list;
  };
  return Promise.all(
    entries.map(async (raw, position): Promise<EntryOutcome> => {
      const entry = parseStatusEntry(raw);
      if (!entry) return fail('STATUS_LIST_INVALID', `status entry ${position + 1} is not a BitstringStatusListEntry for revocation or suspension`);
      const outcome = await listAt(entry.url);
      if (!outcome.ok) return outcome;
      return readEntry(entry, outcome.list);
    }),
  );
}

const STATUS_INDEX = /^(0|[1-9][0-9]{0,9})$/;
const MAX_URL_LENGTH = 2048;

function parseStatusEntry(raw: unknown): StatusEntry | null {
  if (!isJsonObject(raw) || raw['type'] !== 'BitstringStatusListEntry') return null;
  const { statusPurpose: purpose, statusListIndex: index, statusListCredential: url, statusSize } = raw;
  if (purpose !== 'revocation' && purpose !== 'suspension') return null;
  if (typeof index !== 'string' || !STATUS_INDEX.test(index)) return null;
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return null;
  // onegate's lists hold one bit per credential; multi-bit status messages are not used.
  if (statusSize !== undefined && statusSize !== 1) return null;
  return { purpose, index: Number(index), url };
}

function readEntry(entry: StatusEntry, list: StatusList): EntryOutcome {
  if (list.purpose !== entry.purpose) return fail('STATUS_LIST_INVALID', `the status list is for ${list.purpose.slice(0, 32)}, not ${entry.purpose}`);
  if (entry.index >= list.bits.length * 8) return fail('STATUS_LIST_INVALID', 'the status index is beyond the end of the status list');
  return { ok: true, purpose: entry.purpose, set: bitAt(list.bits, entry.index) };
}

/**
 * A status list credential that verified, kept by its compact form: lists are fetched for every
 * credential but change at most every few minutes, so each version is verified and decompressed
 * once. It stands while `now` is inside both its signing chain's and its own validity period.
 */
interface VerifiedList {
  url: string;
  department: string;
  list: StatusList;
  chain: { notBefore: number; notAfter: number };
  validFrom: number;
  validUntil: number;
}

/** Verified status lists per set of anchors; the oldest is dropped beyond this many. */
const STATUS_LIST_CACHE_SIZE = 64;
const verifiedLists = new WeakMap<TrustAnchors, BoundedMap<string, VerifiedList>>();

/** Fetches a list credential and verifies it like a credential, plus list-specific checks. */
async function fetchStatusList(url: string, department: string, options: VerifyOptions): Promise<ListOutcome> {
  let compact: unknown;
  try {
    compact = await options.statusList(url);
  } catch {
    compact = null;
  }
  if (typeof compact !== 'string') return fail('STATUS_UNAVAILABLE', 'a status list of the credential could not be obtained');
  let cache = verifiedLists.get(options.anchors);
  if (!cache) verifiedLists.set(options.anchors, (cache = new BoundedMap(STATUS_LIST_CACHE_SIZE)));
  const now = options.now.getTime();
  let verified = cache.get(compact);
  const current = (v: VerifiedList) =>
    v.url === url && now >= v.chain.notBefore && now <= v.chain.notAfter && now >= v.validFrom && now < v.validUntil;
  if (!verified || !current(verified)) {
    const checked = await verifyStatusList(compact, url, options);
    if (!checked.ok) return checked;
    verified = checked.verified;
    cache.set(compact, verified);
  }
  // Only the department that issued the credential may say whether it is revoked.
  if (verified.department !== department) return fail('STATUS_LIST_INVALID', 'the status list is signed by a different department than the credential');
  return { ok: true, list: verified.list };
}

async function verifyStatusList(
  compact: string,
  url: string,
  options: VerifyOptions,
): Promise<{ ok: true; verified: VerifiedList } | Failure<'STATUS_LIST_INVALID'>> {
  const signed = await verifySignedJws(compact, VC_JWT_TYPE, options, MAX_STATUS_LIST_CREDENTIAL_LENGTH);
  if (!signed.ok) return fail('STATUS_LIST_INVALID', `the status list credential is not valid: ${signed.message}`);
  const read = readStatusListCredential(signed.payload, url, options.now);
  if (!read.ok) return read;
  return {
    ok: true,
    verified: {
      url,
      department: signed.signer.department,
      list: read.list,
      chain: signed.window,
      validFrom: read.validFrom?.getTime() ?? -Infinity,
      validUntil: read.validUntil?.getTime() ?? Infinity,
    },
  };
}

function readStatusListCredential(
  payload: JsonObject,
  url: string,
  now: Date,
): { ok: true; list: StatusList; validFrom: Date | null; validUntil: Date | null } | Failure<'STATUS_LIST_INVALID'> {
  const type = payload['type'];
  const subject = payload['credentialSubject'];
  if (!Array.isArray(type) || !type.includes('BitstringStatusListCredential') || !isJsonObject(subject) || subject['type'] !== 'BitstringStatusList') {
    return fail('STATUS_LIST_INVALID', 'the status list is not a BitstringStatusListCredential');
  }
  const contextProblem = checkContexts(payload);
  if (contextProblem) return fail('STATUS_LIST_INVALID', `the status list credential's ${contextProblem}`);
  // The list names where it is published, so a list cannot be served in place of another.
  if (payload['id'] !== url) return fail('STATUS_LIST_INVALID', 'the status list credential is for a different URL');
  const validFrom = optionalDateTime(payload['validFrom']);
  const validUntil = optionalDateTime(payload['validUntil']);
  if (validFrom === undefined || validUntil === undefined) return fail('STATUS_LIST_INVALID', 'the status list\'s validFrom and validUntil must be XSD dateTimes');
  if (validUntil && now.getTime() >= validUntil.getTime()) return fail('STATUS_LIST_INVALID', 'the status list is out of date (its validUntil has passed)');
  if (validFrom && now.getTime() < validFrom.getTime()) return fail('STATUS_LIST_INVALID', 'the status list is not yet valid');
  const purpose = subject['statusPurpose'];
  const encoded = subject['encodedList'];
  if (typeof purpose !== 'string' || typeof encoded !== 'string') return fail('STATUS_LIST_INVALID', 'the status list has no statusPurpose or encodedList');
  try {
    return { ok: true, list: { purpose, bits: decodeList(encoded) }, validFrom, validUntil };
  } catch (error) {
    return fail('STATUS_LIST_INVALID', `the status list's encodedList is not usable: ${error instanceof RangeError ? error.message : 'undecodable'}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Issuer identity

type IssuerVerdict = VerificationResult['issuer'];

/** Short, printable rendering of a code read from a signed credential, for messages. */
function shown(code: string): string {
  return JSON.stringify(code.slice(0, 64));
}

function checkIssuer(view: CredentialView, signer: Signer, types: VerifyOptions['types']): IssuerVerdict {
  const department = signer.department;
  const verdict = (reason: IssuerReason, message: string): IssuerVerdict => ({ ok: false, reason, message, department });
  if (view.certificateType === null) return verdict('TYPE_UNKNOWN', 'the credential does not name an onegate certificate type');
  const type = types.get(view.certificateType);
  if (!type) return verdict('TYPE_UNKNOWN', `certificate type ${shown(view.certificateType)} is not known`);
  if (type.issuer !== department) {
    return verdict('ISSUER_NOT_AUTHORISED', `${department} signed it, but ${shown(view.certificateType)} certificates are issued by ${type.issuer}`);
  }
  if (view.issuerId !== departmentUrn(department)) return verdict('ISSUER_MISMATCH', `the credential's issuer is not ${departmentUrn(department)}, the department that signed it`);
  if (view.issuerCreditCode !== null && signer.creditCode !== null && view.issuerCreditCode !== signer.creditCode) {
    return verdict('ISSUER_MISMATCH', 'the credential\'s issuer credit code differs from the signing certificate\'s');
  }
  return { ok: true, reason: null, message: `${department} issues ${shown(view.certificateType)} certificates`, department };
}
