import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, SAFE_EXTENSION_KEYS } from '../errors/domain-error.js';

const INVALID_VARIABLE = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value /;

/**
 * Codes whose message is written for the client: every DomainError's (common/errors/domain-error.ts),
 * and those graphql-js, Apollo and our validation rules and scalars give a request they refuse.
 * Anything else is an internal failure: the client gets a generic message and the details go to the
 * log only (no stack, SQL or driver text).
 */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** Extension keys a client may see; everything else (exception objects, stack traces) is dropped. */
const CLIENT_EXTENSION_KEYS = ['code', 'reason', 'field', ...SAFE_EXTENSION_KEYS];

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

/** Socket errors of a connection to PostgreSQL that could not be made or was lost. */
const CONNECTION_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** SQLSTATEs of a server that is going away or not taking connections: admin, crash shutdown, cannot connect now, too many connections. */
const UNAVAILABLE_SQLSTATE = new Set(['57P01', '57P02', '57P03', '53300']);
/** node-postgres's own words for a connection it lost or could not make in time (these errors carry no code). */
const PG_CONNECTION_LOST =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable)$/;

/**
 * The database could not be reached or went away (a restart, a failover), as opposed to a failure
 * of the query itself. Follows the wrappers: Apollo's originalError, TypeORM's driverError, causes, graphql-js's thrownValue.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_ERRNO.has(code) || code.startsWith('08') || UNAVAILABLE_SQLSTATE.has(code))) return true;
  if (typeof message === 'string' && PG_CONNECTION_LOST.test(message)) return true;
  // thrownValue: graphql-js's wrapper (NonErrorThrown) of a value that is not an Error of its realm.
  const wrapped = error as { originalError?: unknown; driverError?: unknown; cause?: unknown; thrownValue?: unknown };
  return [wrapped.originalError, wrapped.driverError, wrapped.cause, wrapped.thrownValue].some(
    (inner) => inner !== error && isDatabaseUnavailable(inner, depth + 1),
  );
}

export function formatGraphQLError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  // Apollo has given a refusal without a code INTERNAL_SERVER_ERROR by the time it formats it.
  const refused = isApolloRefusal(error);
  if (!refused && !isClientError(formatted)) {
    // Still a server failure (logged as one), but one a client can act on: try again shortly.
    if (isDatabaseUnavailable(error)) {
      return {
        message: 'the service cannot reach its database; try again shortly',
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DATABASE_UNAVAILABLE' },
      };
    }
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  const extensions: Record<string, unknown> = refused ? { code: 'BAD_REQUEST' } : {};
  for (const key of CLIENT_EXTENSION_KEYS) {
    if (formatted.extensions?.[key] !== undefined && extensions[key] === undefined) extensions[key] = formatted.extensions[key];
  }
  return { message: withoutVariableValue(formatted.message, error), locations: formatted.locations, path: formatted.path, extensions };
}
