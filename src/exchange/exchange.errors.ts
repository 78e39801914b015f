import type { DenialReason } from '../access/access-decision.js';
import type { DepartmentCode } from '../common/departments.js';
import { DomainError, errorCodes, type CodeOf } from '../common/errors/domain-error.js';

export const ExchangeErrorCode = errorCodes(
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'TOO_MANY_REQUESTS',
  'DEPARTMENT_TIMEOUT',
  'DEPARTMENT_UNAVAILABLE',
  'DEPARTMENT_INVALID_RESPONSE',
);
export type ExchangeErrorCode = CodeOf<typeof ExchangeErrorCode>;

/** Why a department could not answer: the `reason` of a DEPARTMENT_* error. */
export type DepartmentFailure =
  /** No answer within the department's time limit; the request to it was abandoned. */
  | 'TIMEOUT'
  /** The department failed repeatedly; its breaker is open and it is not being called. */
  | 'CIRCUIT_OPEN'
  /** Too many requests to that department are already in flight or waiting. */
  | 'BUSY'
  /** The department answered with an error, or the connection failed. */
  | 'FAILED'
  /** The answer did not match the data item's JSON Schema; nothing of it was released. */
  | 'SCHEMA_MISMATCH';

export type ExchangeErrorReason = DenialReason | DepartmentFailure | 'RATE_LIMITED' | 'CASE_NUMBER_REQUIRED' | 'CASE_NUMBER_INVALID';

/** The `extensions.code` of each department failure, wherever it surfaces (lookups, issuance). */
export const DEPARTMENT_FAILURE_CODES: Record<DepartmentFailure, ExchangeErrorCode> = {
  TIMEOUT: ExchangeErrorCode.DEPARTMENT_TIMEOUT,
  CIRCUIT_OPEN: ExchangeErrorCode.DEPARTMENT_UNAVAILABLE,
  BUSY: ExchangeErrorCode.DEPARTMENT_UNAVAILABLE,
  FAILED: ExchangeErrorCode.DEPARTMENT_UNAVAILABLE,
  SCHEMA_MISMATCH: ExchangeErrorCode.DEPARTMENT_INVALID_RESPONSE,
};

const FAILURE_MESSAGES: Record<DepartmentFailure, string> = {
  TIMEOUT: 'did not answer in time',
  CIRCUIT_OPEN: 'is failing and is not being called for now',
  BUSY: 'has too many requests in flight',
  FAILED: 'could not answer',
  SCHEMA_MISMATCH: 'answered with data that does not match the data item schema; nothing of it was released',
};

/** Plain words for each denial reason, for the field error's message. */
export const DENIAL_MESSAGES: Record<DenialReason, string> = {
  MATTER_UNKNOWN: 'the stated matter is not in the catalog',
  ROLE_NEVER_READS_RECORDS: 'auditors and administrators never read citizen or enterprise records',
  AGENCY_HOLDS_NO_RECORDS: 'an agency signs in to decide its department tasks; it reads no records through onegate',
  ROLE_NOT_ALLOWED_FOR_MATTER: 'your role may not handle this matter',
  SUBJECT_NOT_COVERED: 'this matter is not about this kind of subject',
  NOT_OWN_RECORDS: 'a citizen may read only their own records',
  OUTSIDE_JURISDICTION: "the subject is outside your hall's jurisdiction for this matter",
  ITEM_NOT_ALLOWED: 'not available for this matter',
  CONSENT_MISSING: "this matter needs the citizen's consent and none was given",
  CONSENT_EXPIRED: 'the consent has expired',
  CONSENT_REVOKED: 'the citizen revoked the consent',
  CONSENT_NOT_COVERING: 'the consent does not cover this citizen, matter, case or hall',
  SUBJECT_CONDITION_NOT_MET: "the subject does not meet a condition of this matter (see the matter's subjectConditions)",
  SUBJECT_CONDITION_UNVERIFIED: 'a condition of this matter could not be checked because the department holding its facts did not answer; try again',
  CASE_NOT_FOUND: 'no such case in your hall',
  CASE_CLOSED: 'the case is closed; open a new case to read more',
  NOT_A_PARTY: 'the subject is not a party of this case; add them to the case first',
  RELATION_NOT_PROVEN: "the records do not show the relation this party's role needs to another party of the case",
  RELATION_UNVERIFIED: "the relation this party's role needs could not be checked because a department did not answer; try again",
};

/** The exchange's errors: a DomainError with the exchange's codes and reasons and, for department failures, `department`. */
export class ExchangeError extends DomainError<ExchangeErrorReason, ExchangeErrorCode> {
  static denied(item: string, reason: DenialReason): ExchangeError {
    return new ExchangeError(ExchangeErrorCode.FORBIDDEN, reason, `${item}: ${DENIAL_MESSAGES[reason]} (${reason})`);
  }

  static department(department: DepartmentCode, item: string, failure: DepartmentFailure): ExchangeError {
    return new ExchangeError(DEPARTMENT_FAILURE_CODES[failure], failure, `${item}: department ${department} ${FAILURE_MESSAGES[failure]}`, { department });
  }

  static rateLimited(retryAfterSeconds: number): ExchangeError {
    return new ExchangeError(ExchangeErrorCode.TOO_MANY_REQUESTS, 'RATE_LIMITED', `too many lookups; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }

  static badInput(reason: 'CASE_NUMBER_REQUIRED' | 'CASE_NUMBER_INVALID', message: string): ExchangeError {
    return new ExchangeError(ExchangeErrorCode.BAD_USER_INPUT, reason, message);
  }
}

/** What a department call came to, before it becomes a field error (a fresh one per path). */
export class DepartmentCallError extends Error {
  constructor(
    readonly department: DepartmentCode,
    readonly failure: DepartmentFailure,
  ) {
    super(`department ${department}: ${failure}`);
    this.name = 'DepartmentCallError';
  }
}
