import { randomBytes } from 'node:crypto';
import http from 'node:http';

export interface GraphQLBody {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown>; [key: string]: unknown }>;
}

/** One GraphQL request a worker sends. */
export interface LoadRequest {
  /** What the request is, for the counts and checks (e.g. 'lookup', 'issue'). */
  kind: string;
  query: string;
  variables?: Record<string, unknown>;
  token: string;
  /** Anything the test wants back with the outcome (e.g. the subject asked for). */
  meta?: Record<string, unknown>;
}

export interface Outcome {
  /** The X-Request-Id sent (the ledger keeps a well-formed one as the entry's clientRequestId, beside its own request id). */
  id: string;
  kind: string;
  meta?: Record<string, unknown>;
  /** performance.now() when sent and when the answer (or the failure) was complete. */
  startedAt: number;
  endedAt: number;
  ms: number;
  /** HTTP status, 0 when no answer came. */
  status: number;
  /** The parsed JSON answer, when it was JSON. */
  body?: GraphQLBody;
  /** The raw answer when it was not JSON (cut to 2 KiB). */
  text?: string;
  /** Why no answer came (ECONNREFUSED, ECONNRESET, 'deadline'…). */
  error?: string;
  /** The client gave up at its own deadline: the request hung. */
  timedOut: boolean;
}

export interface HttpLoadOptions {
  /** Base URL of the gateway (http://127.0.0.1:PORT). */
  url: string;
  /** Concurrent workers, each with one request in flight at a time. */
  concurrency: number;
  /** Each request is abandoned (and counted as hung) after this long. */
  deadlineMs: number;
  /** Prefix of the request ids; each id is unique: `${prefix}-${run}-${n}`. */
  idPrefix: string;
  /** The next request of a worker. */
  next: (worker: number, n: number) => LoadRequest;
  /** After a request got no answer (gateway down), the worker waits this long before the next. */
  pauseAfterNoAnswerMs?: number;
}

/**
 * Concurrent GraphQL clients over keep-alive connections, each request with its own X-Request-Id and
 * its own deadline. Every request's outcome is kept for the test to check afterwards.
 */
export class HttpLoad {
  readonly outcomes: Outcome[] = [];
  private readonly agent: http.Agent;
  private readonly run = randomBytes(4).toString('hex');
  private readonly target: URL;
  private readonly pending = new Set<string>();
  private sequence = 0;
  private stopping = false;
  private workers: Promise<void>[] = [];

  constructor(private readonly options: HttpLoadOptions) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency + 4 });
    this.target = new URL('/graphql', options.url);
  }

  start(): void {
    this.workers = Array.from({ length: this.options.concurrency }, (_, worker) => this.work(worker));
  }

  /** Stops sending and resolves once every request in flight has its outcome (each bounded by the deadline). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.workers);
    this.agent.destroy();
  }

  /** Requests sent and not yet answered, now. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Outcomes so far that satisfy `test`. */
  count(test: (outcome: Outcome) => boolean): number {
    let n = 0;
    for (const outcome of this.outcomes) if (test(outcome)) n++;
    return n;
  }

  /** Resolves when `test` holds for the outcomes, or rejects after `withinMs`. */
  async until(test: () => boolean, withinMs: number, what: string): Promise<void> {
    const deadline = performance.now() + withinMs;
    while (!test()) {
      if (performance.now() > deadline) throw new Error(`load: ${what} did not happen within ${withinMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async work(worker: number): Promise<void> {
    for (let n = 0; !this.stopping; n++) {
      const outcome = await this.send(this.options.next(worker, n));
      this.outcomes.push(outcome);
      if (outcome.status === 0 && !this.stopping) await new Promise((resolve) => setTimeout(resolve, this.options.pauseAfterNoAnswerMs ?? 25));
    }
  }

  /** One request on the load's connections (also for one-off requests during the load). */
  send(request: LoadRequest): Promise<Outcome> {
    const id = `${this.options.idPrefix}-${this.run}-${++this.sequence}`;
    const payload = Buffer.from(JSON.stringify({ query: request.query, variables: request.variables }));
    const startedAt = performance.now();
    this.pending.add(id);
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      let timedOut = false;
      const finish = (fields: Pick<Outcome, 'status'> & Partial<Outcome>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(id);
        const endedAt = performance.now();
        resolve({ id, kind: request.kind, meta: request.meta, startedAt, endedAt, ms: endedAt - startedAt, timedOut, ...fields });
      };
      const req = http.request(
        this.target,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': payload.length,
            authorization: `Bearer ${request.token}`,
            'x-request-id': id,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error: NodeJS.ErrnoException) => finish({ status: 0, error: error.code ?? error.message }));
          res.on('close', () => {
            if (!res.complete) finish({ status: 0, error: timedOut ? 'deadline' : 'answer cut short' });
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (!String(res.headers['content-type'] ?? '').includes('json')) return finish({ status, text: text.slice(0, 2048) });
            try {
              finish({ status, body: JSON.parse(text) as GraphQLBody });
            } catch {
              finish({ status, text: text.slice(0, 2048) });
            }
          });
        },
      );
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error('deadline'));
      }, this.options.deadlineMs);
      req.on('error', (error: NodeJS.ErrnoException) => finish({ status: 0, error: timedOut ? 'deadline' : (error.code ?? error.message) }));
      req.end(payload);
    });
  }
}
