import { DomainError, errorCodes, type CodeOf } from '../common/errors/domain-error.js';

export const OperationsErrorCode = errorCodes('NOT_FOUND');
export type OperationsErrorCode = CodeOf<typeof OperationsErrorCode>;

/** Why an operations endpoint refused: `/metrics` is off (production without METRICS_TOKEN). */
export type OperationsErrorReason = 'METRICS_OFF';

export class OperationsError extends DomainError<OperationsErrorReason, OperationsErrorCode> {
  static metricsOff(): OperationsError {
    return new OperationsError(OperationsErrorCode.NOT_FOUND, 'METRICS_OFF', 'metrics are off: set METRICS_TOKEN to scrape them');
  }
}
