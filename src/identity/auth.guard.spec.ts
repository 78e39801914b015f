import { jest } from '@jest/globals';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Controller, Get, Module, type ExecutionContext } from '@nestjs/common';
import { APP_FILTER, ModuleRef, Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Field, GraphQLModule, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { DomainErrorFilter } from '../common/errors/domain-error.filter.js';
import { ConfigModule } from '../config/config.module.js';
import { AuthGuard, bearerToken, principalFromExecutionContext, type PrincipalContext } from './auth.guard.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { DevIssuer } from './dev-issuer.js';
import { IdentityError } from './identity.errors.js';
import { IdentityModule } from './identity.module.js';
import type { Principal } from './principal.js';
import { Public } from './public.decorator.js';
import { Roles } from './roles.decorator.js';
import type { TokenVerifier } from './token-verifier.js';

const CLERK: Principal = Object.freeze({
  kind: 'clerk',
  id: 'C-001',
  hall: 'JINGAN-01',
  region: '310106',
  tokenExpiresAt: new Date(Date.now() + 600_000),
});

class Handlers {
  privateField() {}
  @Public()
  publicField() {}
  @Roles('admin', 'auditor')
  adminOrAuditor() {}
  @Public()
  @Roles('clerk')
  publicButClerkOnly() {}
}

@Roles('department')
class DepartmentOnly {
  anything() {}
  @Roles('clerk')
  clerkOverride() {}
}

function graphqlContext(handler: keyof Handlers | keyof DepartmentOnly, context: PrincipalContext, cls: Function = Handlers): ExecutionContext {
  const host = new ExecutionContextHost([{}, {}, context, {}], cls as never, (cls.prototype as Record<string, Function>)[handler]);
  host.setType('graphql');
  return host;
}

function httpContext(handler: keyof Handlers, request: object, reply: object): ExecutionContext {
  const host = new ExecutionContextHost([request, reply], Handlers, Handlers.prototype[handler]);
  host.setType('http');
  return host;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('AuthGuard (unit)', () => {
  const verify = jest.fn<(token: string) => Promise<Principal>>();
  const guard = new AuthGuard(
    new Reflector(),
    { verify } as unknown as TokenVerifier,
    {
      get: () => {
        throw new Error('no ledger in this unit');
      },
    } as unknown as ModuleRef,
  );
  const bearer = (token = 'h.p.s') => ({ headers: { authorization: `Bearer ${token}` } });

  beforeEach(() => {
    verify.mockReset();
    verify.mockImplementation(async (token) => {
      if (token === 'h.p.s') return CLERK;
      throw IdentityError.unauthenticated('TOKEN_INVALID', 'token signature is invalid');
    });
  });

  it('denies by default: no token, no access', async () => {
    const error = await rejection(guard.canActivate(graphqlContext('privateField', { req: { headers: {} } })));
    expect(error).toBeInstanceOf(IdentityError);
    expect((error as IdentityError).extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
  });

  it('denies when the GraphQL context has no request at all', async () => {
    await expect(guard.canActivate(graphqlContext('privateField', {}))).rejects.toMatchObject({
      extensions: { reason: 'TOKEN_MISSING' },
    });
  });

  it('sets the principal on the GraphQL context and verifies once per request', async () => {
    const req = bearer();
    const first: PrincipalContext = { req };
    const second: PrincipalContext = { req };
    await expect(guard.canActivate(graphqlContext('privateField', first))).resolves.toBe(true);
    await expect(guard.canActivate(graphqlContext('privateField', second))).resolves.toBe(true);
    expect(first.principal).toBe(CLERK);
    expect(second.principal).toBe(CLERK);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(principalFromExecutionContext(graphqlContext('privateField', first))).toBe(CLERK);
  });

  it('verifies once when root fields run in parallel', async () => {
    const req = bearer();
    const contexts = [{ req }, { req }, { req }] as PrincipalContext[];
    await Promise.all(contexts.map((context) => guard.canActivate(graphqlContext('privateField', context))));
    expect(verify).toHaveBeenCalledTimes(1);
    expect(contexts.every((context) => context.principal === CLERK)).toBe(true);
  });

  it('rejects an invalid token with the verifier error', async () => {
    await expect(guard.canActivate(graphqlContext('privateField', { req: bearer('x.y.z') }))).rejects.toMatchObject({
      message: 'token signature is invalid',
      extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' },
    });
  });

  it('rejects an Authorization header that is not Bearer', async () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'h.p.s']) {
      await expect(guard.canActivate(graphqlContext('privateField', { req: { headers: { authorization } } }))).rejects.toMatchObject({
        extensions: { reason: 'TOKEN_MALFORMED' },
      });
    }
    expect(verify).not.toHaveBeenCalled();
  });

  it('reads the scheme case-insensitively', () => {
    expect(bearerToken({ headers: { authorization: 'bearer abc.def.ghi' } })).toBe('abc.def.ghi');
    expect(bearerToken({ headers: {} })).toBeUndefined();
  });

  it('lets @Public handlers run without a token, and attaches a principal when a valid one is sent', async () => {
    const anonymous: PrincipalContext = { req: { headers: {} } };
    await expect(guard.canActivate(graphqlContext('publicField', anonymous))).resolves.toBe(true);
    expect(anonymous.principal).toBeUndefined();

    const signedIn: PrincipalContext = { req: bearer() };
    await expect(guard.canActivate(graphqlContext('publicField', signedIn))).resolves.toBe(true);
    expect(signedIn.principal).toBe(CLERK);

    const badToken: PrincipalContext = { req: bearer('x.y.z') };
    await expect(guard.canActivate(graphqlContext('publicField', badToken))).resolves.toBe(true);
    expect(badToken.principal).toBeUndefined();
  });

  it('enforces @Roles with FORBIDDEN / ROLE_NOT_ALLOWED', async () => {
    const error = await rejection(guard.canActivate(graphqlContext('adminOrAuditor', { req: bearer() })));
    expect(error).toBeInstanceOf(IdentityError);
    expect((error as IdentityError).extensions).toEqual({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
    expect((error as IdentityError).message).toBe('a clerk may not perform this operation');
  });

  it('requires a principal for @Roles even on a @Public handler', async () => {
    await expect(guard.canActivate(graphqlContext('publicButClerkOnly', { req: { headers: {} } }))).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    await expect(guard.canActivate(graphqlContext('publicButClerkOnly', { req: bearer() }))).resolves.toBe(true);
  });

  it('lets a handler @Roles replace its class @Roles', async () => {
    await expect(guard.canActivate(graphqlContext('anything', { req: bearer() }, DepartmentOnly))).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    await expect(guard.canActivate(graphqlContext('clerkOverride', { req: bearer() }, DepartmentOnly))).resolves.toBe(true);
  });

  it('refuses plain HTTP with the same IdentityErrors (DomainErrorFilter answers them 401 + WWW-Authenticate and 403)', async () => {
    const reply = {};
    const unauthorized = await rejection(guard.canActivate(httpContext('privateField', { headers: {} }, reply)));
    expect(unauthorized).toBeInstanceOf(IdentityError);
    expect((unauthorized as IdentityError).extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });

    const request = bearer();
    await expect(guard.canActivate(httpContext('privateField', request, reply))).resolves.toBe(true);
    expect(principalFromExecutionContext(httpContext('privateField', request, reply))).toBe(CLERK);
    await expect(guard.canActivate(httpContext('adminOrAuditor', bearer(), reply))).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' },
    });
  });

  it('denies other transports unless public', async () => {
    const host = new ExecutionContextHost([{}, {}], Handlers, Handlers.prototype.privateField);
    host.setType('ws');
    await expect(guard.canActivate(host)).rejects.toMatchObject({ extensions: { reason: 'TOKEN_MISSING' } });
    const open = new ExecutionContextHost([{}, {}], Handlers, Handlers.prototype.publicField);
    open.setType('rpc');
    await expect(guard.canActivate(open)).resolves.toBe(true);
  });
});

// --- The real thing: Nest + Fastify + Apollo, the guard registered by IdentityModule as APP_GUARD.

@ObjectType()
class Who {
  @Field()
  kind: string;

  @Field()
  id: string;
}

@Resolver()
class ProbeResolver {
  @Public()
  @Query(() => String)
  hello(@CurrentPrincipal({ optional: true }) principal: Principal | undefined): string {
    return principal ? `hello ${principal.kind}` : 'hello anonymous';
  }

  @Query(() => Who)
  probeWho(@CurrentPrincipal() principal: Principal): Who {
    return { kind: principal.kind, id: principal.id };
  }

  @Roles('admin')
  @Query(() => String)
  adminOnly(): string {
    return 'secret';
  }
}

@Controller('probe')
class ProbeController {
  @Get()
  get(@CurrentPrincipal() principal: Principal): { kind: string } {
    return { kind: principal.kind };
  }

  @Roles('admin')
  @Get('admin')
  admin(): { ok: true } {
    return { ok: true };
  }
}

describe('AuthGuard in a running gateway (Fastify + Apollo)', () => {
  let root: string;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let issuer: DevIssuer;
  let baseUrl: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'onegate-guard-'));
    config = loadConfig({ NODE_ENV: 'test', DATA_DIR: root });
    @Module({
      imports: [
        ConfigModule.forRoot(config),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          playground: false,
          graphiql: false,
          csrfPrevention: true,
          includeStacktraceInErrorResponses: false,
          // As in graphql-options.ts: Nest adds the FastifyRequest as `req`.
          context: ({ req }: { req: unknown }) => ({ req }),
        }),
        IdentityModule,
      ],
      // As in AppModule: DomainErrors become HTTP answers in one place.
      providers: [ProbeResolver, { provide: APP_FILTER, useClass: DomainErrorFilter }],
      controllers: [ProbeController],
    })
    class ProbeModule {}

    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    // A real socket: Fastify's inject() loads an ESM-only dependency that Jest's VM cannot require on Node 20.
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    issuer = app.get(DevIssuer);
  });

  afterAll(async () => {
    await app?.close();
    await rm(root, { recursive: true, force: true });
  });

  async function graphql(query: string, token?: string) {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  }

  it('serves @Public fields anonymously and with a principal', async () => {
    expect((await graphql('{ hello }')).data).toEqual({ hello: 'hello anonymous' });
    const token = await issuer.issueToken({ role: 'auditor', sub: 'U-001', ttlSeconds: 600 });
    expect((await graphql('{ hello }', token)).data).toEqual({ hello: 'hello auditor' });
  });

  it('refuses a protected field without a token, with extensions.code UNAUTHENTICATED', async () => {
    const body = await graphql('{ probeWho { kind id } }');
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({
      message: 'authentication required: send a bearer token',
      extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' },
    });
  });

  it('resolves the principal for several root fields of one operation', async () => {
    const token = await issuer.issueToken({ role: 'clerk', sub: 'C-001', hall: 'JINGAN-01', ttlSeconds: 600 });
    const body = await graphql('{ probeWho { kind id } hello }', token);
    expect(body).toEqual({ data: { probeWho: { kind: 'clerk', id: 'C-001' }, hello: 'hello clerk' } });
  });

  it('returns FORBIDDEN for a role that may not call a field', async () => {
    const token = await issuer.issueToken({ role: 'auditor', sub: 'U-001', ttlSeconds: 600 });
    const body = await graphql('{ adminOnly }', token);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
    const admin = await issuer.issueToken({ role: 'admin', sub: 'A-001', ttlSeconds: 600 });
    expect((await graphql('{ adminOnly }', admin)).data).toEqual({ adminOnly: 'secret' });
  });

  it('refuses a tampered token', async () => {
    const token = await issuer.issueToken({ role: 'auditor', sub: 'U-001', ttlSeconds: 600 });
    const body = await graphql('{ probeWho { kind } }', token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
  });

  it('guards plain HTTP routes too', async () => {
    const anonymous = await fetch(`${baseUrl}/probe`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(await anonymous.json()).toEqual({
      statusCode: 401,
      error: 'UNAUTHENTICATED',
      code: 'UNAUTHENTICATED',
      reason: 'TOKEN_MISSING',
      message: 'authentication required: send a bearer token',
    });
    const malformed = await fetch(`${baseUrl}/probe`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(malformed.status).toBe(401);
    expect(await malformed.json()).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MALFORMED' });
    const token = await issuer.issueToken({ role: 'department', sub: 'svc-1', department: 'HEALTH', ttlSeconds: 600 });
    const signedIn = await fetch(`${baseUrl}/probe`, { headers: { authorization: `Bearer ${token}` } });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({ kind: 'department' });
    const forbidden = await fetch(`${baseUrl}/probe/admin`, { headers: { authorization: `Bearer ${token}` } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toBeNull();
    expect(await forbidden.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
  });
});
