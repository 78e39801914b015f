import { hash, randomBytes } from 'node:crypto';
import { MAX_CREDENTIAL_LENGTH, SD_JWT_TYPE, type Failure, type JsonObject, type SigningKey } from './credential-model.js';
import { decodeBase64urlJson, protectedHeaderFor, signCompact } from './vc-jwt.js';

/**
 * IETF SD-JWT (RFC 9901) with the SD-JWT VC profile (draft-ietf-oauth-sd-jwt-vc-14,
 * `typ: dc+sd-jwt`). Only top-level object claims are selectively disclosable (that is all onegate
 * issues). A credential bound to its holder's key (`cnf`) is presented with a Key Binding JWT
 * after the last "~" (key-binding.ts); onegate never signs one (it has no holder key).
 *
 * Compact form: `<issuer-signed JWT>~<disclosure 1>~...~<disclosure n>~[<KB-JWT>]`.
 */

export const SD_ALG = 'sha-256';

/**
 * Claim names that must stay in the signed payload: SD-JWT's own machinery, and the SD-JWT VC
 * claims a verifier needs before it can decide anything (issuer, type, validity, status, binding).
 * Accepting them from a disclosure would let a holder choose e.g. which `vct` the credential has.
 */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  '_sd',
  '_sd_alg',
  '...',
  'iss',
  'iat',
  'nbf',
  'exp',
  'vct',
  'jti',
  'credentialStatus',
  'cnf',
  'status',
]);

const SALT_BYTES = 16;

/**
 * SHA-256 over the ASCII disclosure string, base64url: the value listed in `_sd`. (A disclosure is
 * base64url, so its UTF-8 bytes, which the one-shot hash reads, are its ASCII bytes.)
 */
export function disclosureDigest(disclosure: string): string {
  return hash('sha256', disclosure, 'base64url');
}

/** One disclosure `base64url([salt, name, value])` with a fresh 128-bit salt, so digests cannot be guessed. */
export function makeDisclosure(name: string, value: unknown): string {
  const salt = randomBytes(SALT_BYTES).toString('base64url');
  return Buffer.from(JSON.stringify([salt, name, value]), 'utf8').toString('base64url');
}

export interface IssueSdJwtOptions {
  /** Claims always visible: iss, iat, nbf, exp, vct, jti, credentialStatus. */
  payload: Record<string, unknown>;
  /** Claims the holder may choose to disclose, one disclosure each. */
  disclosable: Record<string, unknown>;
  key: SigningKey;
}

function assertDisclosable(payload: Record<string, unknown>, disclosable: Record<string, unknown>): void {
  if (Object.hasOwn(payload, '_sd') || Object.hasOwn(payload, '_sd_alg')) {
    throw new RangeError('the SD-JWT payload must not carry _sd or _sd_alg; they are computed');
  }
  for (const name of Object.keys(disclosable)) {
    if (RESERVED_CLAIMS.has(name)) throw new RangeError(`claim "${name}" is reserved and cannot be selectively disclosable`);
    if (Object.hasOwn(payload, name)) throw new RangeError(`claim "${name}" is both in the payload and disclosable`);
  }
}

/** Issues an SD-JWT VC: the signed JWT with `_sd` digests, followed by every disclosure. */
export async function issueSdJwt(opts: IssueSdJwtOptions): Promise<string> {
  assertDisclosable(opts.payload, opts.disclosable);
  const disclosures = Object.entries(opts.disclosable).map(([name, value]) => makeDisclosure(name, value));
  // Sorted, so the order of digests does not reveal the order (and thus the identity) of claims.
  const digests = disclosures.map(disclosureDigest).sort();
  const payload: JsonObject = { ...opts.payload, _sd: digests, _sd_alg: SD_ALG };
  const jws = await signCompact(payload, protectedHeaderFor(opts.key, SD_JWT_TYPE), opts.key);
  return joinSdJwt(jws, disclosures);
}

function joinSdJwt(jws: string, disclosures: readonly string[]): string {
  return `${[jws, ...disclosures].join('~')}~`;
}

export interface SdJwtParts {
  ok: true;
  jws: string;
  disclosures: string[];
  /** The Key Binding JWT after the last "~" (SD-JWT+KB), or null. Not yet verified. */
  kbJwt: string | null;
  /** The SD-JWT without its KB-JWT, ending in "~": what a KB-JWT's `sd_hash` covers. */
  presented: string;
}

/**
 * Splits `<jws>~<d1>~...~[<kb-jwt>]` without judging the parts; a segment after the last "~" is
 * the Key Binding JWT, checked by the verifier against the credential's `cnf` key.
 */
export function splitSdJwt(token: unknown, maxLength: number = MAX_CREDENTIAL_LENGTH): SdJwtParts | Failure<'MALFORMED'> {
  if (typeof token !== 'string') return { ok: false, reason: 'MALFORMED', message: 'an SD-JWT is a string' };
  if (token.length > maxLength) return { ok: false, reason: 'MALFORMED', message: `an SD-JWT is at most ${maxLength} characters` };
  const segments = token.split('~');
  if (segments.length < 2) return { ok: false, reason: 'MALFORMED', message: 'an SD-JWT has the form <jwt>~<disclosures>~' };
  const [jws, ...rest] = segments as [string, ...string[]];
  const last = rest[rest.length - 1]!;
  const disclosures = rest.slice(0, -1);
  if (disclosures.some((d) => d.length === 0)) return { ok: false, reason: 'MALFORMED', message: 'an SD-JWT has an empty disclosure' };
  return { ok: true, jws, disclosures, kbJwt: last === '' ? null : last, presented: token.slice(0, token.lastIndexOf('~') + 1) };
}

/** The claim name of a disclosure, or null when it is not a `[salt, name, value]` disclosure. */
function decodeDisclosure(disclosure: string): { name: string; value: unknown } | null {
  const decoded = decodeBase64urlJson(disclosure);
  if (!Array.isArray(decoded) || decoded.length !== 3) return null;
  const [salt, name, value] = decoded as [unknown, unknown, unknown];
  if (typeof salt !== 'string' || typeof name !== 'string') return null;
  return { name, value };
}

/**
 * Holder side: keeps the issuer-signed JWT and only the disclosures of the listed claims.
 * Throws RangeError for a malformed SD-JWT or names the credential does not have.
 */
export function presentSdJwt(sdJwt: string, disclose: readonly string[]): string {
  const parts = splitSdJwt(sdJwt);
  if (!parts.ok) throw new RangeError(parts.message);
  if (parts.kbJwt !== null) throw new RangeError('the SD-JWT already carries a key-binding JWT: present from the SD-JWT as issued');
  const byName = new Map<string, string>();
  for (const disclosure of parts.disclosures) {
    const decoded = decodeDisclosure(disclosure);
    if (!decoded) throw new RangeError('the SD-JWT has a malformed disclosure');
    byName.set(decoded.name, disclosure);
  }
  const wanted = new Set(disclose);
  const unknown = [...wanted].filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new RangeError(
      `not in the credential: ${unknown
        .slice(0, 20)
        .map((n) => JSON.stringify(n.slice(0, 64)))
        .join(', ')}`,
    );
  }
  const kept = parts.disclosures.filter((d) => wanted.has(decodeDisclosure(d)!.name));
  return joinSdJwt(parts.jws, kept);
}

export type DisclosureFailure = Failure<'BAD_DISCLOSURE' | 'UNSUPPORTED_ALGORITHM' | 'MALFORMED'>;

function badDisclosure(position: number, problem: string): DisclosureFailure {
  return { ok: false, reason: 'BAD_DISCLOSURE', message: `disclosure ${position + 1} ${problem}` };
}

/** The digests the signed payload commits to, or a failure when `_sd`/`_sd_alg` are not usable. */
function committedDigests(payload: JsonObject): Set<string> | DisclosureFailure {
  const alg = payload['_sd_alg'];
  if (alg !== undefined && alg !== SD_ALG) {
    return { ok: false, reason: 'UNSUPPORTED_ALGORITHM', message: `only ${SD_ALG} disclosure digests are supported` };
  }
  const sd = payload['_sd'];
  if (sd === undefined) return new Set();
  if (!Array.isArray(sd) || !sd.every((d) => typeof d === 'string')) {
    return { ok: false, reason: 'MALFORMED', message: '_sd must be an array of digest strings' };
  }
  return new Set(sd as string[]);
}

/**
 * Verifier side, after the JWS signature has been checked: each disclosure must be a
 * `[salt, name, value]` array whose digest the payload lists in `_sd`, used once, for a claim name
 * that is neither reserved nor already in the payload. Returns the disclosed claims.
 * Never throws; failures name the disclosure by position, not by content.
 */
export function claimsOfDisclosures(payload: JsonObject, disclosures: readonly string[]): { ok: true; claims: Record<string, unknown> } | DisclosureFailure {
  const committed = committedDigests(payload);
  if (!(committed instanceof Set)) return committed;
  const usedDigests = new Set<string>();
  // Entries + Object.fromEntries define own properties, so a claim named "__proto__" stays data.
  const claims = new Map<string, unknown>();
  for (const [position, disclosure] of disclosures.entries()) {
    const decoded = decodeDisclosure(disclosure);
    if (!decoded) return badDisclosure(position, 'is not a base64url JSON array [salt, name, value]');
    const digest = disclosureDigest(disclosure);
    if (!committed.has(digest)) return badDisclosure(position, "is not listed in the credential's _sd digests");
    if (usedDigests.has(digest)) return badDisclosure(position, 'is given more than once');
    usedDigests.add(digest);
    if (RESERVED_CLAIMS.has(decoded.name)) return badDisclosure(position, 'discloses a reserved claim');
    if (Object.hasOwn(payload, decoded.name) || claims.has(decoded.name)) return badDisclosure(position, 'discloses a claim that is already present');
    claims.set(decoded.name, decoded.value);
  }
  return { ok: true, claims: Object.fromEntries(claims) };
}
