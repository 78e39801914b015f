// `npm run bench:ledger-verify [-- --entries 1000000]`: how long an auditor takes to prove a
// ledger of a million entries unaltered. A gateway serves a database whose ledger holds at least
// --entries entries (`onegate_bench_ledger_<size>`, kept between runs and topped up through the
// LedgerWriter when short); an auditor downloads the complete export over HTTP (`GET
// /audit/export`) and `npm run ledger:verify` (the CLI, its own process) recomputes every leaf hash
// and the Merkle root and checks the signed checkpoint. Records both times, the export's size and
// the memory of the gateway and of the verifier. Writes bench/results/ledger-verify.json.
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import pg from 'pg';
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';
import type { VerificationReport } from '../../src/ledger/ledger-verify.js';
import { parseCliArgs } from '../../src/common/cli.js';
import { withDatabase } from '../../src/database/database-admin.js';
import { DevIssuer } from '../../src/identity/dev-issuer.js';
import { createLogger } from '../../src/logging/logger.js';
import {
  builtFile,
  databaseName,
  freePort,
  ledgerEntryCount,
  measuredBuildNote,
  prepareBenchDatabase,
  runContext,
  snapshotBuild,
  sourceState,
  startGateway,
  withBenchServer,
  withClient,
} from '../harness.js';
import { startNode, stop, type Child } from '../exchange/children.js';
import { residentMemory } from '../exchange/cpu.js';
import { writeResult } from '../results.js';
import { entry } from './entries.js';

const USAGE = `usage: npm run bench:ledger-verify -- [--entries 1000000]

  --entries N   the ledger holds at least N entries when it is exported and verified (topped up when short)

PostgreSQL: DATABASE_URL (a role that may create databases and roles), else the embedded server under DATA_DIR.`;

const log = (message: string) => console.log(`bench:ledger-verify: ${message}`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
/** Appending the top-up: large batches and many callers, so that a million entries take about a minute. */
const FILL_BATCH = 2000;
const FILL_CALLERS = 4000;

/** Appends entries through the LedgerWriter (hash chain and Merkle nodes as the gateway writes them) until the ledger holds `target`. */
async function topUp(runtimeUrl: string, ownerUrl: string, target: number): Promise<{ appended: number; seconds: number } | null> {
  const held = await ledgerEntryCount(ownerUrl);
  if (held >= target) return null;
  const missing = target - held;
  log(`the ledger holds ${held.toLocaleString('en-US')} entries; appending ${missing.toLocaleString('en-US')}…`);
  const pool = new pg.Pool({ connectionString: runtimeUrl, max: 2 });
  const writer = new LedgerWriter(pool, { maxBatch: FILL_BATCH, waitMs: 0 }, createLogger('warn'));
  const started = performance.now();
  // FILL_CALLERS callers taking the next index, not p-limit: a limiter holds a queued promise per
  // entry, and a top-up may be 20 million entries.
  let next = 0;
  const caller = async () => {
    for (let i = next++; i < missing; i = next++) await writer.record(entry(held + i));
  };
  try {
    await Promise.all(Array.from({ length: Math.min(FILL_CALLERS, missing) }, caller));
  } finally {
    await writer.close();
    await pool.end();
  }
  const seconds = round((performance.now() - started) / 1000);
  log(`appended ${missing.toLocaleString('en-US')} entries in ${seconds} s`);
  await withClient(ownerUrl, (c) => c.query('VACUUM (ANALYZE) onegate.ledger_entry'));
  return { appended: missing, seconds };
}

/** Samples a child's resident memory until it exits; resolves to the highest VmHWM seen. */
function peakMemory(child: Child): Promise<number | null> {
  let peak: number | null = null;
  const sample = () => {
    const m = residentMemory(child.pid);
    if (m) peak = Math.max(peak ?? 0, m.peakMiB);
  };
  const timer = setInterval(sample, 100);
  return child.exited.then(() => {
    clearInterval(timer);
    return peak;
  });
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.error(USAGE);
    return;
  }
  const { values } = parseCliArgs(argv, { entries: { type: 'string' } }, { fail: (m) => new Error(`${m}\n\n${USAGE}`), example: '--entries 1000000' });
  const entries = Number(values.entries ?? 1_000_000);
  if (!Number.isInteger(entries) || entries < 1 || entries > 20_000_000) throw new Error(`--entries: a whole number from 1 to 20000000\n\n${USAGE}`);

  await withBenchServer(async (server) => {
    const source = sourceState(snapshotBuild());
    const database = databaseName(entries).replace('onegate_bench_', 'onegate_bench_ledger_');
    // The demo people only: the gateway needs its departments, the benchmark needs no citizens.
    const { ownerUrl, logDir, env, config, db } = await prepareBenchDatabase(log, server.adminUrl, server.dataDir, 0, false, database);
    const runtimeUrl = withDatabase(db.runtimeUrl, database);
    let filled: Awaited<ReturnType<typeof topUp>>;
    try {
      filled = await topUp(runtimeUrl, ownerUrl, entries);
    } finally {
      await db.close();
    }

    const port = await freePort();
    const gateway = await startGateway(
      { ...env, PORT: String(port), HOST: '127.0.0.1', SEED_CITIZENS_ON_EMPTY: '0', LOG_LEVEL: 'warn' },
      port,
      join(logDir, 'gateway-ledger-verify.log'),
    );
    const exportFile = join(server.dataDir, 'ledger-export.ndjson');
    let exportSeconds: number;
    let gatewayMemory: ReturnType<typeof residentMemory>;
    try {
      const token = await new DevIssuer(config).issueToken({ role: 'auditor', sub: 'bench-auditor', ttlSeconds: 3600 });
      log(`exporting the complete ledger from the gateway…`);
      const started = performance.now();
      const response = await fetch(`${gateway.url}/audit/export`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok || !response.body) throw new Error(`GET /audit/export answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(exportFile));
      exportSeconds = round((performance.now() - started) / 1000, 2);
      gatewayMemory = residentMemory(gateway.child.pid);
    } finally {
      await stop(gateway.child);
    }
    const exportMiB = round(statSync(exportFile).size / 2 ** 20);
    log(`exported ${exportMiB} MiB in ${exportSeconds} s; verifying with npm run ledger:verify…`);

    const verifyLog = join(logDir, 'ledger-verify.log');
    const started = performance.now();
    const verifier = startNode('ledger verify', builtFile('src/ledger/ledger-verify.cli.js'), ['--export', exportFile, '--json'], env, verifyLog, true);
    let stdout = '';
    verifier.process.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const peak = await peakMemory(verifier);
    const verifySeconds = round((performance.now() - started) / 1000, 2);
    rmSync(exportFile, { force: true });
    if (verifier.process.exitCode !== 0) throw new Error(`ledger:verify exited ${verifier.process.exitCode}: ${stdout.slice(0, 2000)}`);
    const report = JSON.parse(stdout) as VerificationReport;
    if (!report.ok || !report.complete) throw new Error(`ledger:verify did not verify a complete export: ${stdout.slice(0, 2000)}`);
    const perSecond = Math.round(report.entries / verifySeconds);
    log(
      `verified ${report.entries.toLocaleString('en-US')} entries in ${verifySeconds} s (${perSecond.toLocaleString('en-US')} entries/s, verifier peak RSS ${peak} MiB)`,
    );

    await writeResult('ledger-verify', {
      name: 'ledger-verify',
      description:
        'An auditor proves the ledger unaltered: the complete export downloaded from the gateway (`GET /audit/export`, NDJSON, over loopback) ' +
        'and checked by `npm run ledger:verify` in its own process (every leaf hash recomputed, the Merkle root rebuilt and compared with ' +
        "the gateway's signed checkpoint, the checkpoint's signature checked with the ledger's public key).",
      ...runContext(server),
      summary: {
        headers: [
          'entries verified',
          'export s',
          'export MiB',
          'gateway RSS after export MiB (peak)',
          'verification s',
          'entries/s verified',
          'verifier peak RSS MiB',
          'result',
        ],
        rows: [
          [
            report.entries.toLocaleString('en-US'),
            String(exportSeconds),
            String(exportMiB),
            gatewayMemory ? `${gatewayMemory.rssMiB} (${gatewayMemory.peakMiB})` : '?',
            String(verifySeconds),
            perSecond.toLocaleString('en-US'),
            String(peak ?? '?'),
            `verified, root ${report.rootHash.slice(0, 12)}…, ${report.checkpoints.filter((c) => c.signatureVerified).length} signed checkpoint(s)`,
          ],
        ],
      },
      notes: [
        `Database \`${database}\`: the ledger was ${filled ? `topped up this run with ${filled.appended.toLocaleString('en-US')} entries in ${filled.seconds} s (LedgerWriter, batches of ${FILL_BATCH})` : 'already large enough (kept from an earlier run)'}; ` +
          `the export also holds the entries the gateway itself recorded (the export's own AUDIT_EXPORT entry). Verification time is the CLI's wall time, start to exit, including Node's start-up.`,
        measuredBuildNote(source),
      ],
      source,
      settings: { entries, fillBatch: FILL_BATCH, fillCallers: FILL_CALLERS },
      export: { seconds: exportSeconds, mib: exportMiB, gatewayMemory },
      verification: {
        seconds: verifySeconds,
        entriesPerSecond: perSecond,
        peakRssMiB: peak,
        entries: report.entries,
        treeSize: report.treeSize,
        checkpoints: report.checkpoints,
      },
      filled,
    });
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench:ledger-verify: ${(error as Error).message}`);
  process.exitCode = 1;
});
