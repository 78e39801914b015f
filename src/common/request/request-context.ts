import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';

/**
 * Where a call came from, as the ledger records it: the gateway's own request id (server-generated;
 * also in the log line and the response's X-Request-Id header), the X-Request-Id the client sent
 * (kept as given when well-formed, echoed in X-Client-Request-Id, never trusted as the ledger's
 * id) and the client address.
 */
export interface RequestContext {
  requestId: string | null;
  clientRequestId: string | null;
  clientAddress: string | null;
}

interface RequestLike {
  id?: unknown;
  ip?: unknown;
  headers?: Record<string, unknown>;
}

/** What a client may send as X-Request-Id for it to be kept (printable, no spaces, 8-64 characters). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** The client's X-Request-Id when it is well-formed; otherwise none. */
export function clientRequestIdOf(headers: Record<string, unknown> | undefined): string | null {
  const given = headers?.['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : null;
}

export function requestContextOf(request: RequestLike | undefined): RequestContext {
  return {
    requestId: typeof request?.id === 'string' ? request.id : null,
    clientRequestId: clientRequestIdOf(request?.headers),
    clientAddress: typeof request?.ip === 'string' && request.ip !== '' ? request.ip : null,
  };
}

export function requestContextFromExecutionContext(context: ExecutionContext): RequestContext {
  if (context.getType<GqlContextType>() === 'graphql') {
    return requestContextOf(GqlExecutionContext.create(context).getContext<{ req?: RequestLike } | undefined>()?.req);
  }
  if (context.getType() === 'http') return requestContextOf(context.switchToHttp().getRequest<RequestLike>());
  return requestContextOf(undefined);
}

/** The caller's RequestContext, for resolvers and controllers that write ledger entries. */
export const CurrentRequest = createParamDecorator((_data: unknown, context: ExecutionContext) => requestContextFromExecutionContext(context));
