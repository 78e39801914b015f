/**
 * Per-principal limit on identity lookups (RELIABILITY-AND-SECURITY §B 14): a token bucket of
 * `perMinute` lookups refilled continuously. Every lookup counts — ten aliases in one request are
 * ten — so aliasing cannot multiply a caller's reach. This one is in one instance's memory: the
 * gateway keeps the buckets in PostgreSQL (SharedLookupRateLimiter, the same arithmetic), and
 * counts here only while the database cannot be reached.
 */
export class LookupRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly refillPerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.refillPerMs = perMinute / 60_000;
  }

  /** Takes one lookup for `key`; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.refillPerMs);
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
      if (bucket.tokens + (now - bucket.at) * this.refillPerMs >= this.perMinute) this.buckets.delete(key);
    }
  }
}
