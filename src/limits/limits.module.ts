import { Module } from '@nestjs/common';
import { PUBLIC_REQUEST_ALLOWANCE, PublicRequestAllowance } from './public-request-allowance.js';

/**
 * Limits kept in PostgreSQL that belong to no domain: the public rate limit's store, which
 * app.factory.ts gives @fastify/rate-limit (PublicRateLimitGuard decides with it). The lookup limit
 * is the exchange's own.
 */
@Module({
  providers: [PUBLIC_REQUEST_ALLOWANCE],
  exports: [PublicRequestAllowance],
})
export class LimitsModule {}
