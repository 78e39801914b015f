import { DomainError, errorCodes, type CodeOf } from '../common/errors/domain-error.js';

export const OneThingErrorCode = errorCodes('BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN');
export type OneThingErrorCode = CodeOf<typeof OneThingErrorCode>;

export type OneThingErrorReason =
  /** No one thing of that code in schemas/one-things. */
  | 'ONE_THING_UNKNOWN'
  /** `answers` is not an object of option values keyed by question key. */
  | 'ANSWERS_INVALID'
  /** An answer to a question the one thing does not ask. */
  | 'QUESTION_UNKNOWN'
  /** An answer that is not one of its question's options. */
  | 'OPTION_UNKNOWN'
  /** More guidances asked at once than a burden report takes. */
  | 'TOO_MANY'
  /** The case was opened for another matter than the one thing's case matter. */
  | 'CASE_MATTER_MISMATCH'
  /** No such case in the caller's hall (or none the caller may work on). */
  | 'CASE_NOT_FOUND'
  /** The case is closed: nothing more is read under it. */
  | 'CASE_CLOSED';

/** The one-things domain's errors: a DomainError with its codes and reasons. Messages name the code, key or option at fault. */
export class OneThingError extends DomainError<OneThingErrorReason, OneThingErrorCode> {
  static badInput(
    reason: 'ONE_THING_UNKNOWN' | 'ANSWERS_INVALID' | 'QUESTION_UNKNOWN' | 'OPTION_UNKNOWN' | 'TOO_MANY' | 'CASE_MATTER_MISMATCH',
    message: string,
  ): OneThingError {
    return new OneThingError(OneThingErrorCode.BAD_USER_INPUT, reason, message);
  }

  /** Another hall's case and no case at all get the same answer. */
  static caseNotFound(): OneThingError {
    return new OneThingError(OneThingErrorCode.NOT_FOUND, 'CASE_NOT_FOUND', 'no such case in your hall');
  }

  static caseClosed(): OneThingError {
    return new OneThingError(OneThingErrorCode.FORBIDDEN, 'CASE_CLOSED', 'the case is closed: nothing more is read under it');
  }
}
