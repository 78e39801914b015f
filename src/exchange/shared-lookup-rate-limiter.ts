import type { FactoryProvider } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import type { DatabaseConnections } from '../database/database-setup.js';
import { DATABASE_CONNECTIONS } from '../database/database.module.js';
import type { Logger } from '../logging/logger.js';
import { LOGGER } from '../logging/logging.module.js';
import { LocalRateLimiter } from '../limits/local-rate-limiter.js';
import { allowancePool, SharedAllowance } from '../limits/shared-allowance.js';
import { Metrics } from '../operations/metrics.js';

/** A bucket untouched for a minute is full again, whatever the limit: such rows are forgotten. */
const FORGET_AFTER_SECONDS = 120;

/** How long this instance may use lookups it took ahead for a principal; also the period its demand is measured over. */
export const LEASE_MS = 250;
/** Taking ahead starts where a lease period refills at least this many lookups (EXCHANGE_LOOKUPS_PER_MINUTE ≥ 960). */
const MIN_LEASE = 4;
/** Principals whose leases this instance remembers (the least recently used are dropped, with what they held). */
const MAX_LEASES = 10_000;

/**
 * Lookups a principal took ahead on this instance (`held`, usable until `until`), and its takes on
 * this instance in the current lease period (`used`, since `periodStart`) and the one before (`before`).
 */
interface Lease {
  held: number;
  until: number;
  used: number;
  before: number;
  periodStart: number;
}

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

/**
 * The per-principal lookup limit (EXCHANGE_LOOKUPS_PER_MINUTE) kept in PostgreSQL, so that it holds
 * across every gateway instance on the database: a token bucket per principal (a burst of
 * `perMinute`, refilled continuously; `take` resolves 0 when allowed, else the whole seconds until
 * the next lookup is), one row per principal (onegate.lookup_allowance), taken in batches
 * (SharedAllowance). A lookup needs the database for its ledger entry anyway, so while it cannot be
 * reached (counted locally) nothing is released; the limit only decides which error the caller sees.
 */
export class SharedLookupRateLimiter extends SharedAllowance<number> {
  private readonly local: LocalRateLimiter;
  private readonly refillPerSecond: number;
  /** Most lookups taken ahead at once: what one lease period refills (0: never ahead). */
  private readonly maxLease: number;
  private readonly leases = new LRUCache<string, Lease>({ max: MAX_LEASES });

  constructor(
    pool: pg.Pool,
    private readonly perMinute: number,
    logger: Logger,
    private readonly metrics?: Pick<Metrics, 'lookupLimitDecisions'>,
    repeatIntervalMs = 10_000,
  ) {
    super(pool, logger, 'lookup limit', FORGET, repeatIntervalMs);
    this.local = new LocalRateLimiter(perMinute);
    this.refillPerSecond = perMinute / 60;
    const perLease = Math.floor((perMinute * LEASE_MS) / 60_000);
    this.maxLease = perLease >= MIN_LEASE ? perLease : 0;
  }

  /**
   * A principal that kept this instance busy in the last lease period takes as many lookups again
   * ahead, at most what a lease period refills: it then goes to the database about once per period
   * instead of once per lookup. The lookups taken ahead left the shared bucket when they were taken,
   * so every instance together never allows more than the limit; what a lease holds when it runs
   * out is not given back (at most one period's refill, after the principal's demand stopped).
   */
  protected async takeAll(counts: Map<string, number>, keys: readonly string[]): Promise<number[]> {
    const now = Date.now();
    const asked = [...counts].map(([key, n]) => n + this.ahead(key, n, now));
    const { rows } = await this.pool.query<{ principal: string; tokens: number; granted: number }>({
      name: 'onegate_lookup_take',
      text: TAKE,
      values: [[...counts.keys()], asked, this.perMinute],
    });
    const buckets = new Map(rows.map((row) => [row.principal, { tokens: row.tokens, granted: row.granted }]));
    if (buckets.size !== counts.size) throw new Error(`lookup allowance: ${counts.size} principals asked, ${buckets.size} answered`);
    // In arrival order: a principal's first `granted` takes are allowed, the rest wait for the next token.
    const given = new Map<string, number>();
    let allowed = 0;
    const answers = keys.map((key) => {
      const bucket = buckets.get(key)!;
      const n = given.get(key) ?? 0;
      given.set(key, n + 1);
      if (n < bucket.granted) allowed++;
      return n < bucket.granted ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerSecond));
    });
    if (this.maxLease > 0) {
      const answered = Date.now();
      for (const [key, n] of counts) {
        const lease = this.leases.get(key);
        const ahead = buckets.get(key)!.granted - n;
        if (!lease || ahead <= 0) continue;
        // Added to what another statement in flight may have left it, while that still holds.
        lease.held = (answered < lease.until ? lease.held : 0) + ahead;
        lease.until = answered + LEASE_MS;
      }
    }
    this.metrics?.lookupLimitDecisions('shared', allowed, keys.length - allowed);
    return answers;
  }

  /** Notes `n` takes of `key` now; how many to take ahead with them (the busier of this and the last lease period's takes, at most maxLease). */
  private ahead(key: string, n: number, now: number): number {
    if (this.maxLease === 0) return 0;
    const lease = this.leases.get(key) ?? { held: 0, until: 0, used: 0, before: 0, periodStart: now };
    this.count(lease, n, now);
    this.leases.set(key, lease);
    return Math.min(this.maxLease, Math.max(lease.before, lease.used - n));
  }

  private count(lease: Lease, n: number, now: number): void {
    const periods = Math.floor((now - lease.periodStart) / LEASE_MS);
    if (periods > 0) {
      lease.before = periods === 1 ? lease.used : 0;
      lease.used = 0;
      lease.periodStart += periods * LEASE_MS;
    }
    lease.used += n;
  }

  protected override takeHeld(key: string): number | undefined {
    if (this.maxLease === 0) return undefined;
    const lease = this.leases.get(key);
    const now = Date.now();
    if (!lease || lease.held < 1 || now >= lease.until) return undefined;
    lease.held--;
    this.count(lease, 1, now);
    this.metrics?.lookupLimitDecisions('shared', 1, 0);
    return 0;
  }

  protected takeLocally(key: string): number {
    const retryAfter = this.local.take(key);
    this.metrics?.lookupLimitDecisions('local', retryAfter === 0 ? 1 : 0, retryAfter === 0 ? 0 : 1);
    return retryAfter;
  }
}

/** The limiter on a small pool of its own (allowancePool). */
export const SHARED_LOOKUP_RATE_LIMITER: FactoryProvider<SharedLookupRateLimiter> = {
  provide: SharedLookupRateLimiter,
  inject: [AppConfig, DATABASE_CONNECTIONS, LOGGER, Metrics],
  useFactory: (config: AppConfig, connections: DatabaseConnections, logger: Logger, metrics: Metrics) =>
    new SharedLookupRateLimiter(
      allowancePool(connections.runtimeUrl, 'onegate-lookup-limit', 'lookup limit', logger),
      config.EXCHANGE_LOOKUPS_PER_MINUTE,
      logger,
      metrics,
      config.LOG_REPEAT_INTERVAL_MS,
    ),
};
