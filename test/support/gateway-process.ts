import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled gateway (`node dist/src/main.js`), built by the e2e global setup. */
export const GATEWAY_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src', 'main.js');

/** Children still running when the test process exits are killed, whatever happened to the test. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const OUTPUT_KEPT = 64 * 1024;

export interface GatewayProcessOptions {
  /** Owner URL of the gateway's database. */
  databaseUrl: string;
  rolePassword: string;
  dataDir: string;
  port: number;
  /** More configuration (LOG_LEVEL, timeouts…). */
  env?: Record<string, string>;
}

/**
 * A real gateway process on 127.0.0.1, as `npm start` runs it, against an existing database. Its
 * output is kept (the last 64 KiB) for failure messages only: the gateway never logs tokens or
 * citizen data, but nothing here prints it unless asked.
 */
export class GatewayProcess {
  readonly url: string;
  readonly exited: Promise<void>;
  private output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    running.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        running.delete(child);
        resolve();
      }),
    );
    const keep = (chunk: string) => {
      this.output = (this.output + chunk).slice(-OUTPUT_KEPT);
    };
    child.stdout!.setEncoding('utf8').on('data', keep);
    child.stderr!.setEncoding('utf8').on('data', keep);
  }

  /** Starts the gateway and resolves once /health/ready answers 200 (or rejects after `readyWithinMs`, the child stopped). */
  static async start(options: GatewayProcessOptions, readyWithinMs = 60_000): Promise<GatewayProcess> {
    const child = spawn(process.execPath, ['--max-semi-space-size=32', GATEWAY_MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: options.databaseUrl,
        DB_ROLE_PASSWORD: options.rolePassword,
        DATA_DIR: options.dataDir,
        CERTS_DIR: join(options.dataDir, 'certs'),
        HOST: '127.0.0.1',
        PORT: String(options.port),
        LOG_LEVEL: 'warn',
        SEED_CITIZENS_ON_EMPTY: '0',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new GatewayProcess(child, options.port);
    try {
      await gateway.waitUntilReady(readyWithinMs);
    } catch (error) {
      await gateway.kill('SIGKILL');
      throw error;
    }
    return gateway;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last of what the gateway wrote (for a failure message). */
  tail(chars = 4000): string {
    return this.output.slice(-chars);
  }

  async waitUntilReady(withinMs: number): Promise<void> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      if (!this.alive) throw new Error(`the gateway exited (${this.child.exitCode ?? this.child.signalCode}) before it was ready:\n${this.tail()}`);
      if ((await probe(`${this.url}/health/ready`, 2000)) === 200) return;
      if (Date.now() > deadline) throw new Error(`the gateway was not ready within ${withinMs} ms:\n${this.tail()}`);
      await sleep(100);
    }
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `graceMs` if it is still running. */
  async kill(signal: NodeJS.Signals, graceMs = 20_000): Promise<void> {
    if (!this.alive) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** A graceful stop (SIGTERM: the gateway drains), forced after 20 s. */
  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }
}

/** The HTTP status of a GET, or 0 when there was no answer within `timeoutMs`. */
export async function probe(url: string, timeoutMs: number): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
