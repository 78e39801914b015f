/**
 * A token bucket per key, in one instance's memory: a burst of `limit` takes, refilled continuously
 * over `windowSeconds` (the default, 60: `limit` per minute). Every take counts — ten aliases in one
 * request are ten — so aliasing cannot multiply a caller's reach. The gateway keeps its limits in
 * PostgreSQL (SharedAllowance and its kinds, the same arithmetic for the lookup limit) and counts
 * here only while the database cannot be reached.
 */
export class LocalRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly refillPerMs: number;

  constructor(
    private readonly limit: number,
    private readonly clock: () => number = Date.now,
    windowSeconds = 60,
  ) {
    this.refillPerMs = limit / (windowSeconds * 1000);
  }

  /** Takes one for `key`; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit, at: now };
    bucket.tokens = Math.min(this.limit, bucket.tokens + (now - bucket.at) * this.refillPerMs);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000));
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.prune(now);
    return 0;
  }

  /** Buckets that have refilled completely carry no information; drop them. */
  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.refillPerMs >= this.limit) this.buckets.delete(key);
    }
  }
}
