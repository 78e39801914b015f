// The load generator of bench:cases, run as its own process (forked with an IPC channel, like
// bench/exchange/load.ts, so that its CPU is apart from the gateway's): a fixed number of virtual
// clerks, each with its own keep-alive connection, each opening a case and then reading every
// party's records under it, in a loop — the second request needs the case id the first answers,
// which autocannon's independent requests cannot carry. A warm-up, then the measured period; a case
// counts in the period it ends in, and only when both answers are complete (see `checkRead`).
// Every case's answers are read before the process reports, so no request is left in flight.
import { Agent, request as httpRequest } from 'node:http';
import { latencySummary, roundMs } from '../results.js';
import type { LoadMessage } from '../exchange/load.js';
import { Timeline, type TimelineBucket } from '../exchange/timeline.js';
import { checkRead, type GraphqlAnswer } from './case-answer.js';

export interface ClerksRequest {
  url: string;
  /** Concurrent virtual clerks, one connection each. */
  clerks: number;
  warmupSeconds: number;
  seconds: number;
  /** Rotated over, one per case: openCase's body, the read's body (with `placeholder` for the case id) and the clerk's authorization. */
  cases: Array<{ open: string; read: string; authorization: string }>;
  placeholder: string;
  /** Per alias of the read query, the fields that must not be null for the case to count as complete. */
  required: Record<string, readonly string[]>;
  bucketSeconds?: number;
}

/** Why a case was not complete. */
export interface Incomplete {
  /** openCase answered non-2xx or with GraphQL errors, or without an id. */
  openRefused: number;
  /** openCase answered but a relation was not PROVEN. */
  relationNotProven: number;
  /** The read answered non-2xx or with GraphQL errors. */
  readErrors: number;
  /** The read answered without errors but a party's consent was not GIVEN or a required record was null. */
  readIncomplete: number;
  /** No answer at all (socket error, timeout). */
  transport: number;
}

export interface StepLatency {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ClerksResult {
  clerks: number;
  /** Wall seconds of the measured period. */
  seconds: number;
  /** Cases that ended in the measured period, complete or not. */
  cases: number;
  complete: number;
  incomplete: Incomplete;
  /** Complete cases per second of the measured period. */
  completePerSecond: number;
  /** Latency of the complete cases of the measured period: openCase sent to the read's answer received (ms). */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** The two requests of those cases, apart. */
  openLatencyMs: StepLatency;
  readLatencyMs: StepLatency;
  /** Cases of the warm-up and of the draining after the measured period, complete or not. */
  warmup: { complete: number; incomplete: number };
  /** openCase answers carrying a case id over the whole run (warm-up, measured period, draining): cases the gateway says it made. */
  opened: number;
  /** Reads answered complete over the whole run. */
  readComplete: number;
  /** The first incomplete answer, for the report (never a token). */
  firstError?: string;
  timeline: TimelineBucket[];
}

const TIMEOUT_MS = 10_000;

function redact(text: string): string {
  return text.slice(0, 2000).replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<token>');
}

async function run(req: ClerksRequest): Promise<ClerksResult> {
  const target = new URL('/graphql', req.url);
  const agent = new Agent({ keepAlive: true, maxSockets: req.clerks });
  const post = (body: string, authorization: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const r = httpRequest(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization },
          timeout: TIMEOUT_MS,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', reject);
      r.end(body);
    });

  let phase: 'warmup' | 'measuring' | 'stopping' = 'warmup';
  let measureStart = 0;
  let measureEnd = Infinity;
  let next = 0;
  let opened = 0;
  let readComplete = 0;
  let firstError: string | undefined;
  const incomplete: Incomplete = { openRefused: 0, relationNotProven: 0, readErrors: 0, readIncomplete: 0, transport: 0 };
  const warmup = { complete: 0, incomplete: 0 };
  const latencies: number[] = [];
  const openLatencies: number[] = [];
  const readLatencies: number[] = [];
  const timeline = new Timeline(req.bucketSeconds ?? 1, (bucket) => send({ type: 'bucket', bucket }));

  type Outcome = { ok: true; openMs: number } | { ok: false; why: keyof Incomplete; detail: string };

  const oneCase = async (c: ClerksRequest['cases'][number]): Promise<Outcome> => {
    const started = performance.now();
    let answer: { status: number; text: string };
    try {
      answer = await post(c.open, c.authorization);
    } catch (error) {
      return { ok: false, why: 'transport', detail: `openCase: ${(error as Error).message}` };
    }
    const openMs = performance.now() - started;
    const opening = parse(answer.text);
    const openCase = opening?.data?.openCase as { id?: string; parties?: Array<{ role: string; relation: { status: string } | null }> } | undefined;
    if (openCase?.id) opened++;
    if (answer.status !== 200 || !opening || opening.errors || !openCase?.id) {
      return { ok: false, why: 'openRefused', detail: `openCase ${answer.status} ${redact(answer.text)}` };
    }
    if (openCase.parties?.some((p) => p.relation !== null && p.relation.status !== 'PROVEN')) {
      return { ok: false, why: 'relationNotProven', detail: `openCase ${redact(answer.text)}` };
    }
    try {
      answer = await post(c.read.replace(req.placeholder, openCase.id), c.authorization);
    } catch (error) {
      return { ok: false, why: 'transport', detail: `read: ${(error as Error).message}` };
    }
    const read = parse(answer.text);
    if (answer.status !== 200 || !read || read.errors) return { ok: false, why: 'readErrors', detail: `read ${answer.status} ${redact(answer.text)}` };
    const problem = checkRead(read, req.required);
    if (problem) return { ok: false, why: 'readIncomplete', detail: `read: ${problem}: ${redact(answer.text)}` };
    readComplete++;
    return { ok: true, openMs };
  };

  const clerk = async () => {
    while (phase !== 'stopping') {
      const c = req.cases[next++ % req.cases.length]!;
      const started = performance.now();
      const outcome = await oneCase(c);
      const ended = performance.now();
      const measured = ended >= measureStart && ended <= measureEnd && measureStart > 0;
      if (!measured) {
        if (outcome.ok) warmup.complete++;
        else {
          warmup.incomplete++;
          firstError ??= outcome.detail;
        }
        continue;
      }
      if (outcome.ok) {
        latencies.push(ended - started);
        openLatencies.push(outcome.openMs);
        readLatencies.push(ended - started - outcome.openMs);
        timeline.add(ended - started, true);
      } else {
        incomplete[outcome.why]++;
        firstError ??= outcome.detail;
        timeline.add(ended - started, false);
      }
    }
  };

  const clerks = Array.from({ length: req.clerks }, () => clerk());
  await new Promise((r) => setTimeout(r, req.warmupSeconds * 1000));
  phase = 'measuring';
  measureStart = performance.now();
  timeline.start();
  send({ type: 'measuring' });
  await new Promise((r) => setTimeout(r, req.seconds * 1000));
  measureEnd = performance.now();
  phase = 'stopping';
  timeline.finish();
  send({ type: 'measured' });
  await Promise.all(clerks);
  agent.destroy();

  const seconds = (measureEnd - measureStart) / 1000;
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  const step = (values: number[]) => {
    const { p50, p99, max, mean } = latencySummary(sorted(values), { p50: 0.5, p99: 0.99 });
    return { p50, p99, max, mean };
  };
  const failed = Object.values(incomplete).reduce((a, b) => a + b, 0);
  return {
    clerks: req.clerks,
    seconds: roundMs(seconds),
    cases: latencies.length + failed,
    complete: latencies.length,
    incomplete,
    completePerSecond: Math.round(latencies.length / seconds),
    latencyMs: latencySummary(sorted(latencies), { p50: 0.5, p90: 0.9, p99: 0.99 }),
    openLatencyMs: step(openLatencies),
    readLatencyMs: step(readLatencies),
    warmup,
    opened,
    readComplete,
    firstError,
    timeline: timeline.buckets,
  };
}

function parse(text: string): GraphqlAnswer | null {
  try {
    return JSON.parse(text) as GraphqlAnswer;
  } catch {
    return null;
  }
}

function send(message: LoadMessage<ClerksResult>): void {
  process.send?.(message);
}

process.once('message', (message: ClerksRequest) => {
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
