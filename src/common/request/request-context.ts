import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';

/** Where a call came from, as the ledger records it: the request id (also in the log line and the X-Request-Id header) and the client address. */
export interface RequestContext {
  requestId: string | null;
  clientAddress: string | null;
}

interface RequestLike {
  id?: unknown;
  ip?: unknown;
}

export function requestContextOf(request: RequestLike | undefined): RequestContext {
  return {
    requestId: typeof request?.id === 'string' ? request.id : null,
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
export const CurrentRequest = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestContextFromExecutionContext(context),
);
