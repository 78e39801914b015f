import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { VERIFICATION_PAGE_HEADERS, verificationPage } from './verification-page.js';

/**
 * The public verification page is opened by people scanning a QR code, not by programs: when the
 * per-client limit refuses it (§I 46), they get a page in Chinese and English saying when to try
 * again, with the 429 status and Retry-After the limit set, instead of a JSON body. Any other HTTP
 * error of the route is answered as Nest answers it.
 */
@Catch(HttpException)
export class VerificationPageLimitFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (status !== HttpStatus.TOO_MANY_REQUESTS) {
      void reply.status(status).send(typeof body === 'string' ? { statusCode: status, message: body } : body);
      return;
    }
    const retryAfterSeconds = typeof body === 'object' && body !== null && typeof (body as { retryAfterSeconds?: unknown }).retryAfterSeconds === 'number'
      ? (body as { retryAfterSeconds: number }).retryAfterSeconds
      : Number(reply.getHeader('retry-after')) || 60;
    void reply.status(status).headers(VERIFICATION_PAGE_HEADERS).send(verificationPage({ state: 'rate-limited', retryAfterSeconds }));
  }
}
