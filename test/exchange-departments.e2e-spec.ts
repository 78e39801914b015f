import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connectionsFor } from '../src/database/database-setup.js';
import { DepartmentRegistry } from '../src/exchange/department-registry.js';
import { harnessState } from './harness/database.js';
import { freePort } from './harness/free-port.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { DepartmentApiProcess, writeConnectorsFile } from './support/department-api-process.js';
import { addFamilyCheckMatter } from './support/fixture-matters.js';

/*
 * RELIABILITY-AND-SECURITY §F: failing departments. Human Resources is reached over HTTP (the
 * reference department API as its own process on loopback, HMAC-signed); the other departments
 * through their read-only database roles.
 */

const LI_WEI = '330825198803142023';
const TIMEOUT_MS = 600;
const BREAKER_FAILURES = 3;
const HALF_OPEN_MS = 1500;
const SECRET_ENV = 'HUMAN_RESOURCES_API_HMAC_SECRET';

const QUERY = `query($p: PurposeInput!) {
  citizen(idNumber: "${LI_WEI}", purpose: $p) {
    person { name }
    household { householdNumber }
    marriage { certificateNumber }
    properties { certificateNumber }
    socialInsurance { accountNumber status contributionMonths employer source { department } }
  }
}`;

type Body = { data?: { citizen: any } | null; errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }> };

describe('§F failing departments', () => {
  const secret = randomBytes(24).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'onegate-connectors-'));
  let t: TestApp;
  let api: DepartmentApiProcess;
  let apiEnv: Record<string, string>;
  let clerk: string;
  let consent: string;
  let caseCounter = 0;

  const lookup = async (): Promise<{ body: Body; ms: number }> => {
    const started = Date.now();
    const res = await t.graphql<{ citizen: any }>(QUERY, { p: { matter: 'HOUSE_TRANSFER', caseNumber: `F-${++caseCounter}`, consent } }, clerk);
    return { body: res.body as Body, ms: Date.now() - started };
  };
  const startApi = async () => {
    api = new DepartmentApiProcess(apiEnv, secret);
    await api.listening();
  };
  const breaker = () => t.app.get(DepartmentRegistry).department('HUMAN_RESOURCES').breakerState;
  /** Everything but social insurance arrived, exactly as when all is well. */
  const expectOtherDepartments = (body: Body) => {
    expect(body.data!.citizen).toMatchObject({
      person: { name: 'Li Wei' },
      household: { householdNumber: '330825-004417' },
      marriage: { certificateNumber: 'J330825-2014-001288' },
      properties: [{ certificateNumber: 'ZJ(2019)LY-0031552' }],
      socialInsurance: null,
    });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.path).toEqual(['citizen', 'socialInsurance']);
    expect(body.errors![0]!.extensions!.department).toBe('HUMAN_RESOURCES');
  };

  beforeAll(async () => {
    process.env[SECRET_ENV] = secret;
    const port = await freePort();
    const file = writeConnectorsFile(dir, port, TIMEOUT_MS);
    t = await createTestApp({
      DEPARTMENT_CONNECTORS_FILE: file,
      DEPARTMENT_TIMEOUT_MS: String(TIMEOUT_MS),
      DEPARTMENT_BREAKER_FAILURES: String(BREAKER_FAILURES),
      DEPARTMENT_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
      LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0',
    });
    const readerUrl = connectionsFor(t.databaseUrl, harnessState().rolePassword).readerUrls.HUMAN_RESOURCES;
    apiEnv = { DEPARTMENT_DATABASE_URL: readerUrl, HMAC_SECRET: secret, HMAC_KEY_ID: 'onegate', PORT: String(port), FAULTS: '1' };
    await startApi();
    clerk = await t.token({ role: 'clerk', sub: 'C-LY-F', hall: 'LONGYOU-01' });
    const grant = await t.graphql<{ grantConsent: { id: string } }>(
      `mutation { grantConsent(input: { matter: "HOUSE_TRANSFER", halls: ["LONGYOU-01"] }) { id } }`,
      undefined,
      await t.token({ role: 'citizen', sub: LI_WEI }),
    );
    consent = grant.body.data!.grantConsent.id;
  });
  afterAll(async () => {
    api?.kill('SIGTERM');
    await api?.exit;
    await t?.close();
    delete process.env[SECRET_ENV];
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads social insurance over the HTTP connector, signed, mapped and validated', async () => {
    const before = (await api.stats()).requests;
    const { body } = await lookup();
    expect(body.errors).toBeUndefined();
    expect(body.data!.citizen.socialInsurance).toEqual({
      accountNumber: 'SI-330825-88031420',
      status: 'CONTRIBUTING',
      contributionMonths: 142,
      employer: 'Hangzhou Lianhe Trading Co.',
      source: { department: 'HUMAN_RESOURCES' },
    });
    expect((await api.stats()).requests).toBe(before + 1);
  });

  it('34: a hanging department → its field is null with path, code and department within the timeout; the socket is closed; the others arrive', async () => {
    await api.fault('hang');
    const { abandoned } = await api.stats();
    const { body, ms } = await lookup();
    expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
    expectOtherDepartments(body);
    expect(body.errors![0]!.extensions).toEqual({ code: 'DEPARTMENT_TIMEOUT', reason: 'TIMEOUT', department: 'HUMAN_RESOURCES' });
    // The gateway gave up on the request and closed its socket: the department sees it abandoned.
    for (let i = 0; i < 20 && (await api.stats()).abandoned === abandoned; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await api.stats()).abandoned).toBe(abandoned + 1);
    await api.fault('none');
    expect((await lookup()).body.errors).toBeUndefined();
  });

  it('34: a department database that hangs (a table locked) times out the same way', async () => {
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE dept_civil_affairs.marital_status IN ACCESS EXCLUSIVE MODE');
      const { body, ms } = await lookup();
      expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
      expect(body.data!.citizen.marriage).toBeNull();
      expect(body.data!.citizen.socialInsurance.accountNumber).toBe('SI-330825-88031420');
      expect(body.errors).toEqual([
        expect.objectContaining({ path: ['citizen', 'marriage'], extensions: { code: 'DEPARTMENT_TIMEOUT', reason: 'TIMEOUT', department: 'CIVIL_AFFAIRS' } }),
      ]);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    expect((await lookup()).body.errors).toBeUndefined();
  });

  it('36: an answer that does not match the item schema, or is not JSON, is a field error; nothing malformed passes through', async () => {
    await api.fault('invalid');
    const invalid = await lookup();
    expectOtherDepartments(invalid.body);
    expect(invalid.body.errors![0]!.extensions).toEqual({ code: 'DEPARTMENT_INVALID_RESPONSE', reason: 'SCHEMA_MISMATCH', department: 'HUMAN_RESOURCES' });
    expect(JSON.stringify(invalid.body)).not.toContain('many');

    await api.fault('garbage');
    const garbage = await lookup();
    expectOtherDepartments(garbage.body);
    expect(garbage.body.errors![0]!.extensions).toEqual({ code: 'DEPARTMENT_UNAVAILABLE', reason: 'FAILED', department: 'HUMAN_RESOURCES' });

    await api.fault('none');
    expect((await lookup()).body.errors).toBeUndefined();
  });

  it('35: consecutive failures open the breaker; calls then fail fast without reaching the department; a probe after the half-open delay closes it', async () => {
    await api.fault('error');
    for (let i = 0; i < BREAKER_FAILURES; i++) {
      const { body } = await lookup();
      expectOtherDepartments(body);
      expect(body.errors![0]!.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', reason: 'FAILED' });
    }
    expect(breaker()).toBe('OPEN');
    const reached = (await api.stats()).requests;
    const open = await lookup();
    expectOtherDepartments(open.body);
    expect(open.body.errors![0]!.extensions).toEqual({ code: 'DEPARTMENT_UNAVAILABLE', reason: 'CIRCUIT_OPEN', department: 'HUMAN_RESOURCES' });
    expect((await api.stats()).requests).toBe(reached);

    await api.fault('none');
    await new Promise((r) => setTimeout(r, HALF_OPEN_MS + 100));
    const probe = await lookup();
    expect(probe.body.errors).toBeUndefined();
    expect((await api.stats()).requests).toBe(reached + 1);
    expect(breaker()).toBe('CLOSED');
  });

  it('with the HTTP department stopped, the others still answer within the timeout and the breaker opens; when it is back, the gateway recovers by itself', async () => {
    api.kill('SIGTERM');
    await api.exit;
    for (let i = 0; i < BREAKER_FAILURES; i++) {
      const { body, ms } = await lookup();
      expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
      expectOtherDepartments(body);
    }
    expect(breaker()).toBe('OPEN');
    const { body, ms } = await lookup();
    expect(body.errors![0]!.extensions).toMatchObject({ reason: 'CIRCUIT_OPEN' });
    expect(ms).toBeLessThan(TIMEOUT_MS);

    await startApi();
    await new Promise((r) => setTimeout(r, HALF_OPEN_MS + 100));
    const back = await lookup();
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data!.citizen.socialInsurance.accountNumber).toBe('SI-330825-88031420');
  });

  it('§D 28: issuing a certificate while the department holding its data is down gives no certificate; the retry with the same key gives one, once', async () => {
    const system = await t.token({ role: 'department', sub: 'hrss-certificates', department: 'HUMAN_RESOURCES' });
    const ISSUE = `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { id identifier claims } }`;
    // The record's name and ID number are Public Security's: Human Resources issues it under RETIREMENT, with her consent (§I 43).
    const retirement = await t.graphql<{ grantConsent: { id: string } }>(
      `mutation { grantConsent(input: { matter: "RETIREMENT", departments: ["HUMAN_RESOURCES"] }) { id } }`,
      undefined,
      await t.token({ role: 'citizen', sub: LI_WEI }),
    );
    const purpose = { matter: 'RETIREMENT', caseNumber: 'HR-2026-0001', consent: retirement.body.data!.grantConsent.id };
    const input = { type: 'SOCIAL_INSURANCE_RECORD', holder: '330825198803142023', idempotencyKey: 'hrss-si-2026-0001', purpose };
    const owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    const registered = async () =>
      (await owner.query(`SELECT count(*)::int AS n FROM onegate.certificate WHERE idempotency_key = $1`, [input.idempotencyKey])).rows[0].n as number;
    try {
      api.kill('SIGTERM');
      await api.exit;
      const down = await t.graphql<{ issueCertificate: unknown }>(ISSUE, { input }, system);
      expect(down.body.data ?? null).toBeNull();
      expect(down.body.errors![0]!.extensions).toMatchObject({
        code: expect.stringMatching(/^DEPARTMENT_(UNAVAILABLE|TIMEOUT)$/),
        department: 'HUMAN_RESOURCES',
      });
      expect(await registered()).toBe(0);

      await startApi();
      await new Promise((r) => setTimeout(r, HALF_OPEN_MS + 100));
      const first = await t.graphql<{ issueCertificate: { id: string; claims: Record<string, unknown> } }>(ISSUE, { input }, system);
      expect(first.body.errors).toBeUndefined();
      expect(first.body.data!.issueCertificate.claims).toMatchObject({ accountNumber: 'SI-330825-88031420' });
      const again = await t.graphql<{ issueCertificate: { id: string } }>(ISSUE, { input }, system);
      expect(again.body.data!.issueCertificate.id).toBe(first.body.data!.issueCertificate.id);
      expect(await registered()).toBe(1);
      const outcomes = (
        await owner.query(`SELECT outcome FROM onegate.ledger_entry WHERE kind = 'CERTIFICATE_ISSUE' AND actor_id = 'hrss-certificates' ORDER BY leaf_index`)
      ).rows.map((r) => r.outcome);
      expect(outcomes).toEqual(['FAILED', 'GRANTED', 'GRANTED']);

      // Certificates in place of paper: with the department failing, the certificate covers its material.
      await api.fault('error');
      const checklist = await t.graphql<{
        citizen: { socialInsurance: unknown; materials: Array<{ code: string; satisfied: string; certificates: string[] }> };
      }>(
        `query($purpose: PurposeInput!) { citizen(idNumber: "330825198803142023", purpose: $purpose) { socialInsurance { accountNumber } materials { code satisfied certificates } } }`,
        { purpose: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-F-CERT', consent } },
        clerk,
      );
      await api.fault('none');
      expect(checklist.body.data!.citizen.socialInsurance).toBeNull();
      const material = checklist.body.data!.citizen.materials.find((m) => m.code === 'SOCIAL_INSURANCE_RECORD');
      expect(material).toMatchObject({ satisfied: 'BY_CERTIFICATE', certificates: [expect.stringMatching(/^1\.2\.156\.3005\.2\./)] });
    } finally {
      await owner.end();
    }
  });

  it('a gateway shutting down finishes the lookups in flight: departments and ledger close only after the HTTP server drained', async () => {
    const closing = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    await addFamilyCheckMatter(closing);
    const locker = new pg.Client({ connectionString: closing.databaseUrl });
    await locker.connect();
    try {
      const token = await closing.token({ role: 'clerk', sub: 'C-LY-CLOSE', hall: 'LONGYOU-01' });
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE dept_civil_affairs.marital_status IN ACCESS EXCLUSIVE MODE');
      const inFlight = closing.graphql<{ citizen: any }>(
        `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "FAMILY_CHECK", caseNumber: "CLOSE-1" }) { person { name } marriage { certificateNumber } } }`,
        undefined,
        token,
      );
      await new Promise((r) => setTimeout(r, 300));
      const closed = closing.app.close();
      await new Promise((r) => setTimeout(r, 200));
      await locker.query('ROLLBACK');
      const res = await inFlight;
      await closed;
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.citizen).toEqual({ person: { name: 'Li Wei' }, marriage: { certificateNumber: 'J330825-2014-001288' } });
    } finally {
      await locker.end();
      await closing.close().catch(() => undefined);
    }
  });

  it('records each lookup in the ledger with the departments it asked', async () => {
    const rows = await new pg.Client({ connectionString: t.databaseUrl });
    await rows.connect();
    try {
      const { rows: entries } = await rows.query<{ departments: string[]; outcome: string }>(
        `SELECT departments, outcome FROM onegate.ledger_entry WHERE kind = 'DATA_ACCESS' AND case_number LIKE 'F-%'`,
      );
      expect(entries).toHaveLength(caseCounter);
      for (const entry of entries) {
        expect(entry).toEqual({ departments: ['CIVIL_AFFAIRS', 'HUMAN_RESOURCES', 'NATURAL_RESOURCES', 'PUBLIC_SECURITY'], outcome: 'GRANTED' });
      }
    } finally {
      await rows.end();
    }
  });
});
