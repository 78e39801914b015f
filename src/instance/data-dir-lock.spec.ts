import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLock, DataDirLocked, LOCK_FILE } from './data-dir-lock.js';

const root = mkdtempSync(join(tmpdir(), 'onegate-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function processStart(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

function lockOf(pid: number, processStart: number | null, dir: string): void {
  writeFileSync(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid, processStart, host: '127.0.0.1', port: 3999, startedAt: '2026-12-07T00:00:00.000Z', hostname: 'h', dataDir: dir }),
  );
}

describe('DataDirLock (§I 47)', () => {
  it('is taken on a free directory (created if need be), names this process, and is removed on release', () => {
    const dir = join(root, 'free', 'nested');
    const lock = DataDirLock.acquire(dir, { host: '127.0.0.1', port: 3102 });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, port: 3102, host: '127.0.0.1', dataDir: dir });
    lock.release();
    expect(() => readFileSync(join(dir, LOCK_FILE))).toThrow();
  });

  it('is refused while a live process holds it, naming that process', () => {
    const dir = mkdtempSync(join(root, 'held-'));
    const holder = spawn('sleep', ['30']);
    try {
      lockOf(holder.pid!, processStart(holder.pid!), dir);
      expect(() => DataDirLock.acquire(dir, { host: '127.0.0.1', port: 3102 })).toThrow(DataDirLocked);
      expect(() => DataDirLock.acquire(dir, { host: '127.0.0.1', port: 3102 })).toThrow(
        `another onegate gateway is running on the data directory ${dir}: pid ${holder.pid}, listening on 127.0.0.1:3999, started 2026-12-07T00:00:00.000Z`,
      );
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock whose process is gone, or whose pid now belongs to a process started at another time', () => {
    const dead = spawnSync('true').pid!;
    const dir = mkdtempSync(join(root, 'stale-'));
    lockOf(dead, 12345, dir);
    DataDirLock.acquire(dir, { host: '127.0.0.1', port: 3102 }).release();

    const other = spawn('sleep', ['30']);
    try {
      lockOf(other.pid!, processStart(other.pid!) - 1, dir);
      const lock = DataDirLock.acquire(dir, { host: '127.0.0.1', port: 3102 });
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
      lock.release();
    } finally {
      other.kill('SIGKILL');
    }
    // Half-written and old: a crash while writing it.
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    const utimes = new Date(Date.now() - 60_000);
    spawnSync('touch', ['-d', utimes.toISOString(), join(dir, LOCK_FILE)]);
    DataDirLock.acquire(dir, { host: '127.0.0.1', port: 3102 }).release();
  });
});
