// `npm run bench:exchange [-- --citizens 10000,1000000 --seconds 20 --warmup 5 --connections 16,24,32,64]`:
// a window clerk's house-transfer `citizen` query (person, household, marriage, properties, social
// insurance: four departments, social insurance through the reference department API over HTTP)
// from many concurrent clients (autocannon, in its own process), at each number of seeded citizens,
// against the same five lookups made directly with `pg` in one process (the floor). Everything runs
// on loopback as separate processes: PostgreSQL (DATABASE_URL; the embedded one when unset), the
// department API, the gateway, the load generator. Writes bench/results/exchange.json and the
// exchange table in bench/README.md.
//
// Each size has its own database, `onegate_bench_<size>`, kept between runs: it is seeded only when
// its resident count does not match (or with --reseed). State of the benchmark's gateway (dev keys,
// generated role password, logs, the connector file) is under DATA_DIR (default .data/bench).
//
// The peer (bench/peer/): at each size, once the gateway is verified, PostGraphile v5 serves the same
// department schemas through the same reader roles (no authorization, no audit), is verified against
// the floor's records, and the same load generator alternates onegate and PostGraphile runs (A B A B)
// at --peer-connections; the ratios onegate ÷ PostGraphile come from those paired runs.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCliArgs } from '../../src/common/cli.js';
import { DEPARTMENT_CODES, type DepartmentCode } from '../../src/common/departments.js';
import type { AppConfig } from '../../src/config/app-config.js';
import {
  ATTEMPTS,
  describeDatabaseActivity,
  FOREIGN_LIMIT,
  foreignCores,
  freePort,
  gatewayLogSummary,
  ledgerEntryCount,
  measuredBuildNote,
  runContext,
  withBenchServer,
  measureLoad,
  prepareBenchDatabase,
  otherDatabasePids,
  redactTokens,
  snapshotBuild,
  sourceState,
  startGateway,
  undisturbed,
  type CpuContext,
  type DisturbedAttempt,
  type MeasuredLoad,
} from '../harness.js';
import { writeResult } from '../results.js';
import { stop, type Child } from './children.js';
import { cpuSnapshot, cpuSplit, residentMemory, type CpuSnapshot, type CpuSplit } from './cpu.js';
import { exchangeCharts } from './exchange-charts.js';
import { LOOKUPS_PER_MINUTE, MATTER, QUERY, gatewayEnv, prepareSample, requestBody, startDepartmentApi, type SampleEntry } from './exchange-setup.js';
import { Floor, LOOKUPS, type FloorResult } from './floor.js';
import type { LoadResult } from './load.js';
import {
  peerInstallation,
  peerRatios,
  peerRequestBody,
  peerSettings,
  startPeer,
  verifyPeer,
  type PeerInstallation,
  type PeerRatios,
  type PeerRun,
  type PeerVerification,
} from '../peer/peer.js';

const USAGE = `usage: npm run bench:exchange -- [--citizens 10000,1000000] [--seconds 20] [--warmup 5]
                               [--connections 16,24,32,64] [--sample 5000] [--info-connections 32]
                               [--peer-connections 32] [--rate R] [--reseed]

  --citizens N,...         seeded synthetic citizens, one database per size (onegate_bench_<size>)
  --seconds S              measured seconds of every run (gateway and floor)
  --warmup S               warm-up seconds before each measured period
  --connections C,...      concurrent HTTP connections (gateway) = concurrent callers (floor)
  --sample N               citizens looked up, drawn at random from the whole population, each with a consent grant
  --info-connections C     also measure the gateway once at LOG_LEVEL=info with C connections (0: don't)
  --peer-connections C     side by side with PostGraphile v5 (bench/peer/, installed on demand): runs onegate,
                           PostGraphile, onegate, PostGraphile with C connections at each size (0: don't);
                           default the middle of --connections
  --rate R                 offer the gateway R requests per second in all (open loop) instead of as many as
                           it answers: with BENCH_CALLGRIND or BENCH_PERF, two builds then do the same work per
                           second and their instructions per request compare without the batching a faster
                           build gets (the floor and the side-by-side runs with the peer are not affected)
  --reseed                 seed even when the database already holds that many citizens

PostgreSQL: DATABASE_URL (a role that may create databases and roles), else the embedded server under DATA_DIR.
DATA_DIR defaults to .data/bench.`;

const VERIFY_COUNT = 200;
const GATEWAY_LOG_LEVEL = 'warn';

interface Settings {
  citizens: number[];
  seconds: number;
  warmup: number;
  connections: number[];
  sample: number;
  infoConnections: number;
  peerConnections: number;
  /** Requests per second offered to the gateway (open loop); absent: closed loop. */
  rate?: number;
  reseed: boolean;
}

function parseSettings(argv: string[]): Settings | undefined {
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  const text = { type: 'string' } as const;
  const { values } = parseCliArgs(
    argv,
    {
      citizens: text,
      seconds: text,
      warmup: text,
      connections: text,
      sample: text,
      'info-connections': text,
      'peer-connections': text,
      rate: text,
      reseed: { type: 'boolean' },
    },
    { fail: (m) => new Error(`${m}\n\n${USAGE}`), example: '--seconds 20' },
  );
  const list = (text: string) => text.split(',').map((s) => Number(s.trim()));
  const connections = list(values.connections ?? '16,24,32,64');
  const settings: Settings = {
    citizens: list(values.citizens ?? '10000,1000000'),
    seconds: Number(values.seconds ?? 20),
    warmup: Number(values.warmup ?? 5),
    connections,
    sample: Number(values.sample ?? 5000),
    infoConnections: Number(values['info-connections'] ?? connections[Math.floor(connections.length / 2)]),
    peerConnections: Number(values['peer-connections'] ?? connections[Math.floor(connections.length / 2)]),
    ...(values.rate !== undefined ? { rate: Number(values.rate) } : {}),
    reseed: values.reseed === true,
  };
  const problems: string[] = [];
  if (settings.rate !== undefined && !(settings.rate > 0)) problems.push('--rate: more than 0 requests per second');
  if (settings.citizens.some((n) => !Number.isInteger(n) || n < 1 || n > 5_000_000)) problems.push('--citizens: whole numbers from 1 to 5000000');
  if (!(settings.seconds >= 1)) problems.push('--seconds: at least 1');
  if (!(settings.warmup >= 0)) problems.push('--warmup: 0 or more');
  if (settings.connections.some((n) => !Number.isInteger(n) || n < 1 || n > 1000)) problems.push('--connections: whole numbers from 1 to 1000');
  if (!Number.isInteger(settings.sample) || settings.sample < 1 || settings.sample > 1_000_000) problems.push('--sample: a whole number from 1 to 1000000');
  if (!Number.isInteger(settings.infoConnections) || settings.infoConnections < 0 || settings.infoConnections > 1000)
    problems.push('--info-connections: a whole number from 0 to 1000');
  if (!Number.isInteger(settings.peerConnections) || settings.peerConnections < 0 || settings.peerConnections > 1000)
    problems.push('--peer-connections: a whole number from 0 to 1000');
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\n\n${USAGE}`);
  return settings;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const log = (message: string) => console.log(`bench:exchange: ${message}`);

interface GraphqlAnswer {
  data?: { citizen?: Record<string, unknown> | null };
  errors?: unknown[];
}

async function ask(url: string, entry: SampleEntry): Promise<{ status: number; text: string; body: GraphqlAnswer }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: entry.clerk.authorization },
    body: requestBody(entry),
  });
  const text = await response.text();
  let body: GraphqlAnswer = {};
  try {
    body = JSON.parse(text) as GraphqlAnswer;
  } catch {
    // reported below
  }
  return { status: response.status, text, body };
}

/** What one field of the gateway's answer must be, given the records the floor read for it. */
function fieldMismatch(field: string, value: unknown, records: Array<Record<string, unknown>>): string | null {
  const key: Record<string, string> = {
    person: 'name',
    household: 'householdNumber',
    marriage: 'certificateNumber',
    properties: 'certificateNumber',
    socialInsurance: 'accountNumber',
  };
  const k = key[field]!;
  if (field === 'properties') {
    if (!Array.isArray(value)) return `${field} is ${JSON.stringify(value)}, expected a list`;
    const got = (value as Array<Record<string, unknown>>).map((p) => String(p[k])).sort();
    const want = records.map((r) => String(r[k])).sort();
    return JSON.stringify(got) === JSON.stringify(want) ? null : `${field}: ${got.length} properties, the source holds ${want.length}`;
  }
  if (records.length === 0) return value === null ? null : `${field} is not null but the source holds no record`;
  if (value === null || typeof value !== 'object') return `${field} is null but the source holds a record`;
  return (value as Record<string, unknown>)[k] === records[0]![k] ? null : `${field}.${k} differs from the source`;
}

/**
 * Before measuring: the first sampled citizens, through the gateway one at a time, must come back
 * without errors and with exactly the records the departments hold; and at least one citizen with
 * all five items must come back with all five fields non-null.
 */
async function verify(url: string, sample: SampleEntry[], floor: Floor): Promise<{ checked: number; withAllFive: number }> {
  let withAllFive = 0;
  let checked = 0;
  const check = async (entry: SampleEntry) => {
    const [answer, records] = await Promise.all([ask(url, entry), floor.lookup(entry.idNumber)]);
    const citizen = answer.body.data?.citizen;
    const problems: string[] = [];
    if (answer.status !== 200) problems.push(`HTTP ${answer.status}`);
    if (answer.body.errors) problems.push('the answer has errors');
    if (!citizen) problems.push('data.citizen is missing');
    else
      for (const { field } of LOOKUPS) {
        const mismatch = fieldMismatch(field, citizen[field] ?? null, records[field] as Array<Record<string, unknown>>);
        if (mismatch) problems.push(mismatch);
      }
    if (problems.length > 0) {
      throw new Error(
        `the gateway's answer for sampled citizen #${sample.indexOf(entry)} is wrong (${problems.join('; ')}); no figures were recorded.\n` +
          `response body: ${redactTokens(answer.text.slice(0, 4000))}`,
      );
    }
    checked++;
    const allFive = LOOKUPS.every(({ field }) => (records[field] ?? []).length > 0);
    if (allFive) withAllFive++;
    return allFive;
  };
  for (const entry of sample.slice(0, VERIFY_COUNT)) await check(entry);
  if (withAllFive === 0) {
    // Look further for someone who has all five, so a field that is always null cannot pass.
    for (const entry of sample.slice(VERIFY_COUNT)) {
      const records = await floor.lookup(entry.idNumber);
      if (LOOKUPS.every(({ field }) => (records[field] ?? []).length > 0)) {
        await check(entry);
        break;
      }
    }
  }
  if (withAllFive === 0) throw new Error('no sampled citizen has all five records, so the answer could not be checked field by field; take a larger --sample');
  return { checked, withAllFive };
}

/** A freshly started server (gateway or peer) still compiles its hot paths and fills its pools: its first run warms up this long at least. */
const FRESH_WARMUP_SECONDS = 10;
const warmedUp = new Set<number>();

/** The warm-up of the next run against the process `pid`: longer for its first run. */
function warmupFor(pid: number, settings: Settings): number {
  const first = !warmedUp.has(pid);
  warmedUp.add(pid);
  return first ? Math.max(settings.warmup, FRESH_WARMUP_SECONDS) : settings.warmup;
}

/** One load run against the gateway, in a fresh load-generator process, with the CPU split of its measured period (`peer`: the peer's process, named in it too). */
function loadRun(
  ctx: CpuContext,
  gateway: Child,
  api: Child,
  url: string,
  sample: SampleEntry[],
  connections: number,
  settings: Settings,
  peer?: Child,
): Promise<MeasuredLoad> {
  return measureLoad(
    ctx,
    { gateway: gateway.pid, departmentApi: api.pid, ...(peer ? { peer: peer.pid } : {}) },
    {
      url,
      connections,
      warmupSeconds: warmupFor(gateway.pid, settings),
      seconds: settings.seconds,
      requests: sample.map((entry) => ({ body: requestBody(entry), authorization: entry.clerk.authorization })),
      ...(settings.rate !== undefined && !peer ? { rate: settings.rate } : {}),
    },
  );
}

interface GatewayRun extends MeasuredLoad {
  logLevel: string;
}

interface FloorRun extends FloorResult {
  cpu: CpuSplit;
}

interface SizeResult {
  citizens: number;
  database: string;
  residents: number;
  seeded: { seconds: number; rows: Record<string, number> } | null;
  ledgerEntriesBefore: number;
  sample: { size: number; provinces: number; verified: number; verifiedWithAllFive: number };
  gatewayStartMs: number;
  gatewayMemory: { rssMiB: number; peakMiB: number } | null;
  /** What the gateway wrote at LOG_LEVEL=warn (warnings and errors): lines until it was told to stop, the first of them, and lines while stopping. */
  gatewayWarnLog: { lines: number; first: string[]; linesWhileStopping: number } | null;
  /** Measured periods thrown away because other work used the machine meanwhile (each was measured again). */
  disturbedAttempts: DisturbedAttempt[];
  gateway: GatewayRun[];
  floor: FloorRun[];
  /** Side by side with PostGraphile (null with --peer-connections 0). */
  peer: PeerComparison | null;
}

interface PeerComparison {
  connections: number;
  /** PostGraphile's version and the Node.js it ran under. */
  postgraphile: string;
  node: string;
  startMs: number;
  memory: { rssMiB: number; peakMiB: number } | null;
  verified: PeerVerification;
  /** In the order run: onegate, PostGraphile, onegate, PostGraphile. */
  runs: PeerRun[];
  ratios: PeerRatios;
}

/**
 * PostGraphile beside the running gateway: started, verified against the floor's records, then the
 * same load generator alternates onegate and PostGraphile runs (A B A B) with the same connections,
 * warm-up and seconds; PostGraphile's requests carry no authorization. Every run's CPU split names
 * the gateway, the department API and the peer. The peer is stopped afterwards.
 */
async function comparePeer(
  peerInstall: PeerInstallation,
  db: { readerUrls: Record<DepartmentCode, string> },
  config: AppConfig,
  database: string,
  logDir: string,
  ctx: CpuContext,
  gateway: { child: Child; url: string },
  api: Child,
  sample: SampleEntry[],
  floor: Floor,
  settings: Settings,
  disturbed: DisturbedAttempt[],
): Promise<PeerComparison> {
  const c = settings.peerConnections;
  const peer = await startPeer(peerInstall, db.readerUrls, config.DEPARTMENT_POOL_SIZE, config.DEPARTMENT_TIMEOUT_MS * 2, join(logDir, `peer-${database}.log`));
  try {
    log(`${database}: PostGraphile ${peerInstall.postgraphileVersion} (Node ${peerInstall.nodeVersion}) ready in ${peer.startMs} ms`);
    const verified = await verifyPeer(
      peer.url,
      sample.map((s) => s.idNumber),
      floor,
      VERIFY_COUNT,
    );
    log(`${database}: verified ${verified.checked} PostGraphile answers against the sources (${verified.withAllFive} with all five records)`);
    const peerRequests = sample.map((entry) => ({ body: peerRequestBody(entry.idNumber) }));
    const runs: PeerRun[] = [];
    for (const [order, system] of (['onegate', 'postgraphile', 'onegate', 'postgraphile'] as const).entries()) {
      const what = `${database}: side by side ${order + 1}/4, ${system === 'onegate' ? 'onegate' : 'PostGraphile'}, ${c} connections`;
      const run = await undisturbed(log, what, disturbed, () =>
        system === 'onegate'
          ? loadRun(ctx, gateway.child, api, gateway.url, sample, c, settings, peer.child)
          : measureLoad(
              ctx,
              { gateway: gateway.child.pid, departmentApi: api.pid, peer: peer.child.pid },
              {
                url: peer.url,
                connections: c,
                warmupSeconds: warmupFor(peer.child.pid, settings),
                seconds: settings.seconds,
                requests: peerRequests,
              },
            ),
      );
      runs.push({ ...run, system, order: order + 1 });
      const u = run.cpu.usage;
      log(
        `${what}: ${run.okPerSecond} q/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms; non-2xx ${run.non2xx}, GraphQL errors ${run.graphqlErrors}, ` +
          `transport errors ${run.transportErrors}, bad warm-up answers ${run.warmupNotOk}; CPU cores: gateway ${u.gateway}, API ${u.departmentApi}, ` +
          `PostGraphile ${u.peer}, postgres ${u.postgres}, load ${u.loadGenerator}, idle ${u.idle}`,
      );
      if (notClean(run)) log(`${what}: WARNING: errors during the measured period; first: ${run.firstErrorBody ?? '(no body: transport error)'}`);
    }
    const ratios = peerRatios(runs);
    log(`${database}: onegate ÷ PostGraphile with ${c} connections: q/s ${ratios.okPerSecond}, p99 ${ratios.p99} (means of two runs each)`);
    return {
      connections: c,
      postgraphile: peerInstall.postgraphileVersion,
      node: peerInstall.nodeVersion,
      startMs: peer.startMs,
      memory: residentMemory(peer.child.pid) ?? null,
      verified,
      runs,
      ratios,
    };
  } finally {
    await stop(peer.child);
  }
}

async function runSize(adminUrl: string, dataDir: string, citizens: number, settings: Settings): Promise<SizeResult> {
  const { database, ownerUrl, logDir, env, config, db, residents, seeded } = await prepareBenchDatabase(log, adminUrl, dataDir, citizens, settings.reseed);
  const ledgerEntriesBefore = await ledgerEntryCount(ownerUrl);

  const sample = await prepareSample(ownerUrl, config, citizens, Math.min(settings.sample, residents));
  const provinces = new Set(sample.map((s) => s.clerk.province)).size;
  log(`${database}: sample of ${sample.length} citizens from ${provinces} provinces, each with a consent grant`);

  const floor = new Floor(db.readerUrls, config.DEPARTMENT_POOL_SIZE, config.DEPARTMENT_TIMEOUT_MS * 2);
  const ctx: CpuContext = { ownerUrl, database };
  const api = await startDepartmentApi(db.readerUrls.HUMAN_RESOURCES, dataDir, logDir);

  const peerInstall = settings.peerConnections > 0 ? await peerInstallation(log) : undefined;
  let peer: PeerComparison | null = null;
  const gatewayRuns: GatewayRun[] = [];
  const floorRuns: FloorRun[] = [];
  const disturbed: DisturbedAttempt[] = [];
  let gatewayStartMs = 0;
  let gatewayMemory: SizeResult['gatewayMemory'] = null;
  let gatewayWarnLog: SizeResult['gatewayWarnLog'] = null;
  let verified = { checked: 0, withAllFive: 0 };
  try {
    const levels: Array<{ logLevel: string; connections: number[] }> = [{ logLevel: GATEWAY_LOG_LEVEL, connections: settings.connections }];
    if (settings.infoConnections > 0) levels.push({ logLevel: 'info', connections: [settings.infoConnections] });
    for (const { logLevel, connections } of levels) {
      const port = await freePort();
      const gateway = await startGateway(gatewayEnv(env, api, port, logLevel), port, join(logDir, `gateway-${citizens}-${logLevel}.log`));
      let logLength = 0;
      try {
        if (logLevel === GATEWAY_LOG_LEVEL) {
          gatewayStartMs = gateway.startMs;
          verified = await verify(gateway.url, sample, floor);
          log(`${database}: verified ${verified.checked} answers against the sources (${verified.withAllFive} with all five records)`);
          if (peerInstall) peer = await comparePeer(peerInstall, db, config, database, logDir, ctx, gateway, api.child, sample, floor, settings, disturbed);
        }
        for (const c of connections) {
          const run = await undisturbed(log, `${database}: gateway, ${c} connections, LOG_LEVEL=${logLevel}`, disturbed, () =>
            loadRun(ctx, gateway.child, api.child, gateway.url, sample, c, settings),
          );
          gatewayRuns.push({ ...run, logLevel });
          const u = run.cpu.usage;
          log(
            `${database}: gateway (LOG_LEVEL=${logLevel}) ${String(c).padStart(3)} connections: ${run.okPerSecond} q/s, p50 ${run.latencyMs.p50} ms, ` +
              `p99 ${run.latencyMs.p99} ms; non-2xx ${run.non2xx}, GraphQL errors ${run.graphqlErrors}, transport errors ${run.transportErrors}, ` +
              `bad warm-up answers ${run.warmupNotOk}; ` +
              `CPU cores: gateway ${u.gateway}, postgres ${u.postgres}, API ${u.departmentApi}, load ${u.loadGenerator}, idle ${u.idle}` +
              (run.gatewayInstructionsPerRequest ? `; gateway instructions per request ${run.gatewayInstructionsPerRequest.toLocaleString('en')}` : '') +
              `; ${describeDatabaseActivity(run.database, run.responses)}`,
          );
          if (notClean(run)) {
            log(`${database}: WARNING: errors during the measured period; first: ${run.firstErrorBody ?? '(no body: transport error)'}`);
          }
        }
        if (logLevel === GATEWAY_LOG_LEVEL) gatewayMemory = residentMemory(gateway.child.pid) ?? null;
      } finally {
        logLength = statSync(gateway.child.logFile!).size;
        await stop(gateway.child);
      }
      if (logLevel === GATEWAY_LOG_LEVEL) gatewayWarnLog = gatewayLogSummary(gateway.child.logFile!, logLength);
    }
  } finally {
    await stop(api.child);
  }
  try {
    for (const c of settings.connections) {
      const run = await undisturbed(log, `${database}: floor, ${c} callers`, disturbed, async () => {
        let before: CpuSnapshot | undefined;
        let after: CpuSnapshot | undefined;
        const named = { floor: process.pid };
        const result = await floor.measure(
          sample.map((s) => s.idNumber),
          c,
          settings.warmup,
          settings.seconds,
          (started) => {
            if (started) before = cpuSnapshot(named);
            else after = cpuSnapshot(named);
          },
        );
        return { ...result, cpu: cpuSplit(before!, after!, await otherDatabasePids(ctx)) };
      });
      floorRuns.push(run);
      log(
        `${database}: floor (pg, one process) ${String(c).padStart(3)} callers: ${run.queriesPerSecond} q/s, p50 ${run.latencyMs.p50} ms, ` +
          `p99 ${run.latencyMs.p99} ms, errors ${run.errors}; CPU cores: floor ${run.cpu.usage.floor}, postgres ${run.cpu.usage.postgres}, idle ${run.cpu.usage.idle}`,
      );
    }
  } finally {
    await floor.close();
    await db.close();
  }
  return {
    citizens,
    database,
    residents,
    seeded,
    ledgerEntriesBefore,
    sample: { size: sample.length, provinces, verified: verified.checked, verifiedWithAllFive: verified.withAllFive },
    gatewayStartMs,
    gatewayMemory,
    gatewayWarnLog,
    disturbedAttempts: disturbed,
    gateway: gatewayRuns,
    floor: floorRuns,
    peer,
  };
}

function notClean(run: LoadResult): boolean {
  return run.non2xx + run.graphqlErrors + run.transportErrors + run.warmupNotOk > 0;
}

function errorsCell(run: LoadResult): string {
  if (!notClean(run)) return '0';
  return `**${run.non2xx} / ${run.graphqlErrors} / ${run.transportErrors}${run.warmupNotOk ? ` (+${run.warmupNotOk} in warm-up)` : ''}**`;
}

/**
 * The side-by-side comparison with PostGraphile: a table of the paired runs and the ratios at each
 * size, and the goal (onegate's throughput at least PostGraphile's: q/s ratio ≥ 1.0).
 */
function peerNotes(sizes: SizeResult[], targets: Record<string, unknown>): string[] {
  const compared = sizes.filter((s) => s.peer !== null);
  if (compared.length === 0) return [];
  const cell = (runs: PeerRun[], pick: (r: PeerRun) => number | string) => runs.map(pick).join(' / ');
  const lines = [
    '| citizens | connections | onegate q/s (runs 1, 3) | PostGraphile q/s (runs 2, 4) | q/s onegate ÷ PostGraphile | onegate p99 ms | PostGraphile p99 ms | p99 onegate ÷ PostGraphile | onegate p50 ms | PostGraphile p50 ms | errors (non-2xx / GraphQL / transport) | CPU cores onegate: gateway + API / postgres | CPU cores PostGraphile / postgres |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const size of compared) {
    const { runs, ratios, connections } = size.peer!;
    const a = runs.filter((r) => r.system === 'onegate');
    const b = runs.filter((r) => r.system === 'postgraphile');
    const meanCores = (rs: PeerRun[], pick: (r: PeerRun) => number) => round(rs.reduce((sum, r) => sum + pick(r), 0) / Math.max(1, rs.length));
    lines.push(
      `| ${[
        size.citizens.toLocaleString('en-US'),
        String(connections),
        cell(a, (r) => r.okPerSecond),
        cell(b, (r) => r.okPerSecond),
        `**${ratios.okPerSecond}**`,
        cell(a, (r) => r.latencyMs.p99),
        cell(b, (r) => r.latencyMs.p99),
        `**${ratios.p99}**`,
        cell(a, (r) => r.latencyMs.p50),
        cell(b, (r) => r.latencyMs.p50),
        runs.some(notClean) ? runs.map((r) => errorsCell(r)).join(' · ') : '0',
        `${meanCores(a, (r) => (r.cpu.usage.gateway ?? 0) + (r.cpu.usage.departmentApi ?? 0))} / ${meanCores(a, (r) => r.cpu.usage.postgres ?? 0)}`,
        `${meanCores(b, (r) => r.cpu.usage.peer ?? 0)} / ${meanCores(b, (r) => r.cpu.usage.postgres ?? 0)}`,
      ].join(' | ')} |`,
    );
  }
  const clean = compared.every((s) => s.peer!.runs.every((r) => !notClean(r)));
  const met = clean && compared.every((s) => s.peer!.ratios.okPerSecond >= 1);
  targets.peerThroughput = {
    target: 'onegate q/s ÷ PostGraphile q/s >= 1.0 at every size (means of the paired runs)',
    met,
    ratios: compared.map((s) => ({ citizens: s.citizens, connections: s.peer!.connections, okPerSecond: s.peer!.ratios.okPerSecond, p99: s.peer!.ratios.p99 })),
  };
  const first = compared[0]!.peer!;
  return [
    `Side by side with PostGraphile v5 (bench/peer/: postgraphile ${first.postgraphile} under Node ${first.node}, serving the same department schemas through the same read-only reader roles, ` +
      'one request per citizen for the same five items and fields, no authorization and no audit), measured by the same load generator in alternating runs: ' +
      'onegate, PostGraphile, onegate, PostGraphile, each with its own warm-up. The ratios divide the mean of the two onegate runs by the mean of the two PostGraphile runs ' +
      "(q/s: above 1 means onegate answers more; p99: below 1 means onegate's tail is shorter). onegate does per answer what PostGraphile does not: the token, consent and " +
      'access decision, record validation, the ledger entry (durable before the answer), and social insurance through the department API over HTTP with HMAC; ' +
      'PostGraphile reads insurance_account directly.',
    lines.join('\n'),
    `Goal: onegate's throughput at least PostGraphile's (q/s onegate ÷ PostGraphile ≥ 1.0) at every size: **${met ? 'met' : 'not met'}** (` +
      compared.map((s) => `${s.citizens.toLocaleString('en-US')} citizens, ${s.peer!.connections} connections: ${s.peer!.ratios.okPerSecond}`).join('; ') +
      (clean ? '' : '; some runs had errors') +
      '). ' +
      compared
        .map(
          (s) =>
            `${s.citizens.toLocaleString('en-US')} citizens: PostGraphile ready in ${s.peer!.startMs} ms, RSS ${s.peer!.memory?.rssMiB ?? '?'} MiB after its runs ` +
            `(peak ${s.peer!.memory?.peakMiB ?? '?'} MiB); ${s.peer!.verified.checked} of its answers checked field by field against the sources before measuring ` +
            `(${s.peer!.verified.withAllFive} with all five records, ${s.peer!.verified.familyHouseholds} in family households of two or more, ` +
            `${s.peer!.verified.collectiveHouseholds} in collective households, ${s.peer!.verified.coOwnedProperties} with a co-owned property).`,
        )
        .join(' '),
  ];
}

function summarize(sizes: SizeResult[], settings: Settings): { headers: string[]; rows: string[][]; notes: string[]; targets: Record<string, unknown> } {
  const headers = [
    'citizens',
    'connections',
    'gateway LOG_LEVEL',
    'onegate q/s',
    'p50 ms',
    'p99 ms',
    'errors (non-2xx / GraphQL / transport)',
    'floor q/s',
    'floor p50 ms',
    'floor p99 ms',
    'q/s onegate ÷ floor',
    'p50 onegate ÷ floor',
    'CPU cores: gateway / postgres / API / load',
  ];
  const rows: string[][] = [];
  for (const size of sizes) {
    for (const run of size.gateway) {
      const floor = size.floor.find((f) => f.connections === run.connections);
      const u = run.cpu.usage;
      rows.push([
        size.citizens.toLocaleString('en-US'),
        String(run.connections),
        run.logLevel,
        String(run.okPerSecond),
        String(run.latencyMs.p50),
        String(run.latencyMs.p99),
        errorsCell(run),
        floor ? String(floor.queriesPerSecond) : '',
        floor ? String(floor.latencyMs.p50) : '',
        floor ? String(floor.latencyMs.p99) : '',
        floor ? String(round(run.okPerSecond / Math.max(1, floor.queriesPerSecond))) : '',
        floor ? String(round(run.latencyMs.p50 / Math.max(0.01, floor.latencyMs.p50), 1)) : '',
        `${u.gateway} / ${u.postgres} / ${u.departmentApi} / ${u.loadGenerator}`,
      ]);
    }
  }

  const clean = (r: LoadResult) => !notClean(r);
  const notes: string[] = [];
  const targets: Record<string, unknown> = {};
  const small = sizes.find((s) => s.citizens === 10_000);
  if (small) {
    const warn = small.gateway.filter((r) => r.logLevel === GATEWAY_LOG_LEVEL);
    const passing = warn.filter((r) => clean(r) && r.okPerSecond >= 1500 && r.latencyMs.p99 <= 25);
    const best = [...warn].filter(clean).sort((a, b) => b.okPerSecond - a.okPerSecond)[0];
    targets.throughputAt10k = {
      target: '>= 1500 audited queries/s at p99 <= 25 ms, 10,000 citizens',
      met: passing.length > 0,
      passingConnections: passing.map((r) => r.connections),
    };
    notes.push(
      `Target ≥ 1,500 audited queries/s at p99 ≤ 25 ms with 10,000 citizens: **${passing.length > 0 ? `met (connections ${passing.map((r) => r.connections).join(', ')})` : 'not met'}**` +
        (best ? `; best: ${best.okPerSecond} q/s at p99 ${best.latencyMs.p99} ms with ${best.connections} connections.` : '.'),
    );
  }
  const large = sizes.find((s) => s.citizens === 1_000_000);
  if (small && large) {
    const ratios = settings.connections.map((c) => {
      const a = small.gateway.find((r) => r.connections === c && r.logLevel === GATEWAY_LOG_LEVEL);
      const b = large.gateway.find((r) => r.connections === c && r.logLevel === GATEWAY_LOG_LEVEL);
      return { connections: c, p50At10k: a?.latencyMs.p50, p50At1m: b?.latencyMs.p50, ratio: a && b ? round(b.latencyMs.p50 / a.latencyMs.p50) : null };
    });
    const met = ratios.every((r) => r.ratio !== null && r.ratio <= 1.2);
    targets.p50Scaling = { target: 'p50 at 1,000,000 citizens <= 1.2 x p50 at 10,000', met, ratios };
    notes.push(
      `Target p50 at 1,000,000 citizens within 1.2× of p50 at 10,000: **${met ? 'met' : 'not met'}** (` +
        ratios.map((r) => `${r.connections} connections: ${r.p50At1m} ÷ ${r.p50At10k} ms = ${r.ratio}×`).join('; ') +
        ').',
    );
  }
  notes.push(...peerNotes(sizes, targets));
  // Someone else's work on the machine shows as `other` (processes) or `postgresOtherDatabases`.
  for (const size of sizes) {
    const runs = [
      ...size.gateway.map((r) => ({ what: `gateway, ${r.connections} connections, LOG_LEVEL=${r.logLevel}`, cpu: r.cpu })),
      ...size.floor.map((r) => ({ what: `floor, ${r.connections} callers`, cpu: r.cpu })),
      ...(size.peer?.runs ?? []).map((r) => ({
        what: `side by side run ${r.order} (${r.system === 'onegate' ? 'onegate' : 'PostGraphile'}), ${r.connections} connections`,
        cpu: r.cpu,
      })),
    ];
    for (const { what, cpu } of runs) {
      const foreign = foreignCores(cpu);
      if (foreign > FOREIGN_LIMIT) {
        notes.push(
          `⚠ ${size.citizens.toLocaleString('en-US')} citizens, ${what}: other work used ${foreign} cores of the machine during the measured period (after ${ATTEMPTS} attempts); these figures are disturbed.`,
        );
      }
    }
    if (size.disturbedAttempts.length > 0) {
      notes.push(
        `${size.citizens.toLocaleString('en-US')} citizens: ${size.disturbedAttempts.length} measured period(s) discarded and measured again because other work used the machine ` +
          `(${size.disturbedAttempts.map((d) => `${d.what.replace(/^[^:]*: /, '')}: ${d.foreignCores} cores`).join('; ')}).`,
      );
    }
  }
  for (const size of sizes) {
    notes.push(
      `${size.citizens.toLocaleString('en-US')} citizens (database \`${size.database}\`, ${size.residents.toLocaleString('en-US')} residents, ` +
        `${size.seeded ? `seeded in ${size.seeded.seconds} s this run` : 'seeded earlier and reused'}; ` +
        `ledger held ${size.ledgerEntriesBefore.toLocaleString('en-US')} entries at the start): gateway ready in ${size.gatewayStartMs} ms, ` +
        `RSS ${size.gatewayMemory?.rssMiB ?? '?'} MiB after its runs (peak ${size.gatewayMemory?.peakMiB ?? '?'} MiB); ` +
        `${size.sample.verified} answers checked against the sources before measuring; ` +
        `the gateway wrote ${size.gatewayWarnLog?.lines ?? '?'} log lines at LOG_LEVEL=${GATEWAY_LOG_LEVEL} while serving ` +
        `(${size.gatewayWarnLog?.linesWhileStopping ?? '?'} more while stopping).`,
    );
  }
  notes.push(
    `Every run: ${settings.warmup} s warm-up (the first run on a freshly started gateway or PostGraphile: ${Math.max(settings.warmup, FRESH_WARMUP_SECONDS)} s), then ${settings.seconds} s measured; one autocannon process (pipelining 1) rotating over ` +
      `${sizes[0]?.sample.size ?? settings.sample} sampled citizens with consent grants, one clerk token per province (PROVINCE jurisdiction). ` +
      `q/s counts 2xx answers without GraphQL \`errors\` (every body is checked); latency is per request, measured by the load generator. ` +
      `The floor runs the gateway's own SQL (DatabaseConnector, pools of the gateway's size) for the same five items, the five concurrently, ` +
      `with as many concurrent callers as connections. CPU in cores (2 = both cores of a 2-core machine) over the measured period; ` +
      `postgres is every process of the server, so another client of the same database would show there. ` +
      `A measured period during which other work used more than ${FOREIGN_LIMIT} cores is discarded and measured again (at most ${ATTEMPTS} attempts).`,
  );
  return { headers, rows, notes, targets };
}

async function main(argv: string[]): Promise<void> {
  const settings = parseSettings(argv);
  if (!settings) {
    console.error(USAGE);
    return;
  }
  await withBenchServer(async (server) => {
    const { adminUrl, dataDir, config: baseConfig } = server;
    const source = sourceState(snapshotBuild());
    const sizes: SizeResult[] = [];
    for (const citizens of settings.citizens) sizes.push(await runSize(adminUrl, dataDir, citizens, settings));
    const { headers, rows, notes, targets } = summarize(sizes, settings);
    await writeResult(
      'exchange',
      {
        name: 'exchange',
        description:
          "A clerk's house-transfer `citizen` query (person, household, marriage, properties, social insurance: four departments, social insurance " +
          'through the reference department API over HTTP with HMAC) from concurrent HTTP clients, each answer audited in the ledger, ' +
          'against the same five lookups made directly with `pg` in one process (the floor). Gateway, department API, load generator and ' +
          'PostgreSQL are separate processes on one machine.',
        ...runContext(server),
        summary: { headers, rows },
        notes: [...notes, measuredBuildNote(source)],
        source,
        targets,
        settings: {
          ...settings,
          query: QUERY,
          matter: MATTER,
          gateway: {
            LOG_LEVEL: GATEWAY_LOG_LEVEL,
            EXCHANGE_LOOKUPS_PER_MINUTE: LOOKUPS_PER_MINUTE,
            DB_POOL_SIZE: baseConfig.DB_POOL_SIZE,
            DEPARTMENT_POOL_SIZE: baseConfig.DEPARTMENT_POOL_SIZE,
            DEPARTMENT_MAX_CONCURRENT: baseConfig.DEPARTMENT_MAX_CONCURRENT,
            LEDGER_BATCH_MAX_ENTRIES: baseConfig.LEDGER_BATCH_MAX_ENTRIES,
            LEDGER_BATCH_WAIT_MS: baseConfig.LEDGER_BATCH_WAIT_MS,
            LEDGER_CHECKPOINT_INTERVAL_SECONDS: baseConfig.LEDGER_CHECKPOINT_INTERVAL_SECONDS,
          },
          departments: { httpConnector: ['HUMAN_RESOURCES'], database: DEPARTMENT_CODES.filter((d) => d !== 'HUMAN_RESOURCES') },
          peer:
            settings.peerConnections > 0
              ? peerSettings(await peerInstallation(log), baseConfig.DEPARTMENT_POOL_SIZE, baseConfig.DEPARTMENT_TIMEOUT_MS * 2)
              : null,
        },
        sizes,
      },
      exchangeCharts(sizes, GATEWAY_LOG_LEVEL),
    );
    const failed = sizes.some((s) => s.gateway.some(notClean) || (s.peer?.runs ?? []).some(notClean));
    if (failed) {
      console.error('bench:exchange: some runs had errors (see the table); their figures are flagged, not to be trusted');
      process.exitCode = 1;
    }
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench:exchange: ${(error as Error).message}`);
  process.exitCode = 1;
});
