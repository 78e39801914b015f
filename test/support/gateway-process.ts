import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLedgerSigningKey } from '../../src/ledger/ledger-key.js';
import { loadTrustMaterial } from '../../src/certificates/trust/trust-material.js';
import { loadConfig } from '../../src/config/app-config.js';
import { loadConsentSigningKey } from '../../src/consent/consent-key.js';
import { DevIssuer } from '../../src/identity/dev-issuer.js';

/** The compiled gateway (`node dist/src/main.js`), built by the e2e global setup. */
export const GATEWAY_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src', 'main.js');

/** Children still running when the test process exits are killed, whatever happened to the test. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const OUTPUT_KEPT = 64 * 1024;

export interface GatewayProcessOptions {
  /** Owner URL of the gateway's database; absent: the embedded PostgreSQL under the data directory. */
  databaseUrl?: string;
  rolePassword?: string;
  /**
   * Where the keys and secrets are (the test harness's directory). One gateway per data directory:
   * each gateway gets a directory of its own inside it, sharing its keys and secrets, unless
   * `exactDataDir` says to use this one itself.
   */
  dataDir: string;
  exactDataDir?: boolean;
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
    const gateway = GatewayProcess.launch(
      options.exactDataDir
        ? options
        : { ...options, dataDir: await instanceDataDir(options.dataDir), exactDataDir: true, certsDir: join(options.dataDir, 'certs') },
    );
    try {
      await gateway.waitUntilReady(readyWithinMs);
    } catch (error) {
      await gateway.kill('SIGKILL');
      throw error;
    }
    return gateway;
  }

  /** Starts the gateway process without waiting for it (e.g. one expected to refuse to start). */
  static launch(options: GatewayProcessOptions & { certsDir?: string }): GatewayProcess {
    if (!options.exactDataDir) throw new Error('GatewayProcess.launch takes the exact data directory (start() makes one per gateway)');
    const dataDir = options.dataDir;
    const child = spawn(process.execPath, ['--max-semi-space-size=32', GATEWAY_MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
        ...(options.rolePassword ? { DB_ROLE_PASSWORD: options.rolePassword } : {}),
        DATA_DIR: dataDir,
        CERTS_DIR: options.certsDir ?? join(options.dataDir, 'certs'),
        HOST: '127.0.0.1',
        PORT: String(options.port),
        LOG_LEVEL: 'warn',
        SEED_CITIZENS_ON_EMPTY: '0',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new GatewayProcess(child, options.port);
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

/**
 * A data directory of its own for one gateway (one gateway per data directory), holding `shared`'s
 * development keys and secrets, made there first if need be, so tokens, signatures and the ledger
 * key agree with the tests'. Hard links: the development issuer refuses a symlinked key directory.
 */
async function instanceDataDir(shared: string): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: shared, CERTS_DIR: join(shared, 'certs') });
  await new DevIssuer(config).publicJwks();
  loadLedgerSigningKey(config);
  loadConsentSigningKey(config);
  loadTrustMaterial(config);
  const dir = mkdtempSync(join(shared, 'gateway-'));
  // Run as root, an embedded PostgreSQL runs as `postgres`, which must be able to enter it.
  chmodSync(dir, 0o711);
  for (const name of ['keys', 'secrets']) {
    mkdirSync(join(dir, name), { mode: 0o700 });
    for (const file of readdirSync(join(shared, name))) linkSync(join(shared, name, file), join(dir, name, file));
  }
  return dir;
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
