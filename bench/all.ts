// `npm run bench`: every benchmark, one after the other, with settings that keep the whole run
// under 15 minutes on a 2-core machine (seeding a million citizens and a million ledger entries on
// the first run included; later runs reuse them). Each step is its own process, as its own
// `npm run bench:<name>` would be, and writes its bench/results/<name>.json, its charts and its
// table in bench/README.md; this one records what ran and how long it took (bench/results/run.json).
// A step that overruns its time is stopped and the run fails.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../src/common/project-root.js';
import { writeResult } from './results.js';
import { withBenchServer, runContext } from './harness.js';

interface Step {
  name: string;
  script: string;
  args: string[];
  /** Stopped (and the run failed) after this long. */
  limitSeconds: number;
}

const STEPS: Step[] = [
  { name: 'ledger', script: 'bench/ledger/ledger.bench.js', args: ['--seconds', '5', '--concurrency', '50,200'], limitSeconds: 60 },
  { name: 'ledger-verify', script: 'bench/ledger/verify.bench.js', args: ['--entries', '1000000'], limitSeconds: 240 },
  {
    name: 'exchange',
    script: 'bench/exchange/exchange.bench.js',
    args: ['--citizens', '10000,100000,1000000', '--seconds', '10', '--warmup', '3', '--connections', '16,32', '--sample', '2000', '--info-connections', '0'],
    limitSeconds: 600,
  },
  {
    name: 'cases',
    script: 'bench/cases/cases.bench.js',
    args: ['--citizens', '10000,1000000', '--seconds', '8', '--warmup', '3', '--clerks', '8,16,32', '--sample', '1000'],
    limitSeconds: 300,
  },
  {
    name: 'applications',
    script: 'bench/applications/applications.bench.js',
    args: ['--citizens', '10000,1000000', '--seconds', '8', '--warmup', '3', '--clerks', '8,16,32', '--sample', '1000'],
    limitSeconds: 300,
  },
  {
    name: 'certificates',
    script: 'bench/certificates/certificates.bench.js',
    args: ['--citizens', '10000', '--seconds', '8', '--warmup', '3', '--connections', '16,32', '--sample', '1000', '--batch', '10000'],
    limitSeconds: 150,
  },
];

const USAGE = `usage: npm run bench [-- --only ledger,exchange,...]

Runs ${STEPS.map((s) => s.name).join(', ')} in turn (at most ${Math.round(STEPS.reduce((a, s) => a + s.limitSeconds, 0) / 60)} minutes in all),
against DATABASE_URL or the embedded PostgreSQL under DATA_DIR (default .data/bench).`;

interface StepRun {
  name: string;
  command: string;
  seconds: number;
  limitSeconds: number;
  outcome: 'ok' | 'failed' | 'stopped at its limit';
  exitCode: number | null;
}

function runStep(step: Step): Promise<StepRun> {
  const command = `node dist/${step.script} ${step.args.join(' ')}`;
  console.log(`bench: ${step.name}: ${command}`);
  const started = performance.now();
  const child = spawn(process.execPath, [join(projectRoot(), 'dist', step.script), ...step.args], { stdio: 'inherit', env: process.env });
  let overran = false;
  const timer = setTimeout(() => {
    overran = true;
    console.error(`bench: ${step.name} overran its ${step.limitSeconds} s; stopping it`);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
  }, step.limitSeconds * 1000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const outcome = overran ? 'stopped at its limit' : code === 0 ? 'ok' : 'failed';
      console.log(`bench: ${step.name}: ${outcome} in ${seconds} s`);
      resolve({ name: step.name, command, seconds, limitSeconds: step.limitSeconds, outcome, exitCode: code });
    });
  });
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.error(USAGE);
    return;
  }
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? '').split(',')) : undefined;
  if (only && [...only].some((n) => !STEPS.some((s) => s.name === n)))
    throw new Error(`--only: names among ${STEPS.map((s) => s.name).join(', ')}\n\n${USAGE}`);
  const started = performance.now();
  const runs: StepRun[] = [];
  for (const step of STEPS) if (!only || only.has(step.name)) runs.push(await runStep(step));
  const totalSeconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(`bench: ${runs.length} benchmarks in ${totalSeconds} s; ${runs.filter((r) => r.outcome !== 'ok').length} failed`);
  // The record of the run (machine and server as every result has them, measured once more).
  await withBenchServer(async (server) => {
    await writeResult('run', {
      name: 'run',
      description: '`npm run bench`: what ran, with which settings, and how long each took.',
      ...runContext(server),
      summary: {
        headers: ['benchmark', 'command', 'seconds', 'limit s', 'outcome'],
        rows: [
          ...runs.map((r) => [r.name, `\`${r.command}\``, String(r.seconds), String(r.limitSeconds), r.outcome]),
          ['all', '`npm run bench`', String(totalSeconds), '', ''],
        ],
      },
      notes: [
        `Total ${Math.floor(totalSeconds / 60)} min ${Math.round(totalSeconds % 60)} s${only ? ` (only ${[...only].join(', ')})` : ''}. ` +
          'Each benchmark is its own process; the seeded databases are kept between runs, so the first run on a machine also seeds them.',
      ],
      totalSeconds,
      steps: runs,
    });
  });
  if (runs.some((r) => r.outcome !== 'ok')) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exitCode = 1;
});
