import fastifyRateLimit from '@fastify/rate-limit';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { clientRequestIdOf } from './common/request/request-context.js';
import { PublicRequestAllowance } from './limits/public-request-allowance.js';
import { PinoNestLogger } from './logging/logger.js';
import { traceHttpRequests } from './operations/tracing.js';

/** Builds the gateway (Fastify + Apollo) without listening; used by main.ts and by the e2e tests. */
export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const { config, logger } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    // Slow clients hold sockets: headers and the whole request must arrive in time (408 otherwise),
    // and a connection on which nothing moves is closed. Node checks the first two periodically.
    connectionTimeout: config.HTTP_CONNECTION_TIMEOUT_MS,
    // An idle kept-alive connection too (Node gives those keepAliveTimeout instead of the above).
    keepAliveTimeout: Math.min(72_000, config.HTTP_CONNECTION_TIMEOUT_MS),
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.HTTP_HEADERS_TIMEOUT_MS / 4))),
    },
    // The request id is always the gateway's own: a client's X-Request-Id is kept beside it
    // (RequestContext.clientRequestId), never taken as the id the ledger and the logs go by.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    logger: new PinoNestLogger(logger, config.LOG_REPEAT_INTERVAL_MS),
  });
  // Limits are applied where declared (PublicRateLimitGuard), never to every route: clients are
  // told apart by address (IPv6 by /64) and counted in PostgreSQL, so the limit holds across instances.
  await app.register(fastifyRateLimit, { global: false, store: app.get(PublicRequestAllowance).storeClass() });
  const fastify = app.getHttpAdapter().getInstance();
  // A server span per request, only when tracing is configured (no hooks otherwise).
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) traceHttpRequests(fastify);
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const clientRequestId = clientRequestIdOf(request.headers);
    if (clientRequestId) reply.header('x-client-request-id', clientRequestId);
    // Answers carry citizens' records and tokens: nothing is cached unless its route says it may be
    // (the public trust anchors, JWKS and status lists set their own cache-control).
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  // One line per request: route and outcome only. Never the query string, body, variables or headers.
  fastify.addHook('onResponse', async (request, reply) => {
    logger.info(
      {
        requestId: request.id,
        clientRequestId: clientRequestIdOf(request.headers) ?? undefined,
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });
  await app.init();
  await fastify.ready();
  return app;
}
