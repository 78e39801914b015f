import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LedgerEntryContent } from '../ledger/ledger-entry.js';

/** Seconds buckets for calls that usually take milliseconds (department calls, ledger appends). */
const FAST_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Seconds buckets for whole GraphQL operations (several department calls and a ledger entry). */
const OPERATION_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_ENTRIES = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

export type BreakerStateName = 'closed' | 'open' | 'half_open';
const BREAKER_STATES: readonly BreakerStateName[] = ['closed', 'open', 'half_open'];

/** What the ledger looks like at a scrape; null when it could not be read. */
export interface LedgerState {
  treeSize: number;
  /** The newest signed checkpoint, or null when none has been signed yet. */
  checkpoint: { treeSize: number; signedAt: Date } | null;
}

let processRegistry: Registry | undefined;

/**
 * Node.js process metrics (prom-client's defaults: CPU, memory, GC, event-loop lag and delay
 * percentiles, handles), once per process: they describe the process, not an application in it,
 * and their collectors (an event-loop delay monitor, a GC observer) cannot be stopped, so several
 * gateways in one process (the e2e tests) share one set. Standard names, without the onegate_ prefix,
 * so that stock dashboards and alerts for Node.js apply.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 10 });
  }
  return processRegistry;
}

/**
 * The gateway's Prometheus metrics, in a registry of its own per application (never prom-client's
 * global one, so that two gateways in one process do not share or clash over series). Labels are
 * bounded by construction: GraphQL operations by the schema's root fields, departments and their
 * failures by enums, ledger kinds and outcomes by the ledger's vocabulary. No label carries a
 * citizen's data, a token, a case number or anything a client typed.
 */
@Injectable()
export class Metrics {
  private readonly registry = new Registry();
  private readonly beforeScrape: Array<() => Promise<void>> = [];

  private readonly graphqlDuration = new Histogram({
    name: 'onegate_graphql_operation_duration_seconds',
    help: 'GraphQL operations: time from the request to the response being sent, by operation type, first root field and outcome (ok, or error when the response has errors).',
    labelNames: ['type', 'operation', 'outcome'] as const,
    buckets: OPERATION_SECONDS,
    registers: [this.registry],
  });
  private readonly graphqlErrors = new Counter({
    name: 'onegate_graphql_errors_total',
    help: 'Errors in GraphQL responses, by operation type, first root field and extensions.code.',
    labelNames: ['type', 'operation', 'code'] as const,
    registers: [this.registry],
  });
  private readonly departmentDuration = new Histogram({
    name: 'onegate_department_call_duration_seconds',
    help: 'Department calls (one call may carry many subjects): time through bulkhead, breaker and timeout, by department and outcome (ok or the failure).',
    labelNames: ['department', 'outcome'] as const,
    buckets: FAST_SECONDS,
    registers: [this.registry],
  });
  private readonly departmentFailures = new Counter({
    name: 'onegate_department_call_failures_total',
    help: 'Department calls that failed, by department and failure (TIMEOUT, CIRCUIT_OPEN, BUSY, FAILED, SCHEMA_MISMATCH).',
    labelNames: ['department', 'failure'] as const,
    registers: [this.registry],
  });
  private readonly breakerState = new Gauge({
    name: 'onegate_department_breaker_state',
    help: "Each department's circuit breaker: 1 for the state it is in (closed, open, half_open), 0 for the others.",
    labelNames: ['department', 'state'] as const,
    registers: [this.registry],
  });
  private readonly breakerTransitions = new Counter({
    name: 'onegate_department_breaker_transitions_total',
    help: 'Circuit breaker state changes, by department and the state entered.',
    labelNames: ['department', 'state'] as const,
    registers: [this.registry],
  });
  private readonly ledgerAppend = new Histogram({
    name: 'onegate_ledger_append_duration_seconds',
    help: 'Ledger entries: time from being handed to the writer to being durable (queueing for the group commit included).',
    buckets: FAST_SECONDS,
    registers: [this.registry],
  });
  private readonly ledgerBatchDuration = new Histogram({
    name: 'onegate_ledger_batch_duration_seconds',
    help: "Ledger group commits: one batch's transaction, from taking a connection to the commit, by outcome (written, failed).",
    labelNames: ['outcome'] as const,
    buckets: FAST_SECONDS,
    registers: [this.registry],
  });
  private readonly ledgerBatchEntries = new Histogram({
    name: 'onegate_ledger_batch_entries',
    help: 'Ledger group commits: entries written per committed batch.',
    buckets: BATCH_ENTRIES,
    registers: [this.registry],
  });
  private readonly ledgerEntries = new Counter({
    name: 'onegate_ledger_entries_total',
    help: 'Ledger entries made durable by this instance, by kind and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly ledgerFailures = new Counter({
    name: 'onegate_ledger_append_failures_total',
    help: 'Ledger entries refused because their batch could not be written (the callers released no data).',
    registers: [this.registry],
  });
  private readonly treeSize = new Gauge({
    name: 'onegate_ledger_tree_size',
    help: 'Entries in the ledger (all instances), read at scrape; absent when the ledger could not be read.',
    labelNames: ['origin'] as const,
    registers: [this.registry],
  });
  private readonly checkpointTreeSize = new Gauge({
    name: 'onegate_ledger_checkpoint_tree_size',
    help: 'Tree size of the newest signed checkpoint (0 before the first), read at scrape; absent when the ledger could not be read.',
    labelNames: ['origin'] as const,
    registers: [this.registry],
  });
  private readonly checkpointAge = new Gauge({
    name: 'onegate_ledger_checkpoint_age_seconds',
    help: 'Seconds since the newest signed checkpoint was signed, read at scrape; absent before the first checkpoint and when the ledger could not be read.',
    labelNames: ['origin'] as const,
    registers: [this.registry],
  });
  private readonly checkpointInterval = new Gauge({
    name: 'onegate_ledger_checkpoint_interval_seconds',
    help: 'LEDGER_CHECKPOINT_INTERVAL_SECONDS of this instance (0: no automatic checkpoints), for alert rules.',
    labelNames: ['origin'] as const,
    registers: [this.registry],
  });
  private readonly issuances = new Counter({
    name: 'onegate_certificate_issuances_total',
    help: 'Certificate issuance requests, counted from their durable ledger entries, by outcome (issued, replayed, denied, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly verifications = new Counter({
    name: 'onegate_certificate_verifications_total',
    help: 'Online certificate verifications, counted from their durable ledger entries, by outcome (valid, invalid).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly lookupLimit = new Counter({
    name: 'onegate_lookup_limit_decisions_total',
    help: 'Per-principal lookup limit decisions, by outcome (allowed, limited) and where the count was kept (shared: PostgreSQL; local: this instance, while the database could not be reached).',
    labelNames: ['outcome', 'store'] as const,
    registers: [this.registry],
  });
  private readonly publicLimit = new Counter({
    name: 'onegate_public_limit_decisions_total',
    help: 'Public rate limit decisions (requests without a valid token that write, per client address), by outcome (allowed, limited) and where the count was kept (shared: PostgreSQL; local: this instance, while the database could not be reached).',
    labelNames: ['outcome', 'store'] as const,
    registers: [this.registry],
  });

  private readonly taskDeadlines = new Counter({
    name: 'onegate_department_task_deadlines_total',
    help: 'Department task deadline jobs that found the task still undecided, by deciding department and event (reminder: due within TASK_REMINDER_BEFORE_SECONDS; overdue: flagged overdue).',
    labelNames: ['department', 'event'] as const,
    registers: [this.registry],
  });

  /** Children of labelled metrics, by label values: the hot paths skip prom-client's label hashing. */
  private readonly children = new Map<string, { observe(value: number): void } | { inc(value?: number): void }>();

  constructor() {
    for (const outcome of ['issued', 'replayed', 'denied', 'failed']) this.issuances.inc({ outcome }, 0);
    for (const outcome of ['valid', 'invalid']) this.verifications.inc({ outcome }, 0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: this gateway's series, then the process's. */
  async exposition(): Promise<string> {
    await Promise.all(this.beforeScrape.map((update) => update()));
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }

  /** Runs `update` before every scrape (gauges read from elsewhere); it must not throw. */
  onScrape(update: () => Promise<void>): void {
    this.beforeScrape.push(update);
  }

  graphqlOperation(type: string, operation: string, seconds: number, errorCodes: readonly string[]): void {
    const outcome = errorCodes.length === 0 ? 'ok' : 'error';
    this.histogram(this.graphqlDuration, 'g', type, operation, outcome).observe(seconds);
    for (const code of errorCodes) this.counter(this.graphqlErrors, 'ge', type, operation, code).inc();
  }

  departmentCall(department: string, failure: string | null, seconds: number): void {
    this.histogram(this.departmentDuration, 'd', department, failure ?? 'ok').observe(seconds);
    if (failure) this.counter(this.departmentFailures, 'df', department, failure).inc();
  }

  breakerChanged(department: string, state: BreakerStateName, initial = false): void {
    for (const s of BREAKER_STATES) this.breakerState.set({ department, state: s }, s === state ? 1 : 0);
    if (!initial) this.breakerTransitions.inc({ department, state });
  }

  /** A committed batch: `entries` with when each was handed to the writer (performance.now()). */
  ledgerBatchWritten(entries: ReadonlyArray<{ content: LedgerEntryContent; queuedAt: number }>, seconds: number, now: number): void {
    this.histogram(this.ledgerBatchDuration, 'lb', 'written').observe(seconds);
    this.ledgerBatchEntries.observe(entries.length);
    for (const { content, queuedAt } of entries) {
      this.ledgerAppend.observe((now - queuedAt) / 1000);
      this.counter(this.ledgerEntries, 'le', content.kind, content.outcome).inc();
      if (content.kind === 'CERTIFICATE_ISSUE') this.counter(this.issuances, 'ci', issuanceOutcome(content)).inc();
      else if (content.kind === 'CERTIFICATE_VERIFY') this.counter(this.verifications, 'cv', content.outcome === 'GRANTED' ? 'valid' : 'invalid').inc();
    }
  }

  ledgerBatchFailed(entries: number, seconds: number): void {
    this.histogram(this.ledgerBatchDuration, 'lb', 'failed').observe(seconds);
    this.ledgerFailures.inc(entries);
  }

  /** The ledger as read at a scrape (null: it could not be read), labelled with its origin (LEDGER_ORIGIN). */
  ledgerState(state: LedgerState | null, ledger: { origin: string; checkpointIntervalSeconds: number }): void {
    const labels = { origin: ledger.origin };
    this.checkpointInterval.set(labels, ledger.checkpointIntervalSeconds);
    // No value rather than a stale one: alert on absence.
    this.treeSize.reset();
    this.checkpointTreeSize.reset();
    this.checkpointAge.reset();
    if (!state) return;
    this.treeSize.set(labels, state.treeSize);
    this.checkpointTreeSize.set(labels, state.checkpoint?.treeSize ?? 0);
    if (state.checkpoint) this.checkpointAge.set(labels, Math.max(0, (Date.now() - state.checkpoint.signedAt.getTime()) / 1000));
  }

  /** A deadline job found its task undecided: a reminder sent, or the task flagged overdue. */
  taskDeadline(department: string, event: 'reminder' | 'overdue'): void {
    this.counter(this.taskDeadlines, 'td', department, event).inc();
  }

  lookupLimitDecisions(store: 'shared' | 'local', allowed: number, limited: number): void {
    if (allowed > 0) this.counter(this.lookupLimit, 'll', 'allowed', store).inc(allowed);
    if (limited > 0) this.counter(this.lookupLimit, 'll', 'limited', store).inc(limited);
  }

  publicLimitDecisions(store: 'shared' | 'local', allowed: number, limited: number): void {
    if (allowed > 0) this.counter(this.publicLimit, 'pl', 'allowed', store).inc(allowed);
    if (limited > 0) this.counter(this.publicLimit, 'pl', 'limited', store).inc(limited);
  }

  private histogram<L extends string>(metric: Histogram<L>, tag: string, ...values: string[]): { observe(value: number): void } {
    const key = `${tag}\u0000${values.join('\u0000')}`;
    let child = this.children.get(key) as { observe(value: number): void } | undefined;
    if (!child) {
      child = metric.labels(...values);
      this.children.set(key, child);
    }
    return child;
  }

  private counter<L extends string>(metric: Counter<L>, tag: string, ...values: string[]): { inc(value?: number): void } {
    const key = `${tag}\u0000${values.join('\u0000')}`;
    let child = this.children.get(key) as { inc(value?: number): void } | undefined;
    if (!child) {
      child = metric.labels(...values);
      this.children.set(key, child);
    }
    return child;
  }
}

function issuanceOutcome(content: LedgerEntryContent): string {
  if (content.outcome === 'GRANTED') return content.detail.replayed === true ? 'replayed' : 'issued';
  return content.outcome === 'DENIED' ? 'denied' : 'failed';
}
