import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { validateSync, type ValidatorOptions } from 'class-validator';
import { GraphQLError } from 'graphql';

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
 * class-validator for GraphQL args and HTTP query parameters: every problem in one error naming the
 * fields — BAD_USER_INPUT (reason INPUT_INVALID) for GraphQL, 400 for HTTP. Never echoes values.
 */
export function inputValidationPipe(transport: 'graphql' | 'http' = 'graphql'): ValidationPipe {
  return new SyncValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: transport === 'http',
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const message = `invalid input: ${messages(errors).join('; ')}`;
      return transport === 'graphql'
        ? new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason: 'INPUT_INVALID' } })
        : new BadRequestException({ statusCode: 400, error: 'BAD_USER_INPUT', reason: 'INPUT_INVALID', message });
    },
  });
}
