import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Who holds a data directory: written into DATA_DIR/gateway.lock by the gateway that took it. */
export interface GatewayInstance {
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), so a reused pid is not taken for it. */
  processStart: number | null;
  host: string;
  port: number;
  startedAt: string;
  hostname: string;
  dataDir: string;
}

export const LOCK_FILE = 'gateway.lock';

export class DataDirLocked extends Error {
  constructor(
    readonly holder: GatewayInstance,
    readonly dataDir: string,
  ) {
    super(
      `another onegate gateway is running on the data directory ${dataDir}: ${describeInstance(holder)}. ` +
        'Stop it first, or give this one a DATA_DIR of its own.',
    );
    this.name = 'DataDirLocked';
  }
}

export function describeInstance(instance: GatewayInstance): string {
  return `pid ${instance.pid}, listening on ${instance.host}:${instance.port}, started ${instance.startedAt}`;
}

/**
 * One gateway per data directory (RELIABILITY-AND-SECURITY §I 47). An O_EXCL pid file, not a
 * lock library: the lock must name its holder (pid, port, start time) for the message, and a
 * holder killed with SIGKILL must not block a restart until some staleness timeout (mtime-based
 * locks such as proper-lockfile's) — here a dead holder is seen at once: its pid is gone, or now
 * belongs to a process that started at another time. Same host only, as the embedded database is.
 */
export class DataDirLock {
  private released = false;
  private readonly exitGuard = () => this.release();

  private constructor(
    readonly path: string,
    readonly instance: GatewayInstance,
  ) {
    process.on('exit', this.exitGuard);
  }

  /** Takes DATA_DIR (creating it), or throws DataDirLocked naming the live holder. A stale lock is taken over. */
  static acquire(dataDir: string, listen: { host: string; port: number }): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, LOCK_FILE);
    const instance: GatewayInstance = {
      pid: process.pid,
      processStart: processStartOf(process.pid),
      host: listen.host,
      port: listen.port,
      startedAt: new Date().toISOString(),
      hostname: hostname(),
      dataDir,
    };
    const text = JSON.stringify(instance, null, 2) + '\n';
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o644);
        try {
          writeSync(fd, text);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        return new DataDirLock(path, instance);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const found = readLock(path);
      if (found === 'gone') continue;
      if (found === 'unreadable') {
        // Being written by a gateway starting this very moment, or left half-written by a crash.
        if (ageMs(path) < 2000) {
          sleepSync(20);
          continue;
        }
      } else if (isRunning(found.holder)) {
        throw new DataDirLocked(found.holder, dataDir);
      }
      takeOverStale(path, found === 'unreadable' ? null : found.text);
    }
    throw new Error(`could not take the lock ${path} (it keeps changing); is another gateway starting?`);
  }

  /** Removes the lock if it is still this process's. Idempotent; also runs at process exit. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.exitGuard);
    const found = readLock(this.path);
    if (typeof found === 'object' && found.holder.pid === this.instance.pid && found.holder.startedAt === this.instance.startedAt) {
      rmSync(this.path, { force: true });
    }
  }
}

/** The holder of `DATA_DIR/gateway.lock` if it is a live process, else undefined. */
export function liveHolder(dataDir: string): GatewayInstance | undefined {
  const found = readLock(join(dataDir, LOCK_FILE));
  return typeof found === 'object' && isRunning(found.holder) ? found.holder : undefined;
}

function readLock(path: string): { holder: GatewayInstance; text: string } | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const holder = JSON.parse(text) as GatewayInstance;
    return Number.isInteger(holder.pid) && holder.pid > 0 ? { holder, text } : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * Moves a stale lock aside, but only if it is still the stale one: two gateways that found the same
 * dead holder may race here, and the loser must not remove the winner's fresh lock (it puts it back).
 */
function takeOverStale(path: string, staleText: string | null): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let moved: string | null = null;
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    // gone meanwhile
  }
  if (staleText !== null && moved !== null && moved !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // Another lock is in place already; that gateway holds the directory.
    }
  }
  rmSync(aside, { force: true });
}

function isRunning(holder: GatewayInstance): boolean {
  // Our own pid in the file: a previous life of this process id (a container restarted), not us.
  if (holder.pid === process.pid) return false;
  if (!isAlive(holder.pid)) return false;
  const start = processStartOf(holder.pid);
  return holder.processStart === null || start === null || start === holder.processStart;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null where there is no /proc. */
function processStartOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const start = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(start) ? start : null;
  } catch {
    return null;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/*
 * Which gateway listens on a port, for the message when a port is taken: each gateway notes its
 * data directory under the system's temporary directory, keyed by port. Only a hint: it is believed
 * only when that directory's lock names a live gateway on that port.
 */
const PORTS_DIR = join(tmpdir(), 'onegate-ports');

export function notePort(port: number, dataDir: string): void {
  try {
    mkdirSync(PORTS_DIR, { recursive: true, mode: 0o1777 });
    writeFileSync(join(PORTS_DIR, String(port)), dataDir + '\n');
  } catch {
    // A hint for messages only.
  }
}

export function gatewayOnPort(port: number): GatewayInstance | undefined {
  try {
    const dataDir = readFileSync(join(PORTS_DIR, String(port)), 'utf8').trim();
    const holder = liveHolder(dataDir);
    return holder?.port === port ? holder : undefined;
  } catch {
    return undefined;
  }
}

export function forgetPort(port: number, dataDir: string): void {
  try {
    const file = join(PORTS_DIR, String(port));
    if (readFileSync(file, 'utf8').trim() === dataDir) unlinkSync(file);
  } catch {
    // nothing to forget
  }
}
