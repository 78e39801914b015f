import { createPublicKey, hash, verify as verifySignature, type KeyObject } from 'node:crypto';
import { isJsonObject, type Failure, type JsonObject } from './credential-model.js';
import { decodeBase64url, splitCompactJws } from './vc-jwt.js';

/**
 * Holder binding of an SD-JWT VC (RFC 9901 §4.3 and §7.3; draft-ietf-oauth-sd-jwt-vc-14 §3.2.2.2):
 * the issuer signs the holder's public key into the credential as `cnf: { jwk }` (RFC 7800), and a
 * presentation proves possession of that key with a Key Binding JWT appended after the last `~`:
 *
 *   <issuer-signed JWT>~<disclosure>~...~<KB-JWT>
 *
 * The KB-JWT (`typ: kb+jwt`) is signed by the holder's key over `{ iat, aud, nonce, sd_hash }`,
 * where `sd_hash` is the base64url SHA-256 of the presentation up to and including the last `~`.
 */

export const KB_JWT_TYPE = 'kb+jwt';

/** A holder's public key as the credential carries it in `cnf.jwk`: only the public members. */
export type HolderJwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string } | { kty: 'OKP'; crv: 'Ed25519'; x: string };

export type HolderKeyReason = 'HOLDER_KEY_INVALID' | 'HOLDER_KEY_NOT_PUBLIC' | 'HOLDER_KEY_UNSUPPORTED';

/** Members of a JWK that belong to a private (or symmetric) key (RFC 7517/7518/8037). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** A JWK is a few hundred characters; more is not a key. */
const MAX_JWK_JSON_LENGTH = 2048;

const COORDINATE_BYTES = 32;

function keyFailure(reason: HolderKeyReason, message: string): Failure<HolderKeyReason> {
  return { ok: false, reason, message };
}

function coordinate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const bytes = decodeBase64url(value);
  return bytes !== null && bytes.length === COORDINATE_BYTES;
}

/**
 * Reads a holder's public key: an EC P-256 (ES256) or Ed25519 (EdDSA) JWK, public members only.
 * Anything private (`d` and the like) is refused, never stored; the result keeps only the members
 * that make up the key (so no `kid`, `use` or other text travels into the credential). Messages
 * name the problem, never the key material.
 */
export function parseHolderJwk(value: unknown): { ok: true; jwk: HolderJwk; key: KeyObject } | Failure<HolderKeyReason> {
  if (!isJsonObject(value))
    return keyFailure('HOLDER_KEY_INVALID', 'the holder key is a JWK: a JSON object such as { "kty": "EC", "crv": "P-256", "x": "…", "y": "…" }');
  let length: number;
  try {
    length = JSON.stringify(value).length;
  } catch {
    return keyFailure('HOLDER_KEY_INVALID', 'the holder key is not a JSON object');
  }
  if (length > MAX_JWK_JSON_LENGTH) return keyFailure('HOLDER_KEY_INVALID', `the holder key JWK is at most ${MAX_JWK_JSON_LENGTH} characters`);
  const secret = PRIVATE_MEMBERS.filter((member) => Object.hasOwn(value, member));
  if (secret.length > 0) {
    return keyFailure(
      'HOLDER_KEY_NOT_PUBLIC',
      `the holder key carries private key material (${secret.join(', ')}): send only the public key; the private key never leaves the wallet`,
    );
  }
  const { kty, crv } = value;
  let jwk: HolderJwk;
  if (kty === 'EC' && crv === 'P-256') {
    if (!coordinate(value['x']) || !coordinate(value['y'])) return keyFailure('HOLDER_KEY_INVALID', 'an EC P-256 key has x and y: 32 bytes each, base64url');
    jwk = { kty, crv, x: value['x'] as string, y: value['y'] as string };
  } else if (kty === 'OKP' && crv === 'Ed25519') {
    if (!coordinate(value['x'])) return keyFailure('HOLDER_KEY_INVALID', 'an Ed25519 key has x: 32 bytes, base64url');
    jwk = { kty, crv, x: value['x'] as string };
  } else {
    return keyFailure(
      'HOLDER_KEY_UNSUPPORTED',
      'the holder key must be an EC P-256 (ES256) or Ed25519 (EdDSA) public key: kty "EC" with crv "P-256", or kty "OKP" with crv "Ed25519"',
    );
  }
  try {
    // OpenSSL checks that an EC point is on the curve.
    return { ok: true, jwk, key: createPublicKey({ key: jwk, format: 'jwk' }) };
  } catch {
    return keyFailure('HOLDER_KEY_INVALID', `the holder key is not a valid ${jwk.crv} public key`);
  }
}

/** `sd_hash`: base64url SHA-256 of the presentation without its KB-JWT (ending in "~"), as US-ASCII. */
export function sdHash(presentationWithoutKb: string): string {
  return hash('sha256', presentationWithoutKb, 'base64url');
}

/** KB-JWT `alg` values accepted for each kind of holder key; `none`, HMAC and anything else never. */
function algorithmsFor(jwk: HolderJwk): readonly string[] {
  // Ed25519: EdDSA (RFC 8037) and the fully-specified Ed25519 (RFC 9864).
  return jwk.kty === 'EC' ? ['ES256'] : ['EdDSA', 'Ed25519'];
}

export interface KeyBindingExpectation {
  /** The verifier's identifier the holder was asked to sign for (`aud`). */
  audience: string | null | undefined;
  /** The verifier's fresh nonce for this transaction. */
  nonce: string | null | undefined;
  /** How old a KB-JWT may be (default 300 s); one from the future is allowed CLOCK_SKEW_SECONDS. */
  maxAgeSeconds?: number;
}

export const DEFAULT_KB_MAX_AGE_SECONDS = 300;
const CLOCK_SKEW_SECONDS = 60;
/** A KB-JWT is a few hundred characters. */
const MAX_KB_JWT_LENGTH = 4096;

function invalid(message: string): Failure<'KEY_BINDING_INVALID'> {
  return { ok: false, reason: 'KEY_BINDING_INVALID', message };
}

function audienceMatches(aud: unknown, expected: string): boolean {
  if (typeof aud === 'string') return aud === expected;
  return Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string') && aud.includes(expected);
}

/** Checks a holder's signature (ES256 as r‖s, or Ed25519) on libuv's thread pool, or `inline` in this thread. */
function holderSignatureVerifies(
  signingInput: Buffer,
  signature: Buffer,
  holder: { jwk: HolderJwk; key: KeyObject },
  inline: boolean,
): boolean | Promise<boolean> {
  const algorithm = holder.jwk.kty === 'EC' ? 'sha256' : null;
  const key = holder.jwk.kty === 'EC' ? ({ key: holder.key, dsaEncoding: 'ieee-p1363' } as const) : holder.key;
  if (inline) return verifySignature(algorithm, signingInput, key, signature);
  return new Promise((resolve) => verifySignature(algorithm, signingInput, key, signature, (error, ok) => resolve(!error && ok)));
}

/**
 * Verifies a Key Binding JWT (RFC 9901 §7.3 step 5): `typ: kb+jwt`, an `alg` for the holder's key
 * type, the signature by the `cnf` key, `iat` within the window, `aud` and `nonce` equal to what
 * the verifier expects, and `sd_hash` over `presented` (the presentation up to its last "~").
 */
export async function verifyKeyBindingJwt(
  kbJwt: string,
  presented: string,
  holder: { jwk: HolderJwk; key: KeyObject },
  expected: KeyBindingExpectation,
  now: Date,
  inline = false,
): Promise<{ ok: true; payload: JsonObject } | Failure<'KEY_BINDING_INVALID'>> {
  if (typeof expected.audience !== 'string' || expected.audience === '' || typeof expected.nonce !== 'string' || expected.nonce === '') {
    return invalid("the presentation is bound to its holder's key: verify it with the audience and nonce the holder was asked to sign (both are needed)");
  }
  const parts = splitCompactJws(kbJwt, MAX_KB_JWT_LENGTH);
  if (!parts.ok) return invalid(`the key-binding JWT is malformed: ${parts.message}`);
  const { header, payload } = parts;
  if (header['typ'] !== KB_JWT_TYPE) return invalid(`the key-binding JWT's typ is not ${KB_JWT_TYPE}`);
  const algorithms = algorithmsFor(holder.jwk);
  const alg = header['alg'];
  if (typeof alg !== 'string' || !algorithms.includes(alg))
    return invalid(`the key-binding JWT must be signed with ${algorithms.join(' or ')} for the holder's ${holder.jwk.crv} key`);
  const dot = kbJwt.lastIndexOf('.');
  const signature = decodeBase64url(kbJwt.slice(dot + 1));
  const signingInput = Buffer.from(kbJwt.slice(0, dot), 'ascii');
  const signed = signature !== null && signature.length === 64 && (await holderSignatureVerifies(signingInput, signature, holder, inline));
  if (!signed) return invalid('the key-binding JWT is not signed by the holder key the credential names (cnf)');
  const iat = payload['iat'];
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return invalid('the key-binding JWT has no iat');
  const seconds = now.getTime() / 1000;
  const maxAge = expected.maxAgeSeconds ?? DEFAULT_KB_MAX_AGE_SECONDS;
  if (iat > seconds + CLOCK_SKEW_SECONDS) return invalid('the key-binding JWT was issued in the future');
  if (iat < seconds - maxAge) return invalid(`the key-binding JWT is older than ${maxAge} seconds: ask the holder for a fresh presentation`);
  if (!audienceMatches(payload['aud'], expected.audience)) return invalid('the key-binding JWT is for another audience (aud)');
  if (payload['nonce'] !== expected.nonce) return invalid('the key-binding JWT is for another nonce: it may be a replayed presentation');
  if (payload['sd_hash'] !== sdHash(presented))
    return invalid("the key-binding JWT's sd_hash does not match the presentation (disclosures added, removed or changed)");
  return { ok: true, payload };
}
