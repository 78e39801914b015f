// What the gateway benchmarks share: the benchmark databases (one per number of seeded citizens,
// kept between runs), a copy of the build that every child process runs, the gateway as a child
// process, and the rule that a measured period disturbed by other work on the machine is measured
// again.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { prepareEnvironment } from '../src/app.prepare.js';
import { projectRoot } from '../src/common/project-root.js';
import { loadConfig, type AppConfig } from '../src/config/app-config.js';
import { withDatabase } from '../src/database/database-admin.js';
import { prepareDatabase, type PreparedDatabase } from '../src/database/database-setup.js';
import { createLogger } from '../src/logging/logger.js';
import { DEMO_CITIZENS } from '../src/seed/demo-citizens.js';
import { cpuSnapshot, cpuSplit, type CpuSnapshot, type CpuSplit } from './exchange/cpu.js';
import { forkNode, logTail, startNode, unlessExited, type Child } from './exchange/children.js';
import type { LoadMessage, LoadRequest, LoadResult, TimelineBucket } from './exchange/load.js';
import { measureMachineReference, type MachineReference } from './machine-reference.js';

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function databaseName(citizens: number): string {
  if (citizens % 1_000_000 === 0) return `onegate_bench_${citizens / 1_000_000}m`;
  if (citizens % 1000 === 0) return `onegate_bench_${citizens / 1000}k`;
  return `onegate_bench_${citizens}`;
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** How many entries the ledger of the database at `url` holds. */
export function ledgerEntryCount(url: string): Promise<number> {
  return withClient(url, async (c) => (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM onegate.ledger_entry')).rows[0]!.n);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  });
}

/** Runs the seed CLI (COPY-based) as a child; resolves to its wall time. */
export async function seed(env: NodeJS.ProcessEnv, citizens: number, logDir: string): Promise<{ seconds: number; rows: Record<string, number> }> {
  const started = performance.now();
  const child = startNode('seed', builtFile('src/seed/seed.cli.js'), ['--citizens', String(citizens)], env, join(logDir, `seed-${citizens}.log`));
  await child.exited;
  if (child.process.exitCode !== 0) throw new Error(`seeding ${citizens} citizens failed:\n${logTail(child)}`);
  const summary = readFileSync(child.logFile!, 'utf8');
  const rows: Record<string, number> = {};
  for (const match of summary.matchAll(/^\s+(dept_\w+\.\w+)\s+([\d,]+)$/gm)) rows[match[1]!] = Number(match[2]!.replaceAll(',', ''));
  return { seconds: round((performance.now() - started) / 1000, 1), rows };
}

/** Starts the gateway (the copied build's src/main.js) and waits until /health/ready answers. */
export async function startGateway(env: NodeJS.ProcessEnv, port: number, logFile: string): Promise<{ child: Child; url: string; startMs: number }> {
  const started = performance.now();
  const child = startNode('gateway', process.env.BENCH_GATEWAY_ENTRY ?? builtFile('src/main.js'), [], env, logFile);
  const url = `http://127.0.0.1:${port}`;
  const ready = async () => {
    // Under callgrind (BENCH_CALLGRIND) the gateway starts many times slower.
    const deadline = Date.now() + (process.env.BENCH_CALLGRIND ? 900_000 : 120_000);
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${url}/health/ready`);
        await response.arrayBuffer();
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the gateway was not ready in time:\n${logTail(child)}`);
  };
  await unlessExited(child, ready(), 'starting');
  return { child, url, startMs: Math.round(performance.now() - started) };
}

export interface CpuContext {
  ownerUrl: string;
  database: string;
}

/** Backends of other databases right now (someone else's work on a shared server). */
export async function otherDatabasePids(ctx: CpuContext): Promise<Set<number>> {
  return withClient(ctx.ownerUrl, async (client) => {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname IS NOT NULL AND datname <> $1', [ctx.database]);
    return new Set(rows.map((r) => r.pid));
  });
}

export interface DisturbedAttempt {
  what: string;
  foreignCores: number;
  result: unknown;
}

/** Cores that other work used during a measured period: processes not ours, and postgres backends of other databases. */
export function foreignCores(cpu: CpuSplit): number {
  return round(cpu.usage.other! + cpu.usage.postgresOtherDatabases!);
}

/** Above this much foreign CPU (cores) a measured period is disturbed. */
export const FOREIGN_LIMIT = 0.15;
/** A disturbed period is measured again, at most this many times in all; the last one stands (and is flagged). */
export const ATTEMPTS = 3;

/** Runs `attempt` again while other work on the machine disturbed it, recording the discarded attempts. */
export async function undisturbed<T extends { cpu: CpuSplit }>(
  log: (message: string) => void,
  what: string,
  discarded: DisturbedAttempt[],
  attempt: () => Promise<T>,
): Promise<T> {
  for (let i = 1; ; i++) {
    const result = await attempt();
    const foreign = foreignCores(result.cpu);
    if (foreign <= FOREIGN_LIMIT || i === ATTEMPTS) return result;
    log(`${what}: other work used ${foreign} cores of the machine during the measured period; measuring again`);
    discarded.push({ what, foreignCores: foreign, result });
  }
}

/** Anything shaped like a JWT, replaced: the results are committed, tokens never are. */
export function redactTokens(text: string): string {
  return text.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<token>');
}

/**
 * The build every child process runs: a copy of dist/ taken when the benchmark starts, so that the
 * gateway of every size is the same build even when dist/ is rebuilt meanwhile (others edit and
 * build in this tree). Under the project's .data/ so that node_modules still resolve.
 */
let buildDir: string | undefined;

export function builtFile(path: string): string {
  if (!buildDir) throw new Error('the build has not been copied yet');
  return join(buildDir, path);
}

export function snapshotBuild(): { digest: string; builtAt: string | null } {
  const root = projectRoot();
  const dist = join(root, 'dist');
  const dest = join(root, '.data', 'bench-build');
  const stamp = () => {
    try {
      return readFileSync(join(dist, '.build-stamp'), 'utf8').trim();
    } catch {
      return null;
    }
  };
  for (let attempt = 1; ; attempt++) {
    const before = stamp();
    rmSync(dest, { recursive: true, force: true });
    cpSync(dist, dest, { recursive: true, filter: (path) => !path.endsWith('.map') && !basename(path).startsWith('.tsbuildinfo') });
    // A build that finished while copying may have left a mix: copy again.
    if (stamp() !== before && attempt < 3) continue;
    buildDir = dest;
    const hash = createHash('sha256');
    const visit = (dir: string) => {
      for (const name of readdirSync(join(dest, dir)).sort()) {
        const path = `${dir}/${name}`;
        if (statSync(join(dest, path)).isDirectory()) visit(path);
        else if (name.endsWith('.js'))
          hash
            .update(path)
            .update('\0')
            .update(readFileSync(join(dest, path)))
            .update('\0');
      }
    };
    for (const dir of ['src', 'examples']) visit(dir);
    return { digest: hash.digest('hex').slice(0, 16), builtAt: before };
  }
}

/** Which gateway was measured: the commit, how many files differ from it, and a digest of the copied build (src/ and examples/). */
export function sourceState(build: { digest: string; builtAt: string | null }): Record<string, unknown> {
  let commit: string | null = null;
  let changed: string[] = [];
  const git = (...args: string[]) => execFileSync('git', args, { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    commit = git('rev-parse', 'HEAD');
    changed = git('status', '--porcelain', '--', 'src', 'schemas', 'migrations', 'examples').split('\n').filter(Boolean);
  } catch {
    // not a git checkout
  }
  return { commit, uncommittedChanges: changed.length, buildDigest: build.digest, builtAt: build.builtAt };
}

export interface BenchDatabase {
  database: string;
  ownerUrl: string;
  logDir: string;
  /** The environment of the gateway and CLIs for this database (DATABASE_URL, DATA_DIR). */
  env: NodeJS.ProcessEnv;
  config: AppConfig;
  db: PreparedDatabase;
  residents: number;
  seeded: { seconds: number; rows: Record<string, number> } | null;
}

/**
 * The benchmark database of `citizens` synthetic citizens (`onegate_bench_<size>`), migrated and
 * prepared as `npm run migrate` does, seeded only when its resident count does not match (or when
 * `reseed`), then vacuumed and checkpointed so that neither happens during a measured run.
 */
export async function prepareBenchDatabase(
  log: (message: string) => void,
  adminUrl: string,
  dataDir: string,
  citizens: number,
  reseed: boolean,
  database = databaseName(citizens),
): Promise<BenchDatabase> {
  const ownerUrl = withDatabase(adminUrl, database);
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  await ensureDatabase(adminUrl, database);
  const env = { ...process.env, DATABASE_URL: ownerUrl, DATA_DIR: dataDir };
  const config = loadConfig(env);
  // As `npm run migrate`: migrations, role logins (the role password is generated under DATA_DIR),
  // the catalog, and the reader URLs.
  const db = await prepareEnvironment(config, createLogger('warn'), { seedIfEmpty: false });

  const countResidents = () =>
    withClient(ownerUrl, async (c) => (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM dept_public_security.resident')).rows[0]!.n);
  const expected = citizens + DEMO_CITIZENS.length;
  let residents = await countResidents();
  let seeded: BenchDatabase['seeded'] = null;
  if (reseed || residents !== expected) {
    log(`${database}: seeding ${citizens.toLocaleString('en-US')} citizens (holds ${residents.toLocaleString('en-US')} residents)…`);
    seeded = await seed({ ...env, LOG_LEVEL: 'warn' }, citizens, logDir);
    residents = await countResidents();
    log(`${database}: seeded in ${seeded.seconds} s`);
    if (residents !== expected) throw new Error(`${database} holds ${residents} residents after seeding, expected ${expected}`);
  } else {
    log(`${database}: reusing ${residents.toLocaleString('en-US')} residents (--reseed to seed again)`);
  }
  // A freshly seeded database gets its visibility map and statistics now, not from autovacuum during a
  // measured run, and its dirty pages written now, not by a checkpoint during one (CHECKPOINT needs a
  // superuser or pg_checkpoint; without, the checkpointer does it in its own time).
  await withClient(ownerUrl, async (c) => {
    await c.query('VACUUM (ANALYZE)');
    await c.query('CHECKPOINT').catch(() => undefined);
  });
  return { database, ownerUrl, logDir, env, config, db, residents, seeded };
}

/** A load run with the CPU split of its measured period (and, with BENCH_PERF, the gateway's instructions per request). */
export type MeasuredLoad = LoadResult & { cpu: CpuSplit; gatewayInstructionsPerRequest?: number; database: DatabaseActivity };

/**
 * What PostgreSQL did in the benchmark's database over a measured period, from its cumulative
 * statistics (backends report them when idle, at most about once a second, so the edges of the
 * period are approximate): transactions committed, rows read (all scans) and by sequential scans,
 * sequential scans started, blocks read from outside shared buffers, and autovacuum or autoanalyze
 * runs that finished. A run whose PostgreSQL CPU differs from its neighbours' shows here why.
 */
export interface DatabaseActivity {
  commits: number;
  rowsRead: number;
  seqScans: number;
  seqRowsRead: number;
  blocksRead: number;
  autovacuumRuns: number;
}

const DATABASE_ACTIVITY = `SELECT d.xact_commit::float8 AS commits, d.tup_returned::float8 AS "rowsRead", d.blks_read::float8 AS "blocksRead",
       t.seq_scan AS "seqScans", t.seq_tup_read AS "seqRowsRead", t.maintenance AS "autovacuumRuns"
  FROM pg_stat_database d,
       (SELECT coalesce(sum(seq_scan), 0)::float8 AS seq_scan, coalesce(sum(seq_tup_read), 0)::float8 AS seq_tup_read,
               coalesce(sum(autovacuum_count + autoanalyze_count), 0)::float8 AS maintenance
          FROM pg_stat_all_tables) t
 WHERE d.datname = current_database()`;

function databaseActivityNow(ctx: CpuContext): Promise<DatabaseActivity> {
  return withClient(ctx.ownerUrl, async (client) => (await client.query<DatabaseActivity>(DATABASE_ACTIVITY)).rows[0]!);
}

function activityBetween(before: DatabaseActivity, after: DatabaseActivity): DatabaseActivity {
  const delta = (key: keyof DatabaseActivity) => Math.max(0, after[key] - before[key]);
  return {
    commits: delta('commits'),
    rowsRead: delta('rowsRead'),
    seqScans: delta('seqScans'),
    seqRowsRead: delta('seqRowsRead'),
    blocksRead: delta('blocksRead'),
    autovacuumRuns: delta('autovacuumRuns'),
  };
}

/** The activity per answered request (per case, ...), for the run's log line. */
export function describeDatabaseActivity(activity: DatabaseActivity, answered: number): string {
  const per = (n: number) => (answered > 0 ? round(n / answered) : 0);
  return (
    `postgres per answer: ${per(activity.commits)} commits, ${per(activity.rowsRead)} rows read ` +
    `(${per(activity.seqRowsRead)} by ${per(activity.seqScans)} sequential scans), ${per(activity.blocksRead)} blocks read; ` +
    `autovacuum runs ${activity.autovacuumRuns}`
  );
}

/**
 * One load run in a fresh load-generator process (bench/exchange/load.ts, autocannon), with the CPU
 * split of its measured period between the `named` processes, the load generator, this process,
 * PostgreSQL and the rest of the machine.
 */
export async function measureLoad(
  ctx: CpuContext,
  named: Record<string, number>,
  request: LoadRequest,
  onBucket?: (bucket: TimelineBucket) => void,
): Promise<MeasuredLoad> {
  const { result, cpu, gatewayInstructions, database } = await measureForked<LoadRequest, LoadResult>(ctx, named, 'bench/exchange/load.js', request, onBucket);
  const answered = result.responses;
  return {
    ...result,
    cpu,
    database,
    ...(gatewayInstructions && answered > 0 ? { gatewayInstructionsPerRequest: Math.round(gatewayInstructions / answered) } : {}),
  };
}

/**
 * Runs a load generator (`script`, a module of the copied build speaking `LoadMessage`: it reports
 * when its measured period starts and ends, its timeline buckets and its result) in its own
 * process, and splits the CPU of its measured period as measureLoad does; with BENCH_PERF, also
 * the gateway's retired instructions over that period.
 */
export async function measureForked<Request, Result>(
  ctx: CpuContext,
  named: Record<string, number>,
  script: string,
  request: Request,
  onBucket?: (bucket: TimelineBucket) => void,
): Promise<{ result: Result; cpu: CpuSplit; gatewayInstructions?: number; database: DatabaseActivity }> {
  const load = forkNode('load generator', builtFile(script));
  const pids = () => ({ ...named, loadGenerator: load.pid, benchmark: process.pid });
  let before: CpuSnapshot | undefined;
  let after: CpuSnapshot | undefined;
  let activityBefore: Promise<DatabaseActivity> | undefined;
  let activityAfter: Promise<DatabaseActivity> | undefined;
  let counter: InstructionCounter | undefined;
  let instructions: Promise<number | undefined> | undefined;
  let statementsBefore: Promise<StatementCalls | undefined> | undefined;
  let statementsAfter: Promise<StatementCalls | undefined> | undefined;
  const result = await unlessExited(
    load,
    new Promise<Result>((resolve, reject) => {
      load.process.on('message', (message: LoadMessage<Result>) => {
        if (message.type === 'measuring') {
          before = cpuSnapshot(pids());
          activityBefore = databaseActivityNow(ctx);
          activityBefore.catch(() => undefined);
          statementsBefore = statementsNow(ctx);
          if (named.gateway !== undefined) counter = countInstructions(named.gateway);
        } else if (message.type === 'measured') {
          instructions = counter?.stop().catch((error: unknown) => {
            console.error(`bench: the gateway's instructions could not be counted: ${(error as Error).message}`);
            return undefined;
          });
          after = cpuSnapshot(pids());
          activityAfter = databaseActivityNow(ctx);
          activityAfter.catch(() => undefined);
          statementsAfter = statementsNow(ctx);
        } else if (message.type === 'bucket') onBucket?.(message.bucket);
        else if (message.type === 'result') resolve(message.result);
        else reject(new Error(`the load generator failed: ${message.message}`));
      });
      load.process.send(request as object);
    }),
    'generating load',
  );
  const gatewayInstructions = await instructions;
  await load.exited;
  // autocannon leaves its last requests in flight when it stops: let the gateway finish them before anything else.
  await new Promise((r) => setTimeout(r, 1000));
  if (!before || !after || !activityBefore || !activityAfter) throw new Error('the load generator did not report its measured period');
  writeStatements(ctx, await statementsBefore, await statementsAfter);
  return {
    result,
    cpu: cpuSplit(before, after, await otherDatabasePids(ctx)),
    database: activityBetween(await activityBefore, await activityAfter),
    ...(gatewayInstructions !== undefined ? { gatewayInstructions } : {}),
  };
}

/** Calls and execution time per statement (pg_stat_statements) in the benchmark's database. */
type StatementCalls = Map<string, { query: string; calls: number; ms: number }>;

/**
 * With BENCH_STATEMENTS=DIR and the extension pg_stat_statements created in the benchmark's
 * database (it must be in the server's shared_preload_libraries), the statements PostgreSQL ran
 * for that database over a measured period are written to DIR, most called first: which
 * statements a build added per request shows there, not only that it commits more.
 */
function statementsNow(ctx: CpuContext): Promise<StatementCalls | undefined> | undefined {
  if (!process.env.BENCH_STATEMENTS) return undefined;
  const read = withClient(ctx.ownerUrl, async (client) => {
    const { rows } = await client.query<{ id: string; query: string; calls: string; ms: number }>(
      `SELECT queryid::text || ':' || userid::text AS id, query, calls::text AS calls, total_exec_time AS ms
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return new Map(rows.map((r) => [r.id, { query: r.query, calls: Number(r.calls), ms: r.ms }]));
  });
  return read.catch((error: unknown) => {
    console.error(`bench: pg_stat_statements could not be read: ${(error as Error).message}`);
    return undefined;
  });
}

let statementFiles = 0;

function writeStatements(ctx: CpuContext, before: StatementCalls | undefined, after: StatementCalls | undefined): void {
  const dir = process.env.BENCH_STATEMENTS;
  if (!dir || !before || !after) return;
  const rows = [...after].map(([id, a]) => {
    const b = before.get(id);
    return { calls: a.calls - (b?.calls ?? 0), ms: a.ms - (b?.ms ?? 0), query: a.query.replace(/\s+/g, ' ') };
  });
  rows.sort((x, y) => y.calls - x.calls);
  const file = join(dir, `statements-${ctx.database}-${++statementFiles}.tsv`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    rows
      .filter((r) => r.calls > 0)
      .map((r) => `${r.calls}\t${r.ms.toFixed(1)}\t${r.query}`)
      .join('\n') + '\n',
  );
  console.error(`bench: statements of the measured period in ${file}`);
}

interface InstructionCounter {
  stop(): Promise<number | undefined>;
}

/**
 * The gateway's instructions over the measured period, where asked for: with BENCH_PERF, retired
 * instructions counted by `perf stat` (Linux perf with hardware counters); with BENCH_CALLGRIND (the
 * gateway then runs under callgrind, see children.ts), instructions counted by callgrind, which needs
 * no hardware counters. Unlike time, either hardly moves with what else the machine does, so two
 * builds can be compared by instructions per request.
 */
function countInstructions(pid: number): InstructionCounter | undefined {
  if (process.env.BENCH_CALLGRIND) return countCallgrindInstructions(pid);
  if (process.env.BENCH_PERF) return countPerfInstructions(pid);
  return undefined;
}

function countPerfInstructions(pid: number): InstructionCounter {
  const perf = spawn('perf', ['stat', '-x', ',', '-e', 'instructions', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  perf.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => perf.once('close', () => resolve()));
  perf.once('error', () => undefined);
  return {
    async stop() {
      perf.kill('SIGINT');
      await exited;
      const line = output.split('\n').find((l) => l.includes(',instructions'));
      const count = line ? Number(line.split(',')[0]) : NaN;
      return Number.isFinite(count) ? count : undefined;
    },
  };
}

/**
 * `callgrind_control` with `args` for the process `pid`; its output. valgrind names the pipes it is
 * reached through after the process's USER and HOST, and the gateway's HOST is its listening address:
 * callgrind_control is given the gateway's own.
 */
async function callgrindControl(pid: number, ...args: string[]): Promise<string> {
  const own = new Map(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] as const),
  );
  const env = { ...process.env };
  for (const name of ['USER', 'HOST']) {
    if (own.has(name)) env[name] = own.get(name);
    else delete env[name];
  }
  const { stdout } = await promisify(execFile)('callgrind_control', [...args, String(pid)], { env });
  return stdout;
}

/** Switches callgrind's instrumentation on at zero; on stop, sums the instructions of all the gateway's threads and switches it off. */
function countCallgrindInstructions(pid: number): InstructionCounter {
  const started = callgrindControl(pid, '--zero').then(() => callgrindControl(pid, '--instr=on'));
  started.catch(() => undefined);
  return {
    async stop() {
      await started;
      const totals = await callgrindControl(pid, '-e', 'Ir');
      await callgrindControl(pid, '--instr=off');
      const threads = [...totals.matchAll(/^\s*Th\s+\d+\s+([\d,]+)/gm)].map((m) => Number(m[1]!.replaceAll(',', '')));
      return threads.length > 0 ? threads.reduce((a, b) => a + b, 0) : undefined;
    },
  };
}

/** What a gateway wrote to its log: lines while serving (the first few, without tokens) and while stopping. */
export interface GatewayLogSummary {
  lines: number;
  first: string[];
  linesWhileStopping: number;
}

/** The gateway's log file in two parts: the first `servingLength` bytes (written while serving), then what it wrote while stopping. */
export function gatewayLogSummary(logFile: string, servingLength: number): GatewayLogSummary {
  const text = readFileSync(logFile);
  const lines = (part: Buffer) =>
    part
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
  const running = lines(text.subarray(0, servingLength));
  return {
    lines: running.length,
    first: running.slice(0, 5).map((l) => redactTokens(l).slice(0, 400)),
    linesWhileStopping: lines(text.subarray(servingLength)).length,
  };
}

/** The PostgreSQL server the benchmarks run against, and how it is set. */
export interface BenchServer {
  /** A URL with a role that may create databases and roles. */
  adminUrl: string;
  embedded: boolean;
  settings: Record<string, unknown>;
  /** DATA_DIR of the benchmark (default .data/bench), resolved. */
  dataDir: string;
  config: AppConfig;
  /** Timed at the start, before any benchmark work (see machine-reference.ts). */
  reference: MachineReference;
}

/**
 * Runs `work` against the server of DATABASE_URL (which names the server, and a database to connect
 * to while creating the benchmark databases); without it, against the embedded PostgreSQL under
 * DATA_DIR, whose superuser creates them, stopped afterwards.
 */
export async function withBenchServer<T>(work: (server: BenchServer) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...process.env, DATA_DIR: process.env.DATA_DIR ?? '.data/bench' });
  const embedded = config.DATABASE_URL ? undefined : await prepareDatabase(config, createLogger('warn'));
  const adminUrl = embedded?.embedded ? embedded.embedded.superuserUrl() : config.DATABASE_URL!;
  try {
    const settings = await withClient(
      adminUrl,
      async (c) =>
        (
          await c.query(
            `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS synchronous_commit,
                  current_setting('fsync') AS fsync, current_setting('shared_buffers') AS shared_buffers,
                  current_setting('max_connections') AS max_connections`,
          )
        ).rows[0] as Record<string, unknown>,
    );
    const reference = await measureMachineReference(adminUrl);
    console.error(
      `bench: machine reference: Map of 1M keys ${reference.mapMillionKeysMs} ms, P-256 verify ${reference.p256VerifyMicros} µs, ` +
        `PostgreSQL round trip ${reference.postgresRoundTripMicros} µs`,
    );
    return await work({ adminUrl, embedded: Boolean(embedded), settings, dataDir: config.dataDir, config, reference });
  } finally {
    await embedded?.close();
  }
}

/** Where and when a benchmark ran: the common fields of every result. */
export function runContext(server: BenchServer): { date: string; machine: Record<string, unknown>; node: string; postgres: Record<string, unknown> } {
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), reference: server.reference },
    node: process.version,
    postgres: { embedded: server.embedded, ...server.settings },
  };
}

/** The note naming the build that was measured (see sourceState). */
export function measuredBuildNote(source: Record<string, unknown>): string {
  return (
    `Gateway measured: commit ${String(source.commit).slice(0, 7)}` +
    (source.uncommittedChanges ? ` with ${String(source.uncommittedChanges)} uncommitted changes under src/, schemas/, migrations/, examples/` : '') +
    `; build of ${String(source.builtAt ?? '?')} (digest ${String(source.buildDigest)}), the same build for every process.`
  );
}
