// CPU accounting from /proc (Linux): who used the machine's cores during a measured window.
// Processes are read by pid (utime + stime of /proc/<pid>/stat); PostgreSQL is every process
// named `postgres` (the postmaster, its background workers and every backend, whichever database).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks per second of /proc's CPU times (USER_HZ, nearly always 100). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of one process, in seconds; undefined when it is gone. */
function processCpuSeconds(pid: number): { comm: string; seconds: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces; the fields after it are fixed.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // Field 14 (utime) and 15 (stime) of the whole line are 12 and 13 after "pid (comm) ".
  return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond() };
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
  return { busy: busy / ticksPerSecond(), total: (busy + idle! + iowait!) / ticksPerSecond() };
}

function postgresPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === 'postgres') pids.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

export interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number };
  /** Named processes (gateway, department API, load generator, this process). */
  named: Record<string, number>;
  /** Every `postgres` process by pid. */
  postgres: Map<number, number>;
}

/** Reads the CPU time of the named pids and of every postgres process. */
export function cpuSnapshot(named: Record<string, number | undefined>): CpuSnapshot {
  const values: Record<string, number> = {};
  for (const [name, pid] of Object.entries(named)) {
    if (pid === undefined) continue;
    if (pid === process.pid) {
      const usage = process.cpuUsage();
      values[name] = (usage.user + usage.system) / 1e6;
    } else {
      const cpu = processCpuSeconds(pid);
      if (cpu) values[name] = cpu.seconds;
    }
  }
  const postgres = new Map<number, number>();
  for (const pid of postgresPids()) {
    const cpu = processCpuSeconds(pid);
    if (cpu) postgres.set(pid, cpu.seconds);
  }
  return { at: performance.now(), machine: machineCpuSeconds(), named: values, postgres };
}

/** CPU use between two snapshots, in cores (CPU seconds per wall second); 2.0 = both cores of this machine busy. */
export interface CpuSplit {
  wallSeconds: number;
  cores: number;
  /** Per named process, and `postgres` (all its processes), `postgresOtherDatabases` (backends of databases other than the benchmark's, a part of `postgres`), `other` (everything else on the machine) and `idle`. */
  usage: Record<string, number>;
}

/**
 * The split between `before` and `after`. `otherDatabasePids` are postgres backends serving other
 * databases (someone else's work on a shared server), reported apart so they can be discounted.
 */
export function cpuSplit(before: CpuSnapshot, after: CpuSnapshot, otherDatabasePids: ReadonlySet<number> = new Set()): CpuSplit {
  const wall = (after.at - before.at) / 1000;
  const round = (n: number) => Math.round(n * 100) / 100;
  const usage: Record<string, number> = {};
  let accounted = 0;
  for (const [name, seconds] of Object.entries(after.named)) {
    const used = seconds - (before.named[name] ?? seconds);
    usage[name] = round(used / wall);
    accounted += used;
  }
  let postgres = 0;
  let otherDatabases = 0;
  for (const [pid, seconds] of after.postgres) {
    // A backend that started inside the window counts from zero.
    const used = seconds - (before.postgres.get(pid) ?? 0);
    postgres += used;
    if (otherDatabasePids.has(pid)) otherDatabases += used;
  }
  accounted += postgres;
  usage.postgres = round(postgres / wall);
  usage.postgresOtherDatabases = round(otherDatabases / wall);
  const busy = after.machine.busy - before.machine.busy;
  const total = after.machine.total - before.machine.total;
  usage.other = round(Math.max(0, busy - accounted) / wall);
  usage.idle = round(Math.max(0, total - busy) / wall);
  const cores = Math.round((total / wall) * 10) / 10;
  return { wallSeconds: round(wall), cores, usage };
}

/** Resident set size and its peak of a process, in MiB; undefined when it is gone. */
export function residentMemory(pid: number): { rssMiB: number; peakMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: Math.round(kib('VmRSS') / 1024), peakMiB: Math.round(kib('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}
