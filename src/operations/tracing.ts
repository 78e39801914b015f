import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Link, type Span, type SpanContext } from '@opentelemetry/api';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../logging/logger.js';

// OpenTelemetry semantic conventions (stable): the attribute names used here.
const ATTR_SERVICE_NAME = 'service.name';
const ATTR_SERVICE_VERSION = 'service.version';
const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
const ATTR_HTTP_ROUTE = 'http.route';
const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

/**
 * OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT is configured. Spans are made by
 * hand where the time goes: one server span per HTTP request (named after the GraphQL operation
 * once it is known), one per department call and one per ledger batch. With tracing off nothing
 * is started, and every helper here returns after one boolean test.
 *
 * The SDK is process-wide (one global tracer provider), so at most one gateway in a process traces.
 * Spans carry codes, counts and outcomes only: never a subject's identifier, a case number, a
 * query's text or variables, a token or a record.
 */
let provider: NodeTracerProvider | undefined;

const TRACER = 'onegate';

export function tracingEnabled(): boolean {
  return provider !== undefined;
}

export interface TracingSettings {
  /** OTLP/HTTP base URL (the collector's; spans go to `<endpoint>/v1/traces`). */
  endpoint: string;
  serviceName: string;
  serviceVersion: string;
}

/**
 * Starts the SDK: spans are batched and exported over OTLP/HTTP. Sampling follows OTEL_TRACES_SAMPLER /
 * _ARG (default: always, parent-based). The SDK is loaded only now: without tracing it is never loaded.
 */
export async function startTracing(settings: TracingSettings, logger: Logger): Promise<void> {
  if (provider) throw new Error('tracing is already started in this process');
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor, NodeTracerProvider }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-node'),
  ]);
  if (provider) throw new Error('tracing is already started in this process');
  const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/+$/, '')}/v1/traces` });
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName, [ATTR_SERVICE_VERSION]: settings.serviceVersion }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // The AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  logger.info({ endpoint: settings.endpoint, service: settings.serviceName }, 'tracing: exporting spans over OTLP/HTTP');
}

/** Exports what is buffered and stops the SDK. */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  if (!stopping) return;
  provider = undefined;
  try {
    await stopping.shutdown();
  } finally {
    trace.disable();
    context.disable();
    propagation.disable();
  }
}

/** The span context active now (for a link from batched work), or undefined. */
export function activeSpanContext(): SpanContext | undefined {
  if (!provider) return undefined;
  return trace.getSpanContext(context.active());
}

/**
 * Runs `work` inside a span named `name` (a child of the active span), ended when `work` settles;
 * `work` may add attributes and say how it ended through the span. Without tracing: `work(undefined)`.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; links?: Link[]; root?: boolean },
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!provider) return work(undefined);
  const tracer = trace.getTracer(TRACER);
  return tracer.startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links, root: options.root },
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.name });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Renames the active server span (the HTTP request's) and adds attributes, e.g. once the GraphQL operation is known. */
export function describeActiveRequest(name: string, attributes: Attributes): void {
  if (!provider) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  span.updateName(name);
  span.setAttributes(attributes);
}

const requestSpans = new WeakMap<FastifyRequest, Span>();

/**
 * One server span per HTTP request: started when the request arrives (a child of the caller's
 * `traceparent`, if any), made the active span for the handler (so department calls and the
 * ledger's spans nest under it), ended when the response is sent. Routes are named by their
 * template (`POST /graphql`, `GET /status-lists/:department/:list`), never by the URL itself.
 */
export function traceHttpRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (provider) {
      const parent = propagation.extract(context.active(), request.headers);
      const route = request.routeOptions.url ?? 'unmatched';
      const span = trace
        .getTracer(TRACER)
        .startSpan(
          `${request.method} ${route}`,
          { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: route } },
          parent,
        );
      requestSpans.set(request, span);
    }
    done();
  });
  // The handler runs from `done`, synchronously: what it starts inherits the request's span.
  fastify.addHook('preHandler', (request, _reply, done) => {
    const span = requestSpans.get(request);
    if (span) context.with(trace.setSpan(context.active(), span), done);
    else done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = requestSpans.get(request);
    if (span) {
      requestSpans.delete(request);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}

export { SpanKind, SpanStatusCode };
