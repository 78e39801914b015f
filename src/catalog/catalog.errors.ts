import { GraphQLError } from 'graphql';

export enum CatalogErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
}

export type CatalogErrorReason = 'MATTER_INVALID' | 'MATTER_NOT_FOUND' | 'MATTER_IN_USE';

/** The catalog domain's one error, written for the client (`extensions.code` and `reason`). */
export class CatalogError extends GraphQLError {
  declare readonly extensions: { code: CatalogErrorCode; reason: CatalogErrorReason };

  constructor(code: CatalogErrorCode, reason: CatalogErrorReason, message: string) {
    super(message, { extensions: { code, reason } });
    this.name = 'CatalogError';
  }
}
