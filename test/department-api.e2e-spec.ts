import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Ajv2020Module from 'ajv/dist/2020.js';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectionsFor } from '../src/database/database-setup.js';
import { ConnectorError } from '../src/exchange/connector.js';
import { type HttpConnectorConfig, parseConnectorConfig } from '../src/exchange/connector-config.js';
import { HttpConnector } from '../src/exchange/http-connector.js';
import { harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { DepartmentApiProcess, DEPARTMENT_API_SERVER as SERVER } from './support/department-api-process.js';

// ajv is CommonJS; under NodeNext its default import is the module object.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module.default;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ITEM = 'social_insurance.account';
const LI_WEI = '330825198803142023';
const ZHANG_HAO = '330825198611021315';
/** Well-formed, but nobody the bureau knows. */
const STRANGER = '110101199003074477';

describe('the reference department API through the HTTP connector', () => {
  const secret = randomBytes(24).toString('base64url');
  let t: TestApp;
  let api: DepartmentApiProcess;
  let config: HttpConnectorConfig;
  let connector: HttpConnector;
  const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(root, 'schemas', 'data-items', `${ITEM}.json`), 'utf8')));
  const signal = () => new AbortController().signal;

  beforeAll(async () => {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: the e2e global setup builds it (scripts/run.mjs --build-if-stale)`);
    t = await createTestApp();
    const readerUrl = connectionsFor(t.databaseUrl, harnessState().rolePassword).readerUrls.HUMAN_RESOURCES;
    api = new DepartmentApiProcess({ DEPARTMENT_DATABASE_URL: readerUrl, HMAC_SECRET: secret, HMAC_KEY_ID: 'onegate', PORT: '0', FAULTS: '1' }, secret);
    const url = await api.listening();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const example = JSON.parse(readFileSync(join(root, 'examples', 'department-api', 'connector.example.json'), 'utf8')) as Record<string, unknown>;
    const parsed = parseConnectorConfig({ ...example, baseUrl: url }, 'HUMAN_RESOURCES');
    if (parsed.kind !== 'http' || parsed.auth.kind !== 'hmac') throw new Error('connector.example.json should be an HTTP connector with HMAC auth');
    config = parsed;
    connector = new HttpConnector('HUMAN_RESOURCES', config, { [parsed.auth.secretEnv]: secret });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
    api?.kill('SIGKILL');
    await api?.exit;
    await t?.close();
  });

  it("maps Li Wei's account onto the item's fields, valid against its JSON Schema", async () => {
    const result = await connector.fetch(ITEM, [LI_WEI], signal());
    expect(result.get(LI_WEI)).toEqual([
      { accountNumber: 'SI-330825-88031420', status: 'CONTRIBUTING', contributionMonths: 142, employer: 'Hangzhou Lianhe Trading Co.' },
    ]);
    const [record] = result.get(LI_WEI)!;
    expect(validate(record)).toBe(true);
  });

  it('asks for a batch of two subjects in one HTTP request', async () => {
    const before = await api.stats();
    const result = await connector.fetch(ITEM, [LI_WEI, ZHANG_HAO], signal());
    expect((await api.stats()).requests - before.requests).toBe(1);
    expect(result.get(LI_WEI)).toHaveLength(1);
    expect(result.get(ZHANG_HAO)).toEqual([
      { accountNumber: 'SI-330825-86110213', status: 'CONTRIBUTING', contributionMonths: 167, employer: 'Longyou Power Supply Co.' },
    ]);
    expect(result.get(ZHANG_HAO)!.every((r) => validate(r))).toBe(true);
  });

  it('answers an empty array for a subject the bureau does not know', async () => {
    const result = await connector.fetch(ITEM, [STRANGER, LI_WEI], signal());
    expect(result.get(STRANGER)).toEqual([]);
    expect(result.get(LI_WEI)).toHaveLength(1);
  });

  it('refuses a wrong secret with 401, which the connector reports without naming the subject', async () => {
    const wrong = new HttpConnector('HUMAN_RESOURCES', config, { [(config.auth as { secretEnv: string }).secretEnv]: 'not-the-secret-at-all' });
    const error = await wrong.fetch(ITEM, [LI_WEI], signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).message).toMatch(/HUMAN_RESOURCES .*HTTP 401/);
    expect((error as ConnectorError).message).not.toContain(LI_WEI);

    const path = `/v1/social-insurance/accounts?idNumbers=${LI_WEI}`;
    expect((await fetch(api.url + path)).status).toBe(401);
    expect((await fetch(api.url + path, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
    expect((await api.call('GET', path, undefined, 'wrong')).status).toBe(401);
    expect((await fetch(`${api.url}/_control/stats`)).status).toBe(401);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });

  it('takes at most 100 ID numbers per call, and only well-formed ones', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `11010119900307${String(i).padStart(4, '0')}`).join(',');
    expect((await api.call('GET', `/v1/social-insurance/accounts?idNumbers=${ids(100)}`)).status).toBe(200);
    const tooMany = await api.call('GET', `/v1/social-insurance/accounts?idNumbers=${ids(101)}`);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({ error: 'at most 100 idNumbers per request' });
    expect((await api.call('GET', '/v1/social-insurance/accounts?idNumbers=12345')).status).toBe(400);
    expect((await api.call('GET', '/v1/social-insurance/accounts')).status).toBe(400);
  });

  it('gives up on a hanging department when the signal aborts, and the department sees the socket close', async () => {
    const before = await api.stats();
    await api.fault('hang');
    try {
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(new Error('department timeout')), 200);
      await expect(connector.fetch(ITEM, [LI_WEI], controller.signal)).rejects.toThrow('department timeout');
      expect(Date.now() - started).toBeLessThan(1_000);
      await waitFor(async () => (await api.stats()).abandoned === before.abandoned + 1);
      expect((await api.stats()).hanging).toBe(0);
    } finally {
      await api.fault('none');
    }
  });

  it.each([
    ['error', /HTTP 500/],
    ['garbage', /not JSON/],
  ])('reports the %s fault as a ConnectorError', async (mode, message) => {
    await api.fault(mode);
    try {
      const error = await connector.fetch(ITEM, [LI_WEI], signal()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).department).toBe('HUMAN_RESOURCES');
      expect((error as ConnectorError).message).toMatch(message);
      expect((error as ConnectorError).message).not.toContain(LI_WEI);
    } finally {
      await api.fault('none');
    }
  });

  it('passes records of the invalid fault through the mapping, where the item schema catches them', async () => {
    await api.fault('invalid');
    try {
      const [record] = (await connector.fetch(ITEM, [LI_WEI], signal())).get(LI_WEI)!;
      expect(record).toMatchObject({ contributionMonths: 'many' });
      expect(validate(record)).toBe(false);
    } finally {
      await api.fault('none');
    }
  });

  it('adds latency when asked to', async () => {
    await api.fault('none', 300);
    try {
      const started = Date.now();
      await connector.fetch(ITEM, [LI_WEI], signal());
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await api.fault('none');
    }
  });

  it('never writes an ID number to its output, and stops cleanly on SIGTERM', async () => {
    api.kill('SIGTERM');
    expect(await api.exit).toBe(0);
    const output = api.output.join('');
    expect(output).toContain('"msg":"stopped"');
    expect(output).not.toMatch(/330825|110101/);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
