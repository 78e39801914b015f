import { SetMetadata } from '@nestjs/common';
import type { PrincipalKind } from './principal.js';

export const ROLES_KEY = 'onegate:identity:roles';

/**
 * Restricts a resolver, handler or class to principals of the given kinds; enforced by the global
 * AuthGuard (UNAUTHENTICATED without a valid token, FORBIDDEN / ROLE_NOT_ALLOWED for other kinds).
 * A handler's list replaces its class's list. Finer decisions (which records) belong to `access/`.
 */
export const Roles = (...kinds: [PrincipalKind, ...PrincipalKind[]]) => SetMetadata(ROLES_KEY, Object.freeze([...kinds]));
