import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FactoryProvider } from '@nestjs/common';
import type pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import type { DatabaseConnections } from '../database/database-setup.js';
import { DATABASE_CONNECTIONS } from '../database/database.module.js';
import type { Logger } from '../logging/logger.js';
import { LOGGER } from '../logging/logging.module.js';
import { Metrics } from '../operations/metrics.js';
import { LocalRateLimiter } from './local-rate-limiter.js';
import { allowancePool, SharedAllowance } from './shared-allowance.js';

/** What @fastify/rate-limit's store answers for one request: the requests counted in the client's window so far, this one included, and the milliseconds left of the window. */
export interface WindowCount {
  current: number;
  ttl: number;
}

/** Hits beyond this are not counted further: a flood cannot overflow the column. */
const MAX_HITS = 1_000_000_000;

/**
 * One statement counts `n` requests for each client of a batch ($1 clients, $2 counts, $3 the
 * window in seconds) in its fixed window, with the database's clock: a window that has ended (or a
 * client's first request) starts a new one now. SET expressions see the row as it was; RETURNING,
 * as it is now. Rows are taken in byte order of the key, so two instances never deadlock.
 */
const COUNT = `WITH asked AS (
    SELECT client, n FROM unnest($1::text[], $2::int[]) AS a(client, n)
  )
  INSERT INTO onegate.public_allowance AS w (client, hits, window_started_at)
  SELECT client, least(n, ${MAX_HITS}), now() FROM asked
   ORDER BY client COLLATE "C"
  ON CONFLICT (client) DO UPDATE SET
    hits = CASE WHEN w.window_started_at > now() - make_interval(secs => $3::float8)
                THEN least(w.hits + EXCLUDED.hits, ${MAX_HITS}) ELSE EXCLUDED.hits END,
    window_started_at = CASE WHEN w.window_started_at > now() - make_interval(secs => $3::float8)
                THEN w.window_started_at ELSE EXCLUDED.window_started_at END
  RETURNING w.client, w.hits, greatest(0, extract(epoch FROM w.window_started_at - now()) * 1000 + $3::float8 * 1000)::float8 AS ttl_ms`;

/**
 * The public rate limit (PUBLIC_RATE_LIMIT_MAX requests without a valid token per client address
 * and PUBLIC_RATE_LIMIT_WINDOW_SECONDS, PublicRateLimitGuard) kept in PostgreSQL, so that one
 * address gets the limit once however many gateway instances it reaches: the store of
 * @fastify/rate-limit (which tells clients apart and decides), one fixed window per address in
 * onegate.public_allowance, counted in batches (SharedAllowance).
 */
export class PublicRequestAllowance extends SharedAllowance<WindowCount> {
  private readonly local: LocalRateLimiter;

  constructor(
    pool: pg.Pool,
    private readonly max: number,
    private readonly windowSeconds: number,
    logger: Logger,
    private readonly metrics?: Pick<Metrics, 'publicLimitDecisions'>,
    repeatIntervalMs = 10_000,
  ) {
    super(
      pool,
      logger,
      'public rate limit',
      // An ended window carries nothing: the address's next request starts a new one.
      `DELETE FROM onegate.public_allowance WHERE window_started_at < now() - make_interval(secs => ${Math.trunc(windowSeconds)})`,
      repeatIntervalMs,
    );
    this.local = new LocalRateLimiter(max, Date.now, windowSeconds);
  }

  /**
   * A store class for @fastify/rate-limit (`store` when registering it): every instance it makes
   * counts here. The window and limit are this allowance's (the guard's configuration).
   */
  storeClass(): FastifyRateLimitStoreCtor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the plugin constructs the store itself
    const allowance = this;
    return class PublicAllowanceStore implements FastifyRateLimitStore {
      incr(key: string, done: (error: Error | null, result?: WindowCount) => void): void {
        allowance.take(key).then(
          (count) => done(null, count),
          (error: Error) => done(error),
        );
      }

      child(): PublicAllowanceStore {
        return this;
      }
    };
  }

  protected async takeAll(counts: Map<string, number>, keys: readonly string[]): Promise<WindowCount[]> {
    const { rows } = await this.pool.query<{ client: string; hits: number; ttl_ms: number }>({
      name: 'onegate_public_count',
      text: COUNT,
      values: [[...counts.keys()], [...counts.values()], this.windowSeconds],
    });
    const windows = new Map(rows.map((row) => [row.client, row]));
    if (windows.size !== counts.size) throw new Error(`public allowance: ${counts.size} clients asked, ${windows.size} answered`);
    // In arrival order: the batch's takes of a client are its last `n` hits of the window.
    const seen = new Map<string, number>();
    let allowed = 0;
    const answers = keys.map((key) => {
      const window = windows.get(key)!;
      const nth = (seen.get(key) ?? 0) + 1;
      seen.set(key, nth);
      const current = window.hits - counts.get(key)! + nth;
      if (current <= this.max) allowed++;
      return { current, ttl: Math.ceil(window.ttl_ms) };
    });
    this.metrics?.publicLimitDecisions('shared', allowed, keys.length - allowed);
    return answers;
  }

  protected takeLocally(key: string): WindowCount {
    const retryAfter = this.local.take(key);
    this.metrics?.publicLimitDecisions('local', retryAfter === 0 ? 1 : 0, retryAfter === 0 ? 0 : 1);
    return retryAfter === 0 ? { current: 1, ttl: this.windowSeconds * 1000 } : { current: this.max + 1, ttl: retryAfter * 1000 };
  }
}

/** The public allowance on a small pool of its own (runtime role). */
export const PUBLIC_REQUEST_ALLOWANCE: FactoryProvider<PublicRequestAllowance> = {
  provide: PublicRequestAllowance,
  inject: [AppConfig, DATABASE_CONNECTIONS, LOGGER, Metrics],
  useFactory: (config: AppConfig, connections: DatabaseConnections, logger: Logger, metrics: Metrics) =>
    new PublicRequestAllowance(
      allowancePool(connections.runtimeUrl, 'onegate-public-limit', 'public rate limit', logger),
      config.PUBLIC_RATE_LIMIT_MAX,
      config.PUBLIC_RATE_LIMIT_WINDOW_SECONDS,
      logger,
      metrics,
      config.LOG_REPEAT_INTERVAL_MS,
    ),
};
