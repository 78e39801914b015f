import { isUtf8 } from 'node:buffer';
import { sign, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import {
  epochSeconds,
  isJsonObject,
  MAX_CREDENTIAL_LENGTH,
  SIGNING_ALGORITHM,
  VC_JWT_TYPE,
  type Failure,
  type JsonObject,
  type SigningKey,
} from './credential-model.js';

/**
 * VC 2.0 credentials secured as JWS (W3C VC-JOSE-COSE, `typ: vc+jwt`). The payload is the
 * credential itself (no `vc` wrapper claim); JWT claims such as `iat` may sit beside it.
 */

const kids = new WeakMap<KeyObject, Promise<string>>();

/** RFC 7638 SHA-256 JWK thumbprint (base64url): the `kid` of a department's issuing key (computed once per key object). */
export function kidOf(publicKey: KeyObject): Promise<string> {
  let kid = kids.get(publicKey);
  if (!kid) {
    kid = exportJWK(publicKey).then((jwk) => calculateJwkThumbprint(jwk, 'sha256'));
    kids.set(publicKey, kid);
  }
  return kid;
}

/** The protected header every onegate JWS carries besides `typ` (and `cty`). */
export function protectedHeaderFor(key: SigningKey, typ: string): JsonObject {
  if (key.x5c.length === 0) throw new RangeError('the signing key needs its certificate chain (x5c) to be verifiable');
  return { alg: SIGNING_ALGORITHM, typ, kid: key.kid, x5c: [...key.x5c] };
}

/**
 * Signs a JSON payload as a compact JWS (ES256: ECDSA P-256 with SHA-256, the signature as r‖s —
 * RFC 7518 §3.4), with OpenSSL on libuv's thread pool so that the event loop stays free.
 */
export function signCompact(payload: JsonObject, header: JsonObject, key: SigningKey): Promise<string> {
  const signingInput = `${base64urlJson({ ...header, alg: SIGNING_ALGORITHM })}.${base64urlJson(payload)}`;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(signingInput, 'ascii'), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }, (error, signature) => {
      if (error) reject(error);
      else resolve(`${signingInput}.${signature.toString('base64url')}`);
    });
  });
}

function base64urlJson(value: JsonObject): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Signs a VC 2.0 credential as `vc+jwt`. `iat` records when it was signed; validity itself is
 * `validFrom`/`validUntil` in the credential, which verifiers read.
 */
export async function signVcJwt(credential: Record<string, unknown>, key: SigningKey, issuedAt: Date = new Date()): Promise<string> {
  const header = { ...protectedHeaderFor(key, VC_JWT_TYPE), cty: 'vc' };
  return signCompact({ ...credential, iat: epochSeconds(issuedAt) }, header, key);
}

/** A compact JWS taken apart (not yet verified). */
export interface CompactJwsParts {
  ok: true;
  /** The compact serialisation, as given (for signature verification). */
  compact: string;
  /** Frozen: shared by every JWS with the same protected header. */
  header: JsonObject;
  payload: JsonObject;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes base64url strictly: only the base64url alphabet, no padding. Node's decoder also takes
 * `+`, `/` and `=`, and skips or stops at anything else; the latter shows as fewer bytes than the
 * length promises (this is the pattern check above, without a regular expression over the whole
 * segment).
 */
export function decodeBase64url(segment: string): Buffer | null {
  if (segment.length % 4 === 1 || segment.includes('+') || segment.includes('/') || segment.includes('=')) return null;
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.length === Math.floor((segment.length * 3) / 4) ? bytes : null;
}

/**
 * Decodes one base64url segment holding a JSON object; UTF-8 is decoded strictly.
 */
export function decodeJsonSegment(segment: string): JsonObject | null {
  const decoded = decodeBase64urlJson(segment);
  return isJsonObject(decoded) ? decoded : null;
}

/** Decodes a base64url segment to any JSON value; undefined when it is not base64url UTF-8 JSON. */
export function decodeBase64urlJson(segment: string): unknown {
  if (segment.length === 0) return undefined;
  const bytes = decodeBase64url(segment);
  if (!bytes || !isUtf8(bytes)) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Protected headers seen before, decoded and frozen: every credential a department key signs
 * carries the same header (with its x5c chain), so it is decoded once. Bounded; the least recently used dropped.
 */
const HEADER_CACHE_SIZE = 64;
const headers = new LRUCache<string, JsonObject>({ max: HEADER_CACHE_SIZE });

function decodeHeader(segment: string): JsonObject | null {
  const cached = headers.get(segment);
  if (cached) return cached;
  const header = decodeJsonSegment(segment);
  if (!header) return null;
  for (const value of Object.values(header)) if (typeof value === 'object' && value !== null) Object.freeze(value);
  Object.freeze(header);
  headers.set(segment, header);
  return header;
}

function malformed(message: string): Failure<'MALFORMED'> {
  return { ok: false, reason: 'MALFORMED', message };
}

/**
 * Takes a compact JWS apart with strict limits: at most `maxLength` characters, exactly three
 * base64url parts, header and payload JSON objects, no `crit` extensions (onegate defines none,
 * and e.g. `b64: false` would change what the signature covers). Never throws: anything
 * unexpected is a MALFORMED failure whose message describes the problem, not the input.
 */
export function splitCompactJws(token: unknown, maxLength: number = MAX_CREDENTIAL_LENGTH): CompactJwsParts | Failure<'MALFORMED'> {
  if (typeof token !== 'string') return malformed('a credential is a string');
  if (token.length > maxLength) return malformed(`a credential is at most ${maxLength} characters`);
  const parts = token.split('.');
  if (parts.length !== 3) return malformed('a compact JWS has three dot-separated parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (!BASE64URL.test(signaturePart)) return malformed('the JWS signature is not base64url');
  const header = decodeHeader(headerPart);
  if (!header) return malformed('the JWS header is not a base64url JSON object');
  if ('crit' in header) return malformed('the JWS header has critical extensions, which onegate does not use');
  const payload = decodeJsonSegment(payloadPart);
  if (!payload) return malformed('the JWS payload is not a base64url JSON object');
  return { ok: true, compact: token, header, payload };
}
