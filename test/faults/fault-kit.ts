import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runLedgerVerifyCli } from '../../src/ledger/ledger-verify.cli.js';
import type { VerificationReport } from '../../src/ledger/ledger-verify.js';
import { loadConfig } from '../../src/config/app-config.js';
import { DevIssuer, type TokenRequest } from '../../src/identity/dev-issuer.js';
import { adminQuery, harnessState, withDatabase } from '../harness/database.js';
import type { GraphQLBody, LoadRequest, Outcome } from '../support/http-load.js';

/*
 * Shared pieces of the fault harness (test/faults/*.faults-spec.ts).
 *
 * Size: `npm run test:faults` sets FAULTS_SIZE=full; the plain `npm test` (CI) runs the same tests
 * with fewer clients and shorter phases.
 */

export const FULL_SIZE = process.env.FAULTS_SIZE === 'full';

/** The CI value or the full-size one. */
export function sized<T>(ci: T, full: T): T {
  return FULL_SIZE ? full : ci;
}

export const LI_WEI = '330825198803142023';
export const ZHANG_HAO = '330825198611021315';

/** The clerk's house-transfer lookup: four departments, one DATA_ACCESS entry. */
const LOOKUP = `query($id: IdNumber!, $p: PurposeInput!) {
  citizen(idNumber: $id, purpose: $p) {
    idNumber
    person { name }
    household { householdNumber }
    marriage { certificateNumber }
    properties { certificateNumber }
    socialInsurance { accountNumber }
  }
}`;

/** Li Wei's and Zhang Hao's HOUSE_TRANSFER consents (grant ids by ID number), each granted by the citizen through `url`. */
export async function houseTransferConsents(url: string, citizenToken: (idNumber: string) => Promise<string>): Promise<Record<string, string>> {
  return {
    [LI_WEI]: await grantConsent(url, await citizenToken(LI_WEI), 'HOUSE_TRANSFER'),
    [ZHANG_HAO]: await grantConsent(url, await citizenToken(ZHANG_HAO), 'HOUSE_TRANSFER'),
  };
}

/**
 * A load worker's n-th lookup: Li Wei and Zhang Hao in turn, each under the consent they granted
 * (`consents` by ID number), with a case number of its own (`<casePrefix>-<worker>-<n>`).
 */
export function houseTransferLookup(clerkToken: string, consents: Record<string, string>, casePrefix: string, worker: number, n: number): LoadRequest {
  const subject = n % 2 ? LI_WEI : ZHANG_HAO;
  return {
    kind: 'lookup',
    query: LOOKUP,
    variables: { id: subject, p: { matter: 'HOUSE_TRANSFER', caseNumber: `${casePrefix}-${worker}-${n}`, consent: consents[subject] } },
    token: clerkToken,
    meta: { subject },
  };
}

/** A database of this test file's own, created from the migrated template (dropped by the global teardown if left behind). */
export async function createFileDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const harness = harnessState();
  const name = `${harness.template.replace('template', 'file')}_faults_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(harness.adminUrl, `CREATE DATABASE ${name} TEMPLATE ${harness.template}`);
  return {
    url: withDatabase(harness.adminUrl, name),
    drop: () => adminQuery(harness.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
  };
}

/** Access tokens from the development issuer the test gateways trust (its key is under the harness DATA_DIR). */
export function tokens(): (claims: Omit<TokenRequest, 'ttlSeconds'>) => Promise<string> {
  const issuer = new DevIssuer(loadConfig({ NODE_ENV: 'test', DATA_DIR: harnessState().dataDir }));
  return (claims) => issuer.issueToken({ ttlSeconds: 1800, ...claims });
}

/** One GraphQL request outside the load, with a deadline. */
export async function graphql<T = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<{ status: number; body: { data?: T | null; errors?: GraphQLBody['errors'] } }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.json()) as { data?: T | null; errors?: GraphQLBody['errors'] } };
}

/**
 * The citizen grants consent for the matter (any case), naming where it may be used: by default the
 * Longyou hall; resolves with the grant id a clerk (or department system) presents.
 */
export async function grantConsent(
  url: string,
  citizenToken: string,
  matter: string,
  scope: { halls?: string[]; departments?: string[] } = { halls: ['LONGYOU-01'] },
): Promise<string> {
  const res = await graphql<{ grantConsent: { id: string } }>(
    url,
    `
      mutation ($m: String!, $halls: [String!], $departments: [String!]) {
        grantConsent(input: { matter: $m, halls: $halls, departments: $departments }) {
          id
        }
      }
    `,
    { m: matter, ...scope },
    citizenToken,
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.grantConsent.id;
}

/** A lookup answered with the citizen's records: HTTP 200 and the person's record in the data. */
export function releasedData(outcome: Outcome): boolean {
  return outcome.kind === 'lookup' && outcome.status === 200 && typeof outcome.body?.data?.citizen?.person?.name === 'string';
}

/** A certificate issued: HTTP 200 with its id. */
export function issued(outcome: Outcome): boolean {
  return outcome.kind === 'issue' && outcome.status === 200 && typeof outcome.body?.data?.issueCertificate?.id === 'string';
}

/** Extension keys the gateway may show a client (src/common/graphql/error-format.ts). */
const CLIENT_EXTENSIONS = new Set(['code', 'reason', 'department', 'field', 'retryAfterSeconds']);
/** What an error message must never show: a stack, SQL, a driver's or the platform's words. */
const INTERNAL_TEXT =
  /\bat .+:\d+|\n\s+at |select |insert |update |delete from|relation "|column "|syntax error|postgres|\bpg\b|typeorm|QueryFailed|ECONN|EPIPE|socket|terminat|connect(ion)? (refused|timeout)|shutting down|internal server error|Error:/i;

/**
 * Why an answer that is not a success is not a clean failure, or null when it is: an HTTP answer
 * (GraphQL 200 with errors, or 503), each error with a client code other than INTERNAL_SERVER_ERROR,
 * only client extension keys, and no internal text.
 */
export function uncleanFailure(outcome: Outcome, allowedCodes: ReadonlySet<string>): string | null {
  if (outcome.timedOut) return `no answer within the client's deadline (${Math.round(outcome.ms)} ms)`;
  if (outcome.status === 0) return `no HTTP answer (${outcome.error})`;
  if (outcome.status !== 200 && outcome.status !== 503) return `HTTP ${outcome.status}`;
  if (!outcome.body) return `HTTP ${outcome.status} without a JSON body: ${outcome.text?.slice(0, 200)}`;
  const errors = outcome.body.errors ?? [];
  if (errors.length === 0) return `HTTP ${outcome.status} without data or errors`;
  for (const error of errors) {
    const code = String(error.extensions?.code ?? '');
    if (!allowedCodes.has(code)) return `error code ${code || '(none)'}: ${error.message}`;
    const extra = Object.keys(error.extensions ?? {}).filter((key) => !CLIENT_EXTENSIONS.has(key));
    if (extra.length > 0) return `internal extensions ${extra.join(', ')}`;
    const extraKeys = Object.keys(error).filter((key) => !['message', 'path', 'locations', 'extensions'].includes(key));
    if (extraKeys.length > 0) return `error fields ${extraKeys.join(', ')}`;
    if (INTERNAL_TEXT.test(error.message)) return `internal text in "${error.message}"`;
  }
  return null;
}

export interface RequestEntry {
  kind: string;
  subject: string | null;
  outcome: string;
  departments: string[];
}

export interface LedgerFacts {
  entries: number;
  maxIndex: number;
  distinctIndexes: number;
  /** Entries by the client's request id (X-Request-Id sent; of the ids asked about). */
  byRequest: Map<string, RequestEntry[]>;
}

/** The ledger as its owner sees it: size, gaps, and the entries of the given client request ids (X-Request-Id). */
export async function ledgerFacts(ownerUrl: string, requestIds: readonly string[]): Promise<LedgerFacts> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const shape = (
      await client.query<{ n: number; max: number | null; distinct: number }>(
        `SELECT count(*)::int AS n, max(leaf_index)::int AS max, count(DISTINCT leaf_index)::int AS distinct FROM onegate.ledger_entry`,
      )
    ).rows[0]!;
    const rows = // The ids are the X-Request-Ids the load sent: the ledger keeps them as the client's, beside its own request id.
      (
        await client.query<{ request_id: string; kind: string; subject_id: string | null; outcome: string; departments: string[] }>(
          `SELECT client_request_id AS request_id, kind, subject_id, outcome, departments FROM onegate.ledger_entry WHERE client_request_id = ANY($1::text[])`,
          [requestIds],
        )
      ).rows;
    const byRequest = new Map<string, RequestEntry[]>();
    for (const row of rows) {
      const list = byRequest.get(row.request_id) ?? [];
      list.push({ kind: row.kind, subject: row.subject_id, outcome: row.outcome, departments: row.departments });
      byRequest.set(row.request_id, list);
    }
    return { entries: shape.n, maxIndex: shape.max ?? -1, distinctIndexes: shape.distinct, byRequest };
  } finally {
    await client.end();
  }
}

/** Saves a signed checkpoint of the ledger as it is now (an auditor's on-demand checkpoint). */
export async function checkpointNow(url: string, auditorToken: string): Promise<{ treeSize: number; note: string }> {
  const res = await graphql<{ createLedgerCheckpoint: { treeSize: number; note: string } }>(
    url,
    'mutation { createLedgerCheckpoint { treeSize note } }',
    undefined,
    auditorToken,
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.createLedgerCheckpoint;
}

/**
 * What an auditor does: the complete export from the gateway, checked by `npm run ledger:verify`'s
 * own code (leaf hashes, the Merkle root the header checkpoint signed, the signatures) with the
 * ledger's verifier key, and against checkpoints saved earlier (the tree then must be a prefix of it).
 */
export async function verifyLedger(
  url: string,
  auditorToken: string,
  savedCheckpoints: readonly string[] = [],
): Promise<{ code: number; report: VerificationReport }> {
  const vkey = (await graphql<{ ledgerPublicKey: { vkey: string } }>(url, '{ ledgerPublicKey { vkey } }')).body.data!.ledgerPublicKey.vkey;
  const res = await fetch(`${url}/audit/export`, { headers: { authorization: `Bearer ${auditorToken}` }, signal: AbortSignal.timeout(60_000) });
  expect(res.status).toBe(200);
  const dir = mkdtempSync(join(tmpdir(), 'onegate-faults-ledger-'));
  try {
    const exportFile = join(dir, 'ledger.ndjson');
    writeFileSync(exportFile, await res.text());
    let result: { code: number; report: VerificationReport } | undefined;
    for (const [i, note] of (savedCheckpoints.length > 0 ? savedCheckpoints : [undefined]).entries()) {
      const args = ['--export', exportFile, '--key', vkey, '--json'];
      if (note !== undefined) {
        writeFileSync(join(dir, `saved-${i}.checkpoint`), note);
        args.push('--checkpoint', join(dir, `saved-${i}.checkpoint`));
      }
      let out = '';
      let err = '';
      const code = await runLedgerVerifyCli(
        args,
        { NODE_ENV: 'test', DATA_DIR: harnessState().dataDir },
        { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } },
      );
      if (code !== 0 || !out) return { code, report: (out ? JSON.parse(out) : { ok: false, firstFailure: { reason: err } }) as VerificationReport };
      result = { code, report: JSON.parse(out) as VerificationReport };
    }
    return result!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Percentile of a list of milliseconds (nearest rank), rounded. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

/** One line of numbers in the test output. */
export function report(test: string, numbers: Record<string, unknown>): void {
  console.log(
    `faults[${FULL_SIZE ? 'full' : 'ci'}] ${test}: ${Object.entries(numbers)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
}

/** How a set of outcomes ended, for reports and failure messages: `HTTP 200 DEPARTMENT_TIMEOUT/TIMEOUT: 12, …`. */
export function tally(outcomes: readonly Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const errors = o.body?.errors ?? [];
    const what =
      o.status === 0
        ? `no answer (${o.error})`
        : `HTTP ${o.status} ${errors.length === 0 ? 'ok' : [...new Set(errors.map((e) => `${e.extensions?.code}/${e.extensions?.reason ?? ''}`))].sort().join('+')}`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return [...counts].map(([what, n]) => `${what}: ${n}`).join(', ');
}
