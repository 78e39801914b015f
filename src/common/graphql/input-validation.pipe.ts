import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { validateSync, type ValidatorOptions } from 'class-validator';
import { DomainError, ErrorCode } from '../errors/domain-error.js';

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((m) => (m.startsWith(error.property) ? `${prefix}${m}` : `${path}: ${m}`));
    return [...own, ...messages(error.children ?? [], `${path}.`)];
  });
}

/**
 * Validates synchronously: onegate's inputs declare no asynchronous constraints, and every lookup
 * passes here, so it is spared class-validator's promise per property and constraint.
 */
class SyncValidationPipe extends ValidationPipe {
  protected override validate(object: object, validatorOptions?: ValidatorOptions): ValidationError[] {
    return validateSync(object, validatorOptions);
  }
}

/**
 * class-validator for GraphQL args and HTTP query parameters: every problem in one DomainError naming
 * the fields, BAD_USER_INPUT / INPUT_INVALID (400 on HTTP). Never echoes values. HTTP query
 * parameters the input does not declare are refused; GraphQL's schema has already refused those.
 */
export function inputValidationPipe(transport: 'graphql' | 'http' = 'graphql'): ValidationPipe {
  return new SyncValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: transport === 'http',
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError(ErrorCode.BAD_USER_INPUT, 'INPUT_INVALID', `invalid input: ${messages(errors).join('; ')}`),
  });
}
