import type { GraphQLFormattedError } from 'graphql';

const INVALID_VARIABLE = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value /;

/**
 * Codes whose message is written for the client. Anything else is an internal failure: the client
 * gets a generic message and the details go to the log only (no stack, SQL or driver text).
 */
const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'NOT_FOUND',
  'CONFLICT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'TOO_MANY_REQUESTS',
  'DEPARTMENT_UNAVAILABLE',
  'DEPARTMENT_TIMEOUT',
  'DEPARTMENT_INVALID_RESPONSE',
  'SERVICE_UNAVAILABLE',
]);

/** Extension keys a client may see; everything else (exception objects, stack traces) is dropped. */
const CLIENT_EXTENSION_KEYS = ['code', 'reason', 'department', 'field', 'retryAfterSeconds'];

/**
 * Apollo refuses a few requests itself with a 4xx status and no code (a persisted query of an
 * unsupported version, or whose sha256Hash does not match its query): the client's error all the same.
 */
function isApolloRefusal(error: unknown): boolean {
  const extensions = (error as { extensions?: { code?: unknown; http?: { status?: unknown } } } | undefined)?.extensions;
  const status = extensions?.http?.status;
  return extensions?.code === undefined && typeof status === 'number' && status >= 400 && status < 500;
}

export function isClientError(error: { extensions?: Record<string, unknown> }): boolean {
  return CLIENT_CODES.has(String(error.extensions?.code ?? '')) || isApolloRefusal(error);
}

/**
 * graphql-js writes a rejected variable's value into the message ("Variable "$id" got invalid value
 * "1101…""), which would echo an ID number back and into logs. Only the scalar's own explanation is kept.
 */
function withoutVariableValue(message: string, error: unknown): string {
  const match = INVALID_VARIABLE.exec(message);
  if (!match) return message;
  const original = (error as { originalError?: { message?: unknown } } | undefined)?.originalError?.message;
  return `Variable "$${match[1]}" has an invalid value${typeof original === 'string' ? `: ${original}` : '.'}`;
}

export function formatGraphQLError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  // Apollo has given a refusal without a code INTERNAL_SERVER_ERROR by the time it formats it.
  const refused = isApolloRefusal(error);
  if (!refused && !isClientError(formatted)) {
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  const extensions: Record<string, unknown> = refused ? { code: 'BAD_REQUEST' } : {};
  for (const key of CLIENT_EXTENSION_KEYS) {
    if (formatted.extensions?.[key] !== undefined && extensions[key] === undefined) extensions[key] = formatted.extensions[key];
  }
  return { message: withoutVariableValue(formatted.message, error), locations: formatted.locations, path: formatted.path, extensions };
}
