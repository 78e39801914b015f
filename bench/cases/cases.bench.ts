// `npm run bench:cases [-- --citizens 10000,1000000 --seconds 20 --warmup 5 --clerks 8,16,32 --sample 2000]`:
// a clerk's complete newborn-registration case. The clerk opens a NEWBORN_REGISTRATION case with
// three parties (CHILD, MOTHER, FATHER; both parents' relation to the child judged from the records,
// RELATION_CHECK entries), the parents' consents for the hall (each parent's own and the mother's on
// the child's behalf) are found by the case, and one request reads every party's records under the
// case (one audited DATA_ACCESS entry per party). Complete cases per second and the latency of a
// complete case (p50/p99), from virtual clerks in their own process (bench/cases/clerks.ts) against
// the gateway and PostgreSQL as separate processes on loopback, at each number of seeded citizens,
// in the databases bench:exchange keeps (`onegate_bench_<size>`). After every run the cases and
// the ledger entries that run made are counted: every case answered must be there, audited.
// Writes bench/results/cases.json and the cases table in bench/README.md.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCliArgs } from '../../src/common/cli.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { stop, type Child } from '../exchange/children.js';
import { residentMemory, type CpuSplit } from '../exchange/cpu.js';
import { benchHallsFile, LOOKUPS_PER_MINUTE } from '../exchange/exchange-setup.js';
import {
  ATTEMPTS,
  FOREIGN_LIMIT,
  foreignCores,
  freePort,
  ledgerEntryCount,
  measuredBuildNote,
  describeDatabaseActivity,
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
} from '../harness.js';
import { writeResult } from '../results.js';
import { checkRead, type GraphqlAnswer } from './case-answer.js';
import {
  CASE_ID_PLACEHOLDER,
  MATTER,
  OPEN_MUTATION,
  PARTY_READS,
  READ_QUERY,
  clerkTokens,
  drawFamilies,
  ensureConsents,
  openBody,
  readBody,
  type Family,
} from './cases-setup.js';
import type { ClerksRequest, ClerksResult } from './clerks.js';

const USAGE = `usage: npm run bench:cases -- [--citizens 10000,1000000] [--seconds 20] [--warmup 5]
                             [--clerks 8,16,32] [--sample 2000] [--reseed]

  --citizens N,...   seeded synthetic citizens, one database per size (onegate_bench_<size>, shared with bench:exchange)
  --seconds S        measured seconds of every run
  --warmup S         warm-up seconds before each measured period (the first run on a fresh gateway: at least 10)
  --clerks C,...     concurrent virtual clerks (one connection each), each opening a case and reading it, in a loop
  --sample N         families drawn from the records (a minor child whose birth certificate names both parents),
                     each with the parents' consents for the hall; the cases rotate over them
  --reseed           seed even when the database already holds that many citizens

PostgreSQL: DATABASE_URL (a role that may create databases and roles), else the embedded server under DATA_DIR.
DATA_DIR defaults to .data/bench.`;

const VERIFY_COUNT = 50;
const GATEWAY_LOG_LEVEL = 'warn';
const FRESH_WARMUP_SECONDS = 10;
/** Target (issue 23): complete cases per second at a p99 of at most this many ms. */
const TARGET = { perSecond: 400, p99Ms: 100 };

interface Settings {
  citizens: number[];
  seconds: number;
  warmup: number;
  clerks: number[];
  sample: number;
  reseed: boolean;
}

function parseSettings(argv: string[]): Settings | undefined {
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  const text = { type: 'string' } as const;
  const { values } = parseCliArgs(
    argv,
    { citizens: text, seconds: text, warmup: text, clerks: text, sample: text, reseed: { type: 'boolean' } },
    { fail: (m) => new Error(`${m}\n\n${USAGE}`), example: '--seconds 20' },
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
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\n\n${USAGE}`);
  return settings;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const log = (message: string) => console.log(`bench:cases: ${message}`);

/** What the database holds of the cases one run's clerks opened (their tokens' `sub` starts with the run's prefix) and of their ledger entries. */
interface Audit {
  cases: number;
  parties: number;
  /** CASE_CHANGE entries of action OPEN, GRANTED. */
  openEntries: number;
  /** RELATION_CHECK entries, GRANTED (a relation proven). */
  relationEntries: number;
  /** DATA_ACCESS entries, GRANTED (a party's records read). */
  readEntries: number;
  /** The run's clerks' entries of any other kind or outcome, or naming no case of the run. */
  otherEntries: number;
}

async function auditRun(ownerUrl: string, prefix: string): Promise<Audit> {
  return withClient(ownerUrl, async (client) => {
    const { rows } = await client.query<Audit>(
      `WITH made AS (SELECT id FROM onegate."case" WHERE opened_by LIKE $1 || '%'),
            entries AS (SELECT kind, outcome, detail FROM onegate.ledger_entry WHERE actor_kind = 'clerk' AND actor_id LIKE $1 || '%')
       SELECT (SELECT count(*)::int FROM made) AS cases,
              (SELECT count(*)::int FROM onegate.case_party p JOIN made ON p.case_id = made.id) AS parties,
              count(*) FILTER (WHERE kind = 'CASE_CHANGE' AND outcome = 'GRANTED' AND detail ->> 'action' = 'OPEN' AND in_case)::int AS "openEntries",
              count(*) FILTER (WHERE kind = 'RELATION_CHECK' AND outcome = 'GRANTED' AND in_case)::int AS "relationEntries",
              count(*) FILTER (WHERE kind = 'DATA_ACCESS' AND outcome = 'GRANTED' AND in_case)::int AS "readEntries",
              count(*) FILTER (WHERE NOT (kind IN ('CASE_CHANGE', 'RELATION_CHECK', 'DATA_ACCESS') AND outcome = 'GRANTED' AND in_case))::int AS "otherEntries"
         FROM (SELECT e.*, coalesce((e.detail ->> 'caseId') IN (SELECT id::text FROM made), false) AS in_case FROM entries e) e`,
      [prefix],
    );
    return rows[0]!;
  });
}

/**
 * Every case a run's answers say was made must be in the database with its three parties and be
 * audited: one OPEN entry, two relations proven, and three reads for every complete read. A case
 * can be made whose answer was lost (a timeout), so the database may hold more than was answered.
 */
function auditProblems(audit: Audit, opened: number, readComplete: number): string[] {
  const problems: string[] = [];
  if (audit.cases < opened) problems.push(`${opened} cases answered but ${audit.cases} in the database`);
  if (audit.parties !== 3 * audit.cases) problems.push(`${audit.cases} cases hold ${audit.parties} parties, not 3 each`);
  if (audit.openEntries !== audit.cases) problems.push(`${audit.cases} cases but ${audit.openEntries} CASE_CHANGE OPEN entries`);
  if (audit.relationEntries !== 2 * audit.cases)
    problems.push(`${audit.cases} cases but ${audit.relationEntries} RELATION_CHECK entries proving a relation, not 2 each`);
  if (audit.readEntries < 3 * readComplete) problems.push(`${readComplete} complete reads but ${audit.readEntries} DATA_ACCESS entries, fewer than 3 each`);
  return problems;
}

interface Run extends ClerksResult {
  cpu: CpuSplit;
  database: DatabaseActivity;
  audit: Audit;
  gatewayInstructionsPerCase?: number;
}

interface SizeResult {
  citizens: number;
  database: string;
  residents: number;
  seeded: { seconds: number; rows: Record<string, number> } | null;
  ledgerEntriesBefore: number;
  ledgerEntriesAfter: number;
  sample: { families: number; eligible: number; provinces: number };
  consents: { granted: number; reused: number; seconds: number };
  verified: { cases: number; audit: Audit };
  gatewayStartMs: number;
  gatewayMemory: { rssMiB: number; peakMiB: number } | null;
  gatewayWarnLog: { lines: number; first: string[]; linesWhileStopping: number } | null;
  disturbedAttempts: DisturbedAttempt[];
  runs: Run[];
}

async function post(url: string, body: string, authorization: string): Promise<{ status: number; text: string; body: GraphqlAnswer }> {
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

/**
 * Before measuring: the first families' cases, one at a time, must open with both relations
 * proven, read complete, and answer the names and the birth hospital the departments hold; and the
 * ledger must hold exactly their entries (one OPEN, two relations proven, three reads each).
 */
async function verify(url: string, ownerUrl: string, config: AppConfig, families: readonly Family[], prefix: string): Promise<SizeResult['verified']> {
  const checked = families.slice(0, VERIFY_COUNT);
  const clerks = await clerkTokens(config, checked, prefix);
  const ids = [...new Set(checked.flatMap((f) => [f.child, f.mother, f.father]))];
  const sources = await withClient(ownerUrl, async (client) => {
    const names = await client.query<{ id_number: string; name: string }>(
      'SELECT id_number, name FROM dept_public_security.resident WHERE id_number = ANY($1::text[])',
      [ids],
    );
    const births = await client.query<{ child_id_number: string; hospital: string }>(
      'SELECT child_id_number, hospital FROM dept_health.birth_certificate WHERE child_id_number = ANY($1::text[])',
      [checked.map((f) => f.child)],
    );
    return {
      names: new Map(names.rows.map((r) => [r.id_number, r.name])),
      hospitals: new Map(births.rows.map((r) => [r.child_id_number, r.hospital])),
    };
  });
  for (const [i, family] of checked.entries()) {
    const authorization = clerks.get(family.province)!.authorization;
    const fail = (what: string, text: string) => {
      throw new Error(`the case of sampled family #${i} is wrong: ${what}; no figures were recorded.\nresponse body: ${redactTokens(text.slice(0, 4000))}`);
    };
    const opened = await post(url, openBody(family), authorization);
    const openCase = opened.body.data?.openCase as { id?: string; parties?: Array<{ role: string; relation: { status: string } | null }> } | undefined;
    if (opened.status !== 200 || opened.body.errors || !openCase?.id) fail('openCase was refused', opened.text);
    if (openCase!.parties?.map((p) => `${p.role}:${p.relation?.status ?? '-'}`).join(' ') !== 'CHILD:- MOTHER:PROVEN FATHER:PROVEN')
      fail('the parents are not both proven from the records', opened.text);
    const read = await post(url, readBody(family).replace(CASE_ID_PLACEHOLDER, openCase!.id!), authorization);
    if (read.status !== 200 || read.body.errors) fail('the read has errors', read.text);
    const incomplete = checkRead(read.body, PARTY_READS);
    if (incomplete) fail(incomplete, read.text);
    const data = read.body.data as Record<string, { person: { name: string }; birth?: { hospital: string } }>;
    for (const [alias, id] of [
      ['child', family.child],
      ['mother', family.mother],
      ['father', family.father],
    ] as const) {
      if (data[alias]!.person.name !== sources.names.get(id)) fail(`${alias}'s name differs from the resident record`, read.text);
    }
    if (data.child!.birth!.hospital !== sources.hospitals.get(family.child)) fail("the child's birth hospital differs from the birth certificate", read.text);
  }
  const audit = await auditRun(ownerUrl, prefix);
  const n = checked.length;
  if (audit.cases !== n || audit.openEntries !== n || audit.relationEntries !== 2 * n || audit.readEntries !== 3 * n || audit.otherEntries !== 0) {
    throw new Error(`the ledger does not hold exactly the verified cases' entries (${n} cases): ${JSON.stringify(audit)}; no figures were recorded`);
  }
  return { cases: n, audit };
}

/** The warm-up of the next run against the gateway: longer for its first run. */
function warmupFor(first: boolean, settings: Settings): number {
  return first ? Math.max(settings.warmup, FRESH_WARMUP_SECONDS) : settings.warmup;
}

async function runSize(adminUrl: string, dataDir: string, citizens: number, settings: Settings): Promise<SizeResult> {
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
  const gateway = await startGateway(gatewayEnv, port, join(logDir, `gateway-cases-${citizens}.log`));
  const ctx: CpuContext = { ownerUrl, database };
  const disturbed: DisturbedAttempt[] = [];
  const runs: Run[] = [];
  const tag = Date.now().toString(36);
  let logLength: number;
  let consents: SizeResult['consents'];
  let verified: SizeResult['verified'];
  let gatewayMemory: SizeResult['gatewayMemory'];
  try {
    consents = await ensureConsents(gateway.url, ownerUrl, config, families);
    log(`${database}: parents' consents: ${consents.granted} granted through the API in ${consents.seconds} s, ${consents.reused} reused from earlier runs`);
    verified = await verify(gateway.url, ownerUrl, config, families, `bench-cases-${tag}-verify-`);
    log(`${database}: verified ${verified.cases} cases one by one against the records and the ledger`);
    for (const [i, clerks] of settings.clerks.entries()) {
      const run = await undisturbed(log, `${database}: ${clerks} clerks`, disturbed, () =>
        measureRun(
          ctx,
          gateway.child,
          gateway.url,
          ownerUrl,
          config,
          families,
          clerks,
          warmupFor(i === 0, settings),
          settings.seconds,
          // Each attempt its own clerks, so that an attempt measured again is not counted with the one before.
          `bench-cases-${tag}-c${clerks}-${Math.random().toString(36).slice(2, 8)}-`,
        ),
      );
      runs.push(run);
      const u = run.cpu.usage;
      log(
        `${database}: ${String(clerks).padStart(3)} clerks: ${run.completePerSecond} complete cases/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms ` +
          `(openCase p50 ${run.openLatencyMs.p50} / p99 ${run.openLatencyMs.p99} ms, read p50 ${run.readLatencyMs.p50} / p99 ${run.readLatencyMs.p99} ms); ` +
          `incomplete ${incompleteCount(run)}; audited: ${run.audit.cases} cases, ${run.audit.openEntries} OPEN, ${run.audit.relationEntries} RELATION_CHECK, ` +
          `${run.audit.readEntries} DATA_ACCESS entries; CPU cores: gateway ${u.gateway}, postgres ${u.postgres}, load ${u.loadGenerator}, idle ${u.idle}` +
          (run.gatewayInstructionsPerCase ? `; gateway instructions per case ${run.gatewayInstructionsPerCase.toLocaleString('en')}` : '') +
          `; ${describeDatabaseActivity(run.database, run.cases)}`,
      );
      if (incompleteCount(run) > 0 || run.warmup.incomplete > 0) log(`${database}: WARNING: incomplete cases; first: ${run.firstError ?? '?'}`);
    }
    gatewayMemory = residentMemory(gateway.child.pid) ?? null;
  } finally {
    logLength = statSync(gateway.child.logFile!).size;
    await stop(gateway.child);
  }
  const text = readFileSync(gateway.child.logFile!);
  const lines = (part: Buffer) =>
    part
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
  const running = lines(text.subarray(0, logLength));
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
    gatewayWarnLog: {
      lines: running.length,
      first: running.slice(0, 5).map((l) => redactTokens(l).slice(0, 400)),
      linesWhileStopping: lines(text.subarray(logLength)).length,
    },
    disturbedAttempts: disturbed,
    runs,
  };
}

/** One measured run with fresh clerk tokens (`prefix`), then the count of what it made. */
async function measureRun(
  ctx: CpuContext,
  gateway: Child,
  url: string,
  ownerUrl: string,
  config: AppConfig,
  families: readonly Family[],
  clerks: number,
  warmupSeconds: number,
  seconds: number,
  prefix: string,
): Promise<Run> {
  const tokens = await clerkTokens(config, families, prefix);
  const request: ClerksRequest = {
    url,
    clerks,
    warmupSeconds,
    seconds,
    cases: families.map((f) => ({ open: openBody(f), read: readBody(f), authorization: tokens.get(f.province)!.authorization })),
    placeholder: CASE_ID_PLACEHOLDER,
    required: PARTY_READS,
  };
  const { result, cpu, gatewayInstructions, database } = await measureForked<ClerksRequest, ClerksResult>(
    ctx,
    { gateway: gateway.pid },
    'bench/cases/clerks.js',
    request,
  );
  const audit = await auditRun(ownerUrl, prefix);
  const problems = auditProblems(audit, result.opened, result.readComplete);
  if (problems.length > 0) throw new Error(`${clerks} clerks: the cases made are not all audited: ${problems.join('; ')}`);
  return {
    ...result,
    cpu,
    database,
    audit,
    ...(gatewayInstructions && result.cases > 0 ? { gatewayInstructionsPerCase: Math.round(gatewayInstructions / result.cases) } : {}),
  };
}

function incompleteCount(run: ClerksResult): number {
  return Object.values(run.incomplete).reduce((a, b) => a + b, 0);
}

function incompleteCell(run: ClerksResult): string {
  const n = incompleteCount(run);
  if (n === 0 && run.warmup.incomplete === 0) return '0';
  const i = run.incomplete;
  return `**${n}** (open ${i.openRefused} / relation ${i.relationNotProven} / read ${i.readErrors + i.readIncomplete} / transport ${i.transport})${run.warmup.incomplete ? ` (+${run.warmup.incomplete} outside the period)` : ''}`;
}

function summarize(sizes: SizeResult[], settings: Settings): { headers: string[]; rows: string[][]; notes: string[]; targets: Record<string, unknown> } {
  const headers = [
    'citizens',
    'clerks',
    'complete cases/s',
    'p50 ms',
    'p99 ms',
    'openCase p50 / p99 ms',
    'read p50 / p99 ms',
    'incomplete',
    'ledger entries per case',
    'CPU cores: gateway / postgres / load / idle',
  ];
  const rows: string[][] = [];
  for (const size of sizes) {
    for (const run of size.runs) {
      const u = run.cpu.usage;
      const entries = run.audit.openEntries + run.audit.relationEntries + run.audit.readEntries + run.audit.otherEntries;
      rows.push([
        size.citizens.toLocaleString('en-US'),
        String(run.clerks),
        String(run.completePerSecond),
        String(run.latencyMs.p50),
        String(run.latencyMs.p99),
        `${run.openLatencyMs.p50} / ${run.openLatencyMs.p99}`,
        `${run.readLatencyMs.p50} / ${run.readLatencyMs.p99}`,
        incompleteCell(run),
        String(round(entries / Math.max(1, run.audit.cases), 2)),
        `${u.gateway} / ${u.postgres} / ${u.loadGenerator} / ${u.idle}`,
      ]);
    }
  }
  const clean = (r: ClerksResult) => incompleteCount(r) === 0 && r.warmup.incomplete === 0;
  const targets: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const size of sizes) {
    const passing = size.runs.filter((r) => clean(r) && r.completePerSecond >= TARGET.perSecond && r.latencyMs.p99 <= TARGET.p99Ms);
    const best = [...size.runs].filter(clean).sort((a, b) => b.completePerSecond - a.completePerSecond)[0];
    const withinP99 = [...size.runs].filter((r) => clean(r) && r.latencyMs.p99 <= TARGET.p99Ms).sort((a, b) => b.completePerSecond - a.completePerSecond)[0];
    targets[`at${size.citizens}`] = {
      target: `>= ${TARGET.perSecond} complete cases/s at p99 <= ${TARGET.p99Ms} ms, ${size.citizens.toLocaleString('en-US')} citizens`,
      met: passing.length > 0,
      passingClerks: passing.map((r) => r.clerks),
    };
    notes.push(
      `Target ≥ ${TARGET.perSecond} complete cases/s at p99 ≤ ${TARGET.p99Ms} ms with ${size.citizens.toLocaleString('en-US')} citizens: ` +
        `**${passing.length > 0 ? `met (${passing.map((r) => `${r.clerks} clerks`).join(', ')})` : 'not met'}**` +
        (best ? `; most: ${best.completePerSecond}/s at p99 ${best.latencyMs.p99} ms with ${best.clerks} clerks` : '') +
        (withinP99 && withinP99 !== best ? `; most within p99 ${TARGET.p99Ms} ms: ${withinP99.completePerSecond}/s with ${withinP99.clerks} clerks` : '') +
        '.',
    );
  }
  notes.push(
    'Audit: after every run the cases its clerks opened and their ledger entries were counted (each run has its own clerk tokens): ' +
      sizes
        .flatMap((size) =>
          size.runs.map(
            (r) =>
              `${size.citizens.toLocaleString('en-US')} citizens, ${r.clerks} clerks: ${r.opened} cases answered, ${r.audit.cases} made ` +
              `(${r.audit.parties} parties), ${r.audit.openEntries} CASE_CHANGE OPEN, ${r.audit.relationEntries} RELATION_CHECK proven, ` +
              `${r.audit.readEntries} DATA_ACCESS for ${r.readComplete} complete reads, ${r.audit.otherEntries} other`,
          ),
        )
        .join('; ') +
      '. Every case answered is in the database with its three parties, one OPEN entry and both relations proven, and every complete read has its three reads in the ledger, or the benchmark fails.',
  );
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
        `through the API in ${size.consents.seconds} s, ${size.consents.reused.toLocaleString('en-US')} reused; ${size.verified.cases} cases checked one by one against ` +
        `the records and the ledger before measuring; gateway ready in ${size.gatewayStartMs} ms, RSS ${size.gatewayMemory?.rssMiB ?? '?'} MiB after its runs ` +
        `(peak ${size.gatewayMemory?.peakMiB ?? '?'} MiB); it wrote ${size.gatewayWarnLog?.lines ?? '?'} log lines at LOG_LEVEL=${GATEWAY_LOG_LEVEL} while serving.`,
    );
  }
  notes.push(
    `One complete case: \`openCase\` with CHILD, MOTHER and FATHER (the case number generated for the hall; each parent's relation to the child judged from the ` +
      `birth and resident records, a RELATION_CHECK entry each), then one request with the case's parties and their consents and each party's records through ` +
      "`citizen(purpose: { case })` (the child's identity, household and birth record; each parent's identity, household and marriage record: three audited " +
      'DATA_ACCESS entries). The consents are found by the case: each parent granted NEWBORN_REGISTRATION for the hall and the mother granted it on the ' +
      "child's behalf, before the runs, through `grantConsent` as the citizens (ledger entries), and are reused by later runs while valid. A case counts as complete " +
      'when openCase answers without errors with both relations proven and the read answers without errors with the case open, every consent GIVEN and every ' +
      "party's identity (and the child's birth record) present. Each family's case is opened by a clerk of the child's province (the matter's jurisdiction), one " +
      `benchmark hall per province. Every run: ${settings.warmup} s warm-up (the first on a fresh gateway: ${Math.max(settings.warmup, FRESH_WARMUP_SECONDS)} s), ` +
      `then ${settings.seconds} s measured; the virtual clerks (bench/cases/clerks.ts: one keep-alive connection each) run in their own process. A case counts ` +
      'in the period it ends in; latency is from openCase sent to the read answered. CPU in cores (2 = both cores of a 2-core machine) over the measured period. ' +
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
    await writeResult('cases', {
      name: 'cases',
      description:
        "A clerk's complete newborn-registration case: `openCase` (NEWBORN_REGISTRATION; CHILD, MOTHER, FATHER, the parents' relations judged from the records), " +
        "then one request reading every party's records under the case with the consents the parents gave for the hall, every step audited in the ledger; " +
        'from concurrent virtual clerks in their own process. Gateway, load generator and PostgreSQL are separate processes on one machine.',
      ...runContext(server),
      summary: { headers, rows },
      notes: [...notes, measuredBuildNote(source)],
      source,
      targets,
      settings: {
        ...settings,
        matter: MATTER,
        openMutation: OPEN_MUTATION,
        readQuery: READ_QUERY,
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
    const failed = sizes.some((s) => s.runs.some((r) => incompleteCount(r) > 0 || r.warmup.incomplete > 0));
    if (failed) {
      console.error('bench:cases: some cases were incomplete (see the table); those figures are flagged, not to be trusted');
      process.exitCode = 1;
    }
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench:cases: ${(error as Error).message}`);
  process.exitCode = 1;
});
