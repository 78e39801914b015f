// What bench:cases and bench:applications share: their settings, a gateway per number of citizens
// over the families drawn from the records with the parents' consents, a check one by one before
// measuring, measured runs of virtual clerks (bench/cases/clerks.ts, each run with its own clerk
// tokens) each audited in the database afterwards, and the notes of their tables. Each benchmark
// says what its clerks do (a workflow), how it checks and audits, and how its table reads.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCliArgs } from '../../src/common/cli.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { stop } from '../exchange/children.js';
import { residentMemory, type CpuSplit } from '../exchange/cpu.js';
import { benchHallsFile, LOOKUPS_PER_MINUTE } from '../exchange/exchange-setup.js';
import {
  ATTEMPTS,
  FOREIGN_LIMIT,
  describeDatabaseActivity,
  foreignCores,
  freePort,
  gatewayLogSummary,
  ledgerEntryCount,
  measuredBuildNote,
  measureForked,
  prepareBenchDatabase,
  redactTokens,
  runContext,
  snapshotBuild,
  sourceState,
  startGateway,
  undisturbed,
  withBenchServer,
  withClient,
  type CpuContext,
  type DatabaseActivity,
  type DisturbedAttempt,
  type GatewayLogSummary,
} from '../harness.js';
import { writeResult } from '../results.js';
import type { GraphqlAnswer } from './case-answer.js';
import { clerkTokens, drawFamilies, ensureConsents, openBody, type Clerk, type Family } from './cases-setup.js';
import type { ClerksRequest, ClerksResult, ClerksWorkload } from './clerks.js';
import { incompleteCount } from './workflow.js';

export const VERIFY_COUNT = 50;
export const GATEWAY_LOG_LEVEL = 'warn';
const FRESH_WARMUP_SECONDS = 10;

export interface Settings {
  citizens: number[];
  seconds: number;
  warmup: number;
  clerks: number[];
  sample: number;
  reseed: boolean;
}

/** The usage of a clerk benchmark: its command, what one clerk does, and the flags both take. */
export function usageOf(command: string, clerksDo: string): string {
  return `usage: npm run ${command} -- [--citizens 10000,1000000] [--seconds 20] [--warmup 5]
                             [--clerks 8,16,32] [--sample 2000] [--reseed]

  --citizens N,...   seeded synthetic citizens, one database per size (onegate_bench_<size>, shared with bench:exchange)
  --seconds S        measured seconds of every run
  --warmup S         warm-up seconds before each measured period (the first run on a fresh gateway: at least ${FRESH_WARMUP_SECONDS})
  --clerks C,...     concurrent virtual clerks (one connection each), each ${clerksDo}, in a loop
  --sample N         families drawn from the records (a minor child whose birth certificate names both parents),
                     each with the parents' consents for the hall; the clerks rotate over them
  --reseed           seed even when the database already holds that many citizens

PostgreSQL: DATABASE_URL (a role that may create databases and roles), else the embedded server under DATA_DIR.
DATA_DIR defaults to .data/bench.`;
}

function parseSettings(argv: string[], usage: string): Settings | undefined {
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  const text = { type: 'string' } as const;
  const { values } = parseCliArgs(
    argv,
    { citizens: text, seconds: text, warmup: text, clerks: text, sample: text, reseed: { type: 'boolean' } },
    { fail: (m) => new Error(`${m}\n\n${usage}`), example: '--seconds 20' },
  );
  const list = (text: string) => text.split(',').map((s) => Number(s.trim()));
  const settings: Settings = {
    citizens: list(values.citizens ?? '10000,1000000'),
    seconds: Number(values.seconds ?? 20),
    warmup: Number(values.warmup ?? 5),
    clerks: list(values.clerks ?? '8,16,32'),
    sample: Number(values.sample ?? 2000),
    reseed: values.reseed === true,
  };
  const problems: string[] = [];
  if (settings.citizens.some((n) => !Number.isInteger(n) || n < 1000 || n > 5_000_000)) problems.push('--citizens: whole numbers from 1000 to 5000000');
  if (!(settings.seconds >= 1)) problems.push('--seconds: at least 1');
  if (!(settings.warmup >= 0)) problems.push('--warmup: 0 or more');
  if (settings.clerks.some((n) => !Number.isInteger(n) || n < 1 || n > 500)) problems.push('--clerks: whole numbers from 1 to 500');
  if (!Number.isInteger(settings.sample) || settings.sample < 10 || settings.sample > 100_000) problems.push('--sample: a whole number from 10 to 100000');
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\n\n${usage}`);
  return settings;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One POST to /graphql with its status, text and parsed body (empty when not JSON). */
export async function post(url: string, body: string, authorization: string): Promise<{ status: number; text: string; body: GraphqlAnswer }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body });
  const text = await response.text();
  let parsed: GraphqlAnswer = {};
  try {
    parsed = JSON.parse(text) as GraphqlAnswer;
  } catch {
    // reported by the caller
  }
  return { status: response.status, text, body: parsed };
}

export interface Run<Audit> extends ClerksResult {
  cpu: CpuSplit;
  database: DatabaseActivity;
  audit: Audit;
  gatewayInstructionsPerUnit?: number;
}

export interface SizeResult<Audit, Verified> {
  citizens: number;
  database: string;
  residents: number;
  seeded: { seconds: number; rows: Record<string, number> } | null;
  ledgerEntriesBefore: number;
  ledgerEntriesAfter: number;
  sample: { families: number; eligible: number; provinces: number };
  consents: { granted: number; reused: number; seconds: number };
  verified: Verified & { count: number };
  gatewayStartMs: number;
  gatewayMemory: { rssMiB: number; peakMiB: number } | null;
  gatewayWarnLog: GatewayLogSummary | null;
  disturbedAttempts: DisturbedAttempt[];
  runs: Array<Run<Audit>>;
}

/** What one clerk benchmark is: its name, its unit of work, how it checks, drives and audits. */
export interface ClerkBench<Audit, Verified> {
  /** `cases`: the results file, the log prefix (bench:cases) and the tokens' prefix. */
  name: string;
  /** What one unit is called in the log (`case`, `application`). */
  unit: string;
  /** Before measuring: the first families' units one at a time, checked against the records and the ledger (throws when wrong). */
  verify(url: string, ownerUrl: string, clerks: Map<string, Clerk>, families: readonly Family[], prefix: string): Promise<Verified>;
  /** What the virtual clerks do for these families with these tokens. */
  workload(families: readonly Family[], clerks: Map<string, Clerk>): ClerksWorkload;
  /** What the database holds of the units made by the clerks whose `sub` starts with `prefix`. */
  audit(ownerUrl: string, prefix: string): Promise<Audit>;
  /** Why the audit does not account for what the gateway answered it made (`counts`, the workflow's counters; empty: it does). */
  auditProblems(audit: Audit, counts: Readonly<Record<string, number>>): string[];
  /** The audit in a few words, for the run's log line. */
  describeAudit(audit: Audit): string;
}

/** The warm-up of the next run against the gateway: longer for its first run. */
function warmupFor(first: boolean, settings: Settings): number {
  return first ? Math.max(settings.warmup, FRESH_WARMUP_SECONDS) : settings.warmup;
}

function stepsOf(run: ClerksResult): string {
  return Object.entries(run.stepLatencyMs)
    .map(([step, l]) => `${step} p50 ${l.p50} / p99 ${l.p99} ms`)
    .join(', ');
}

async function runSize<A, V>(bench: ClerkBench<A, V>, adminUrl: string, dataDir: string, citizens: number, settings: Settings): Promise<SizeResult<A, V>> {
  const log = (message: string) => console.log(`bench:${bench.name}: ${message}`);
  const { database, ownerUrl, logDir, env, config, db, residents, seeded } = await prepareBenchDatabase(log, adminUrl, dataDir, citizens, settings.reseed);
  await db.close();
  const ledgerEntriesBefore = await ledgerEntryCount(ownerUrl);
  const { families, eligible } = await drawFamilies(ownerUrl, settings.sample);
  if (families.length < VERIFY_COUNT) throw new Error(`${database} holds only ${families.length} newborn-registration families; seed more citizens`);
  const provinces = new Set(families.map((f) => f.province)).size;
  log(`${database}: ${families.length} families drawn (of ${eligible.toLocaleString('en-US')}) from ${provinces} provinces`);

  const port = await freePort();
  const gatewayEnv: NodeJS.ProcessEnv = {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    SEED_CITIZENS_ON_EMPTY: '0',
    EXCHANGE_LOOKUPS_PER_MINUTE: String(LOOKUPS_PER_MINUTE),
    LOG_LEVEL: GATEWAY_LOG_LEVEL,
    HALLS_FILE: benchHallsFile(),
  };
  const gateway = await startGateway(gatewayEnv, port, join(logDir, `gateway-${bench.name}-${citizens}.log`));
  const ctx: CpuContext = { ownerUrl, database };
  const disturbed: DisturbedAttempt[] = [];
  const runs: Array<Run<A>> = [];
  const tag = Date.now().toString(36);
  let logLength: number;
  let consents: SizeResult<A, V>['consents'];
  let verified: SizeResult<A, V>['verified'];
  let gatewayMemory: SizeResult<A, V>['gatewayMemory'];
  try {
    consents = await ensureConsents(gateway.url, ownerUrl, config, families);
    log(`${database}: parents' consents: ${consents.granted} granted through the API in ${consents.seconds} s, ${consents.reused} reused from earlier runs`);
    const prefix = `bench-${bench.name}-${tag}-verify-`;
    const checked = families.slice(0, VERIFY_COUNT);
    verified = { count: checked.length, ...(await bench.verify(gateway.url, ownerUrl, await clerkTokens(config, checked, prefix), checked, prefix)) };
    log(`${database}: verified ${verified.count} ${bench.unit}s one by one against the records and the ledger`);
    for (const [i, clerks] of settings.clerks.entries()) {
      const run = await undisturbed(log, `${database}: ${clerks} clerks`, disturbed, () =>
        // Each attempt its own clerks, so that an attempt measured again is not counted with the one before.
        measureRun(
          bench,
          ctx,
          gateway.child.pid,
          gateway.url,
          config,
          families,
          clerks,
          warmupFor(i === 0, settings),
          settings.seconds,
          `bench-${bench.name}-${tag}-c${clerks}-${Math.random().toString(36).slice(2, 8)}-`,
        ),
      );
      runs.push(run);
      const u = run.cpu.usage;
      log(
        `${database}: ${String(clerks).padStart(3)} clerks: ${run.completePerSecond} complete ${bench.unit}s/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms ` +
          `(${stepsOf(run)}); incomplete ${incompleteCount(run)}; audited: ${bench.describeAudit(run.audit)}; ` +
          `CPU cores: gateway ${u.gateway}, postgres ${u.postgres}, load ${u.loadGenerator}, idle ${u.idle}` +
          (run.gatewayInstructionsPerUnit ? `; gateway instructions per ${bench.unit} ${run.gatewayInstructionsPerUnit.toLocaleString('en')}` : '') +
          `; ${describeDatabaseActivity(run.database, run.units)}`,
      );
      if (incompleteCount(run) > 0 || run.warmup.incomplete > 0) log(`${database}: WARNING: incomplete ${bench.unit}s; first: ${run.firstError ?? '?'}`);
    }
    gatewayMemory = residentMemory(gateway.child.pid) ?? null;
  } finally {
    logLength = statSync(gateway.child.logFile!).size;
    await stop(gateway.child);
  }
  return {
    citizens,
    database,
    residents,
    seeded,
    ledgerEntriesBefore,
    ledgerEntriesAfter: await ledgerEntryCount(ownerUrl),
    sample: { families: families.length, eligible, provinces },
    consents,
    verified,
    gatewayStartMs: gateway.startMs,
    gatewayMemory,
    gatewayWarnLog: gatewayLogSummary(gateway.child.logFile!, logLength),
    disturbedAttempts: disturbed,
    runs,
  };
}

/** One measured run with fresh clerk tokens (`prefix`), then the audit of what it made: throws when it does not account for the answers. */
async function measureRun<A, V>(
  bench: ClerkBench<A, V>,
  ctx: CpuContext,
  gateway: number,
  url: string,
  config: AppConfig,
  families: readonly Family[],
  clerks: number,
  warmupSeconds: number,
  seconds: number,
  prefix: string,
): Promise<Run<A>> {
  const request: ClerksRequest = { url, clerks, warmupSeconds, seconds, ...bench.workload(families, await clerkTokens(config, families, prefix)) };
  const { result, cpu, gatewayInstructions, database } = await measureForked<ClerksRequest, ClerksResult>(ctx, { gateway }, 'bench/cases/clerks.js', request);
  const audit = await bench.audit(ctx.ownerUrl, prefix);
  const problems = bench.auditProblems(audit, result.counts);
  if (problems.length > 0) throw new Error(`${clerks} clerks: the ${bench.unit}s made are not all audited: ${problems.join('; ')}`);
  return {
    ...result,
    cpu,
    database,
    audit,
    ...(gatewayInstructions && result.units > 0 ? { gatewayInstructionsPerUnit: Math.round(gatewayInstructions / result.units) } : {}),
  };
}

/** The table cell of a run's incomplete units: 0, or how many by reason. */
export function incompleteCell(run: ClerksResult): string {
  const n = incompleteCount(run);
  if (n === 0 && run.warmup.incomplete === 0) return '0';
  const reasons = Object.entries(run.incomplete)
    .filter(([, k]) => k > 0)
    .map(([why, k]) => `${why} ${k}`)
    .join(' / ');
  return `**${n}**${reasons ? ` (${reasons})` : ''}${run.warmup.incomplete ? ` (+${run.warmup.incomplete} outside the period)` : ''}`;
}

/** The step columns of a run: `p50 / p99` of each step. */
export function stepCells(run: ClerksResult): string[] {
  return Object.values(run.stepLatencyMs).map((l) => `${l.p50} / ${l.p99}`);
}

/** A target (complete units per second at a p99) and, per number of citizens, whether a run met it. */
export function targetNotes<A, V>(
  sizes: Array<SizeResult<A, V>>,
  target: { perSecond: number; p99Ms: number },
  units: string,
): { notes: string[]; targets: Record<string, unknown> } {
  const clean = (r: ClerksResult) => incompleteCount(r) === 0 && r.warmup.incomplete === 0;
  const targets: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const size of sizes) {
    const passing = size.runs.filter((r) => clean(r) && r.completePerSecond >= target.perSecond && r.latencyMs.p99 <= target.p99Ms);
    const best = [...size.runs].filter(clean).sort((a, b) => b.completePerSecond - a.completePerSecond)[0];
    const withinP99 = [...size.runs].filter((r) => clean(r) && r.latencyMs.p99 <= target.p99Ms).sort((a, b) => b.completePerSecond - a.completePerSecond)[0];
    targets[`at${size.citizens}`] = {
      target: `>= ${target.perSecond} ${units}/s at p99 <= ${target.p99Ms} ms, ${size.citizens.toLocaleString('en-US')} citizens`,
      met: passing.length > 0,
      passingClerks: passing.map((r) => r.clerks),
    };
    notes.push(
      `Target ≥ ${target.perSecond} ${units}/s at p99 ≤ ${target.p99Ms} ms with ${size.citizens.toLocaleString('en-US')} citizens: ` +
        `**${passing.length > 0 ? `met (${passing.map((r) => `${r.clerks} clerks`).join(', ')})` : 'not met'}**` +
        (best ? `; most: ${best.completePerSecond}/s at p99 ${best.latencyMs.p99} ms with ${best.clerks} clerks` : '') +
        (withinP99 && withinP99 !== best ? `; most within p99 ${target.p99Ms} ms: ${withinP99.completePerSecond}/s with ${withinP99.clerks} clerks` : '') +
        '.',
    );
  }
  return { notes, targets };
}

/** The notes every clerk benchmark has under its table: disturbed periods, and per number of citizens its database, sample and gateway. */
export function sizeNotes<A, V>(sizes: Array<SizeResult<A, V>>, verifiedWhat: string): string[] {
  const notes: string[] = [];
  for (const size of sizes) {
    for (const run of size.runs) {
      const foreign = foreignCores(run.cpu);
      if (foreign > FOREIGN_LIMIT)
        notes.push(
          `⚠ ${size.citizens.toLocaleString('en-US')} citizens, ${run.clerks} clerks: other work used ${foreign} cores of the machine during the measured period (after ${ATTEMPTS} attempts); these figures are disturbed.`,
        );
    }
    if (size.disturbedAttempts.length > 0)
      notes.push(
        `${size.citizens.toLocaleString('en-US')} citizens: ${size.disturbedAttempts.length} measured period(s) discarded and measured again because other work used the machine ` +
          `(${size.disturbedAttempts.map((d) => `${d.what.replace(/^[^:]*: /, '')}: ${d.foreignCores} cores`).join('; ')}).`,
      );
    notes.push(
      `${size.citizens.toLocaleString('en-US')} citizens (database \`${size.database}\`, ${size.residents.toLocaleString('en-US')} residents, ` +
        `${size.seeded ? `seeded in ${size.seeded.seconds} s this run` : 'seeded earlier and reused'}; ledger ${size.ledgerEntriesBefore.toLocaleString('en-US')} entries ` +
        `at the start, ${size.ledgerEntriesAfter.toLocaleString('en-US')} at the end): ${size.sample.families.toLocaleString('en-US')} families drawn at random from ` +
        `${size.sample.eligible.toLocaleString('en-US')} (${size.sample.provinces} provinces); parents' consents ${size.consents.granted.toLocaleString('en-US')} granted ` +
        `through the API in ${size.consents.seconds} s, ${size.consents.reused.toLocaleString('en-US')} reused; ${size.verified.count} ${verifiedWhat} checked one by one against ` +
        `the records and the ledger before measuring; gateway ready in ${size.gatewayStartMs} ms, RSS ${size.gatewayMemory?.rssMiB ?? '?'} MiB after its runs ` +
        `(peak ${size.gatewayMemory?.peakMiB ?? '?'} MiB); it wrote ${size.gatewayWarnLog?.lines ?? '?'} log lines at LOG_LEVEL=${GATEWAY_LOG_LEVEL} while serving.`,
    );
  }
  return notes;
}

/** How every run is measured, for the last note: warm-up, measured seconds, the load generator, the CPU, disturbed periods. */
export function runsNote(settings: Settings, aUnit: string, latency: string): string {
  return (
    `Every run: ${settings.warmup} s warm-up (the first on a fresh gateway: ${Math.max(settings.warmup, FRESH_WARMUP_SECONDS)} s), ` +
    `then ${settings.seconds} s measured; the virtual clerks (bench/cases/clerks.ts: one keep-alive connection each) run in their own process. ${aUnit[0]!.toUpperCase()}${aUnit.slice(1)} counts ` +
    `in the period it ends in; latency is ${latency}. CPU in cores (2 = both cores of a 2-core machine) over the measured period. ` +
    `A measured period during which other work used more than ${FOREIGN_LIMIT} cores is discarded and measured again (at most ${ATTEMPTS} attempts).`
  );
}

/** The table, its notes and its targets, from the sizes measured. */
export type Summarize<A, V> = (
  sizes: Array<SizeResult<A, V>>,
  settings: Settings,
) => { headers: string[]; rows: string[][]; notes: string[]; targets: Record<string, unknown> };

/**
 * A clerk benchmark's command: its settings from `argv`, every number of citizens measured, the
 * result written (bench/results/<name>.json and its section of bench/README.md); exit code 1 when
 * a run had incomplete units.
 */
export async function runClerkBench<A, V>(
  argv: string[],
  bench: ClerkBench<A, V>,
  usage: string,
  describe: { description: string; settings: Record<string, unknown> },
  summarize: Summarize<A, V>,
): Promise<void> {
  const settings = parseSettings(argv, usage);
  if (!settings) {
    console.error(usage);
    return;
  }
  await withBenchServer(async (server) => {
    const { adminUrl, dataDir, config: baseConfig } = server;
    const source = sourceState(snapshotBuild());
    const sizes: Array<SizeResult<A, V>> = [];
    for (const citizens of settings.citizens) sizes.push(await runSize(bench, adminUrl, dataDir, citizens, settings));
    const { headers, rows, notes, targets } = summarize(sizes, settings);
    await writeResult(bench.name, {
      name: bench.name,
      description: describe.description,
      ...runContext(server),
      summary: { headers, rows },
      notes: [...notes, measuredBuildNote(source)],
      source,
      targets,
      settings: {
        ...settings,
        ...describe.settings,
        gateway: {
          LOG_LEVEL: GATEWAY_LOG_LEVEL,
          EXCHANGE_LOOKUPS_PER_MINUTE: LOOKUPS_PER_MINUTE,
          DB_POOL_SIZE: baseConfig.DB_POOL_SIZE,
          DEPARTMENT_POOL_SIZE: baseConfig.DEPARTMENT_POOL_SIZE,
          LEDGER_BATCH_MAX_ENTRIES: baseConfig.LEDGER_BATCH_MAX_ENTRIES,
          LEDGER_BATCH_WAIT_MS: baseConfig.LEDGER_BATCH_WAIT_MS,
        },
      },
      sizes,
    });
    if (sizes.some((s) => s.runs.some((r) => incompleteCount(r) > 0 || r.warmup.incomplete > 0))) {
      console.error(`bench:${bench.name}: some ${bench.unit}s were incomplete (see the table); those figures are flagged, not to be trusted`);
      process.exitCode = 1;
    }
  });
}

/** Runs a benchmark's main, its error as one line and exit code 1. */
export function main(name: string, work: () => Promise<void>): void {
  work().catch((error: unknown) => {
    console.error(`bench:${name}: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}

/** A run's row: citizens, clerks, complete units/s, p50, p99, then `cells`, then the CPU split. */
export function runRow<A, V>(size: SizeResult<A, V>, run: Run<A>, cells: string[]): string[] {
  const u = run.cpu.usage;
  return [
    size.citizens.toLocaleString('en-US'),
    String(run.clerks),
    String(run.completePerSecond),
    String(run.latencyMs.p50),
    String(run.latencyMs.p99),
    ...cells,
    `${u.gateway} / ${u.postgres} / ${u.loadGenerator} / ${u.idle}`,
  ];
}

/** How a unit's case is opened, for the notes (a clause ending in a comma). */
export const OPEN_CASE_NOTE =
  "`openCase` with CHILD, MOTHER and FATHER (the case number generated for the hall; each parent's relation to the child judged from the " +
  'birth and resident records, a RELATION_CHECK entry each),';

/** Where the consents come from and who opens the cases, for the notes. */
export const CONSENTS_NOTE =
  'The consents are found by the case: each parent granted NEWBORN_REGISTRATION for the hall and the mother granted it on the ' +
  "child's behalf, before the runs, through `grantConsent` as the citizens (ledger entries), and are reused by later runs while valid. Each family's case " +
  "is opened by a clerk of the child's province (the matter's jurisdiction), one benchmark hall per province.";

/** The families' names (resident records) and the children's birth hospitals (birth certificates), read directly, to check answers against. */
export async function familyRecords(ownerUrl: string, families: readonly Family[]): Promise<{ names: Map<string, string>; hospitals: Map<string, string> }> {
  return withClient(ownerUrl, async (client) => {
    const names = await client.query<{ id_number: string; name: string }>(
      'SELECT id_number, name FROM dept_public_security.resident WHERE id_number = ANY($1::text[])',
      [[...new Set(families.flatMap((f) => [f.child, f.mother, f.father]))]],
    );
    const births = await client.query<{ child_id_number: string; hospital: string }>(
      'SELECT child_id_number, hospital FROM dept_health.birth_certificate WHERE child_id_number = ANY($1::text[])',
      [families.map((f) => f.child)],
    );
    return {
      names: new Map(names.rows.map((r) => [r.id_number, r.name])),
      hospitals: new Map(births.rows.map((r) => [r.child_id_number, r.hospital])),
    };
  });
}

/** Fails a check before measuring: no figures are recorded. */
export type Fail = (what: string, text: string) => never;

/** A check's `fail` for the sampled family #i's unit (the answer shown without tokens). */
export function failFor(unit: string, i: number): Fail {
  return (what, text) => {
    throw new Error(`the ${unit} of sampled family #${i} is wrong: ${what}; no figures were recorded.\nresponse body: ${redactTokens(text.slice(0, 4000))}`);
  };
}

/** Opens the family's case, which must answer with both parents' relations proven: its id. */
export async function openVerifiedCase(url: string, family: Family, authorization: string, fail: Fail): Promise<string> {
  const opened = await post(url, openBody(family), authorization);
  const openCase = opened.body.data?.openCase as { id?: string; parties?: Array<{ role: string; relation: { status: string } | null }> } | undefined;
  if (opened.status !== 200 || opened.body.errors || !openCase?.id) fail('openCase was refused', opened.text);
  if (openCase.parties?.map((p) => `${p.role}:${p.relation?.status ?? '-'}`).join(' ') !== 'CHILD:- MOTHER:PROVEN FATHER:PROVEN')
    fail('the parents are not both proven from the records', opened.text);
  return openCase.id;
}

/** What the database holds of the cases one run's clerks opened (their tokens' `sub` starts with the run's prefix) and of their ledger entries. */
export interface CaseAudit {
  cases: number;
  parties: number;
  /** CASE_CHANGE entries of action OPEN, GRANTED. */
  openEntries: number;
  /** RELATION_CHECK entries, GRANTED (a relation proven). */
  relationEntries: number;
  /** DATA_ACCESS entries, GRANTED (a party's records read). */
  readEntries: number;
  /** The run's clerks' entries of any other kind (than these and `kinds`) or outcome, or naming no case of the run. */
  otherEntries: number;
}

/** The audit of the cases a run's clerks opened; entries of `kinds` (GRANTED, under the run's cases) are not counted as other. */
export async function auditCases(ownerUrl: string, prefix: string, kinds: readonly string[] = []): Promise<CaseAudit> {
  return withClient(ownerUrl, async (client) => {
    const { rows } = await client.query<CaseAudit>(
      `WITH made AS (SELECT id FROM onegate."case" WHERE opened_by LIKE $1 || '%'),
            entries AS (SELECT kind, outcome, detail FROM onegate.ledger_entry WHERE actor_kind = 'clerk' AND actor_id LIKE $1 || '%')
       SELECT (SELECT count(*)::int FROM made) AS cases,
              (SELECT count(*)::int FROM onegate.case_party p JOIN made ON p.case_id = made.id) AS parties,
              count(*) FILTER (WHERE kind = 'CASE_CHANGE' AND outcome = 'GRANTED' AND detail ->> 'action' = 'OPEN' AND in_case)::int AS "openEntries",
              count(*) FILTER (WHERE kind = 'RELATION_CHECK' AND outcome = 'GRANTED' AND in_case)::int AS "relationEntries",
              count(*) FILTER (WHERE kind = 'DATA_ACCESS' AND outcome = 'GRANTED' AND in_case)::int AS "readEntries",
              count(*) FILTER (WHERE NOT ((kind IN ('CASE_CHANGE', 'RELATION_CHECK', 'DATA_ACCESS') OR kind = ANY($2::text[])) AND outcome = 'GRANTED' AND in_case))::int AS "otherEntries"
         FROM (SELECT e.*, coalesce((e.detail ->> 'caseId') IN (SELECT id::text FROM made), false) AS in_case FROM entries e) e`,
      [prefix, kinds],
    );
    return rows[0]!;
  });
}

/**
 * Every case a run's answers say was made must be in the database with its three parties and be
 * audited: one OPEN entry and two relations proven. A case can be made whose answer was lost (a
 * timeout), so the database may hold more than was answered.
 */
export function caseAuditProblems(audit: CaseAudit, opened: number): string[] {
  const problems: string[] = [];
  if (audit.cases < opened) problems.push(`${opened} cases answered but ${audit.cases} in the database`);
  if (audit.parties !== 3 * audit.cases) problems.push(`${audit.cases} cases hold ${audit.parties} parties, not 3 each`);
  if (audit.openEntries !== audit.cases) problems.push(`${audit.cases} cases but ${audit.openEntries} CASE_CHANGE OPEN entries`);
  if (audit.relationEntries !== 2 * audit.cases)
    problems.push(`${audit.cases} cases but ${audit.relationEntries} RELATION_CHECK entries proving a relation, not 2 each`);
  return problems;
}
