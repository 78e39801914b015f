import { GraphQLError } from 'graphql';
import type { DenialReason } from '../access/access-decision.js';
import { DENIAL_MESSAGES } from '../exchange/exchange.errors.js';

export enum ConsentErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  FORBIDDEN = 'FORBIDDEN',
}

export type ConsentErrorReason =
  /** The matter is not in the catalog. */
  | 'MATTER_UNKNOWN'
  /** The matter is not one a citizen's consent can cover (not about persons, or only citizens handle it). */
  | 'MATTER_NOT_CONSENTABLE'
  /** expiresAt is not in the future, or too far ahead. */
  | 'EXPIRY_INVALID'
  /** A hall the consent names is not in the hall registry. */
  | 'HALL_UNKNOWN'
  /** No such grant of the caller's: unknown and someone else's get the same answer. */
  | 'CONSENT_NOT_FOUND'
  /** consentsCovering: the window may not look this citizen up under the matter (the access decision's reason). */
  | DenialReason;

/** The consent domain's one error, written for the client (`extensions.code` and `reason`). */
export class ConsentError extends GraphQLError {
  declare readonly extensions: { code: ConsentErrorCode; reason: ConsentErrorReason };

  constructor(code: ConsentErrorCode, reason: ConsentErrorReason, message: string) {
    super(message, { extensions: { code, reason } });
    this.name = 'ConsentError';
  }

  static badInput(reason: 'MATTER_UNKNOWN' | 'MATTER_NOT_CONSENTABLE' | 'EXPIRY_INVALID' | 'HALL_UNKNOWN', message: string): ConsentError {
    return new ConsentError(ConsentErrorCode.BAD_USER_INPUT, reason, message);
  }

  static denied(reason: DenialReason): ConsentError {
    return new ConsentError(ConsentErrorCode.FORBIDDEN, reason, `${DENIAL_MESSAGES[reason]} (${reason})`);
  }

  static notFound(): ConsentError {
    return new ConsentError(ConsentErrorCode.NOT_FOUND, 'CONSENT_NOT_FOUND', 'no such consent grant');
  }
}
