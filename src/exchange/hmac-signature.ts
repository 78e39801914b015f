import { createHmac, hash, timingSafeEqual } from 'node:crypto';

/**
 * The HMAC request signature onegate's HTTP connector puts on every call to a department API, and
 * that a department API (examples/department-api) verifies with this same module:
 *
 *   x-onegate-key-id:    which shared secret signed (the department may hold several while rotating)
 *   x-onegate-timestamp: unix seconds when the request was signed
 *   x-onegate-signature: base64url(HMAC-SHA256(secret, canonical))
 *
 *   canonical = `${METHOD}\n${pathWithQuery}\n${timestamp}\n${hex SHA-256 of the body}`
 *
 * `pathWithQuery` is the request target exactly as sent on the wire (what node:http calls
 * `req.url`, e.g. `/v1/social-insurance/accounts?idNumbers=A,B`); the body hash of a request
 * without a body (GET) is the hash of ''. A signature is accepted within ±300 s of the verifier's
 * clock, and compared in constant time.
 */
export const SIGNATURE_HEADERS = {
  keyId: 'x-onegate-key-id',
  timestamp: 'x-onegate-timestamp',
  signature: 'x-onegate-signature',
} as const;

/** How far (seconds) a request's timestamp may be from the verifier's clock, either way. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface SignRequestInput {
  keyId: string;
  secret: string;
  method: string;
  /** Path and query exactly as sent (`url.pathname + url.search`). */
  pathWithQuery: string;
  /** '' or absent for a request without a body. */
  body?: string | Uint8Array;
  /** Clock in milliseconds (tests); default Date.now(). */
  now?: number;
}

export type SignatureHeaders = Record<(typeof SIGNATURE_HEADERS)[keyof typeof SIGNATURE_HEADERS], string>;

/** The three signature headers for one request. */
export function signRequest(input: SignRequestInput): SignatureHeaders {
  const timestamp = String(Math.floor((input.now ?? Date.now()) / 1000));
  return {
    [SIGNATURE_HEADERS.keyId]: input.keyId,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.signature]: computeSignature(input.secret, canonicalRequest(input.method, input.pathWithQuery, timestamp, input.body)),
  };
}

export function canonicalRequest(method: string, pathWithQuery: string, timestamp: string, body: string | Uint8Array = ''): string {
  const bodyHash = hash('sha256', body, 'hex');
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${bodyHash}`;
}

export function computeSignature(secret: string, canonical: string): string {
  return createHmac('sha256', secret).update(canonical).digest('base64url');
}

export interface VerifySignatureInput {
  /** Request headers as node:http gives them (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  method: string;
  pathWithQuery: string;
  body?: string | Uint8Array;
  /** The secret of a key id, or undefined for a key id the verifier does not know. */
  secretFor: (keyId: string) => string | undefined;
  now?: number;
  maxSkewSeconds?: number;
}

export type SignatureVerdict = { ok: true; keyId: string } | { ok: false; reason: 'missing' | 'malformed' | 'unknown-key' | 'stale' | 'bad-signature' };

/** Checks the signature headers of a request; never throws. */
export function verifySignature(input: VerifySignatureInput): SignatureVerdict {
  const keyId = single(input.headers[SIGNATURE_HEADERS.keyId]);
  const timestamp = single(input.headers[SIGNATURE_HEADERS.timestamp]);
  const signature = single(input.headers[SIGNATURE_HEADERS.signature]);
  if (keyId === undefined || timestamp === undefined || signature === undefined) return { ok: false, reason: 'missing' };
  if (!/^[0-9]{1,12}$/.test(timestamp) || !/^[A-Za-z0-9_-]{1,128}$/.test(signature)) return { ok: false, reason: 'malformed' };
  const secret = input.secretFor(keyId);
  if (secret === undefined) return { ok: false, reason: 'unknown-key' };
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (input.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS)) return { ok: false, reason: 'stale' };
  const expected = computeSignature(secret, canonicalRequest(input.method, input.pathWithQuery, timestamp, input.body));
  return constantTimeEqual(signature, expected) ? { ok: true, keyId } : { ok: false, reason: 'bad-signature' };
}

/**
 * Compares two secrets-bearing strings in time independent of where they differ (and of their
 * lengths: both sides are hashed to 32 bytes first).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(hash('sha256', a, 'buffer'), hash('sha256', b, 'buffer'));
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
