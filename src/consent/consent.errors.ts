import { GraphQLError } from 'graphql';

export enum ConsentErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
}

export type ConsentErrorReason =
  /** The matter is not in the catalog. */
  | 'MATTER_UNKNOWN'
  /** The matter is not one a citizen's consent can cover (not about persons, or only citizens handle it). */
  | 'MATTER_NOT_CONSENTABLE'
  /** expiresAt is not in the future, or too far ahead. */
  | 'EXPIRY_INVALID'
  /** No such grant of the caller's: unknown and someone else's get the same answer. */
  | 'CONSENT_NOT_FOUND';

/** The consent domain's one error, written for the client (`extensions.code` and `reason`). */
export class ConsentError extends GraphQLError {
  declare readonly extensions: { code: ConsentErrorCode; reason: ConsentErrorReason };

  constructor(code: ConsentErrorCode, reason: ConsentErrorReason, message: string) {
    super(message, { extensions: { code, reason } });
    this.name = 'ConsentError';
  }

  static badInput(reason: Exclude<ConsentErrorReason, 'CONSENT_NOT_FOUND'>, message: string): ConsentError {
    return new ConsentError(ConsentErrorCode.BAD_USER_INPUT, reason, message);
  }

  static notFound(): ConsentError {
    return new ConsentError(ConsentErrorCode.NOT_FOUND, 'CONSENT_NOT_FOUND', 'no such consent grant');
  }
}
