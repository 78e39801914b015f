import { GraphQLError } from 'graphql';
import { formatGraphQLError, isClientError, isDatabaseUnavailable } from './error-format.js';

describe('formatGraphQLError', () => {
  it('replaces internal errors with a generic message and drops their extensions', () => {
    const formatted = formatGraphQLError({
      message: 'relation "onegate.department" does not exist',
      path: ['departments'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at Query.run (/app/x.js:1:1)'] },
    });
    expect(formatted).toEqual({ message: 'Internal server error', path: ['departments'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('keeps client errors with their code and reason but nothing else', () => {
    const formatted = formatGraphQLError({
      message: 'token expired',
      extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED', exception: { stacktrace: ['x'] } },
    });
    expect(formatted).toEqual({ message: 'token expired', extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' } });
  });

  it('never echoes a rejected variable value (an ID number) back', () => {
    const scalarError = new GraphQLError('ID number check character does not match (GB 11643-1999 checksum)', {
      extensions: { code: 'BAD_USER_INPUT', reason: 'CHECK_CHARACTER' },
    });
    const error = new GraphQLError(`Variable "$id" got invalid value "110105194912310021"; ${scalarError.message}`, {
      originalError: scalarError,
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const formatted = formatGraphQLError({ message: error.message, extensions: { code: 'BAD_USER_INPUT' } }, error);
    expect(formatted.message).toBe('Variable "$id" has an invalid value: ID number check character does not match (GB 11643-1999 checksum)');
    expect(JSON.stringify(formatted)).not.toContain('110105194912310021');
  });

  it("keeps Apollo's own refusals, which carry a 4xx status but no code, as BAD_REQUEST", () => {
    // Found by test/fuzz.e2e-spec.ts: a persisted query whose hash did not match was "Internal server error".
    const error = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400, headers: new Map() } } });
    const formatted = formatGraphQLError({ message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
    expect(formatted).toEqual({ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } });
    expect(isClientError(error)).toBe(true);
    // A failure without a status is still internal.
    expect(formatGraphQLError({ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, new Error('boom')).extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
    });
  });

  it('tells the client SERVICE_UNAVAILABLE / DATABASE_UNAVAILABLE when the database cannot be reached or went away, without its words', () => {
    // Found by test/faults/database-restart.faults-spec.ts: with PostgreSQL restarting, every lookup was "Internal server error".
    const internal = { message: 'connect ECONNREFUSED 127.0.0.1:5432', path: ['citizen'], extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    // TypeORM's QueryFailedError copies the driver error's fields and keeps it as driverError.
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const queryFailed = Object.assign(new Error(shutdown.message), { name: 'QueryFailedError', query: 'SELECT 1', driverError: shutdown });
    const lost = new Error('Connection terminated unexpectedly');
    const starting = Object.assign(new Error('the database system is starting up'), { code: '57P03' });
    const link = Object.assign(new Error('server closed the connection'), { code: '08006' });
    for (const cause of [refused, queryFailed, lost, starting, link, new Error('wrapped', { cause: refused })]) {
      const error = new GraphQLError(cause.message, { originalError: cause, path: ['citizen'] });
      expect(isDatabaseUnavailable(error)).toBe(true);
      const formatted = formatGraphQLError(internal, error);
      expect(formatted.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'DATABASE_UNAVAILABLE' });
      expect(formatted.path).toEqual(['citizen']);
      expect(formatted.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminat|administrator|starting up|server closed/);
    }
    // A query that failed on a working database is still an internal error.
    const missing = Object.assign(new Error('relation "onegate.department" does not exist'), { code: '42P01' });
    const error = new GraphQLError(missing.message, { originalError: missing });
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(formatGraphQLError(internal, error).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(isClientError(error)).toBe(false);
  });
});
