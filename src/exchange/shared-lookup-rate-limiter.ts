import type { FactoryProvider, OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import { isDatabaseUnavailable } from '../common/graphql/error-format.js';
import { AppConfig } from '../config/app-config.js';
import type { DatabaseConnections } from '../database/database-setup.js';
import { DATABASE_CONNECTIONS } from '../database/database.module.js';
import { resilientPool } from '../database/pg-pool.js';
import type { Logger } from '../logging/logger.js';
import { LOGGER } from '../logging/logging.module.js';
import { errorKind, RepeatedErrorLog } from '../logging/repeated-errors.js';
import { Metrics } from '../operations/metrics.js';
import { LookupRateLimiter } from './lookup-rate-limiter.js';

/** Statements in flight at once; takes asked for meanwhile go together in the next one. */
const MAX_IN_FLIGHT = 2;
/** Takes per statement. */
const MAX_BATCH = 500;
/** A take that waits longer for its connection or statement is counted locally (see FAIL_FAST_MS). */
const STATEMENT_TIMEOUT_MS = 2000;
/** After a failed statement, count locally for this long instead of waiting on the database again. */
const FAIL_FAST_MS = 1000;
/** A bucket untouched for a minute is full again, whatever the limit: such rows are forgotten. */
const FORGET_AFTER_SECONDS = 120;
const FORGET_EVERY_MS = 60_000;

/** The bucket refilled for the time since its last take, at most to the limit ($3 per minute). */
const AVAILABLE = 'least($3::float8, b.tokens + greatest(0, extract(epoch FROM EXCLUDED.taken_at - b.taken_at))::float8 * $3::float8 / 60)';

/**
 * One statement takes `n` lookups for each principal of a batch ($1 principals, $2 counts, $3 the
 * limit per minute) from its token bucket, with the database's clock: the bucket is refilled for
 * the time since its last take (at most to the limit), `granted` = min(n, whole tokens), and the
 * rest is left. A principal's first take starts from a full bucket. EXCLUDED.granted stands for
 * n: it is min(n, limit), and min(n, limit, whole tokens) = min(n, whole tokens) as the bucket never
 * holds more than the limit. Rows are taken in one order (byte order of the key), so two
 * statements over the same principals — from two instances — never deadlock.
 */
const TAKE = `WITH asked AS (
    SELECT principal, n, $3::float8 AS per_minute FROM unnest($1::text[], $2::int[]) AS a(principal, n)
  )
  INSERT INTO onegate.lookup_allowance AS b (principal, tokens, granted, taken_at)
  SELECT principal, per_minute - least(n, floor(per_minute)), least(n, floor(per_minute))::int, now()
    FROM asked
   ORDER BY principal COLLATE "C"
  ON CONFLICT (principal) DO UPDATE SET
    granted = least(EXCLUDED.granted, floor(${AVAILABLE}))::int,
    tokens = ${AVAILABLE} - least(EXCLUDED.granted, floor(${AVAILABLE})),
    taken_at = EXCLUDED.taken_at
  RETURNING b.principal, b.tokens, b.granted`;

const FORGET = `DELETE FROM onegate.lookup_allowance WHERE taken_at < now() - make_interval(secs => ${FORGET_AFTER_SECONDS})`;

interface Waiter {
  key: string;
  resolve(retryAfterSeconds: number): void;
}

/**
 * The per-principal lookup limit (EXCHANGE_LOOKUPS_PER_MINUTE) kept in PostgreSQL, so that it holds
 * across every gateway instance on the database: the same token bucket as LookupRateLimiter (a
 * burst of `perMinute`, refilled continuously; `take` resolves 0 when allowed, else the whole
 * seconds until the next lookup is), one row per principal (onegate.lookup_allowance).
 *
 * One round trip per batch, not per lookup: takes arriving while a statement is in flight go
 * together in the next (like the ledger's group commit), each principal's once with its count.
 *
 * Should the database not answer, the takes are counted by this instance alone (the limit as it was
 * before it was shared) until it answers again — never unlimited. A lookup needs the database for
 * its ledger entry anyway, so nothing is released meanwhile; the limit only decides which error the
 * caller sees.
 */
export class SharedLookupRateLimiter implements OnApplicationShutdown {
  private queue: Waiter[] = [];
  private inFlight = 0;
  private scheduled = false;
  private failingUntil = 0;
  private readonly local: LookupRateLimiter;
  private readonly refillPerSecond: number;
  private readonly failures: RepeatedErrorLog;
  private readonly forgetTimer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly perMinute: number,
    private readonly logger: Logger,
    private readonly metrics?: Pick<Metrics, 'lookupLimitDecisions'>,
    repeatIntervalMs = 10_000,
  ) {
    this.local = new LookupRateLimiter(perMinute);
    this.refillPerSecond = perMinute / 60;
    this.failures = new RepeatedErrorLog(logger, repeatIntervalMs);
    this.forgetTimer = setInterval(() => void this.forgetIdle(), FORGET_EVERY_MS);
    this.forgetTimer.unref();
  }

  /** Takes one lookup for `key`; resolves 0 when allowed, else the seconds until one is available. */
  take(key: string): Promise<number> {
    if (this.closed || Date.now() < this.failingUntil) return Promise.resolve(this.takeLocally(key));
    return new Promise<number>((resolve) => {
      this.queue.push({ key, resolve });
      this.schedule();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.forgetTimer);
    await this.pool.end();
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
    while (this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.dispatch();
      });
    }
  }

  private async run(batch: Waiter[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const { key } of batch) counts.set(key, (counts.get(key) ?? 0) + 1);
    let buckets: Map<string, { tokens: number; granted: number }>;
    try {
      const { rows } = await this.pool.query<{ principal: string; tokens: number; granted: number }>({
        name: 'onegate_lookup_take',
        text: TAKE,
        values: [[...counts.keys()], [...counts.values()], this.perMinute],
      });
      buckets = new Map(rows.map((row) => [row.principal, { tokens: row.tokens, granted: row.granted }]));
      if (buckets.size !== counts.size) throw new Error(`lookup allowance: ${counts.size} principals asked, ${buckets.size} answered`);
    } catch (error) {
      this.failingUntil = Date.now() + FAIL_FAST_MS;
      this.failures.error(
        isDatabaseUnavailable(error) ? 'DATABASE_UNAVAILABLE' : errorKind(error),
        { err: error, lookups: batch.length },
        'shared lookup limit could not be read; counting on this instance until the database answers',
      );
      for (const waiter of batch) waiter.resolve(this.takeLocally(waiter.key));
      return;
    }
    // In arrival order: a principal's first `granted` takes are allowed, the rest wait for the next token.
    const given = new Map<string, number>();
    let allowed = 0;
    for (const waiter of batch) {
      const bucket = buckets.get(waiter.key)!;
      const n = given.get(waiter.key) ?? 0;
      given.set(waiter.key, n + 1);
      if (n < bucket.granted) allowed++;
      waiter.resolve(n < bucket.granted ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerSecond)));
    }
    this.metrics?.lookupLimitDecisions('shared', allowed, batch.length - allowed);
  }

  private takeLocally(key: string): number {
    const retryAfter = this.local.take(key);
    this.metrics?.lookupLimitDecisions('local', retryAfter === 0 ? 1 : 0, retryAfter === 0 ? 0 : 1);
    return retryAfter;
  }

  private async forgetIdle(): Promise<void> {
    if (this.closed) return;
    try {
      await this.pool.query(FORGET);
    } catch (error) {
      this.logger.debug({ err: error }, 'idle lookup allowances could not be forgotten now');
    }
  }
}

/** The limiter on a small pool of its own (runtime role): a take never waits behind other work's connections. */
export const SHARED_LOOKUP_RATE_LIMITER: FactoryProvider<SharedLookupRateLimiter> = {
  provide: SharedLookupRateLimiter,
  inject: [AppConfig, DATABASE_CONNECTIONS, LOGGER, Metrics],
  useFactory: (config: AppConfig, connections: DatabaseConnections, logger: Logger, metrics: Metrics) => {
    const pool = resilientPool(
      {
        connectionString: connections.runtimeUrl,
        max: MAX_IN_FLIGHT,
        connectionTimeoutMillis: STATEMENT_TIMEOUT_MS,
        statement_timeout: STATEMENT_TIMEOUT_MS,
        query_timeout: STATEMENT_TIMEOUT_MS + 500,
        application_name: 'onegate-lookup-limit',
      },
      (err) => logger.warn({ err }, 'lookup limit connection lost'),
    );
    return new SharedLookupRateLimiter(pool, config.EXCHANGE_LOOKUPS_PER_MINUTE, logger, metrics, config.LOG_REPEAT_INTERVAL_MS);
  },
};
