/**
 * Coalesces single-key loads from concurrent requests into batched calls, like the ledger's group
 * commit: at most `maxInFlight` calls run at once; keys asked for meanwhile wait and go together in
 * the next call (up to `maxBatch` keys). Under light load a key is sent in the tick it was asked
 * for; under heavy load one query answers many requests, so the sources see a few large queries
 * instead of many small ones. Only transport is shared: every caller gets just the keys it asked
 * for, and decides what it may ask for before it asks.
 *
 * With `windowMs`, calls also start at most once per window: keys asked for within the window after
 * a call started wait for the next one, even when no call is in flight (a full batch goes at once).
 * Fewer, larger calls cost the caller and the source less per key; a key waits at most the window,
 * and not at all when no call started within it, as under light load.
 */
export class CoalescingBatcher<K, V> {
  private pending = new Map<K, Array<{ resolve: (value: V) => void; reject: (error: unknown) => void }>>();
  private inFlight = 0;
  private scheduled = false;
  /** When the last call started (performance.now()), for the window. */
  private lastCallAt = Number.NEGATIVE_INFINITY;
  private windowTimer?: NodeJS.Timeout;

  constructor(
    private readonly fetchMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly options: { maxInFlight: number; maxBatch: number; missing: (key: K) => V; windowMs?: number },
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    // Keys asked for in the same tick go together.
    process.nextTick(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.pending.size > 0 && this.inFlight < this.options.maxInFlight) {
      const wait = this.lastCallAt + (this.options.windowMs ?? 0) - performance.now();
      // A full batch has nothing to wait for.
      if (wait > 0 && this.pending.size < this.options.maxBatch) {
        this.windowTimer ??= setTimeout(() => {
          this.windowTimer = undefined;
          this.dispatch();
        }, wait);
        return;
      }
      this.lastCallAt = performance.now();
      const batch = new Map<K, Array<{ resolve: (value: V) => void; reject: (error: unknown) => void }>>();
      for (const [key, waiters] of this.pending) {
        if (batch.size >= this.options.maxBatch) break;
        batch.set(key, waiters);
      }
      for (const key of batch.keys()) this.pending.delete(key);
      this.inFlight++;
      void this.run(batch);
    }
  }

  private async run(batch: Map<K, Array<{ resolve: (value: V) => void; reject: (error: unknown) => void }>>): Promise<void> {
    try {
      const answer = await this.fetchMany([...batch.keys()]);
      for (const [key, waiters] of batch) {
        const value = answer.has(key) ? answer.get(key)! : this.options.missing(key);
        for (const waiter of waiters) waiter.resolve(value);
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.inFlight--;
      this.dispatch();
    }
  }
}
