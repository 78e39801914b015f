// The benchmark's child processes (department API, gateway, load generator, the peer): started with their
// output in a log file, stopped with SIGTERM (SIGKILL after a grace period), and always killed
// when the benchmark exits, fails or is interrupted.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/project-root.js';

const running = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`bench:exchange: ${signal}, stopping the child processes`);
      killAll();
      process.exit(130);
    });
  }
}

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  logFile?: string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

function track(name: string, child: ChildProcess, logFile?: string): Child {
  hookExit();
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return { name, process: child, pid: child.pid, logFile, exited };
}

/** Starts `node script ...args` with `env`; stdout and stderr go to `logFile` (stdout piped instead when `pipeStdout`). */
export function startNode(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, pipeStdout = false): Child {
  const command = [process.execPath, ...nodeFlags(name), ...profileArgs(name), script, ...args];
  const [executable, ...rest] = name === 'gateway' && process.env.BENCH_CALLGRIND ? [...callgrindWrapper(logFile), ...command] : command;
  return startProgram(name, executable!, rest, env, logFile, pipeStdout);
}

/**
 * With BENCH_CALLGRIND set, the gateway runs under valgrind's callgrind with instrumentation off;
 * the harness switches it on for the measured period only (see countInstructions in harness.ts),
 * so that instructions per request are counted where the host has no hardware counters. The
 * gateway is many times slower under it: the figures of such a run count instructions, not time.
 */
function callgrindWrapper(logFile: string): string[] {
  return ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${logFile}.callgrind.%p`];
}

/** Starts `executable ...args` (e.g. another Node.js binary, for the peer), logged and tracked like startNode's children. */
export function startProgram(name: string, executable: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, pipeStdout = false): Child {
  const fd = openSync(logFile, 'w');
  try {
    const child = spawn(executable, args, { env, stdio: ['ignore', pipeStdout ? 'pipe' : fd, fd] });
    return track(name, child, logFile);
  } finally {
    closeSync(fd);
  }
}

/**
 * The gateway runs with the Node.js options `npm start` gives it (package.json's start script, e.g.
 * its young generation size), so that the benchmark measures the gateway as it is deployed.
 */
function nodeFlags(name: string): string[] {
  if (name !== 'gateway') return [];
  const start = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start'] ?? '';
  const words = start.split(/\s+/);
  return words[0] === 'node' ? words.slice(1).filter((word) => word.startsWith('--')) : [];
}

/**
 * With BENCH_PROFILE_DIR set, the gateway runs under V8's CPU profiler and writes a .cpuprofile
 * there when it stops (for finding where its time goes; the figures of such a run are not comparable).
 */
function profileArgs(name: string): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir && name === 'gateway' ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Forks `script` with an IPC channel (the load generator); its own output goes to ours. */
export function forkNode(name: string, script: string): Child {
  return track(name, fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stop(child: Child, graceMs = 25_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** The last lines of a child's log, to explain why it failed. */
export function logTail(child: Child, lines = 20): string {
  if (!child.logFile) return '';
  try {
    return readFileSync(child.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Rejects when the child exits before `promise` settles. */
export function unlessExited<T>(child: Child, promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    child.exited.then(() => {
      throw new Error(`${child.name} exited (${child.process.exitCode ?? child.process.signalCode}) while ${what}:\n${logTail(child)}`);
    }),
  ]);
}
