import type { DenialReason } from '../access/access-decision.js';
import { DomainError, errorCodes, type CodeOf } from '../common/errors/domain-error.js';
import { DENIAL_MESSAGES } from '../exchange/exchange.errors.js';

export const ConsentErrorCode = errorCodes('BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN');
export type ConsentErrorCode = CodeOf<typeof ConsentErrorCode>;

export type ConsentErrorReason =
  /** The matter is not in the catalog. */
  | 'MATTER_UNKNOWN'
  /** The matter is not one a citizen's consent can cover (not about persons, or only citizens handle it). */
  | 'MATTER_NOT_CONSENTABLE'
  /** expiresAt is not in the future, or too far ahead. */
  | 'EXPIRY_INVALID'
  /** A hall the consent names is not in the hall registry. */
  | 'HALL_UNKNOWN'
  /** onBehalfOf was given for a matter that takes no consent on someone else's behalf. */
  | 'ON_BEHALF_NOT_ALLOWED'
  /** No such grant of the caller's: unknown and someone else's get the same answer. */
  | 'CONSENT_NOT_FOUND'
  /** consentsCovering: the window may not look this citizen up under the matter (the access decision's reason). */
  | DenialReason;

/** The consent domain's errors: a DomainError with the consent's codes and reasons. */
export class ConsentError extends DomainError<ConsentErrorReason, ConsentErrorCode> {
  static badInput(
    reason: 'MATTER_UNKNOWN' | 'MATTER_NOT_CONSENTABLE' | 'EXPIRY_INVALID' | 'HALL_UNKNOWN' | 'ON_BEHALF_NOT_ALLOWED',
    message: string,
  ): ConsentError {
    return new ConsentError(ConsentErrorCode.BAD_USER_INPUT, reason, message);
  }

  static denied(reason: DenialReason): ConsentError {
    return new ConsentError(ConsentErrorCode.FORBIDDEN, reason, `${DENIAL_MESSAGES[reason]} (${reason})`);
  }

  static notFound(): ConsentError {
    return new ConsentError(ConsentErrorCode.NOT_FOUND, 'CONSENT_NOT_FOUND', 'no such consent grant');
  }
}
