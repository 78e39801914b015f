import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, CompactSign, exportJWK } from 'jose';
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

/** RFC 7638 SHA-256 JWK thumbprint (base64url): the `kid` of a department's issuing key. */
export async function kidOf(publicKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(publicKey), 'sha256');
}

/** The protected header every onegate JWS carries besides `typ` (and `cty`). */
export function protectedHeaderFor(key: SigningKey, typ: string): JsonObject {
  if (key.x5c.length === 0) throw new RangeError('the signing key needs its certificate chain (x5c) to be verifiable');
  return { alg: SIGNING_ALGORITHM, typ, kid: key.kid, x5c: [...key.x5c] };
}

/** Signs a JSON payload as a compact JWS (ES256). */
export async function signCompact(payload: JsonObject, header: JsonObject, key: SigningKey): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  return new CompactSign(bytes).setProtectedHeader({ ...header, alg: SIGNING_ALGORITHM }).sign(key.privateKey);
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
  header: JsonObject;
  payload: JsonObject;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one base64url segment holding a JSON object. Base64url is checked by pattern first
 * because Buffer's decoder silently skips invalid characters; UTF-8 is decoded strictly.
 */
export function decodeJsonSegment(segment: string): JsonObject | null {
  const decoded = decodeBase64urlJson(segment);
  return isJsonObject(decoded) ? decoded : null;
}

/** Decodes a base64url segment to any JSON value; undefined when it is not base64url UTF-8 JSON. */
export function decodeBase64urlJson(segment: string): unknown {
  if (segment.length === 0 || !BASE64URL.test(segment) || segment.length % 4 === 1) return undefined;
  try {
    return JSON.parse(strictUtf8.decode(Buffer.from(segment, 'base64url')));
  } catch {
    return undefined;
  }
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
  const header = decodeJsonSegment(headerPart);
  if (!header) return malformed('the JWS header is not a base64url JSON object');
  if ('crit' in header) return malformed('the JWS header has critical extensions, which onegate does not use');
  const payload = decodeJsonSegment(payloadPart);
  if (!payload) return malformed('the JWS payload is not a base64url JSON object');
  return { ok: true, compact: token, header, payload };
}
