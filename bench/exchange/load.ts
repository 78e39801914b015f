// The load generator of bench:exchange, run as its own process (forked with an IPC channel) so that
// its CPU is apart from the gateway's. It receives one `LoadRequest`, drives the gateway with
// autocannon — a warm-up, then the measured period — rotating the request bodies over the sample,
// and answers with one `LoadResult`. Every response body is checked for GraphQL `errors`.
import { createRequire } from 'node:module';
import { latencySummary, roundMs } from '../results.js';
import { Timeline, type TimelineBucket } from './timeline.js';

export type { TimelineBucket } from './timeline.js';

export interface LoadRequest {
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Rotated over, one per request: the JSON body and its authorization header (none for public queries). */
  requests: Array<{ body: string; authorization?: string }>;
  /** Replaced in every body by a token unique to the request (e.g. an idempotency key): `<unique.prefix><n>`. */
  unique?: { placeholder: string; prefix: string };
  /** A successful answer's body must also contain this (e.g. `"valid":true`); otherwise it counts as a GraphQL error. */
  expect?: string;
  /** Requests per second from all connections together (autocannon's overallRate); absent: as fast as answers come. */
  rate?: number;
  /** Width of the timeline's buckets in seconds (default 1); the parent is sent each bucket as it closes. */
  bucketSeconds?: number;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  /** Responses in the measured period, by kind. */
  responses: number;
  /** 2xx without GraphQL errors. */
  ok: number;
  non2xx: number;
  /** Responses (any status) whose body carries GraphQL `errors`. */
  graphqlErrors: number;
  /** Warm-up responses that were non-2xx or carried GraphQL errors (the warm-up is checked too). */
  warmupNotOk: number;
  /** Warm-up responses that were 2xx without GraphQL errors. */
  warmupOk: number;
  /** Socket errors and timeouts (no response at all). */
  transportErrors: number;
  timeouts: number;
  /** 2xx responses without GraphQL errors, per second: audited queries answered. */
  okPerSecond: number;
  /** Latency of every response of the measured period (ms, from the request's first byte written to the response's last byte read). */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** The first body that carried `errors` or a non-2xx status, for the report (never holds a token). */
  firstErrorBody?: string;
  /** The measured period in buckets of `bucketSeconds` (latency over time). */
  timeline: TimelineBucket[];
  /** The fixed request rate asked for, if any. */
  rate?: number;
  /** autocannon's own totals for the measured period, as a cross-check. */
  autocannon: { requestsAverage: number; latencyP50: number; latencyP99: number; non2xx: number; errors: number; timeouts: number };
}

/** The measured period started / ended (the parent samples CPU at these instants). */
export type LoadMessage<Result = LoadResult> =
  | { type: 'measuring' }
  | { type: 'measured' }
  | { type: 'bucket'; bucket: TimelineBucket }
  | { type: 'result'; result: Result }
  | { type: 'error'; message: string };

interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest, context: object) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: object) => void;
}

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', listener: (error: Error) => void): void;
}

type Autocannon = (
  options: { url: string; connections: number; duration: number; pipelining: number; timeout: number; overallRate?: number; requests: AutocannonRequest[] },
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

// autocannon is CommonJS without type declarations.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

async function run(req: LoadRequest): Promise<LoadResult> {
  let next = 0;
  let measuring = false;
  let ok = 0;
  let graphqlErrors = 0;
  let non2xx = 0;
  let warmupNotOk = 0;
  let warmupOk = 0;
  let firstErrorBody: string | undefined;
  const latencies: number[] = [];
  const timeline = new Timeline(req.bucketSeconds ?? 1, (bucket) => send({ type: 'bucket', bucket }));
  // Whether the response autocannon reports next was a success: onResponse (body) runs before its 'response' event.
  let lastOk = false;

  const requests: AutocannonRequest[] = [
    {
      method: 'POST',
      path: '/graphql',
      setupRequest: (request) => {
        const n = next++;
        const { body, authorization } = req.requests[n % req.requests.length]!;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (authorization) headers.authorization = authorization;
        return { ...request, body: req.unique ? body.replace(req.unique.placeholder, `${req.unique.prefix}${n}`) : body, headers };
      },
      onResponse: (status, body) => {
        // A cheap test on every body: the gateway's successful answers never contain this key.
        const hasErrors = body.includes('"errors":') || (req.expect !== undefined && !body.includes(req.expect));
        const success = status >= 200 && status <= 299;
        if (!measuring) {
          if (hasErrors || !success) {
            warmupNotOk++;
            firstErrorBody ??= `${status} ${body.slice(0, 2000).replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<token>')}`;
          } else warmupOk++;
          return;
        }
        if (hasErrors) graphqlErrors++;
        if (!success) non2xx++;
        lastOk = success && !hasErrors;
        if (lastOk) ok++;
        else firstErrorBody ??= `${status} ${body.slice(0, 2000).replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<token>')}`;
      },
    },
  ];

  const phase = (seconds: number, measured: boolean) =>
    new Promise<{ result: AutocannonResult; elapsed: number; transportErrors: number }>((resolve, reject) => {
      let transportErrors = 0;
      const started = performance.now();
      const instance = autocannon(
        { url: req.url, connections: req.connections, duration: seconds, pipelining: 1, timeout: 10, requests, ...(req.rate ? { overallRate: req.rate } : {}) },
        (error, result) => {
          if (error) reject(error);
          else resolve({ result, elapsed: (performance.now() - started) / 1000, transportErrors });
        },
      );
      if (measured) {
        instance.on('response', (_client, _status, _bytes, ms) => {
          if (!measuring) return;
          latencies.push(ms);
          timeline.add(ms, lastOk);
        });
        instance.on('reqError', () => {
          transportErrors++;
          if (measuring) timeline.add(undefined, false);
        });
      }
    });

  if (req.warmupSeconds > 0) await phase(req.warmupSeconds, false);
  measuring = true;
  timeline.start();
  send({ type: 'measuring' });
  const measured = await phase(req.seconds, true);
  measuring = false;
  timeline.finish();
  send({ type: 'measured' });

  latencies.sort((a, b) => a - b);
  const responses = latencies.length;
  return {
    connections: req.connections,
    seconds: roundMs(measured.elapsed),
    responses,
    ok,
    non2xx,
    graphqlErrors,
    transportErrors: measured.transportErrors,
    warmupNotOk,
    warmupOk,
    timeouts: measured.result.timeouts,
    okPerSecond: Math.round(ok / measured.elapsed),
    latencyMs: latencySummary(latencies, { p50: 0.5, p90: 0.9, p99: 0.99 }),
    firstErrorBody,
    timeline: timeline.buckets,
    ...(req.rate ? { rate: req.rate } : {}),
    autocannon: {
      requestsAverage: measured.result.requests.average,
      latencyP50: measured.result.latency.p50,
      latencyP99: measured.result.latency.p99,
      non2xx: measured.result.non2xx,
      errors: measured.result.errors,
      timeouts: measured.result.timeouts,
    },
  };
}

function send(message: LoadMessage): void {
  process.send?.(message);
}

process.once('message', (message: LoadRequest) => {
  run(message).then(
    (result) => {
      send({ type: 'result', result });
      process.disconnect?.();
    },
    (error: unknown) => {
      send({ type: 'error', message: (error as Error).message ?? String(error) });
      process.disconnect?.();
    },
  );
});
