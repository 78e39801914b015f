import { Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { principalFromExecutionContext } from './auth.guard.js';
import { IdentityError } from './identity.errors.js';

/** What `fastify.createRateLimit()` (@fastify/rate-limit) answers for one request. */
interface RateLimitResult {
  isAllowed: boolean;
  isExceeded?: boolean;
  ttlInSeconds?: number;
}
type RateLimiter = (request: FastifyRequest) => Promise<RateLimitResult>;

/** One limiter (one store) per server: every guarded route, HTTP or GraphQL, draws on the same budget. */
const limiters = new WeakMap<object, RateLimiter>();

export function rateLimitedMessage(retryAfterSeconds: number): string {
  return (
    `请求过于频繁：来自此地址的公开请求已达上限，请 ${retryAfterSeconds} 秒后再试。` +
    ` Too many requests: the limit of public requests from this address is reached; try again in ${retryAfterSeconds} s.`
  );
}

/**
 * RELIABILITY-AND-SECURITY §I 46: a caller without a valid token may make PUBLIC_RATE_LIMIT_MAX of
 * these requests (each writes a ledger entry) per client address and window; then 429. Callers
 * with a valid token are limited by principal elsewhere and are recorded by name. Runs after the
 * AuthGuard (a global guard), which has attached the principal if there is one.
 *
 * The counting is @fastify/rate-limit's (registered in app.factory.ts): one limiter, so one budget
 * per client shared by every route that carries this guard, HTTP and GraphQL alike.
 */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (principalFromExecutionContext(context)) return true;
    const graphql = context.getType<GqlContextType>() === 'graphql';
    const request = graphql
      ? GqlExecutionContext.create(context).getContext<{ req?: FastifyRequest }>().req
      : context.switchToHttp().getRequest<FastifyRequest>();
    if (!request) return true;
    const limit = await this.rateLimiter()(request);
    if (limit.isAllowed || !limit.isExceeded) return true;

    const retryAfterSeconds = Math.max(1, limit.ttlInSeconds ?? this.config.PUBLIC_RATE_LIMIT_WINDOW_SECONDS);
    // GraphQL answers 200 with the error's code, as for the lookup rate limit (an operation may hold
    // other fields); HTTP answers 429 with Retry-After (DomainErrorFilter).
    throw IdentityError.rateLimited(retryAfterSeconds, rateLimitedMessage(retryAfterSeconds));
  }

  private rateLimiter(): RateLimiter {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance & { createRateLimit?: (options: object) => RateLimiter }>();
    let limiter = limiters.get(fastify);
    if (!limiter) {
      if (typeof fastify.createRateLimit !== 'function') throw new Error('@fastify/rate-limit is not registered (see app.factory.ts)');
      limiter = fastify.createRateLimit({
        max: this.config.PUBLIC_RATE_LIMIT_MAX,
        timeWindow: this.config.PUBLIC_RATE_LIMIT_WINDOW_SECONDS * 1000,
      });
      limiters.set(fastify, limiter);
    }
    return limiter;
  }
}

/** Limits unauthenticated calls of a handler per client address (see PublicRateLimitGuard). */
export const PublicRateLimit = () => UseGuards(PublicRateLimitGuard);
