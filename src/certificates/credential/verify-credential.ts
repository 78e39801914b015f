import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
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
import { parseHolderJwk, verifyKeyBindingJwt, type HolderJwk, type KeyBindingExpectation } from './key-binding.js';
import { claimsOfDisclosures, splitSdJwt } from './sd-jwt.js';
import { bitAt, decodeList, type StatusPurpose } from './status-list.js';
import { decompressStatusList, STATUS_BITS, STATUS_LIST_TOKEN_TYPE, statusAt, TOKEN_STATUS, type StatusBits } from './token-status-list.js';
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
  /** The credential is bound to a holder key (`cnf`) but the presentation has no key-binding JWT. */
  | 'KEY_BINDING_MISSING'
  /** The key-binding JWT does not prove possession of the `cnf` key for this verifier and nonce. */
  | 'KEY_BINDING_INVALID'
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
  /**
   * The credential is bound to its holder's key (SD-JWT `cnf`) and the presentation's key-binding
   * JWT proved possession of that key for the expected audience and nonce. False for credentials
   * without `cnf` (anyone holding them can present them) and whenever integrity fails.
   */
  holderBound: boolean;
}

export interface VerifyOptions {
  anchors: TrustAnchors;
  /** Certificate type code → code of the department that issues it. */
  types: ReadonlyMap<string, { issuer: string }>;
  now: Date;
  /**
   * Fetch a status list by URL — a Bitstring Status List credential (compact vc+jwt) or a Token
   * Status List token (statuslist+jwt); null when unavailable (offline without a cache).
   */
  statusList: (url: string) => Promise<string | null>;
  /**
   * What a key-binding JWT must be for (RFC 9901 §7.3): the verifier's audience and the nonce it
   * gave the holder. Needed to accept a presentation of a holder-bound credential (`cnf`).
   */
  keyBinding?: KeyBindingExpectation;
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
  const bound = view.holderKey !== null ? '; the holder proved possession of the bound key (key-binding JWT)' : '';
  return {
    valid: status.ok && issuer.ok,
    format: view.format,
    identifier: view.identifier,
    certificateType: view.certificateType,
    integrity: { ok: true, reason: null, message: `signed with the certificate issuing key of ${signer.department}, certified by a trusted root${bound}` },
    status,
    issuer,
    claims: view.claims,
    holderBound: view.holderKey !== null,
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
    holderBound: false,
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
  expectedType: CredentialFormat | typeof STATUS_LIST_TOKEN_TYPE,
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
  if (header['kid'] !== (await kidOf(chain.publicKey)))
    return fail('KID_MISMATCH', 'the kid header is missing or does not name the key of the x5c certificate');
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
  /** The SD-JWT VC `status` claim (Token Status List reference), undefined when absent. */
  tokenStatus: unknown;
  /** The holder key of `cnf.jwk` (SD-JWT VC), null when the credential is not holder-bound. */
  holderKey: { jwk: HolderJwk; key: KeyObject } | null;
  claims: Record<string, unknown>;
}

type IntegrityOutcome = { ok: true; view: CredentialView; signer: Signer } | (Failure<IntegrityReason> & { format: CredentialFormat | null });

async function checkIntegrity(input: unknown, options: VerifyOptions): Promise<IntegrityOutcome> {
  if (typeof input !== 'string') return { ...fail('MALFORMED', 'a credential is a string'), format: null };
  if (input.length > MAX_CREDENTIAL_LENGTH) return { ...fail('MALFORMED', `a credential is at most ${MAX_CREDENTIAL_LENGTH} characters`), format: null };
  // Only SD-JWTs contain "~" (it is not a base64url character).
  const format: CredentialFormat = input.includes('~') ? SD_JWT_TYPE : VC_JWT_TYPE;
  let compact = input;
  let disclosures: string[] = [];
  let kb: { jwt: string | null; presented: string } = { jwt: null, presented: input };
  if (format === SD_JWT_TYPE) {
    const split = splitSdJwt(input);
    if (!split.ok) return { ...split, format: null };
    ({ jws: compact, disclosures } = split);
    kb = { jwt: split.kbJwt, presented: split.presented };
  }
  const signed = await verifySignedJws(compact, format, options, MAX_CREDENTIAL_LENGTH);
  // The typ header is checked first, so past MALFORMED and UNSUPPORTED_TYPE the format is known.
  if (!signed.ok) return { ...signed, format: signed.reason === 'MALFORMED' || signed.reason === 'UNSUPPORTED_TYPE' ? null : format };
  const view = format === VC_JWT_TYPE ? vcView(signed.payload) : sdJwtView(signed.payload, disclosures);
  if (!view.ok) return { ...view, format };
  const binding = await checkKeyBinding(view.view, kb, options);
  if (!binding.ok) return { ...binding, format };
  return { ok: true, view: view.view, signer: signed.signer };
}

/**
 * A holder-bound credential (`cnf`) is accepted only with a key-binding JWT that proves possession
 * of that key for this verifier (RFC 9901 §7.3); a key-binding JWT on a credential without `cnf`
 * has no key to be checked against, so it is refused rather than ignored.
 */
async function checkKeyBinding(
  view: CredentialView,
  kb: { jwt: string | null; presented: string },
  options: VerifyOptions,
): Promise<{ ok: true } | Failure<'KEY_BINDING_MISSING' | 'KEY_BINDING_INVALID'>> {
  if (view.holderKey === null) {
    return kb.jwt === null
      ? { ok: true }
      : fail('KEY_BINDING_INVALID', 'the presentation has a key-binding JWT, but the credential names no holder key (cnf) to check it against');
  }
  if (kb.jwt === null) {
    return fail(
      'KEY_BINDING_MISSING',
      "the credential is bound to its holder's key (cnf): a presentation needs a key-binding JWT (kb+jwt) signed by that key, appended by the holder's wallet",
    );
  }
  const expected = options.keyBinding ?? { audience: null, nonce: null };
  const verified = await verifyKeyBindingJwt(kb.jwt, kb.presented, view.holderKey, expected, options.now, options.signatures === 'inline');
  return verified.ok ? { ok: true } : verified;
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
      tokenStatus: undefined,
      holderKey: null,
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
    if (pinned !== undefined && resource['digestSRI'] !== pinned)
      return `relatedResource pins ${resource['id']} to a digest other than the published context's`;
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
  const tokenStatus = payload['status'];
  if (tokenStatus !== undefined && !isJsonObject(tokenStatus)) return fail('MALFORMED', 'status must be an object');
  let holderKey: CredentialView['holderKey'] = null;
  const cnf = payload['cnf'];
  if (cnf !== undefined) {
    const parsed = isJsonObject(cnf) ? parseHolderJwk(cnf['jwk']) : null;
    if (!parsed?.ok) return fail('MALFORMED', "cnf must name the holder's public key as a supported JWK (cnf.jwk: EC P-256 or Ed25519)");
    holderKey = { jwk: parsed.jwk, key: parsed.key };
  }
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
      tokenStatus,
      holderKey,
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

/** A verified, decoded status list: a Bitstring Status List credential or a Token Status List token. */
type StatusList = { kind: 'bitstring'; purpose: string; bits: Uint8Array } | { kind: 'token'; bits: StatusBits; bytes: Uint8Array };

type ListOutcome = { ok: true; list: StatusList } | Failure<'STATUS_UNAVAILABLE' | 'STATUS_LIST_INVALID'>;

type EntryOutcome = { ok: true; purpose: StatusPurpose; set: boolean } | Failure<'STATUS_UNAVAILABLE' | 'STATUS_LIST_INVALID'>;

/**
 * Combines time validity and the status lists. A definite negative answer wins over an unknown
 * one (REVOKED > SUSPENDED > EXPIRED > NOT_YET_VALID), so a revoked credential reads as revoked
 * even when its suspension list is unreachable; otherwise a missing or invalid list makes the
 * state UNKNOWN rather than VALID.
 */
async function checkStatus(view: CredentialView, department: string, options: VerifyOptions): Promise<StatusVerdict> {
  const outcomes = await readStatusEntries(view.statusEntries, view.tokenStatus, department, options);
  const isSet = (purpose: StatusPurpose) => outcomes.some((o) => o.ok && o.purpose === purpose && o.set);
  if (isSet('revocation')) return statusVerdict('REVOKED', 'the issuing department has revoked this certificate');
  if (isSet('suspension')) return statusVerdict('SUSPENDED', 'the issuing department has suspended this certificate');
  const now = options.now.getTime();
  if (view.validUntil && now >= view.validUntil.getTime()) return statusVerdict('EXPIRED', "the certificate's validity period has ended");
  if (view.validFrom && now < view.validFrom.getTime()) return statusVerdict('NOT_YET_VALID', "the certificate's validity period has not begun");
  const problem = outcomes.find((o): o is Failure<'STATUS_UNAVAILABLE' | 'STATUS_LIST_INVALID'> => !o.ok);
  if (problem) return { ok: false, reason: problem.reason, message: problem.message, state: 'UNKNOWN' };
  return { ok: true, reason: null, message: 'in force: within its validity period, not revoked and not suspended', state: 'VALID' };
}

function statusVerdict(state: 'REVOKED' | 'SUSPENDED' | 'EXPIRED' | 'NOT_YET_VALID', message: string): StatusVerdict {
  return { ok: false, reason: state, message, state };
}

/**
 * Every status reference a credential makes — its Bitstring Status List entries (`credentialStatus`)
 * and its Token Status List reference (SD-JWT VC `status.status_list`) — is read: the status is
 * VALID only when every list it names was obtained and verified.
 */
async function readStatusEntries(entries: unknown[], tokenStatus: unknown, department: string, options: VerifyOptions): Promise<EntryOutcome[]> {
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
  const bitstring = entries.map(async (raw, position): Promise<EntryOutcome> => {
    const entry = parseStatusEntry(raw);
    if (!entry) return fail('STATUS_LIST_INVALID', `status entry ${position + 1} is not a BitstringStatusListEntry for revocation or suspension`);
    const outcome = await listAt(entry.url);
    if (!outcome.ok) return outcome;
    return readEntry(entry, outcome.list);
  });
  const token = async (): Promise<EntryOutcome> => {
    const reference = parseTokenStatusReference(tokenStatus);
    if (!reference) return fail('STATUS_LIST_INVALID', 'the status claim has no status_list { idx, uri } (Token Status List)');
    const outcome = await listAt(reference.uri);
    if (!outcome.ok) return outcome;
    return readTokenStatus(reference, outcome.list);
  };
  return Promise.all(tokenStatus === undefined ? bitstring : [...bitstring, token()]);
}

/** `status.status_list` of a referenced token: a non-negative integer `idx` and a `uri`. */
function parseTokenStatusReference(status: unknown): { idx: number; uri: string } | null {
  const reference = isJsonObject(status) ? status['status_list'] : undefined;
  if (!isJsonObject(reference)) return null;
  const { idx, uri } = reference;
  if (typeof idx !== 'number' || !Number.isSafeInteger(idx) || idx < 0) return null;
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > MAX_URL_LENGTH) return null;
  return { idx, uri };
}

/** The status value at `idx`: VALID, INVALID (revoked) or SUSPENDED; anything else says nothing onegate knows. */
function readTokenStatus(reference: { idx: number }, list: StatusList): EntryOutcome {
  if (list.kind !== 'token') return fail('STATUS_LIST_INVALID', 'the status claim names a Bitstring Status List credential, not a Token Status List token');
  const value = statusAt(list.bytes, list.bits, reference.idx);
  if (value === null) return fail('STATUS_LIST_INVALID', 'the status index is beyond the end of the Token Status List');
  if (value === TOKEN_STATUS.VALID) return { ok: true, purpose: 'revocation', set: false };
  if (value === TOKEN_STATUS.INVALID) return { ok: true, purpose: 'revocation', set: true };
  if (value === TOKEN_STATUS.SUSPENDED) return { ok: true, purpose: 'suspension', set: true };
  return fail('STATUS_LIST_INVALID', `the Token Status List has status value ${value}, which is not VALID, INVALID or SUSPENDED`);
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
  if (list.kind !== 'bitstring') return fail('STATUS_LIST_INVALID', 'a BitstringStatusListEntry names a Token Status List token, not a status list credential');
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

/** Verified status lists per set of anchors; the least recently used is dropped beyond this many. */
const STATUS_LIST_CACHE_SIZE = 64;
const verifiedLists = new WeakMap<TrustAnchors, LRUCache<string, VerifiedList>>();

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
  if (!cache) verifiedLists.set(options.anchors, (cache = new LRUCache({ max: STATUS_LIST_CACHE_SIZE })));
  const now = options.now.getTime();
  let verified = cache.get(compact);
  const current = (v: VerifiedList) => v.url === url && now >= v.chain.notBefore && now <= v.chain.notAfter && now >= v.validFrom && now < v.validUntil;
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
  // The protected header's typ says which of the two kinds it claims to be; each is verified as that kind.
  const header = splitCompactJws(compact, MAX_STATUS_LIST_CREDENTIAL_LENGTH);
  const token = header.ok && header.header['typ'] === STATUS_LIST_TOKEN_TYPE;
  const signed = await verifySignedJws(compact, token ? STATUS_LIST_TOKEN_TYPE : VC_JWT_TYPE, options, MAX_STATUS_LIST_CREDENTIAL_LENGTH);
  if (!signed.ok) return fail('STATUS_LIST_INVALID', `the status list ${token ? 'token' : 'credential'} is not valid: ${signed.message}`);
  const read = token ? readStatusListToken(signed.payload, url, options.now) : readStatusListCredential(signed.payload, url, options.now);
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
  if (validFrom === undefined || validUntil === undefined)
    return fail('STATUS_LIST_INVALID', "the status list's validFrom and validUntil must be XSD dateTimes");
  if (validUntil && now.getTime() >= validUntil.getTime()) return fail('STATUS_LIST_INVALID', 'the status list is out of date (its validUntil has passed)');
  if (validFrom && now.getTime() < validFrom.getTime()) return fail('STATUS_LIST_INVALID', 'the status list is not yet valid');
  const purpose = subject['statusPurpose'];
  const encoded = subject['encodedList'];
  if (typeof purpose !== 'string' || typeof encoded !== 'string') return fail('STATUS_LIST_INVALID', 'the status list has no statusPurpose or encodedList');
  try {
    return { ok: true, list: { kind: 'bitstring', purpose, bits: decodeList(encoded) }, validFrom, validUntil };
  } catch (error) {
    return fail('STATUS_LIST_INVALID', `the status list's encodedList is not usable: ${error instanceof RangeError ? error.message : 'undecodable'}`);
  }
}

/** How far in the future a status list token's `iat` may be (the issuer's clock ahead of ours). */
const STATUS_LIST_CLOCK_SKEW_MS = 60_000;

/**
 * Reads a signed Status List Token (draft-ietf-oauth-status-list-17 §5.1 and §8.3): `sub` is the
 * `uri` the credential names, `iat` is present (and not ahead of us), `exp` (when present) has not
 * passed, `ttl` (when present) is a positive number, and `status_list` is `{ bits, lst }` with
 * bits 1, 2, 4 or 8 and lst a ZLIB-compressed byte array.
 */
function readStatusListToken(
  payload: JsonObject,
  url: string,
  now: Date,
): { ok: true; list: StatusList; validFrom: Date | null; validUntil: Date | null } | Failure<'STATUS_LIST_INVALID'> {
  if (payload['sub'] !== url) return fail('STATUS_LIST_INVALID', 'the status list token is for a different URI (its sub is not the status_list uri)');
  const iat = optionalNumericDate(payload['iat']);
  const exp = optionalNumericDate(payload['exp']);
  const nbf = optionalNumericDate(payload['nbf']);
  if (!iat || exp === undefined || nbf === undefined)
    return fail('STATUS_LIST_INVALID', 'the status list token needs iat, and exp and nbf (when present) as NumericDates');
  const ttl = payload['ttl'];
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0))
    return fail('STATUS_LIST_INVALID', "the status list token's ttl must be a positive number");
  if (iat.getTime() > now.getTime() + STATUS_LIST_CLOCK_SKEW_MS) return fail('STATUS_LIST_INVALID', 'the status list token was issued in the future');
  if (exp && now.getTime() >= exp.getTime()) return fail('STATUS_LIST_INVALID', 'the status list token is out of date (its exp has passed)');
  if (nbf && now.getTime() < nbf.getTime()) return fail('STATUS_LIST_INVALID', 'the status list token is not yet valid');
  const list = payload['status_list'];
  const bits = isJsonObject(list) ? list['bits'] : undefined;
  const lst = isJsonObject(list) ? list['lst'] : undefined;
  if (typeof bits !== 'number' || !(STATUS_BITS as readonly number[]).includes(bits) || typeof lst !== 'string') {
    return fail('STATUS_LIST_INVALID', 'the status list token has no status_list { bits: 1|2|4|8, lst }');
  }
  try {
    return { ok: true, list: { kind: 'token', bits: bits as StatusBits, bytes: decompressStatusList(lst) }, validFrom: nbf, validUntil: exp };
  } catch (error) {
    return fail('STATUS_LIST_INVALID', `the status list token's lst is not usable: ${error instanceof RangeError ? error.message : 'undecodable'}`);
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
  if (view.issuerId !== departmentUrn(department))
    return verdict('ISSUER_MISMATCH', `the credential's issuer is not ${departmentUrn(department)}, the department that signed it`);
  if (view.issuerCreditCode !== null && signer.creditCode !== null && view.issuerCreditCode !== signer.creditCode) {
    return verdict('ISSUER_MISMATCH', "the credential's issuer credit code differs from the signing certificate's");
  }
  return { ok: true, reason: null, message: `${department} issues ${shown(view.certificateType)} certificates`, department };
}
