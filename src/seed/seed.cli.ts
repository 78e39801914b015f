// `npm run seed -- --citizens N [--seed S]`: replaces the department demo sources with the demo
// people plus N deterministic synthetic citizens. Progress goes to stderr, the summary to stdout.
// Exit codes: 0 seeded, 1 failed (configuration, database), 2 bad arguments.
import { ConfigError, loadConfig } from '../config/app-config.js';
import { prepareDatabase } from '../database/database-setup.js';
import { createLogger } from '../logging/logger.js';
import { seedDepartmentSources, type SeedReport } from './seed.js';
import { isEntryPoint, parseCliArgs } from '../common/cli.js';

export const MAX_CITIZENS = 5_000_000;
export const DEFAULT_SEED = 'onegate';

export const USAGE = `usage: npm run seed -- --citizens <N> [--seed <S>]

  --citizens <N>   synthetic citizens to generate, 0..${MAX_CITIZENS.toLocaleString('en-US')}, on top of the demo people
  --seed <S>       any text; the same seed gives the same data (default "${DEFAULT_SEED}")

Empties and reloads every department source table (dept_* schemas) in one transaction.`;

export interface SeedArgs {
  citizens: number;
  seed: string;
}

/** Bad command-line arguments (exit code 2). The message says what to fix. */
export class SeedArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedArgsError';
  }
}

const FLAGS = { citizens: { type: 'string' }, seed: { type: 'string' } } as const;

/** Parses and validates the CLI arguments (without the node and script paths). Pure; throws SeedArgsError. */
export function parseSeedArgs(argv: readonly string[]): SeedArgs {
  const { values } = parseCliArgs(argv, FLAGS, { fail: (message) => new SeedArgsError(message), example: '--citizens 1000' });

  const citizensText = values.citizens;
  if (citizensText === undefined) throw new SeedArgsError('--citizens is required');
  const citizens = /^\d{1,7}$/.test(citizensText) ? Number(citizensText) : NaN;
  if (!(citizens >= 0 && citizens <= MAX_CITIZENS)) {
    throw new SeedArgsError(`--citizens must be a whole number from 0 to ${MAX_CITIZENS}`);
  }
  const seed = values.seed ?? DEFAULT_SEED;
  if (seed.trim() === '') throw new SeedArgsError('--seed must not be empty');
  return { citizens, seed };
}

interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliStreams {
  stdout: TextStream;
  stderr: TextStream;
}

/** Progress on stderr: a bar redrawn in place on a terminal, otherwise a line every 10%. */
export function progressReporter(stderr: TextStream): (done: number, total: number) => void {
  let lastTenth = -1;
  let finished = false;
  return (done, total) => {
    if (finished) return;
    finished = done === total;
    const fraction = total === 0 ? 1 : done / total;
    const percent = Math.floor(fraction * 100);
    const counts = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} citizens`;
    if (stderr.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${counts}`);
      if (finished) stderr.write('\nrebuilding keys, indexes and foreign keys…\n');
      return;
    }
    const tenth = Math.floor(percent / 10);
    if (tenth > lastTenth || finished) {
      lastTenth = tenth;
      stderr.write(`seed: ${percent}% (${counts})\n`);
      if (finished) stderr.write('seed: rebuilding keys, indexes and foreign keys…\n');
    }
  };
}

export function formatSummary(args: SeedArgs, report: SeedReport): string {
  const tables = Object.entries(report.rows);
  const total = tables.reduce((sum, [, count]) => sum + count, 0);
  const width = Math.max(...tables.map(([name]) => name.length), 'total'.length);
  const line = (name: string, count: number) => `  ${name.padEnd(width)}  ${count.toLocaleString('en-US').padStart(11)}`;
  return [
    `seeded ${args.citizens.toLocaleString('en-US')} synthetic citizens plus the demo people (seed "${args.seed}") in ${report.seconds.toFixed(1)} s`,
    ...tables.map(([name, count]) => line(name, count)),
    line('total', total),
    '',
  ].join('\n');
}

/** Runs the CLI; resolves to the exit code. */
export async function runSeedCli(argv: readonly string[], io: CliStreams = process): Promise<number> {
  const fail = (code: number, message: string) => {
    io.stderr.write(`onegate seed: ${message}\n`);
    return code;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stderr.write(USAGE + '\n');
    return 0;
  }
  let args: SeedArgs;
  try {
    args = parseSeedArgs(argv);
  } catch (error) {
    if (error instanceof SeedArgsError) return fail(2, `${error.message}\n\n${USAGE}`);
    throw error;
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(1, error.message);
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  try {
    const db = await prepareDatabase(config, logger);
    try {
      const report = await seedDepartmentSources(db.ownerUrl, { ...args, onProgress: progressReporter(io.stderr) });
      io.stdout.write(formatSummary(args, report));
      return 0;
    } finally {
      await db.close();
    }
  } catch (error) {
    return fail(1, `seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await runSeedCli(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`onegate seed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}
