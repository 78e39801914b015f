import type { Logger } from 'pino';

interface Burst {
  count: number;
  message: string;
  timer: NodeJS.Timeout;
}

/**
 * Error lines that say the same thing again (RELIABILITY-AND-SECURITY §I 53): while the database is
 * down every request fails the same way, and a stack per request would bury everything else. The
 * first error of a kind is logged in full; the same kind again within `intervalMs` is only
 * counted, and one line at the end of the interval says how many more there were. The next one
 * after that is logged in full again.
 */
export class RepeatedErrorLog {
  private readonly bursts = new Map<string, Burst>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  /** `kind` names what makes two errors the same (e.g. DATABASE_UNAVAILABLE, or the error's class, code and message). */
  error(kind: string, fields: Record<string, unknown>, message: string): void {
    const burst = this.bursts.get(kind);
    if (burst) {
      burst.count++;
      return;
    }
    this.logger.error({ ...fields, errorKind: kind }, message);
    const timer = setTimeout(() => this.summarise(kind), this.intervalMs);
    timer.unref();
    this.bursts.set(kind, { count: 0, message, timer });
  }

  /** Writes the pending counts now (at shutdown). */
  flush(): void {
    for (const [kind, burst] of [...this.bursts]) {
      clearTimeout(burst.timer);
      this.summarise(kind);
    }
  }

  private summarise(kind: string): void {
    const burst = this.bursts.get(kind);
    if (!burst) return;
    this.bursts.delete(kind);
    if (burst.count === 0) return;
    this.logger.error(
      { errorKind: kind, repeated: burst.count, intervalMs: this.intervalMs },
      `${burst.message}: ${burst.count} more time${burst.count === 1 ? '' : 's'} in ${this.intervalMs / 1000} s (logged once per interval)`,
    );
  }
}

/** What makes two errors "the same" when nothing better is known: class, code and message, never the stack. */
export function errorKind(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  return [name, code, message]
    .filter((part) => part !== undefined)
    .map(String)
    .join(':');
}
