import { DomainError, errorCodes, type CodeOf } from '../common/errors/domain-error.js';

export const CatalogErrorCode = errorCodes('BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT');
export type CatalogErrorCode = CodeOf<typeof CatalogErrorCode>;

export type CatalogErrorReason = 'MATTER_INVALID' | 'MATTER_NOT_FOUND' | 'MATTER_IN_USE';

/** The catalog domain's errors: a DomainError with the catalog's codes and reasons. */
export class CatalogError extends DomainError<CatalogErrorReason, CatalogErrorCode> {}
