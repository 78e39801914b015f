import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, HTTP_STATUS, SAFE_EXTENSION_KEYS } from './domain-error.js';

/**
 * The JSON body of a DomainError on a plain HTTP route:
 * `{ statusCode, error: code, code, reason, message, …SafeExtensions }`.
 */
export function httpErrorBody(error: DomainError): Record<string, unknown> {
  const statusCode = HTTP_STATUS[error.code] ?? 500;
  const body: Record<string, unknown> = { statusCode, error: error.code, code: error.code, reason: error.reason, message: error.message };
  for (const key of SAFE_EXTENSION_KEYS) if (error.extensions[key] !== undefined) body[key] = error.extensions[key];
  return body;
}

/** Answers an HTTP request with a DomainError: its status, body, and WWW-Authenticate or Retry-After where they apply. */
export function sendDomainError(reply: FastifyReply, error: DomainError): void {
  if (reply.sent) return;
  const body = httpErrorBody(error);
  // JSON, whatever the route meant to send (the verification page sets text/html before it looks anything up).
  reply.header('content-type', 'application/json; charset=utf-8');
  if (error.code === 'UNAUTHENTICATED') reply.header('www-authenticate', 'Bearer');
  if (error.extensions.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.extensions.retryAfterSeconds));
  void reply.status(body.statusCode as number).send(body);
}

/**
 * The one place a DomainError becomes a transport's answer (registered globally in AppModule):
 * on HTTP routes, a status from its code and a JSON body; in GraphQL it is handed to Apollo as it
 * is, whose formatError (common/graphql/error-format.ts) writes the field error. Without this filter
 * Nest would log every refusal as a server failure. Anything else is left to Nest: an unknown
 * error stays a 500 (or INTERNAL_SERVER_ERROR) without its message.
 */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter<DomainError> {
  catch(error: DomainError, host: ArgumentsHost): DomainError | undefined {
    if (host.getType() !== 'http') return error;
    sendDomainError(host.switchToHttp().getResponse<FastifyReply>(), error);
    return undefined;
  }
}
