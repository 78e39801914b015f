import { ForbiddenException, HttpException, UnauthorizedException } from '@nestjs/common';
import { GraphQLError } from 'graphql';

export enum IdentityErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
}

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
  | 'ROLE_NOT_ALLOWED';

/**
 * The identity domain's one error. A GraphQLError, so Apollo returns it as-is with
 * `extensions.code` and `extensions.reason`. Messages never include the token or its claims.
 */
export class IdentityError extends GraphQLError {
  declare readonly extensions: { code: IdentityErrorCode; reason: IdentityErrorReason };

  constructor(code: IdentityErrorCode, reason: IdentityErrorReason, message: string) {
    super(message, { extensions: { code, reason } });
    this.name = 'IdentityError';
  }

  get code(): IdentityErrorCode {
    return this.extensions.code;
  }

  get reason(): IdentityErrorReason {
    return this.extensions.reason;
  }

  static unauthenticated(reason: Exclude<IdentityErrorReason, 'ROLE_NOT_ALLOWED'>, message: string): IdentityError {
    return new IdentityError(IdentityErrorCode.UNAUTHENTICATED, reason, message);
  }

  static forbidden(message: string): IdentityError {
    return new IdentityError(IdentityErrorCode.FORBIDDEN, 'ROLE_NOT_ALLOWED', message);
  }
}

/**
 * The same error for plain HTTP routes, where Nest's exception filter only understands
 * HttpExceptions (a GraphQLError there would become a 500).
 */
export function toHttpException(error: IdentityError): HttpException {
  const body = { message: error.message, code: error.code, reason: error.reason };
  return error.code === IdentityErrorCode.FORBIDDEN
    ? new ForbiddenException({ statusCode: 403, error: 'Forbidden', ...body })
    : new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', ...body });
}
