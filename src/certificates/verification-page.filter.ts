import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../common/errors/domain-error.js';
import { sendDomainError } from '../common/errors/domain-error.filter.js';
import { VERIFICATION_PAGE_HEADERS, verificationPage } from './verification-page.js';

/**
 * The public verification page is opened by people scanning a QR code, not by programs: when the
 * per-client limit refuses it (§I 46), they get a page in Chinese and English saying when to try
 * again, with the 429 status and Retry-After the limit set, instead of a JSON body. Any other
 * refusal of the route is answered as everywhere else (DomainErrorFilter's JSON).
 */
@Catch(DomainError)
export class VerificationPageLimitFilter implements ExceptionFilter<DomainError> {
  catch(error: DomainError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const retryAfterSeconds = error.extensions.retryAfterSeconds;
    if (error.reason !== 'RATE_LIMITED' || retryAfterSeconds === undefined) {
      sendDomainError(reply, error);
      return;
    }
    void reply
      .status(429)
      .headers({ ...VERIFICATION_PAGE_HEADERS, 'retry-after': String(retryAfterSeconds) })
      .send(verificationPage({ state: 'rate-limited', retryAfterSeconds }));
  }
}
