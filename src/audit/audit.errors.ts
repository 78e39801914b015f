import { DomainError, errorCodes, type CodeOf, type DomainErrorOptions } from '../common/errors/domain-error.js';

export const AuditErrorCode = errorCodes('SERVICE_UNAVAILABLE', 'BAD_USER_INPUT', 'NOT_FOUND');
export type AuditErrorCode = CodeOf<typeof AuditErrorCode>;

export type AuditErrorReason =
  /** The ledger cannot be written (or read); nothing was released. */
  | 'LEDGER_UNAVAILABLE'
  /**
   * The stored tree no longer matches what was signed (rolled back, or a stored subtree changed):
   * the integrity alarm is raised and nothing is appended until an operator has restored it.
   */
  | 'LEDGER_INCONSISTENT'
  /** A proof was asked for sizes or indexes the tree does not have. */
  | 'PROOF_RANGE_INVALID'
  /** A paging cursor that this API did not hand out. */
  | 'CURSOR_INVALID'
  /** Paging arguments that cannot be used together (`first` with `last`). */
  | 'PAGING_INVALID'
  /** A filter value out of range (dates, lengths). */
  | 'FILTER_INVALID'
  /** No checkpoint has been signed yet. */
  | 'CHECKPOINT_NOT_FOUND';

/** The audit domain's errors: a DomainError with the audit's codes and reasons. */
export class AuditError extends DomainError<AuditErrorReason, AuditErrorCode> {
  static badInput(reason: AuditErrorReason, message: string): AuditError {
    return new AuditError(AuditErrorCode.BAD_USER_INPUT, reason, message);
  }
}

/**
 * The ledger could not make an entry durable. Whoever asked for the entry must release no data:
 * the client gets SERVICE_UNAVAILABLE / LEDGER_UNAVAILABLE and nothing else.
 */
export class LedgerUnavailableError extends AuditError {
  constructor(
    message = 'the audit ledger cannot be written',
    options?: Pick<DomainErrorOptions, 'cause'>,
    reason: 'LEDGER_UNAVAILABLE' | 'LEDGER_INCONSISTENT' = 'LEDGER_UNAVAILABLE',
  ) {
    super(AuditErrorCode.SERVICE_UNAVAILABLE, reason, `${message}; no data was released`, options);
  }
}

/**
 * The integrity alarm is raised (see LedgerWriter): the stored tree is shorter than, or does not
 * extend, what was signed. Appends are refused — callers fail closed exactly as when the ledger
 * is unavailable (it is a LedgerUnavailableError), with reason LEDGER_INCONSISTENT.
 */
export class LedgerInconsistentError extends LedgerUnavailableError {
  constructor() {
    super('the audit ledger failed its integrity check and takes no entries', undefined, 'LEDGER_INCONSISTENT');
  }
}
