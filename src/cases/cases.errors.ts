import type { DenialReason } from '../access/access-decision.js';
import { DomainError, errorCodes, type CodeOf } from '../common/errors/domain-error.js';
import { DENIAL_MESSAGES } from '../exchange/exchange.errors.js';

export const CaseErrorCode = errorCodes('BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT');
export type CaseErrorCode = CodeOf<typeof CaseErrorCode>;

export type CaseErrorReason =
  /** The matter is not in the catalog. */
  | 'MATTER_UNKNOWN'
  /** The matter declares no party roles: it is looked up one subject at a time, not as a case. */
  | 'MATTER_HAS_NO_PARTIES'
  /** The role is not one the matter declares. */
  | 'ROLE_UNKNOWN'
  /** A person given for an enterprise role, or the reverse, or neither or both identifiers. */
  | 'PARTY_KIND_MISMATCH'
  /** The person or enterprise is already a party of the case. */
  | 'PARTY_ALREADY_IN_CASE'
  /** The role takes one party and has one. */
  | 'ROLE_TAKEN'
  /** The hall already has a case with that number. */
  | 'CASE_NUMBER_TAKEN'
  /** A case needs at least one party. */
  | 'PARTIES_REQUIRED'
  /** The consent shown is not for this case's matter, or names no party of the case. */
  | 'CONSENT_NOT_FOR_CASE'
  /** A paging cursor that this API did not hand out. */
  | 'CURSOR_INVALID'
  /** The access decision's reason (CASE_NOT_FOUND, CASE_CLOSED, RELATION_NOT_PROVEN, ROLE_NOT_ALLOWED_FOR_MATTER, ...). */
  | DenialReason;

/** The cases domain's errors: a DomainError with the case codes and reasons. */
export class CaseError extends DomainError<CaseErrorReason, CaseErrorCode> {
  static badInput(
    reason:
      'MATTER_UNKNOWN' | 'MATTER_HAS_NO_PARTIES' | 'ROLE_UNKNOWN' | 'PARTY_KIND_MISMATCH' | 'PARTIES_REQUIRED' | 'CONSENT_NOT_FOR_CASE' | 'CURSOR_INVALID',
    message: string,
    role?: string,
  ): CaseError {
    return new CaseError(CaseErrorCode.BAD_USER_INPUT, reason, message, role ? { role } : {});
  }

  static conflict(reason: 'PARTY_ALREADY_IN_CASE' | 'ROLE_TAKEN' | 'CASE_NUMBER_TAKEN', message: string, role?: string): CaseError {
    return new CaseError(CaseErrorCode.CONFLICT, reason, message, role ? { role } : {});
  }

  /** The case does not exist or is another hall's: one answer for both. */
  static notFound(): CaseError {
    return new CaseError(CaseErrorCode.NOT_FOUND, 'CASE_NOT_FOUND', 'no such case in your hall');
  }

  static denied(reason: DenialReason, role?: string): CaseError {
    const about = role ? `${role}: ` : '';
    return new CaseError(CaseErrorCode.FORBIDDEN, reason, `${about}${DENIAL_MESSAGES[reason]} (${reason})`, role ? { role } : {});
  }
}
