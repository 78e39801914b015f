import { DomainError, errorCodes, type CodeOf } from '../common/errors/domain-error.js';

export const IdentityErrorCode = errorCodes('UNAUTHENTICATED', 'FORBIDDEN', 'TOO_MANY_REQUESTS');
export type IdentityErrorCode = CodeOf<typeof IdentityErrorCode>;

/** Why authentication or authorization failed; stable, for clients and tests to branch on. */
export type IdentityErrorReason =
  /** No bearer token where one is required. */
  | 'TOKEN_MISSING'
  /** Not a compact JWS, or an Authorization header that is not `Bearer <token>`. */
  | 'TOKEN_MALFORMED'
  /** Past `exp`, or older than TOKEN_MAX_AGE_SECONDS by `iat`. */
  | 'TOKEN_EXPIRED'
  /** `nbf` (or `iat`) in the future beyond the clock tolerance. */
  | 'TOKEN_NOT_YET_VALID'
  /** Signature, algorithm, key, type, issuer, audience or critical header not accepted. */
  | 'TOKEN_INVALID'
  /** Verified, but the claims do not describe a valid principal (role, hall, department, ID number...). */
  | 'TOKEN_CLAIMS_INVALID'
  /** The external issuer's key set could not be fetched; not the caller's fault. */
  | 'ISSUER_UNAVAILABLE'
  /** Authenticated, but the principal's kind may not call this operation. */
  | 'ROLE_NOT_ALLOWED'
  /** A caller without a valid token made too many public requests from its address (PublicRateLimitGuard). */
  | 'RATE_LIMITED';

/**
 * The identity domain's errors: a DomainError with the identity's codes and reasons (on HTTP routes,
 * 401 with `WWW-Authenticate: Bearer`, or 403). Messages never include the token or its claims.
 */
export class IdentityError extends DomainError<IdentityErrorReason, IdentityErrorCode> {
  static unauthenticated(reason: Exclude<IdentityErrorReason, 'ROLE_NOT_ALLOWED' | 'RATE_LIMITED'>, message: string): IdentityError {
    return new IdentityError(IdentityErrorCode.UNAUTHENTICATED, reason, message);
  }

  static forbidden(message: string): IdentityError {
    return new IdentityError(IdentityErrorCode.FORBIDDEN, 'ROLE_NOT_ALLOWED', message);
  }

  static rateLimited(retryAfterSeconds: number, message: string): IdentityError {
    return new IdentityError(IdentityErrorCode.TOO_MANY_REQUESTS, 'RATE_LIMITED', message, { retryAfterSeconds });
  }
}
