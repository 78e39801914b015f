import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { actorFor, requestFieldsOf } from '../audit/ledger-entry.js';
import { LedgerService } from '../audit/ledger.service.js';
import { requestContextFromExecutionContext } from '../common/request/request-context.js';
import { IdentityError } from './identity.errors.js';
import type { Principal, PrincipalKind } from './principal.js';
import { IS_PUBLIC_KEY } from './public.decorator.js';
import { ROLES_KEY } from './roles.decorator.js';
import { TokenVerifier } from './token-verifier.js';

/** What the guard needs of a request: Fastify's (and Node's) lower-cased headers. */
export interface RequestWithHeaders {
  headers?: Record<string, string | string[] | undefined>;
}

/** The part of the GraphQL context the identity domain owns. */
export interface PrincipalContext {
  req?: RequestWithHeaders;
  principal?: Principal;
}

// One verification per HTTP request, shared by every root field of the operation (they resolve
// in parallel) and by plain HTTP handlers. Keyed weakly so nothing outlives the request.
const verifications = new WeakMap<object, Promise<Principal | undefined>>();
const principals = new WeakMap<object, Principal>();

/** The principal the AuthGuard attached to a request, if any. */
export function principalOf(request: object | undefined): Principal | undefined {
  return request ? principals.get(request) : undefined;
}

/** The principal of the current GraphQL operation or HTTP request, if the AuthGuard attached one. */
export function principalFromExecutionContext(context: ExecutionContext): Principal | undefined {
  if (context.getType<GqlContextType>() === 'graphql') {
    const gqlContext = GqlExecutionContext.create(context).getContext<PrincipalContext | undefined>();
    return gqlContext?.principal ?? principalOf(gqlContext?.req);
  }
  if (context.getType() === 'http') return principalOf(context.switchToHttp().getRequest<object>());
  return undefined;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The bearer token of a request: undefined when there is none, IdentityError when the header is unusable. */
export function bearerToken(request: RequestWithHeaders | undefined): string | undefined {
  const header = request?.headers?.authorization;
  if (header === undefined || header === '') return undefined;
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  if (!match) {
    throw IdentityError.unauthenticated('TOKEN_MALFORMED', 'the Authorization header must be "Bearer <token>"');
  }
  return match[1];
}

/**
 * Deny by default: registered as APP_GUARD, it requires a valid token on every GraphQL resolver
 * and HTTP handler unless the handler or its class is @Public(), and enforces @Roles(...).
 *
 * GraphQL: with the Fastify Apollo driver, Nest builds the context as `{ req: FastifyRequest }`
 * (see @nestjs/apollo ApolloBaseDriver.wrapContextResolver); the token is read from `req` and the
 * principal set on the context as `principal`, for @CurrentPrincipal().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly moduleRef: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true;
    const roles = this.reflector.getAllAndOverride<readonly PrincipalKind[] | undefined>(ROLES_KEY, targets);
    const needsPrincipal = !isPublic || roles !== undefined;
    const type = context.getType<GqlContextType>();

    let request: object | undefined;
    let gqlContext: PrincipalContext | undefined;
    if (type === 'graphql') {
      gqlContext = GqlExecutionContext.create(context).getContext<PrincipalContext | undefined>();
      request = gqlContext?.req;
    } else if (type === 'http') {
      request = context.switchToHttp().getRequest<object>();
    }
    // Anything else (subscriptions without a request, RPC, websockets) has no token to offer.

    let principal: Principal | undefined;
    try {
      principal = await this.principalForRequest(request);
    } catch (error) {
      // On a public handler a bad token is ignored, as if none had been sent.
      if (needsPrincipal) throw error;
    }
    if (principal && gqlContext) gqlContext.principal = principal;

    // Refusals are IdentityErrors, whatever the transport: DomainErrorFilter answers them on HTTP
    // routes (401 with WWW-Authenticate, or 403).
    if (!needsPrincipal) return true;
    if (!principal) throw IdentityError.unauthenticated('TOKEN_MISSING', 'authentication required: send a bearer token');
    if (roles !== undefined && !roles.includes(principal.kind)) {
      await this.recordRefusal(context, principal);
      throw IdentityError.forbidden(`a ${principal.kind} may not perform this operation`);
    }
    return true;
  }

  /** A role refusal is a DENIED ledger entry (REPEATED_DENIALS sees probing), durable before the answer leaves. */
  private async recordRefusal(context: ExecutionContext, principal: Principal): Promise<void> {
    const request = requestContextFromExecutionContext(context);
    const operation =
      context.getType<GqlContextType>() === 'graphql'
        ? GqlExecutionContext.create(context).getInfo<{ fieldName?: string }>()?.fieldName
        : `${context.getClass().name}.${context.getHandler().name}`;
    // Looked up, not injected: identity sits below audit (the ledger records principals), and an
    // application always has the ledger; only a test module without a database lacks it.
    let ledger: LedgerService;
    try {
      ledger = this.moduleRef.get(LedgerService, { strict: false });
    } catch {
      return;
    }
    await ledger.record({
      kind: 'ACCESS_REFUSED',
      actor: actorFor(principal),
      outcome: 'DENIED',
      ...requestFieldsOf(request),
      detail: { reason: 'ROLE_NOT_ALLOWED', operation: String(operation ?? 'unknown').slice(0, 128) },
    });
  }

  private principalForRequest(request: object | undefined): Promise<Principal | undefined> {
    if (!request) return Promise.resolve(undefined);
    let verification = verifications.get(request);
    if (!verification) {
      verification = this.verifyRequest(request);
      verifications.set(request, verification);
      // Settled either way here too, so a rejection nobody else awaits is not reported as unhandled.
      verification.catch(() => undefined);
    }
    return verification;
  }

  private async verifyRequest(request: object): Promise<Principal | undefined> {
    const token = bearerToken(request as RequestWithHeaders);
    if (token === undefined) return undefined;
    const principal = await this.verifier.verify(token);
    principals.set(request, principal);
    return principal;
  }
}
