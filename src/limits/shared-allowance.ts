import type { OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import { isDatabaseUnavailable } from '../common/graphql/error-format.js';
import { resilientPool } from '../database/pg-pool.js';
import type { Logger } from '../logging/logger.js';
import { errorKind, RepeatedErrorLog } from '../logging/repeated-errors.js';

/** Statements in flight at once; takes asked for meanwhile go together in the next one. */
const MAX_IN_FLIGHT = 2;
/** Takes per statement. */
const MAX_BATCH = 500;
/** A take that waits longer for its connection or statement is counted locally (see FAIL_FAST_MS). */
const STATEMENT_TIMEOUT_MS = 2000;
/** After a failed statement, count locally for this long instead of waiting on the database again. */
const FAIL_FAST_MS = 1000;
const FORGET_EVERY_MS = 60_000;

/** An allowance's pool (runtime role): small and its own, so a take never waits behind other work's connections. */
export function allowancePool(runtimeUrl: string, applicationName: string, what: string, logger: Logger): pg.Pool {
  return resilientPool(
    {
      connectionString: runtimeUrl,
      max: MAX_IN_FLIGHT,
      connectionTimeoutMillis: STATEMENT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      query_timeout: STATEMENT_TIMEOUT_MS + 500,
      application_name: applicationName,
    },
    (err) => logger.warn({ err }, `${what} connection lost`),
  );
}

interface Waiter<Answer> {
  key: string;
  resolve(answer: Answer): void;
}

/**
 * A limit kept in PostgreSQL, so that it holds across every gateway instance on the database: one
 * row per key, taken with the database's clock. Its kinds (the lookup limit's token buckets, the
 * public requests' windows) say how one statement takes a batch and what each take is told.
 *
 * One round trip per batch, not per take: takes arriving while a statement is in flight go together
 * in the next (like the ledger's group commit), each key once with its count, in arrival order.
 *
 * Should the database not answer, the takes are counted by this instance alone (the limit as it was
 * before it was shared) until it answers again — never unlimited.
 */
export abstract class SharedAllowance<Answer> implements OnApplicationShutdown {
  private queue: Waiter<Answer>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private failingUntil = 0;
  private readonly failures: RepeatedErrorLog;
  private readonly forgetTimer: NodeJS.Timeout;
  private closed = false;

  protected constructor(
    protected readonly pool: pg.Pool,
    protected readonly logger: Logger,
    /** What the log lines call the limit ("lookup limit", ...). */
    private readonly what: string,
    /** Deletes the rows that carry no information any more (full again); run every minute. */
    private readonly forgetStatement: string,
    repeatIntervalMs: number,
  ) {
    this.failures = new RepeatedErrorLog(logger, repeatIntervalMs);
    this.forgetTimer = setInterval(() => void this.forgetIdle(), FORGET_EVERY_MS);
    this.forgetTimer.unref();
  }

  /** Takes one for `key`. */
  take(key: string): Promise<Answer> {
    if (this.closed || Date.now() < this.failingUntil) return Promise.resolve(this.takeLocally(key));
    const held = this.takeHeld(key);
    if (held !== undefined) return Promise.resolve(held);
    return new Promise<Answer>((resolve) => {
      this.queue.push({ key, resolve });
      this.schedule();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.forgetTimer);
    await this.pool.end();
  }

  /**
   * One statement taking `counts` (keys in byte order of the key, so that two instances' statements
   * over the same keys never deadlock), then the answers to `keys` (the takes in arrival order; a
   * key's first takes get what was granted, the rest are refused).
   */
  protected abstract takeAll(counts: Map<string, number>, keys: readonly string[]): Promise<Answer[]>;

  /** One take counted by this instance alone, while the database cannot be reached. */
  protected abstract takeLocally(key: string): Answer;

  /**
   * One take answered from what this instance already took from the database for `key` (a kind
   * that takes ahead, see SharedLookupRateLimiter), or undefined: the take goes to the database.
   */
  protected takeHeld(_key: string): Answer | undefined {
    return undefined;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT) return;
    this.scheduled = true;
    // Takes asked for in the same tick go together.
    process.nextTick(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    // A statement that just answered may have left this instance holding what queued takes need.
    if (this.queue.length > 0) this.queue = this.queue.filter((waiter) => !this.answeredHeld(waiter));
    while (this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.dispatch();
      });
    }
  }

  private answeredHeld(waiter: Waiter<Answer>): boolean {
    const held = this.takeHeld(waiter.key);
    if (held === undefined) return false;
    waiter.resolve(held);
    return true;
  }

  private async run(batch: Waiter<Answer>[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const { key } of batch) counts.set(key, (counts.get(key) ?? 0) + 1);
    let answers: Answer[];
    try {
      answers = await this.takeAll(
        counts,
        batch.map((w) => w.key),
      );
    } catch (error) {
      this.failingUntil = Date.now() + FAIL_FAST_MS;
      this.failures.error(
        isDatabaseUnavailable(error) ? 'DATABASE_UNAVAILABLE' : errorKind(error),
        { err: error, takes: batch.length },
        `shared ${this.what} could not be read; counting on this instance until the database answers`,
      );
      for (const waiter of batch) waiter.resolve(this.takeLocally(waiter.key));
      return;
    }
    batch.forEach((waiter, i) => waiter.resolve(answers[i]!));
  }

  private async forgetIdle(): Promise<void> {
    if (this.closed) return;
    try {
      await this.pool.query(this.forgetStatement);
    } catch (error) {
      this.logger.debug({ err: error }, `idle ${this.what} rows could not be forgotten now`);
    }
  }
}
