import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { principalFromExecutionContext } from './auth.guard.js';
import { IdentityError } from './identity.errors.js';

export interface CurrentPrincipalOptions {
  /** On a @Public() handler: undefined instead of UNAUTHENTICATED when no valid token was sent. */
  optional?: boolean;
}

/**
 * The caller's Principal, as attached by the AuthGuard: for GraphQL resolvers (including field
 * resolvers, which share the operation's context) `GqlExecutionContext.getContext().principal`,
 * for HTTP handlers the request's. Without one it throws UNAUTHENTICATED unless `{ optional: true }`.
 *
 *   me(@CurrentPrincipal() principal: Principal)
 *   hello(@CurrentPrincipal({ optional: true }) principal: Principal | undefined)
 */
export const CurrentPrincipal = createParamDecorator((options: CurrentPrincipalOptions | undefined, context: ExecutionContext) => {
  const principal = principalFromExecutionContext(context);
  if (principal === undefined && !options?.optional) {
    throw IdentityError.unauthenticated('TOKEN_MISSING', 'authentication required: send a bearer token');
  }
  return principal;
});
