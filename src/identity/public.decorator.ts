import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'onegate:identity:public';

/**
 * Marks a resolver, handler or controller as public by design: the global AuthGuard lets it run
 * without a token (and still attaches the principal when a valid token is presented).
 * Everything not marked needs a token.
 */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
