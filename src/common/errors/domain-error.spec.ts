import { jest } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import { graphql, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { AuditError, LedgerInconsistentError, LedgerUnavailableError } from '../../audit/audit.errors.js';
import { ExchangeError } from '../../exchange/exchange.errors.js';
import { IdentityError } from '../../identity/identity.errors.js';
import { formatGraphQLError } from '../graphql/error-format.js';
import { DomainErrorFilter, httpErrorBody } from './domain-error.filter.js';
import { DomainError, ErrorCode, errorCodes, HTTP_STATUS } from './domain-error.js';

function fakeReply() {
  const reply = {
    sent: false,
    headers: {} as Record<string, string>,
    statusCode: 200,
    body: undefined as unknown,
    header(name: string, value: string) {
      reply.headers[name] = value;
      return reply;
    },
    status(code: number) {
      reply.statusCode = code;
      return reply;
    },
    send(body: unknown) {
      reply.body = body;
      return reply;
    },
  };
  return reply;
}

function host(type: 'http' | 'graphql', reply: object = fakeReply()): ArgumentsHost {
  return { getType: () => type, switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({}) }) } as unknown as ArgumentsHost;
}

describe('DomainError', () => {
  it('carries code, reason and only the safe extensions that are set', () => {
    const error = new DomainError(ErrorCode.NOT_FOUND, 'THING_NOT_FOUND', 'no such thing');
    expect(error).toBeInstanceOf(Error);
    expect(error.extensions).toStrictEqual({ code: 'NOT_FOUND', reason: 'THING_NOT_FOUND' });
    expect([error.code, error.reason, error.message]).toEqual(['NOT_FOUND', 'THING_NOT_FOUND', 'no such thing']);
    const limited = ExchangeError.rateLimited(7);
    expect(limited.extensions).toStrictEqual({ code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED', retryAfterSeconds: 7 });
  });

  it('keeps its cause for the log, out of its extensions', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const error = new LedgerUnavailableError(undefined, { cause });
    expect(error.cause).toBe(cause);
    expect(JSON.stringify(error.extensions)).not.toContain('ECONNREFUSED');
  });

  it("names each domain's subclass, so instanceof and the log tell them apart", () => {
    const inconsistent = new LedgerInconsistentError();
    expect(inconsistent).toBeInstanceOf(LedgerUnavailableError);
    expect(inconsistent).toBeInstanceOf(AuditError);
    expect(inconsistent).toBeInstanceOf(DomainError);
    expect(inconsistent.name).toBe('LedgerInconsistentError');
    expect(IdentityError.forbidden('no').name).toBe('IdentityError');
  });

  it('gives a domain its codes as an enum-like object', () => {
    const codes = errorCodes('NOT_FOUND', 'CONFLICT');
    expect(codes).toEqual({ NOT_FOUND: 'NOT_FOUND', CONFLICT: 'CONFLICT' });
    expect(Object.isFrozen(codes)).toBe(true);
  });

  it('maps every code to a 4xx or 5xx status', () => {
    for (const code of Object.values(ErrorCode)) expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
  });
});

describe('DomainErrorFilter', () => {
  const filter = new DomainErrorFilter();

  it('answers HTTP with the status of the code and a JSON body', () => {
    const reply = fakeReply();
    filter.catch(AuditError.badInput('FILTER_INVALID', 'from is after to'), host('http', reply));
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.body).toEqual({ statusCode: 400, error: 'BAD_USER_INPUT', code: 'BAD_USER_INPUT', reason: 'FILTER_INVALID', message: 'from is after to' });
  });

  it('adds WWW-Authenticate to 401 and Retry-After to a rate limit', () => {
    const unauthenticated = fakeReply();
    filter.catch(IdentityError.unauthenticated('TOKEN_EXPIRED', 'token expired'), host('http', unauthenticated));
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.headers['www-authenticate']).toBe('Bearer');

    const limited = fakeReply();
    filter.catch(IdentityError.rateLimited(12, 'too many'), host('http', limited));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('12');
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED', retryAfterSeconds: 12 });
  });

  it('answers a ledger failure 503 and department failures 502–504, naming the department', () => {
    expect(httpErrorBody(new LedgerUnavailableError()).statusCode).toBe(503);
    expect(httpErrorBody(ExchangeError.department('HEALTH', 'person.health', 'TIMEOUT'))).toMatchObject({
      statusCode: 504,
      department: 'HEALTH',
      reason: 'TIMEOUT',
    });
    expect(httpErrorBody(ExchangeError.department('HEALTH', 'person.health', 'SCHEMA_MISMATCH')).statusCode).toBe(502);
  });

  it('does not write to a reply already sent', () => {
    const reply = Object.assign(fakeReply(), { sent: true });
    const status = jest.spyOn(reply, 'status');
    filter.catch(new LedgerUnavailableError(), host('http', reply));
    expect(status).not.toHaveBeenCalled();
  });

  it('hands the error back unchanged in GraphQL, for Apollo to format', () => {
    const error = IdentityError.forbidden('no');
    expect(filter.catch(error, host('graphql'))).toBe(error);
  });
});

describe('a DomainError in a GraphQL answer', () => {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        refused: { type: GraphQLString, resolve: () => Promise.reject(ExchangeError.department('HEALTH', 'person.health', 'BUSY')) },
        broken: {
          type: GraphQLString,
          resolve: () => Promise.reject(Object.assign(new Error('relation "x" does not exist'), { extensions: { code: 'INTERNAL_SERVER_ERROR' } })),
        },
      },
    }),
  });

  it('keeps its code, reason, safe extensions and message; an internal failure keeps none of its words', async () => {
    const result = await graphql({ schema, source: '{ refused broken }' });
    const [refused, broken] = result.errors!.map((error) => formatGraphQLError(error.toJSON(), error));
    expect(refused).toEqual({
      message: 'person.health: department HEALTH has too many requests in flight',
      locations: [{ line: 1, column: 3 }],
      path: ['refused'],
      extensions: { code: 'DEPARTMENT_UNAVAILABLE', reason: 'BUSY', department: 'HEALTH' },
    });
    expect(broken).toEqual({ message: 'Internal server error', path: ['broken'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
