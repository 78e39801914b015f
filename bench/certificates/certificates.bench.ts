// `npm run bench:certificates [-- --citizens 10000 --seconds 15 --warmup 3 --connections 16,24,32,64 --batch 20000]`:
// the certificate registry under load.
//
// 1. Issuance: department systems (Civil Affairs: marriage certificates; Public Security: household
//    register extracts) call `issueCertificate` over HTTP with fresh idempotency keys, from
//    autocannon in its own process. Each answer is a certificate whose claims were read from the
//    department's records through the exchange, signed twice (VC JWT and SD-JWT VC) and registered
//    durably together with its ledger entry; after every run the registry and the ledger are
//    counted, so every answered issuance is proven durable.
// 2. Verification through GraphQL: the public `verifyCertificate(credential)` query (one credential
//    per request; each verification is a ledger entry) over a sample of the issued credentials.
// 3. Batch verification: the same verifier the gateway and `cert:verify` use, run by BatchVerifier
//    (one worker thread per core, signatures checked in the workers) over many distinct credentials
//    at once, with the published trust anchors and status lists (each fetched once per worker).
//
// Writes bench/results/certificates.json and the certificates table in bench/README.md.
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { BatchVerifier } from '../../src/certificates/credential/batch-verifier.js';
import pLimit from 'p-limit';
import { parseCliArgs } from '../../src/common/cli.js';
import { DevIssuer } from '../../src/identity/dev-issuer.js';
import { stop } from '../exchange/children.js';
import { LOOKUPS_PER_MINUTE } from '../exchange/exchange-setup.js';
import { cpuSnapshot, cpuSplit, residentMemory, type CpuSplit } from '../exchange/cpu.js';
import type { LoadRequest, LoadResult } from '../exchange/load.js';
import {
  ATTEMPTS,
  FOREIGN_LIMIT,
  foreignCores,
  freePort,
  measuredBuildNote,
  runContext,
  withBenchServer,
  measureLoad,
  otherDatabasePids,
  prepareBenchDatabase,
  snapshotBuild,
  sourceState,
  startGateway,
  undisturbed,
  withClient,
  type CpuContext,
  type DisturbedAttempt,
} from '../harness.js';
import { roundMs, writeResult } from '../results.js';

const USAGE = `usage: npm run bench:certificates -- [--citizens 10000] [--seconds 15] [--warmup 3]
                                   [--connections 16,24,32,64] [--sample 2000] [--batch 20000] [--reseed]

  --citizens N         seeded synthetic citizens (database onegate_bench_<size>, shared with bench:exchange)
  --seconds S          measured seconds of every load run
  --warmup S           warm-up seconds before each measured period
  --connections C,...  concurrent HTTP connections of the issuance and verification runs
  --sample N           issued credentials verified through GraphQL (rotated over)
  --batch N            credentials verified in the batch run
  --reseed             seed even when the database already holds that many citizens

PostgreSQL: DATABASE_URL (a role that may create databases and roles), else the embedded server under DATA_DIR.
DATA_DIR defaults to .data/bench.`;

const log = (message: string) => console.log(`bench:certificates: ${message}`);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * What department systems issue in the benchmark, alternately. A marriage certificate's name and ID
 * number are Public Security's: Civil Affairs issues it under MARRIAGE_REGISTRATION with each
 * holder's consent (granted before the runs); the household register extract is Public Security's
 * own records alone and needs no purpose.
 */
const ISSUED = [
  {
    type: 'MARRIAGE_CERTIFICATE',
    department: 'CIVIL_AFFAIRS',
    holders: `SELECT id_number FROM dept_civil_affairs.marital_status WHERE status = 'MARRIED'`,
    underMatter: 'MARRIAGE_REGISTRATION',
  },
  {
    type: 'HOUSEHOLD_REGISTER_EXTRACT',
    department: 'PUBLIC_SECURITY',
    holders: `SELECT id_number FROM dept_public_security.household_member WHERE status = 'ACTIVE'`,
    underMatter: null,
  },
] as const;
const KEY_PLACEHOLDER = '@@KEY@@';
const ISSUE_MUTATION = 'mutation Issue($in: IssueCertificateInput!) { issueCertificate(input: $in) { id identifier status } }';
const VERIFY_QUERY =
  'query Verify($c: String!) { verifyCertificate(credential: $c) { valid format identifier integrity { ok reason } status { ok state } issuer { ok department } } }';
/** Holders per type, drawn at random (repeatable) from the department's records. */
const HOLDERS_PER_TYPE = 2000;
/** Share of the verified credentials given in their SD-JWT VC form (the rest as VC JWT). */
const SD_JWT_EVERY = 4;
/** Credentials per chunk handed to a batch verification worker. */
const BATCH_CHUNK = 128;
const GATEWAY_LOG_LEVEL = 'warn';

interface Settings {
  citizens: number;
  seconds: number;
  warmup: number;
  connections: number[];
  sample: number;
  batch: number;
  reseed: boolean;
}

function parseSettings(argv: string[]): Settings | undefined {
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  const text = { type: 'string' } as const;
  const { values } = parseCliArgs(
    argv,
    { citizens: text, seconds: text, warmup: text, connections: text, sample: text, batch: text, reseed: { type: 'boolean' } },
    { fail: (m) => new Error(`${m}\n\n${USAGE}`), example: '--seconds 15' },
  );
  const settings: Settings = {
    citizens: Number(values.citizens ?? 10_000),
    seconds: Number(values.seconds ?? 15),
    warmup: Number(values.warmup ?? 3),
    connections: (values.connections ?? '16,24,32,64').split(',').map((s) => Number(s.trim())),
    sample: Number(values.sample ?? 2000),
    batch: Number(values.batch ?? 20_000),
    reseed: values.reseed === true,
  };
  const problems: string[] = [];
  if (!Number.isInteger(settings.citizens) || settings.citizens < 1000 || settings.citizens > 5_000_000)
    problems.push('--citizens: a whole number from 1000 to 5000000');
  if (!(settings.seconds >= 1)) problems.push('--seconds: at least 1');
  if (!(settings.warmup >= 0)) problems.push('--warmup: 0 or more');
  if (settings.connections.some((n) => !Number.isInteger(n) || n < 1 || n > 1000)) problems.push('--connections: whole numbers from 1 to 1000');
  if (!Number.isInteger(settings.sample) || settings.sample < 10 || settings.sample > 100_000) problems.push('--sample: a whole number from 10 to 100000');
  if (!Number.isInteger(settings.batch) || settings.batch < 100 || settings.batch > 1_000_000) problems.push('--batch: a whole number from 100 to 1000000');
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\n\n${USAGE}`);
  return settings;
}

interface IssuanceRun extends LoadResult {
  cpu: CpuSplit;
  /** Answered issuances (warm-up and measured) against what the registry and the ledger hold for this run's idempotency keys. */
  durability: { answered: number; registered: number; ledgerEntries: number };
}

interface VerificationRun extends LoadResult {
  cpu: CpuSplit;
}

interface BatchRun {
  credentials: number;
  /** Distinct credentials among them (fewer than `credentials` when the run issued fewer: then they are verified again in turn). */
  distinct: number;
  seconds: number;
  /** Credentials verified per second: one ES256 signature each (chains and status lists are verified once and kept). */
  signaturesPerSecond: number;
  valid: number;
  /** CPU cores this process used (its event loop and the verifier's worker threads). */
  cores: number;
  workers: number;
  chunk: number;
}

/** Draws holders of each issued type at random (repeatable) from the department records. */
async function drawHolders(ownerUrl: string): Promise<Map<string, string[]>> {
  return withClient(ownerUrl, async (client) => {
    await client.query('SELECT setseed(0.4242)');
    const holders = new Map<string, string[]>();
    for (const issued of ISSUED) {
      const { rows } = await client.query<{ id_number: string }>(`SELECT id_number FROM (${issued.holders}) h ORDER BY random() LIMIT $1`, [HOLDERS_PER_TYPE]);
      if (rows.length === 0) throw new Error(`no holders for ${issued.type} in the seeded records`);
      holders.set(
        issued.type,
        rows.map((r) => r.id_number),
      );
    }
    return holders;
  });
}

/** Each holder of a type issued under a matter grants that matter's consent, as the citizen would (16 at a time). */
async function grantHolderConsents(url: string, issuer: DevIssuer, holders: Map<string, string[]>, maxAge: number): Promise<Map<string, string>> {
  const wanted = ISSUED.flatMap((issued) =>
    issued.underMatter ? [...new Set(holders.get(issued.type)!)].map((holder) => ({ holder, matter: issued.underMatter, department: issued.department })) : [],
  );
  const consents = new Map<string, string>();
  await pLimit(16).map(wanted, async ({ holder, matter, department }) => {
    const token = await issuer.issueToken({ role: 'citizen', sub: holder, ttlSeconds: Math.min(3600, maxAge) });
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'mutation($m: String!, $d: [String!]) { grantConsent(input: { matter: $m, departments: $d }) { id } }',
        variables: { m: matter, d: [department] },
      }),
    });
    const body = (await response.json()) as { data?: { grantConsent: { id: string } }; errors?: unknown };
    if (!body.data) throw new Error(`a holder's consent was refused: ${JSON.stringify(body.errors).slice(0, 500)}`);
    consents.set(`${holder}/${matter}`, body.data.grantConsent.id);
  });
  return consents;
}

/** Issuance request bodies, alternating the types; the idempotency key is filled in per request by the load generator. */
function issuanceRequests(holders: Map<string, string[]>, tokens: Map<string, string>, consents: Map<string, string>): LoadRequest['requests'] {
  const requests: LoadRequest['requests'] = [];
  for (let i = 0; i < HOLDERS_PER_TYPE; i++) {
    for (const issued of ISSUED) {
      const list = holders.get(issued.type)!;
      const holder = list[i % list.length]!;
      const purpose = issued.underMatter
        ? { matter: issued.underMatter, caseNumber: `BENCH-${i}`, consent: consents.get(`${holder}/${issued.underMatter}`) }
        : undefined;
      requests.push({
        body: JSON.stringify({ query: ISSUE_MUTATION, variables: { in: { type: issued.type, holder, idempotencyKey: KEY_PLACEHOLDER, purpose } } }),
        authorization: `Bearer ${tokens.get(issued.department)}`,
      });
    }
  }
  return requests;
}

/** What the registry and the ledger hold for the issuances whose idempotency keys start with `prefix`. */
async function durableIssuances(ownerUrl: string, prefix: string): Promise<{ registered: number; ledgerEntries: number }> {
  return withClient(ownerUrl, async (client) => {
    const { rows } = await client.query<{ registered: number; entries: number }>(
      `WITH issued AS (SELECT identifier FROM onegate.certificate WHERE idempotency_key LIKE $1 || '%')
       SELECT (SELECT count(*)::int FROM issued) AS registered,
              (SELECT count(*)::int FROM onegate.ledger_entry e JOIN issued i ON e.detail ->> 'identifier' = i.identifier
                WHERE e.kind = 'CERTIFICATE_ISSUE' AND e.outcome = 'GRANTED') AS entries`,
      [prefix],
    );
    return { registered: rows[0]!.registered, ledgerEntries: rows[0]!.entries };
  });
}

/** Credentials issued in this benchmark, at random: VC JWTs, and every SD_JWT_EVERY-th as its SD-JWT VC. */
async function credentialSample(ownerUrl: string, prefix: string, size: number): Promise<string[]> {
  return withClient(ownerUrl, async (client) => {
    const { rows } = await client.query<{ credential: string; sd_jwt: string }>(
      `SELECT credential, sd_jwt FROM onegate.certificate WHERE idempotency_key LIKE $1 || '%' ORDER BY random() LIMIT $2`,
      [prefix, size],
    );
    return rows.map((row, i) => (i % SD_JWT_EVERY === SD_JWT_EVERY - 1 ? row.sd_jwt : row.credential));
  });
}

/** Before measuring verification: sampled credentials, one at a time through GraphQL, must verify as valid. */
async function checkVerifications(url: string, credentials: readonly string[], count: number): Promise<number> {
  let checked = 0;
  for (const credential of credentials.slice(0, count)) {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: VERIFY_QUERY, variables: { c: credential } }),
    });
    const body = (await response.json()) as { data?: { verifyCertificate?: { valid?: boolean } }; errors?: unknown };
    if (response.status !== 200 || body.errors || body.data?.verifyCertificate?.valid !== true) {
      throw new Error(`a freshly issued credential did not verify through GraphQL (HTTP ${response.status}): ${JSON.stringify(body).slice(0, 1000)}`);
    }
    checked++;
  }
  return checked;
}

/** The batch run: every credential through verifyCredential with the gateway's published anchors and status lists. */
async function batchVerification(url: string, credentials: readonly string[], total: number): Promise<BatchRun> {
  const anchorsPem = await (await fetch(`${url}/trust/root-ca.pem`)).text();
  const workers = availableParallelism();
  const verifier = new BatchVerifier({ anchorsPem, statusLists: { kind: 'fetch' }, workers, chunkSize: BATCH_CHUNK });
  try {
    const run = async (count: number) => {
      const batch = Array.from({ length: count }, (_, i) => credentials[i % credentials.length]!);
      const started = performance.now();
      const cpu = process.cpuUsage();
      const results = await verifier.verify(batch);
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      return {
        credentials: count,
        distinct: Math.min(count, credentials.length),
        seconds: roundMs(seconds),
        signaturesPerSecond: Math.round(count / seconds),
        valid: results.filter((r) => r.valid).length,
        cores: round((used.user + used.system) / 1e6 / seconds),
        workers,
        chunk: BATCH_CHUNK,
      };
    };
    await run(Math.min(4000, total)); // warm-up: workers' JIT, chains, status lists
    return await run(total);
  } finally {
    await verifier.close();
  }
}

function notClean(run: LoadResult): boolean {
  return run.non2xx + run.graphqlErrors + run.transportErrors + run.warmupNotOk > 0;
}

function cores(cpu: CpuSplit, gatewayInstructionsPerRequest?: number): string {
  const u = cpu.usage;
  const instructions = gatewayInstructionsPerRequest ? `; gateway instructions per request ${gatewayInstructionsPerRequest.toLocaleString('en')}` : '';
  return `${u.gateway} / ${u.postgres} / ${u.loadGenerator} / ${u.idle}${instructions}`;
}

function summarize(
  issuance: IssuanceRun[],
  verification: VerificationRun[],
  batch: BatchRun,
): { headers: string[]; rows: string[][]; notes: string[]; targets: Record<string, unknown> } {
  const headers = [
    'what',
    'connections',
    'per second',
    'p50 ms',
    'p99 ms',
    'errors (non-2xx / GraphQL / transport)',
    'CPU cores: gateway / postgres / load / idle',
  ];
  const errors = (run: LoadResult) =>
    notClean(run) ? `**${run.non2xx} / ${run.graphqlErrors} / ${run.transportErrors}${run.warmupNotOk ? ` (+${run.warmupNotOk} in warm-up)` : ''}**` : '0';
  const loadRow = (what: string, r: IssuanceRun | VerificationRun) => [
    what,
    String(r.connections),
    String(r.okPerSecond),
    String(r.latencyMs.p50),
    String(r.latencyMs.p99),
    errors(r),
    cores(r.cpu),
  ];
  const rows = [
    ...issuance.map((r) => loadRow('durable issuances (GraphQL `issueCertificate`)', r)),
    ...verification.map((r) => loadRow('verifications (GraphQL `verifyCertificate`, one per request)', r)),
    [
      `batch verification (signatures; ${batch.credentials.toLocaleString('en-US')} credentials, ${batch.distinct.toLocaleString('en-US')} distinct)`,
      `${batch.workers} worker threads`,
      String(batch.signaturesPerSecond),
      '—',
      '—',
      String(batch.credentials - batch.valid),
      `${batch.cores} (this process)`,
    ],
  ];
  const clean = (r: LoadResult) => !notClean(r);
  const bestIssuance = [...issuance].filter(clean).sort((a, b) => b.okPerSecond - a.okPerSecond)[0];
  const issuancePass = issuance.filter((r) => clean(r) && r.okPerSecond >= 1000 && r.latencyMs.p99 <= 50);
  const bestVerification = [...verification].filter(clean).sort((a, b) => b.okPerSecond - a.okPerSecond)[0];
  const verificationPass = verification.filter((r) => clean(r) && r.okPerSecond >= 3000);
  const batchPass = batch.valid === batch.credentials && batch.signaturesPerSecond >= 15_000;
  const targets = {
    issuance: {
      target: '>= 1000 durable issuances/s at p99 <= 50 ms',
      met: issuancePass.length > 0,
      best: bestIssuance ? { connections: bestIssuance.connections, perSecond: bestIssuance.okPerSecond, p99: bestIssuance.latencyMs.p99 } : null,
    },
    verification: {
      target: '>= 3000 verifications/s through GraphQL',
      met: verificationPass.length > 0,
      best: bestVerification
        ? { connections: bestVerification.connections, perSecond: bestVerification.okPerSecond, p99: bestVerification.latencyMs.p99 }
        : null,
    },
    batch: { target: '>= 15000 signatures/s in batch verification', met: batchPass, signaturesPerSecond: batch.signaturesPerSecond },
  };
  const verdict = (met: boolean) => (met ? '**met**' : '**not met**');
  const notes = [
    `Target ≥ 1,000 durable issuances/s at p99 ≤ 50 ms: ${verdict(targets.issuance.met)}` +
      (bestIssuance ? `; best: ${bestIssuance.okPerSecond}/s at p99 ${bestIssuance.latencyMs.p99} ms with ${bestIssuance.connections} connections.` : '.'),
    `Target ≥ 3,000 verifications/s through GraphQL: ${verdict(targets.verification.met)}` +
      (bestVerification
        ? `; best: ${bestVerification.okPerSecond}/s (p99 ${bestVerification.latencyMs.p99} ms) with ${bestVerification.connections} connections.`
        : '.'),
    `Target ≥ 15,000 signatures/s in batch verification: ${verdict(batchPass)}; ${batch.signaturesPerSecond}/s, ${batch.valid} of ${batch.credentials} valid, ` +
      `${batch.cores} cores (${batch.workers} worker threads, chunks of ${batch.chunk}).`,
    "Durability: after every issuance run the registry and the ledger were counted for that run's idempotency keys: " +
      issuance
        .map(
          (r) =>
            `${r.connections} connections: ${r.durability.answered} answered, ${r.durability.registered} registered, ${r.durability.ledgerEntries} CERTIFICATE_ISSUE entries`,
        )
        .join('; ') +
      ' (autocannon may stop before reading answers the gateway had already committed, so registered ≥ answered).',
  ];
  for (const [what, runs] of [
    ['issuance', issuance],
    ['verification', verification],
  ] as const) {
    for (const run of runs) {
      const foreign = foreignCores(run.cpu);
      if (foreign > FOREIGN_LIMIT)
        notes.push(
          `⚠ ${what}, ${run.connections} connections: other work used ${foreign} cores of the machine during the measured period (after ${ATTEMPTS} attempts); these figures are disturbed.`,
        );
    }
  }
  return { headers, rows, notes, targets };
}

async function main(argv: string[]): Promise<void> {
  const settings = parseSettings(argv);
  if (!settings) {
    console.error(USAGE);
    return;
  }
  await withBenchServer(async (server) => {
    const { adminUrl, dataDir } = server;
    const source = sourceState(snapshotBuild());
    const bench = await prepareBenchDatabase(log, adminUrl, dataDir, settings.citizens, settings.reseed);
    const { database, ownerUrl, env, config, db } = bench;
    await db.close();
    const holders = await drawHolders(ownerUrl);
    const issuer = new DevIssuer(config);
    const tokens = new Map<string, string>();
    for (const { department } of ISSUED) {
      tokens.set(
        department,
        await issuer.issueToken({
          role: 'department',
          sub: `bench-${department.toLowerCase()}`,
          department,
          ttlSeconds: Math.min(4 * 3600, config.TOKEN_MAX_AGE_SECONDS),
        }),
      );
    }

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // Issuance counts against the per-principal lookup limit: the benchmark measures the registry, not the limits.
    const gatewayEnv: NodeJS.ProcessEnv = {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: url,
      SEED_CITIZENS_ON_EMPTY: '0',
      LOG_LEVEL: GATEWAY_LOG_LEVEL,
      EXCHANGE_LOOKUPS_PER_MINUTE: String(LOOKUPS_PER_MINUTE),
      // Verification without a token is limited per client address (§I 46); the load comes from one loopback address.
      PUBLIC_RATE_LIMIT_MAX: '1000000',
    };
    const gateway = await startGateway(gatewayEnv, port, join(bench.logDir, 'gateway-certificates.log'));
    const ctx: CpuContext = { ownerUrl, database };
    const disturbed: DisturbedAttempt[] = [];
    const issuance: IssuanceRun[] = [];
    const verification: VerificationRun[] = [];
    const runTag = `bench-${Date.now().toString(36)}`;
    let batch: BatchRun;
    let gatewayMemory: ReturnType<typeof residentMemory> | null;
    let verified: number;
    try {
      const consents = await grantHolderConsents(url, issuer, holders, config.TOKEN_MAX_AGE_SECONDS);
      log(`${consents.size} holders' consents granted for the issuances that need a purpose`);
      const requests = issuanceRequests(holders, tokens, consents);
      for (const connections of settings.connections) {
        const run = await undisturbed(log, `issuance, ${connections} connections`, disturbed, async () => {
          const prefix = `${runTag}-c${connections}-${Math.random().toString(36).slice(2, 8)}-`;
          const result = await measureLoad(
            ctx,
            { gateway: gateway.child.pid },
            {
              url,
              connections,
              warmupSeconds: settings.warmup,
              seconds: settings.seconds,
              requests,
              unique: { placeholder: KEY_PLACEHOLDER, prefix },
            },
          );
          const durability = { answered: result.ok + result.warmupOk, ...(await durableIssuances(ownerUrl, prefix)) };
          if (durability.registered < durability.answered || durability.ledgerEntries < durability.answered) {
            throw new Error(
              `issuance, ${connections} connections: ${durability.answered} answered but ${durability.registered} registered and ${durability.ledgerEntries} ledger entries`,
            );
          }
          return { ...result, durability };
        });
        issuance.push(run);
        log(
          `issuance ${String(connections).padStart(3)} connections: ${run.okPerSecond}/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms; ` +
            `errors ${run.non2xx}/${run.graphqlErrors}/${run.transportErrors}; registered ${run.durability.registered} ≥ answered ${run.durability.answered}; CPU ${cores(run.cpu, run.gatewayInstructionsPerRequest)}`,
        );
        if (notClean(run)) log(`WARNING: errors during issuance; first: ${run.firstErrorBody ?? '(transport error)'}`);
      }

      const credentials = await credentialSample(ownerUrl, runTag, settings.sample);
      verified = await checkVerifications(url, credentials, 50);
      log(`${credentials.length} issued credentials sampled; ${verified} verified one by one through GraphQL before measuring`);
      const bodies = credentials.map((c) => ({ body: JSON.stringify({ query: VERIFY_QUERY, variables: { c } }) }));
      for (const connections of settings.connections) {
        const run = await undisturbed(log, `verification, ${connections} connections`, disturbed, () =>
          measureLoad(
            ctx,
            { gateway: gateway.child.pid },
            { url, connections, warmupSeconds: settings.warmup, seconds: settings.seconds, requests: bodies, expect: '"valid":true' },
          ),
        );
        verification.push(run);
        log(
          `verification ${String(connections).padStart(3)} connections: ${run.okPerSecond}/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms; CPU ${cores(run.cpu, run.gatewayInstructionsPerRequest)}`,
        );
        if (notClean(run)) log(`WARNING: errors during verification; first: ${run.firstErrorBody ?? '(transport error)'}`);
      }
      gatewayMemory = residentMemory(gateway.child.pid) ?? null;

      // The batch takes distinct credentials of this run where there are enough (no verdict is ever cached per credential).
      const batchCredentials = await credentialSample(ownerUrl, runTag, settings.batch);
      const before = cpuSnapshot({ gateway: gateway.child.pid });
      batch = await batchVerification(url, batchCredentials, settings.batch);
      const split = cpuSplit(before, cpuSnapshot({ gateway: gateway.child.pid }), await otherDatabasePids(ctx));
      log(
        `batch verification: ${batch.signaturesPerSecond} signatures/s (${batch.valid}/${batch.credentials} valid, ${batch.cores} cores; gateway meanwhile ${split.usage.gateway})`,
      );
    } finally {
      await stop(gateway.child);
    }

    const { headers, rows, notes, targets } = summarize(issuance, verification, batch);
    await writeResult('certificates', {
      name: 'certificates',
      description:
        'The certificate registry under load. Issuance: department systems (Civil Affairs marriage certificates, under MARRIAGE_REGISTRATION with ' +
        "each holder's consent, and Public Security household register extracts, alternately) call `issueCertificate` over HTTP with fresh " +
        'idempotency keys; each answer is read from the department ' +
        'records through the exchange, signed as VC JWT and SD-JWT VC (ES256) and registered durably with its ledger entry. Verification: the public ' +
        '`verifyCertificate` query, one credential per request (3 in 4 VC JWTs, 1 in 4 SD-JWT VCs), each verification a ledger entry. Batch: the ' +
        'same verifier run by BatchVerifier (one worker thread per core) over many credentials, with the published trust anchors and status lists. Gateway, load generator and ' +
        'PostgreSQL are separate processes on one machine.',
      ...runContext(server),
      summary: { headers, rows },
      notes: [
        ...notes,
        `Every load run: ${settings.warmup} s warm-up, then ${settings.seconds} s measured; one autocannon process (pipelining 1). Per second counts 2xx ` +
          'answers without GraphQL `errors` (verification answers must also say `"valid":true`); latency is per request, measured by the load generator. ' +
          `Database \`${database}\` (${bench.residents.toLocaleString('en-US')} residents); gateway RSS ${gatewayMemory?.rssMiB ?? '?'} MiB after the runs ` +
          `(peak ${gatewayMemory?.peakMiB ?? '?'} MiB). CPU in cores (2 = both cores of a 2-core machine) over the measured period.`,
        measuredBuildNote(source),
      ],
      source,
      targets,
      settings: {
        ...settings,
        issued: ISSUED.map(({ type, department }) => ({ type, department })),
        batchChunk: BATCH_CHUNK,
        gatewayLogLevel: GATEWAY_LOG_LEVEL,
      },
      issuance,
      verification,
      batch,
      disturbedAttempts: disturbed,
      verifiedBeforeMeasuring: verified,
    });
    if ([...issuance, ...verification].some(notClean) || batch.valid !== batch.credentials) {
      console.error('bench:certificates: some runs had errors or invalid verdicts (see the table); their figures are not to be trusted');
      process.exitCode = 1;
    }
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`bench:certificates: ${(error as Error).message}`);
  process.exitCode = 1;
});
