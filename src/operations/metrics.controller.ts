import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { hash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { IdentityError } from '../identity/identity.errors.js';
import { Public } from '../identity/public.decorator.js';
import { Metrics } from './metrics.js';
import { OperationsError } from './operations.errors.js';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * `GET /metrics`, the Prometheus exposition. Public to the token guard (Prometheus holds no
 * onegate token) and outside the public rate limit; access is decided here:
 *   - METRICS_TOKEN set: only with `Authorization: Bearer <METRICS_TOKEN>` (401 UNAUTHENTICATED otherwise);
 *   - unset, outside production: open (the gateway listens on loopback by default);
 *   - unset, in production: off (404 NOT_FOUND, METRICS_OFF), so metrics are never scrapeable by whoever reaches the port.
 * The series carry no citizen data, but they tell an outsider how the service is used and where it
 * hurts, so they are not public.
 */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const token = this.config.METRICS_TOKEN;
    if (token === undefined) {
      if (this.config.isProduction) throw OperationsError.metricsOff();
    } else {
      const presented = BEARER.exec(authorization ?? '')?.[1];
      if (presented === undefined) throw IdentityError.unauthenticated('TOKEN_MISSING', 'send Authorization: Bearer <METRICS_TOKEN>');
      if (!sameSecret(presented, token)) throw IdentityError.unauthenticated('TOKEN_INVALID', 'that is not the METRICS_TOKEN');
    }
    const body = await this.metrics.exposition();
    reply.header('content-type', this.metrics.contentType);
    return body;
  }
}

/** Compared as digests: the time taken says nothing of the token, its length included. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(hash('sha256', a, 'buffer'), hash('sha256', b, 'buffer'));
}
