import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { DepartmentCode } from '../common/departments.js';
import type { Logger } from '../logging/logger.js';
import type { BreakerStateName, Metrics } from '../operations/metrics.js';
import { inSpan, SpanKind, SpanStatusCode } from '../operations/tracing.js';
import type { DepartmentConnector, ItemRecord } from './connector.js';
import { DepartmentCallError, type DepartmentFailure } from './exchange.errors.js';
import type { RecordValidator } from './record-validator.js';

export interface ResilienceOptions {
  timeoutMs: number;
  breakerFailures: number;
  halfOpenAfterMs: number;
  maxConcurrent: number;
  maxQueued: number;
}

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/**
 * A department behind its own bulkhead, circuit breaker and timeout (cockatiel), with every answer
 * checked against the data item's JSON Schema. A timed-out call is aborted (the connector drops the
 * socket or the database connection); a malformed answer counts as a failure for the breaker, so a
 * department sending garbage is cut off like one that is down.
 */
export class ResilientDepartment {
  private readonly breaker;
  private readonly policy: IPolicy;

  constructor(
    private readonly connector: DepartmentConnector,
    private readonly validator: RecordValidator,
    options: ResilienceOptions,
    private readonly logger: Logger,
    private readonly metrics?: Pick<Metrics, 'departmentCall' | 'breakerChanged'>,
  ) {
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerFailures),
    });
    this.metrics?.breakerChanged(this.department, METRIC_STATES.CLOSED, true);
    this.breaker.onStateChange((state) => {
      this.logger.warn({ department: this.department, breaker: stateName(state) }, 'department breaker changed state');
      this.metrics?.breakerChanged(this.department, METRIC_STATES[stateName(state)]);
    });
    this.policy = wrap(
      bulkhead(options.maxConcurrent, options.maxQueued),
      this.breaker,
      // A call that returned needs no abort (and creating the abort reason costs a DOMException per call).
      timeout(options.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }),
    );
  }

  get department(): DepartmentCode {
    return this.connector.department;
  }

  get breakerState(): BreakerState {
    return stateName(this.breaker.state);
  }

  /**
   * The records of `item` for each subject, or a DepartmentCallError saying what went wrong. Timed
   * by outcome (Metrics) and, when tracing, one client span: department, item and how many subjects,
   * never who they are.
   */
  fetch(item: string, subjects: readonly string[]): Promise<Map<string, ItemRecord[]>> {
    return inSpan(
      'department.fetch',
      { kind: SpanKind.CLIENT, attributes: { 'onegate.department': this.department, 'onegate.data_item': item, 'onegate.subjects': subjects.length } },
      async (span) => {
        const started = performance.now();
        let answer: Map<string, ItemRecord[]>;
        try {
          // A signal of its own per call: cockatiel's shared default would collect one listener per concurrent call.
          answer = await this.policy.execute(async ({ signal }) => {
            const answer = await this.connector.fetch(item, subjects, signal);
            for (const records of answer.values()) {
              const problem = this.validator.check(item, records);
              if (problem) throw new SchemaMismatch(`record ${problem.index}: ${problem.problem}`);
            }
            return answer;
          }, new AbortController().signal);
        } catch (error) {
          const failure = failureOf(error);
          this.metrics?.departmentCall(this.department, failure, (performance.now() - started) / 1000);
          span?.setAttribute('onegate.failure', failure);
          span?.setStatus({ code: SpanStatusCode.ERROR, message: failure });
          this.logger.warn(
            { department: this.department, item, failure, detail: error instanceof SchemaMismatch ? error.message : (error as Error)?.name },
            'department call failed',
          );
          throw new DepartmentCallError(this.department, failure);
        }
        this.metrics?.departmentCall(this.department, null, (performance.now() - started) / 1000);
        return answer;
      },
    );
  }

  close(): Promise<void> {
    return this.connector.close();
  }
}

class SchemaMismatch extends Error {
  override name = 'SchemaMismatch';
}

function failureOf(error: unknown): DepartmentFailure {
  if (error instanceof TaskCancelledError) return 'TIMEOUT';
  if (error instanceof BrokenCircuitError) return 'CIRCUIT_OPEN';
  if (error instanceof BulkheadRejectedError) return 'BUSY';
  if (error instanceof SchemaMismatch) return 'SCHEMA_MISMATCH';
  return 'FAILED';
}

const METRIC_STATES: Record<BreakerState, BreakerStateName> = { CLOSED: 'closed', OPEN: 'open', HALF_OPEN: 'half_open' };

function stateName(state: CircuitState): BreakerState {
  if (state === CircuitState.Open || state === CircuitState.Isolated) return 'OPEN';
  if (state === CircuitState.HalfOpen) return 'HALF_OPEN';
  return 'CLOSED';
}
