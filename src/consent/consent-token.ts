import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { ConsentSigningKey } from './consent-key.js';

/**
 * Consent tokens: a consent grant carried as a short-lived signed JWT, which the citizen shows as a
 * QR code at the window and the clerk's query passes as `purpose.consent`. The token names the grant
 * (`cid`) and its scope, never the citizen's ID number: a QR code can be photographed, and the
 * gateway reads the citizen from the grant itself on every use, so a revoked grant stops working
 * even while its token is unexpired.
 */
export const CONSENT_TOKEN_TYPE = 'onegate-consent+jwt';
export const CONSENT_TOKEN_ALGORITHM = 'EdDSA';
/** `iss` of consent tokens; the gateway is both their issuer and their only verifier. */
export const CONSENT_TOKEN_ISSUER = 'onegate-consent';
/** Far above a real consent token (~400 characters); bounds the work done on garbage. */
export const MAX_CONSENT_TOKEN_LENGTH = 2048;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a token carries: the grant and its scope. */
export interface ConsentTokenScope {
  grantId: string;
  matter: string;
  caseNumber: string | null;
  hall: string | null;
  /** The grant's own expiry; the token never outlives it. */
  expiresAt: Date;
}

export interface ConsentTokenClaims extends ConsentTokenScope {
  /** The token's `exp`: the earlier of the grant's expiry and issue time + TTL. */
  expiresAt: Date;
  issuedAt: Date;
  tokenId: string;
}

export interface ConsentTokenSettings {
  /** `aud`: the gateway (TOKEN_AUDIENCE). */
  audience: string;
  /** CONSENT_TOKEN_TTL_SECONDS; verification also refuses tokens older than this by `iat`. */
  ttlSeconds: number;
  /** Allowed clock skew between gateway instances (TOKEN_CLOCK_TOLERANCE_SECONDS). */
  clockToleranceSeconds: number;
}

export type ConsentTokenFailure = 'TOKEN_MALFORMED' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED';

/** A consent token was refused. Never carries the token or its claims in the message. */
export class ConsentTokenError extends Error {
  constructor(
    readonly reason: ConsentTokenFailure,
    message: string,
    /** The grant an authentic but expired token named; null when the token could not be trusted. */
    readonly grantId: string | null = null,
  ) {
    super(message);
    this.name = 'ConsentTokenError';
  }
}

export function looksLikeConsentToken(value: string): boolean {
  return value.length <= MAX_CONSENT_TOKEN_LENGTH && COMPACT_JWS.test(value);
}

/**
 * Signs a token for the grant, valid from `now` until the earlier of the grant's expiry and
 * `now + ttlSeconds`; null when the grant has less than a second left.
 */
export async function signConsentToken(
  scope: ConsentTokenScope,
  key: ConsentSigningKey,
  settings: Pick<ConsentTokenSettings, 'audience' | 'ttlSeconds'>,
  now: Date,
): Promise<string | null> {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = Math.min(Math.floor(scope.expiresAt.getTime() / 1000), iat + settings.ttlSeconds);
  if (exp <= iat) return null;
  const claims: JWTPayload = { cid: scope.grantId, matter: scope.matter };
  if (scope.caseNumber !== null) claims.case = scope.caseNumber;
  if (scope.hall !== null) claims.hall = scope.hall;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: CONSENT_TOKEN_ALGORITHM, typ: CONSENT_TOKEN_TYPE, kid: key.kid })
    .setIssuer(CONSENT_TOKEN_ISSUER)
    .setAudience(settings.audience)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/**
 * Verifies a consent token against the gateway's public key: pinned algorithm and type, issuer,
 * audience, required `exp`/`iat`/`jti`/`cid`, `exp` and age by `iat`. Throws ConsentTokenError.
 */
export async function verifyConsentToken(token: string, publicKey: KeyObject, settings: ConsentTokenSettings, now: Date): Promise<ConsentTokenClaims> {
  if (typeof token !== 'string' || !looksLikeConsentToken(token)) {
    throw new ConsentTokenError('TOKEN_MALFORMED', 'consent token is not a compact JWS');
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, publicKey, {
      algorithms: [CONSENT_TOKEN_ALGORITHM],
      typ: CONSENT_TOKEN_TYPE,
      issuer: CONSENT_TOKEN_ISSUER,
      audience: settings.audience,
      requiredClaims: ['exp', 'iat', 'jti', 'cid'],
      maxTokenAge: settings.ttlSeconds,
      clockTolerance: settings.clockToleranceSeconds,
      currentDate: now,
    }));
  } catch (error) {
    throw tokenError(error);
  }
  const { cid, matter, case: caseNumber, hall, jti, iat, exp } = payload as JWTPayload & Record<string, unknown>;
  const optionalText = (v: unknown) => v === undefined || (typeof v === 'string' && v.length > 0 && v.length <= 64);
  if (
    typeof cid !== 'string' ||
    !UUID.test(cid) ||
    typeof matter !== 'string' ||
    matter.length === 0 ||
    matter.length > 64 ||
    !optionalText(caseNumber) ||
    !optionalText(hall) ||
    typeof jti !== 'string'
  ) {
    throw new ConsentTokenError('TOKEN_INVALID', 'consent token claims are not valid');
  }
  return {
    grantId: cid,
    matter,
    caseNumber: (caseNumber as string | undefined) ?? null,
    hall: (hall as string | undefined) ?? null,
    issuedAt: new Date((iat as number) * 1000),
    expiresAt: new Date((exp as number) * 1000),
    tokenId: jti,
  };
}

function tokenError(error: unknown): ConsentTokenError {
  if (error instanceof errors.JWTExpired) {
    // jose checks claims only after the signature: an expired token is authentic, so its grant can be named.
    const cid = error.payload?.cid;
    return new ConsentTokenError('TOKEN_EXPIRED', 'consent token expired', typeof cid === 'string' && UUID.test(cid) ? cid : null);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new ConsentTokenError('TOKEN_MALFORMED', 'consent token is malformed');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new ConsentTokenError('TOKEN_INVALID', 'consent token signature is invalid');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new ConsentTokenError('TOKEN_INVALID', `consent token ${error.claim} claim is not accepted`);
  }
  return new ConsentTokenError('TOKEN_INVALID', 'consent token could not be verified');
}
