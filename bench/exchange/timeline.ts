// Latency over time, shared by the load generators: the measured period cut into buckets, each
// reported to the parent as it closes.
import { latencySummary, roundMs } from '../results.js';

/** One slice of the measured period: answers that ended in it, and their latency. */
export interface TimelineBucket {
  /** Seconds from the start of the measured period to the end of this bucket. */
  atSeconds: number;
  ok: number;
  notOk: number;
  p50: number;
  p99: number;
  max: number;
}

/** Latency over time: the measured period cut into buckets, each closed (and reported) when the next begins. */
export class Timeline {
  readonly buckets: TimelineBucket[] = [];
  private startedAt = 0;
  private current: { latencies: number[]; ok: number; notOk: number } = { latencies: [], ok: 0, notOk: 0 };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly seconds: number,
    private readonly report: (bucket: TimelineBucket) => void,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.close(), this.seconds * 1000);
  }

  add(latencyMs: number | undefined, ok: boolean): void {
    if (latencyMs !== undefined) this.current.latencies.push(latencyMs);
    if (ok) this.current.ok++;
    else this.current.notOk++;
  }

  finish(): void {
    clearInterval(this.timer);
    // The last, partial bucket counts only if it holds a real slice of time.
    if ((performance.now() - this.startedAt) / 1000 - (this.buckets.at(-1)?.atSeconds ?? 0) >= this.seconds / 2) this.close();
  }

  private close(): void {
    const { latencies, ok, notOk } = this.current;
    this.current = { latencies: [], ok: 0, notOk: 0 };
    latencies.sort((a, b) => a - b);
    const summary = latencySummary(latencies, { p50: 0.5, p99: 0.99 });
    const bucket = { atSeconds: roundMs((performance.now() - this.startedAt) / 1000), ok, notOk, p50: summary.p50, p99: summary.p99, max: summary.max };
    this.buckets.push(bucket);
    this.report(bucket);
  }
}
