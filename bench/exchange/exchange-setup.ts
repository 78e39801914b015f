// What the benchmarks that drive the gateway's house-transfer lookup share (bench:exchange and
// the soak): the query, the sample of citizens with their consent grants and clerks, the
// reference department API as a child process, and the gateway's environment.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../src/common/project-root.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { DevIssuer } from '../../src/identity/dev-issuer.js';
import { SERVICE_HALLS } from '../../src/identity/halls.js';
import { builtFile, withClient } from '../harness.js';
import { startNode, unlessExited, type Child } from './children.js';

export const QUERY =
  'query HouseTransfer($id: IdNumber!, $p: PurposeInput!) { citizen(idNumber: $id, purpose: $p) { ' +
  'person { name birthDate } ' +
  'household { householdNumber address relationToHead members { idNumber name relationToHead } } ' +
  'marriage { status spouseIdNumber certificateNumber } ' +
  'properties { certificateNumber address areaSqm share coOwnerIdNumbers } ' +
  'socialInsurance { accountNumber status contributionMonths } } }';

export const MATTER = 'HOUSE_TRANSFER';
const SAMPLE_SEED = 0.4242;
/**
 * The hall registry the benchmark gateways run with (HALLS_FILE): the demo halls and one hall per
 * province, `BENCH-33` in region 330000 and so on, where the province's sampled citizens are served.
 */
export function benchHallsFile(): string {
  const file = join(tmpdir(), 'onegate-bench-halls.json');
  const provinces = Array.from({ length: 82 - 11 + 1 }, (_, i) => String(11 + i));
  const halls = [
    ...SERVICE_HALLS,
    ...provinces.map((p) => ({ code: `BENCH-${p}`, name: `Benchmark hall ${p}`, nameZh: `基准测试大厅 ${p}`, regionCode: `${p}0000` })),
  ];
  writeFileSync(file, JSON.stringify(halls));
  return file;
}

/** The highest the configuration accepts: no clerk is ever rate limited during a benchmark. */
export const LOOKUPS_PER_MINUTE = 10_000_000;

export interface Clerk {
  province: string;
  hall: string;
  region: string;
  authorization: string;
}

export interface SampleEntry {
  idNumber: string;
  caseNumber: string;
  grantId: string;
  clerk: Clerk;
}

export function requestBody(entry: SampleEntry): string {
  return JSON.stringify({ query: QUERY, variables: { id: entry.idNumber, p: { matter: MATTER, caseNumber: entry.caseNumber, consent: entry.grantId } } });
}

/** Draws the sample (random over the whole population, repeatable), grants each one consent and issues one clerk token per province. */
export async function prepareSample(ownerUrl: string, config: AppConfig, citizens: number, size: number): Promise<SampleEntry[]> {
  const ids = await withClient(ownerUrl, async (client) => {
    await client.query('SELECT setseed($1)', [SAMPLE_SEED]);
    const { rows } = await client.query<{ id_number: string }>('SELECT id_number FROM dept_public_security.resident ORDER BY random() LIMIT $1', [size]);
    return rows.map((r) => r.id_number);
  });
  // HOUSE_TRANSFER is PROVINCE jurisdiction: the clerk's region must share the citizen's first two digits.
  const issuer = new DevIssuer(config);
  const clerks = new Map<string, Clerk>();
  for (const id of ids) {
    const province = id.slice(0, 2);
    if (clerks.has(province)) continue;
    const hall = `BENCH-${province}`;
    // The province's bench hall (see benchHallsFile): HOUSE_TRANSFER compares the first two digits only.
    const region = `${province}0000`;
    const token = await issuer.issueToken({
      role: 'clerk',
      sub: `bench-clerk-${province}`,
      hall,
      region,
      ttlSeconds: Math.min(4 * 3600, config.TOKEN_MAX_AGE_SECONDS),
    });
    clerks.set(province, { province, hall, region, authorization: `Bearer ${token}` });
  }
  const sample = ids.map((idNumber, i) => ({
    idNumber,
    caseNumber: `BENCH-${citizens}-${i}`,
    grantId: randomUUID(),
    clerk: clerks.get(idNumber.slice(0, 2))!,
  }));
  // Grants written as the owner, as ConsentService.grant would (without its ledger entry): any case, the clerk's hall, one day.
  await withClient(ownerUrl, async (client) => {
    await client.query(`DELETE FROM onegate.consent_grant WHERE case_number LIKE 'BENCH-%'`);
    await client.query(
      `INSERT INTO onegate.consent_grant (id, citizen_id_number, matter_code, case_number, halls, granted_at, expires_at)
       SELECT g.id, g.citizen, $4, g.case_number, ARRAY[g.hall]::varchar[], now(), now() + interval '1 day'
         FROM unnest($1::uuid[], $2::text[], $3::text[], $5::text[]) AS g(id, citizen, case_number, hall)`,
      [sample.map((s) => s.grantId), sample.map((s) => s.idNumber), sample.map((s) => s.caseNumber), MATTER, sample.map((s) => s.clerk.hall)],
    );
  });
  return sample;
}

/** The reference department API (examples/department-api) serving Human Resources, as a child process. */
export interface DepartmentApi {
  child: Child;
  url: string;
  /** What the gateway needs to reach it: its connector file and the HMAC secret's variable. */
  gatewayEnv: NodeJS.ProcessEnv;
}

/** Starts the department API with a fresh HMAC secret and writes the gateway's connector file for it under `dataDir`. */
export async function startDepartmentApi(readerUrl: string, dataDir: string, logDir: string): Promise<DepartmentApi> {
  const secret = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = { ...process.env, DEPARTMENT_DATABASE_URL: readerUrl, HMAC_SECRET: secret, PORT: '0', HOST: '127.0.0.1' };
  delete env.API_TOKEN;
  delete env.HMAC_KEY_ID;
  delete env.FAULTS;
  const child = startNode('department API', builtFile('examples/department-api/server.js'), [], env, join(logDir, 'department-api.log'), true);
  const lines = createInterface({ input: child.process.stdout! });
  const url = await unlessExited(
    child,
    new Promise<string>((resolve) => {
      lines.on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { msg?: string; url?: string };
          if (parsed.msg === 'listening' && parsed.url) resolve(parsed.url);
        } catch {
          // not a JSON line
        }
      });
    }),
    'starting',
  );
  const example = JSON.parse(readFileSync(join(projectRoot(), 'examples/department-api/connector.example.json'), 'utf8')) as {
    baseUrl: string;
    auth: { secretEnv: string };
  };
  const connectorsFile = join(dataDir, 'department-connectors.json');
  writeFileSync(connectorsFile, JSON.stringify({ HUMAN_RESOURCES: { ...example, baseUrl: url } }, null, 2) + '\n');
  return { child, url, gatewayEnv: { DEPARTMENT_CONNECTORS_FILE: connectorsFile, [example.auth.secretEnv]: secret } };
}

/** The benchmark gateway's environment: loopback, no seeding, no rate limit, the department API's connector. */
export function gatewayEnv(base: NodeJS.ProcessEnv, api: DepartmentApi, port: number, logLevel: string): NodeJS.ProcessEnv {
  return {
    ...base,
    PORT: String(port),
    HOST: '127.0.0.1',
    SEED_CITIZENS_ON_EMPTY: '0',
    EXCHANGE_LOOKUPS_PER_MINUTE: String(LOOKUPS_PER_MINUTE),
    LOG_LEVEL: logLevel,
    HALLS_FILE: benchHallsFile(),
    ...api.gatewayEnv,
  };
}
