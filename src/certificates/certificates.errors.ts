import type { IssuanceDenialReason } from '../access/access-decision.js';
import type { DepartmentCode } from '../common/departments.js';
import { DomainError, errorCodes, type CodeOf } from '../common/errors/domain-error.js';
import { DENIAL_MESSAGES, DEPARTMENT_FAILURE_CODES, ExchangeError, type DepartmentFailure } from '../exchange/exchange.errors.js';
import type { ClaimsRefusal } from './claims-builder.js';

export const CertificateErrorCode = errorCodes('BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'SERVICE_UNAVAILABLE');
export type CertificateErrorCode = CodeOf<typeof CertificateErrorCode>;

export type CertificateErrorReason =
  | IssuanceDenialReason
  | ClaimsRefusal
  | 'TYPE_UNKNOWN'
  /** A clerk issues under a stated matter and case. */
  | 'PURPOSE_REQUIRED'
  | 'HOLDER_INVALID'
  | 'IDEMPOTENCY_KEY_INVALID'
  /** The idempotency key was used before for another type or holder. */
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'REPLACES_INVALID'
  | 'REASON_INVALID'
  | 'DEPARTMENT_UNKNOWN'
  | 'CERTIFICATE_NOT_FOUND'
  /** `GET /status-lists/…`: no such list (or purpose) of that department. */
  | 'STATUS_LIST_NOT_FOUND'
  /** `GET /ns/credentials/…`: no JSON-LD context of that version. */
  | 'CONTEXT_NOT_FOUND'
  /** Not the issuing department's system: only it changes a certificate's status. */
  | 'NOT_THE_ISSUING_DEPARTMENT'
  /** The change does not apply to the certificate's current state (e.g. reinstating a revoked one). */
  | 'STATE_CONFLICT'
  | 'NO_ISSUING_KEY'
  | 'STATUS_LIST_FULL'
  /** The registry refused the new certificate's row (neither it nor its ledger entry was written). */
  | 'REGISTRATION_FAILED'
  | 'DISCLOSURE_INVALID'
  /** holderKey is not a usable public JWK. */
  | 'HOLDER_KEY_INVALID'
  /** holderKey carries private key material (`d` and the like). */
  | 'HOLDER_KEY_NOT_PUBLIC'
  /** holderKey is not an EC P-256 or Ed25519 key. */
  | 'HOLDER_KEY_UNSUPPORTED'
  /** The certificate is bound to the holder's key: only the holder's wallet can present it (with a key-binding JWT). */
  | 'HOLDER_BOUND'
  /** verifyCertificate's audience or nonce is empty or too long. */
  | 'KEY_BINDING_EXPECTATION_INVALID'
  /** Not a GB/T 36904 certificate identifier: wrong shape, or a part that is not a valid credit code. */
  | 'IDENTIFIER_MALFORMED'
  /** A well-formed identifier whose check character does not match (mistyped or altered). */
  | 'IDENTIFIER_CHECK_CHARACTER';

const ISSUANCE_MESSAGES: Record<Exclude<IssuanceDenialReason, keyof typeof DENIAL_MESSAGES>, string> = {
  ROLE_MAY_NOT_ISSUE: 'only the issuing department or a clerk handling a matter that issues it may have a certificate issued',
  NOT_THE_ISSUING_DEPARTMENT: 'this certificate type is issued by another department',
  MATTER_DOES_NOT_ISSUE_TYPE: 'this matter does not issue this certificate type',
  PURPOSE_REQUIRED_FOR_OTHER_DEPARTMENTS_ITEMS:
    "its claims come from another department's records: state purpose { matter caseNumber consent } under a matter that issues this type",
};

/** The certificate registry's errors: a DomainError with the registry's codes and reasons; department failures keep the exchange's error. */
export class CertificateError extends DomainError<CertificateErrorReason, CertificateErrorCode> {
  static badInput(reason: CertificateErrorReason, message: string): CertificateError {
    return new CertificateError(CertificateErrorCode.BAD_USER_INPUT, reason, message);
  }

  static issuanceDenied(reason: IssuanceDenialReason): CertificateError {
    const words =
      reason in DENIAL_MESSAGES ? DENIAL_MESSAGES[reason as keyof typeof DENIAL_MESSAGES] : ISSUANCE_MESSAGES[reason as keyof typeof ISSUANCE_MESSAGES];
    return new CertificateError(CertificateErrorCode.FORBIDDEN, reason, `cannot issue: ${words} (${reason})`);
  }

  static forbidden(reason: CertificateErrorReason, message: string): CertificateError {
    return new CertificateError(CertificateErrorCode.FORBIDDEN, reason, message);
  }

  /** The department holding the source data could not answer: no certificate (fail closed). The exchange's error, with its codes. */
  static department(department: DepartmentCode, item: string, failure: DepartmentFailure): ExchangeError {
    return new ExchangeError(
      DEPARTMENT_FAILURE_CODES[failure],
      failure,
      `cannot issue: department ${department} could not provide ${item} (${failure}); no certificate was issued`,
      { department },
    );
  }

  static cannotBuild(reason: ClaimsRefusal, message: string): CertificateError {
    return new CertificateError(CertificateErrorCode.CONFLICT, reason, `cannot issue: ${message}`);
  }

  static notFound(
    reason: 'CERTIFICATE_NOT_FOUND' | 'STATUS_LIST_NOT_FOUND' | 'CONTEXT_NOT_FOUND' = 'CERTIFICATE_NOT_FOUND',
    message = 'no such certificate',
  ): CertificateError {
    return new CertificateError(CertificateErrorCode.NOT_FOUND, reason, message);
  }

  static conflict(reason: CertificateErrorReason, message: string): CertificateError {
    return new CertificateError(CertificateErrorCode.CONFLICT, reason, message);
  }

  static unavailable(reason: CertificateErrorReason, message: string): CertificateError {
    return new CertificateError(CertificateErrorCode.SERVICE_UNAVAILABLE, reason, message);
  }
}
