// `npm run bench:ledger [-- --seconds 10 --concurrency 50,100,200]`: durable ledger appends per
// second and time-to-durable percentiles, from concurrent callers in one process, against the
// configured PostgreSQL (DATABASE_URL; the embedded one when unset), in a scratch database that is
// dropped afterwards. Writes bench/results/ledger.json and the ledger table in bench/README.md.
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';
import { parseCliArgs } from '../../src/common/cli.js';
import { loadConfig } from '../../src/config/app-config.js';
import { adminQuery, withDatabase, withScratchDatabase } from '../../src/database/database-admin.js';
import { prepareDatabase, runMigrations } from '../../src/database/database-setup.js';
import { createLogger } from '../../src/logging/logger.js';
import { latencySummary, roundMs, writeResult } from '../results.js';
import { entry } from './entries.js';

const WARM_UP_MS = 2000;

interface Run {
  concurrency: number;
  seconds: number;
  appends: number;
  appendsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  meanBatch: number;
  batches: number;
}

async function runOnce(runtimeUrl: string, concurrency: number, seconds: number, maxBatch: number, waitMs: number): Promise<Run> {
  const pool = new pg.Pool({ connectionString: runtimeUrl, max: 2 });
  const writer = new LedgerWriter(pool, { maxBatch, waitMs }, createLogger('warn'));
  // The writer takes one connection per batch.
  let batches = 0;
  pool.on('acquire', () => batches++);
  let counter = 0;
  let measuring = false;
  let stop = false;
  const latencies: number[] = [];
  const caller = async () => {
    while (!stop) {
      const started = performance.now();
      await writer.record(entry(counter++));
      if (measuring) latencies.push(performance.now() - started);
    }
  };
  const callers = Array.from({ length: concurrency }, caller);
  await new Promise((r) => setTimeout(r, WARM_UP_MS));
  measuring = true;
  const batchesBefore = batches;
  const startedAt = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - startedAt) / 1000;
  const measuredBatches = batches - batchesBefore;
  stop = true;
  await Promise.all(callers);
  await writer.close();
  await pool.end();
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    seconds: roundMs(elapsed),
    appends: latencies.length,
    appendsPerSecond: Math.round(latencies.length / elapsed),
    latencyMs: latencySummary(latencies, { p50: 0.5, p95: 0.95, p99: 0.99 }),
    meanBatch: roundMs(latencies.length / Math.max(1, measuredBatches)),
    batches: measuredBatches,
  };
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseCliArgs(
    argv,
    { seconds: { type: 'string' }, concurrency: { type: 'string' } },
    { fail: (m) => new Error(m), example: '--seconds 10' },
  );
  const seconds = Number(values.seconds ?? 10);
  const levels = (values.concurrency ?? '50,100,200').split(',').map(Number);
  if (!(seconds > 0) || levels.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--seconds and --concurrency must be positive');
  const config = loadConfig();
  const logger = createLogger('warn');
  const db = await prepareDatabase(config, logger);
  const adminUrl = db.embedded ? db.embedded.superuserUrl() : db.ownerUrl;
  try {
    await withScratchDatabase(adminUrl, 'onegate_bench_ledger', async (url) => {
      await runMigrations(url);
      // Roles are cluster-wide and already have their logins: the runtime role, in the scratch database.
      const runtimeUrl = withDatabase(db.runtimeUrl, new URL(url).pathname.slice(1));
      const settings = await adminQuery(
        url,
        `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS synchronous_commit, current_setting('fsync') AS fsync`,
      );
      const runs: Run[] = [];
      for (const concurrency of levels) {
        const run = await runOnce(runtimeUrl, concurrency, seconds, config.LEDGER_BATCH_MAX_ENTRIES, config.LEDGER_BATCH_WAIT_MS);
        runs.push(run);
        console.log(
          `concurrency ${String(concurrency).padStart(4)}: ${run.appendsPerSecond} durable appends/s, ` +
            `p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, mean batch ${run.meanBatch}`,
        );
      }
      const entries = await adminQuery(url, `SELECT count(*)::int AS n FROM onegate.ledger_entry`);
      await writeResult('ledger', {
        name: 'ledger',
        description: 'Durable ledger appends (group commit, synchronous_commit as configured) from concurrent callers in one process.',
        date: new Date().toISOString(),
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30) },
        node: process.version,
        postgres: { embedded: Boolean(db.embedded), ...settings.rows[0] },
        summary: {
          headers: ['concurrent callers', 'durable appends/s', 'p50 ms', 'p99 ms', 'max ms', 'mean batch'],
          rows: runs.map((r) => [r.concurrency, r.appendsPerSecond, r.latencyMs.p50, r.latencyMs.p99, r.latencyMs.max, r.meanBatch].map(String)),
        },
        settings: { maxBatch: config.LEDGER_BATCH_MAX_ENTRIES, waitMs: config.LEDGER_BATCH_WAIT_MS, warmUpMs: WARM_UP_MS },
        entriesWritten: entries.rows[0].n,
        runs,
      });
    });
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench:ledger: ${(error as Error).message}`);
  process.exitCode = 1;
});
