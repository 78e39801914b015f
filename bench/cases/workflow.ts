// What a virtual clerk of bench/cases/clerks.ts does in a loop: a workflow of dependent GraphQL
// requests (each needs what the one before answered), one unit of work at a time — a case
// (bench/cases/case-workflow.ts), an application (bench/applications/application-workflow.ts).
// The load generator times every step, counts what the gateway says it made (for the audit after
// the run) and tells complete units from incomplete ones by the reason the workflow gives.
import type { GraphqlAnswer } from './case-answer.js';

/** One step's answer: its HTTP status, its text, and its parsed body (null when not JSON). */
export interface StepAnswer {
  status: number;
  text: string;
  body: GraphqlAnswer | null;
}

export interface UnitContext {
  /** Posts one step's request to /graphql, timed under `step`; throws when no answer came (socket error, timeout). */
  request(step: string, body: string, authorization: string): Promise<StepAnswer>;
  /** Counts something the gateway answered it made, over the whole run (warm-up and draining included), for the audit. */
  count(counter: string, n?: number): void;
}

/** Why a unit is not complete: one of its workflow's `reasons`, and the answer that showed it (redacted). */
export interface Failure {
  why: string;
  detail: string;
}

export interface Workflow<Unit, Options> {
  /** The steps of a unit, in order: each one's latency is reported apart. */
  steps: readonly string[];
  /** Why a unit may be incomplete (besides `transport`: no answer at all). */
  reasons: readonly string[];
  /** What the run counts for the audit (see UnitContext.count). */
  counters: readonly string[];
  /** One unit of work: null when complete. */
  run(unit: Unit, options: Options, context: UnitContext): Promise<Failure | null>;
}

/** A failure naming the step and its answer, never a token. */
export function failure(why: string, step: string, answer: StepAnswer | string): Failure {
  const text = typeof answer === 'string' ? answer : `${answer.status} ${answer.text}`;
  return { why, detail: `${step}: ${text.slice(0, 2000).replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<token>')}` };
}

/** The answer's data when the step answered 200 without GraphQL errors, else null. */
export function dataOf(answer: StepAnswer): Record<string, unknown> | null {
  if (answer.status !== 200 || !answer.body || answer.body.errors) return null;
  return answer.body.data ?? null;
}

/** parse JSON, or null. */
export function parseAnswer(text: string): GraphqlAnswer | null {
  try {
    return JSON.parse(text) as GraphqlAnswer;
  } catch {
    return null;
  }
}

/** Incomplete units of a measured period, all reasons. */
export function incompleteCount(result: { incomplete: Record<string, number> }): number {
  return Object.values(result.incomplete).reduce((a, b) => a + b, 0);
}
