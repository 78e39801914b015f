// The load generator of bench:cases and bench:applications, run as its own process (forked with an
// IPC channel, like bench/exchange/load.ts, so that its CPU is apart from the gateway's): a fixed
// number of virtual clerks, each with its own keep-alive connection, each doing one unit of work
// after another — a workflow of dependent requests (bench/cases/workflow.ts), each needing what the
// one before answered, which autocannon's independent requests cannot carry: a case (open, read)
// or an application (open the case, guide, open the application, submit it). A warm-up, then the
// measured period; a unit counts in the period it ends in, and only when its workflow finds every
// answer complete. Every unit's answers are read before the process reports, so no request is left
// in flight.
import { Agent, request as httpRequest } from 'node:http';
import { applicationWorkflow, type ApplicationOptions, type ApplicationUnit } from '../applications/application-workflow.js';
import type { LoadMessage } from '../exchange/load.js';
import { Timeline, type TimelineBucket } from '../exchange/timeline.js';
import { latencySummary, roundMs } from '../results.js';
import { caseWorkflow, type CaseOptions, type CaseUnit } from './case-workflow.js';
import { incompleteCount, parseAnswer, type StepAnswer, type UnitContext, type Workflow } from './workflow.js';

/** The workflows a run may ask for, by name, with what each unit and the run's options carry. */
const WORKFLOWS = { case: caseWorkflow, application: applicationWorkflow } as const;

export type ClerksWorkload =
  { workflow: 'case'; units: CaseUnit[]; options: CaseOptions } | { workflow: 'application'; units: ApplicationUnit[]; options: ApplicationOptions };

export type ClerksRequest = ClerksWorkload & {
  url: string;
  /** Concurrent virtual clerks, one connection each; the units are rotated over, one after another. */
  clerks: number;
  warmupSeconds: number;
  seconds: number;
  bucketSeconds?: number;
};

export interface StepLatency {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ClerksResult {
  workflow: ClerksWorkload['workflow'];
  clerks: number;
  /** Wall seconds of the measured period. */
  seconds: number;
  /** Units that ended in the measured period, complete or not. */
  units: number;
  complete: number;
  /** Incomplete units of the measured period by reason (the workflow's reasons, and `transport`: no answer at all). */
  incomplete: Record<string, number>;
  /** Complete units per second of the measured period. */
  completePerSecond: number;
  /** Latency of the complete units of the measured period: the first request sent to the last answer received (ms). */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Each step of those units, apart, by the workflow's step names. */
  stepLatencyMs: Record<string, StepLatency>;
  /** Units of the warm-up and of the draining after the measured period, complete or not. */
  warmup: { complete: number; incomplete: number };
  /** The workflow's counters over the whole run (warm-up, measured period, draining): what the gateway answered it made. */
  counts: Record<string, number>;
  /** The first incomplete answer, for the report (never a token). */
  firstError?: string;
  timeline: TimelineBucket[];
}

const TIMEOUT_MS = 10_000;

/** A request that got no answer (socket error, timeout), with the step it was. */
class Transport extends Error {}

async function run(req: ClerksRequest): Promise<ClerksResult> {
  const workflow = WORKFLOWS[req.workflow] as Workflow<unknown, unknown>;
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
  let firstError: string | undefined;
  const counts: Record<string, number> = Object.fromEntries(workflow.counters.map((c) => [c, 0]));
  const incomplete: Record<string, number> = Object.fromEntries([...workflow.reasons, 'transport'].map((r) => [r, 0]));
  const warmup = { complete: 0, incomplete: 0 };
  const latencies: number[] = [];
  const stepLatencies: Record<string, number[]> = Object.fromEntries(workflow.steps.map((s) => [s, []]));
  const timeline = new Timeline(req.bucketSeconds ?? 1, (bucket) => send({ type: 'bucket', bucket }));

  const oneUnit = async (unit: unknown) => {
    const stepMs: Record<string, number> = {};
    const context: UnitContext = {
      async request(step, body, authorization): Promise<StepAnswer> {
        const started = performance.now();
        let answer: { status: number; text: string };
        try {
          answer = await post(body, authorization);
        } catch (error) {
          throw new Transport(`${step}: ${(error as Error).message}`);
        }
        stepMs[step] = (stepMs[step] ?? 0) + performance.now() - started;
        return { ...answer, body: parseAnswer(answer.text) };
      },
      count(counter, n = 1) {
        counts[counter] = (counts[counter] ?? 0) + n;
      },
    };
    try {
      const failed = await workflow.run(unit, req.options, context);
      return failed ? { ok: false as const, ...failed } : { ok: true as const, stepMs };
    } catch (error) {
      if (error instanceof Transport) return { ok: false as const, why: 'transport', detail: error.message };
      throw error;
    }
  };

  const clerk = async () => {
    while (phase !== 'stopping') {
      const unit = req.units[next++ % req.units.length]!;
      const started = performance.now();
      const outcome = await oneUnit(unit);
      const ended = performance.now();
      const measured = ended >= measureStart && ended <= measureEnd && measureStart > 0;
      if (!outcome.ok) firstError ??= outcome.detail;
      if (!measured) {
        warmup[outcome.ok ? 'complete' : 'incomplete']++;
        continue;
      }
      timeline.add(ended - started, outcome.ok);
      if (!outcome.ok) {
        incomplete[outcome.why] = (incomplete[outcome.why] ?? 0) + 1;
        continue;
      }
      latencies.push(ended - started);
      for (const step of workflow.steps) stepLatencies[step]!.push(outcome.stepMs[step] ?? 0);
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
  const step = (values: number[]): StepLatency => {
    const { p50, p99, max, mean } = latencySummary(sorted(values), { p50: 0.5, p99: 0.99 });
    return { p50, p99, max, mean };
  };
  const failed = incompleteCount({ incomplete });
  return {
    workflow: req.workflow,
    clerks: req.clerks,
    seconds: roundMs(seconds),
    units: latencies.length + failed,
    complete: latencies.length,
    incomplete,
    completePerSecond: Math.round(latencies.length / seconds),
    latencyMs: latencySummary(sorted(latencies), { p50: 0.5, p90: 0.9, p99: 0.99 }),
    stepLatencyMs: Object.fromEntries(workflow.steps.map((s) => [s, step(stepLatencies[s]!)])),
    warmup,
    counts,
    firstError,
    timeline: timeline.buckets,
  };
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
