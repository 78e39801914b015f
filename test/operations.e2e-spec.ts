import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../src/common/project-root.js';
import { freePort } from './harness/free-port.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { writeConnectorsFile } from './support/department-api-process.js';
import { addIdentityCheckMatter } from './support/fixture-matters.js';

/*
 * Operations: the Prometheus series at /metrics after a lookup, an issuance, a verification and a
 * checkpoint, with values that match what happened (and nothing about the people involved); and
 * the OpenTelemetry spans of a lookup, exported over OTLP/HTTP to a collector on loopback.
 */

const LI_WEI = '330825198803142023';
const SECRET_ENV = 'HUMAN_RESOURCES_API_HMAC_SECRET';
const HOUSE = `query($p: PurposeInput!) { citizen(idNumber: "${LI_WEI}", purpose: $p) { person { name } household { householdNumber } socialInsurance { accountNumber } } }`;
const ISSUE = `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { id credential } }`;
const VERIFY = `query($credential: String!) { verifyCertificate(credential: $credential) { valid } }`;
const CHECKPOINT = `mutation { createLedgerCheckpoint { treeSize } }`;

/** `name{labels}` → value, from the Prometheus text format (comments dropped). */
function parseExposition(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

function value(series: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const [key, v] of series) {
    const brace = key.indexOf('{');
    const metric = brace < 0 ? key : key.slice(0, brace);
    if (metric !== name) continue;
    const own = brace < 0 ? [] : key.slice(brace + 1, -1).split(',');
    if (wanted.every((w) => own.includes(w))) return v;
  }
  return undefined;
}

describe('operations: Prometheus metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onegate-ops-'));
  let t: TestApp;
  let owner: pg.Client;

  beforeAll(async () => {
    process.env[SECRET_ENV] = randomBytes(24).toString('base64url');
    // Human Resources behind an HTTP connector nobody listens to: its calls fail, and its breaker opens after two.
    const file = writeConnectorsFile(dir, await freePort(), 500);
    t = await createTestApp({
      DEPARTMENT_CONNECTORS_FILE: file,
      DEPARTMENT_BREAKER_FAILURES: '2',
      DEPARTMENT_BREAKER_HALF_OPEN_MS: '600000',
      LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0',
    });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await t?.close();
    delete process.env[SECRET_ENV];
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every series after a lookup, an issuance, a verification and a checkpoint, with values that add up', async () => {
    const grant = await t.graphql<{ grantConsent: { id: string } }>(
      `mutation { grantConsent(input: { matter: "HOUSE_TRANSFER", halls: ["LONGYOU-01"] }) { id } }`,
      undefined,
      await t.token({ role: 'citizen', sub: LI_WEI }),
    );
    const consent = grant.body.data!.grantConsent.id;
    const clerk = await t.token({ role: 'clerk', sub: 'C-OPS-1', hall: 'LONGYOU-01' });
    const failures: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const res = await t.graphql<{ citizen: any }>(HOUSE, { p: { matter: 'HOUSE_TRANSFER', caseNumber: `OPS-${i}`, consent } }, clerk);
      expect(res.body.data!.citizen.person.name).toBe('Li Wei');
      failures.push(String(res.body.errors![0]!.extensions!.reason));
    }
    expect(failures).toEqual(['FAILED', 'FAILED', 'CIRCUIT_OPEN']);

    const publicSecurity = await t.token({ role: 'department', sub: 'ps-registry', department: 'PUBLIC_SECURITY' });
    const issued = await t.graphql<{ issueCertificate: { credential: string } }>(
      ISSUE,
      { input: { type: 'HOUSEHOLD_REGISTER_EXTRACT', holder: LI_WEI, idempotencyKey: 'ops-1' } },
      publicSecurity,
    );
    expect(issued.body.errors).toBeUndefined();
    const verified = await t.graphql<{ verifyCertificate: { valid: boolean } }>(VERIFY, { credential: issued.body.data!.issueCertificate.credential });
    expect(verified.body.data!.verifyCertificate.valid).toBe(true);
    const checkpoint = await t.graphql<{ createLedgerCheckpoint: { treeSize: number } }>(
      CHECKPOINT,
      undefined,
      await t.token({ role: 'auditor', sub: 'aud-ops' }),
    );
    expect(checkpoint.body.errors).toBeUndefined();
    const unparsable = await t.graphql('{ citizen(', undefined, clerk);
    expect(unparsable.status).toBe(400);

    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    const text = res.text;
    const series = parseExposition(text);

    // GraphQL: rate (the histogram's count), latency and errors per operation, labelled by the first root field.
    expect(value(series, 'onegate_graphql_operation_duration_seconds_count', { type: 'query', operation: 'citizen', outcome: 'error' })).toBe(3);
    expect(value(series, 'onegate_graphql_operation_duration_seconds_count', { type: 'mutation', operation: 'issueCertificate', outcome: 'ok' })).toBe(1);
    expect(value(series, 'onegate_graphql_operation_duration_seconds_count', { type: 'query', operation: 'verifyCertificate', outcome: 'ok' })).toBe(1);
    expect(value(series, 'onegate_graphql_operation_duration_seconds_count', { type: 'mutation', operation: 'createLedgerCheckpoint', outcome: 'ok' })).toBe(1);
    expect(value(series, 'onegate_graphql_operation_duration_seconds_bucket', { type: 'query', operation: 'citizen', outcome: 'error', le: '+Inf' })).toBe(3);
    expect(value(series, 'onegate_graphql_operation_duration_seconds_sum', { operation: 'citizen' })).toBeGreaterThan(0);
    expect(value(series, 'onegate_graphql_errors_total', { operation: 'citizen', code: 'DEPARTMENT_UNAVAILABLE' })).toBe(3);
    expect(value(series, 'onegate_graphql_errors_total', { type: 'unknown', operation: '_invalid', code: 'GRAPHQL_PARSE_FAILED' })).toBe(1);

    // Departments: latency by outcome, failures, breaker state and transitions.
    expect(value(series, 'onegate_department_call_duration_seconds_count', { department: 'PUBLIC_SECURITY', outcome: 'ok' })).toBeGreaterThanOrEqual(3);
    expect(value(series, 'onegate_department_call_duration_seconds_count', { department: 'HUMAN_RESOURCES', outcome: 'FAILED' })).toBe(2);
    expect(value(series, 'onegate_department_call_failures_total', { department: 'HUMAN_RESOURCES', failure: 'FAILED' })).toBe(2);
    expect(value(series, 'onegate_department_call_failures_total', { department: 'HUMAN_RESOURCES', failure: 'CIRCUIT_OPEN' })).toBe(1);
    expect(value(series, 'onegate_department_breaker_state', { department: 'HUMAN_RESOURCES', state: 'open' })).toBe(1);
    expect(value(series, 'onegate_department_breaker_state', { department: 'HUMAN_RESOURCES', state: 'closed' })).toBe(0);
    expect(value(series, 'onegate_department_breaker_state', { department: 'PUBLIC_SECURITY', state: 'closed' })).toBe(1);
    expect(value(series, 'onegate_department_breaker_transitions_total', { department: 'HUMAN_RESOURCES', state: 'open' })).toBe(1);

    // The ledger: every entry this instance wrote, its append latency and batch sizes; the tree and checkpoint as stored.
    const { rows } = await owner.query<{ n: number; data_access: number; checkpoint: string; age: number }>(
      `SELECT (SELECT count(*)::int FROM onegate.ledger_entry) AS n,
              (SELECT count(*)::int FROM onegate.ledger_entry WHERE kind = 'DATA_ACCESS') AS data_access,
              (SELECT max(tree_size)::text FROM onegate.ledger_checkpoint) AS checkpoint`,
    );
    const written = rows[0]!;
    expect(value(series, 'onegate_ledger_append_duration_seconds_count')).toBe(written.n);
    expect(value(series, 'onegate_ledger_append_duration_seconds_sum')).toBeGreaterThan(0);
    expect(value(series, 'onegate_ledger_batch_entries_sum')).toBe(written.n);
    expect(value(series, 'onegate_ledger_batch_entries_count')).toBeGreaterThanOrEqual(1);
    expect(value(series, 'onegate_ledger_batch_duration_seconds_count', { outcome: 'written' })).toBe(value(series, 'onegate_ledger_batch_entries_count'));
    expect(value(series, 'onegate_ledger_append_failures_total')).toBe(0);
    let accesses = 0;
    for (const outcome of ['GRANTED', 'PARTIAL', 'DENIED', 'FAILED'])
      accesses += value(series, 'onegate_ledger_entries_total', { kind: 'DATA_ACCESS', outcome }) ?? 0;
    expect(accesses).toBe(written.data_access);
    expect(value(series, 'onegate_ledger_tree_size')).toBe(written.n);
    expect(value(series, 'onegate_ledger_checkpoint_tree_size')).toBe(Number(written.checkpoint));
    expect(value(series, 'onegate_ledger_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(series, 'onegate_ledger_checkpoint_age_seconds')).toBeLessThan(60);
    expect(value(series, 'onegate_ledger_checkpoint_interval_seconds')).toBe(0);

    // Certificates, counted from their durable ledger entries.
    expect(value(series, 'onegate_certificate_issuances_total', { outcome: 'issued' })).toBe(1);
    expect(value(series, 'onegate_certificate_issuances_total', { outcome: 'denied' })).toBe(0);
    expect(value(series, 'onegate_certificate_verifications_total', { outcome: 'valid' })).toBe(1);
    expect(value(series, 'onegate_certificate_verifications_total', { outcome: 'invalid' })).toBe(0);

    // The lookup limit: three lookups and one issuance, counted in PostgreSQL.
    expect(value(series, 'onegate_lookup_limit_decisions_total', { outcome: 'allowed', store: 'shared' })).toBe(4);

    // The process: event-loop lag and the other Node.js defaults, under their standard names.
    expect(value(series, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(series, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(series, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(series, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // Nothing about the people or the cases.
    for (const secret of [LI_WEI, 'C-OPS-1', 'OPS-1', consent, 'ps-registry', 'aud-ops']) expect(text).not.toContain(secret);
    // Every onegate series has its help text and is described in docs/operations.md; the docs (their alert rules too) name no other.
    const emitted = new Set([...text.matchAll(/^# HELP (onegate_\w+) /gm)].map((m) => m[1]!));
    const documented = new Set(
      [...readFileSync(join(projectRoot(), 'docs', 'operations.md'), 'utf8').matchAll(/\b(onegate_[a-z_]*[a-z])\b/g)].map((m) =>
        m[1]!.replace(/_(bucket|sum|count)$/, ''),
      ),
    );
    expect([...emitted].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !emitted.has(name))).toEqual([]);
    expect(emitted.size).toBe(20);
    // The alert rules in the docs are the ones in examples/prometheus/alerts.yml (which promtool tests).
    const docs = readFileSync(join(projectRoot(), 'docs', 'operations.md'), 'utf8');
    const rules = /```yaml\n(groups:[\s\S]*?)```/.exec(docs)?.[1];
    expect(rules).toBe(readFileSync(join(projectRoot(), 'examples', 'prometheus', 'alerts.yml'), 'utf8'));
  });
});

describe('operations: /metrics access', () => {
  let t: TestApp;
  const token = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN: token, LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('asks for the METRICS_TOKEN when one is configured, and takes nothing else', async () => {
    const none = await t.http().get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
    const wrong = await t.http().get('/metrics').set('authorization', `Bearer ${token}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ reason: 'TOKEN_INVALID' });
    // A valid onegate token is not the metrics token.
    const admin = await t
      .http()
      .get('/metrics')
      .set('authorization', `Bearer ${await t.token({ role: 'admin', sub: 'admin-ops' })}`);
    expect(admin.status).toBe(401);
    const right = await t.http().get('/metrics').set('authorization', `Bearer ${token}`);
    expect(right.status).toBe(200);
    expect(right.text).toContain('# TYPE onegate_graphql_operation_duration_seconds histogram');
  });

  it('keeps two gateways in one process apart: each has its own series', async () => {
    const other = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    try {
      await other.graphql('{ ledgerPublicKey { origin } }');
      const mine = parseExposition((await t.http().get('/metrics').set('authorization', `Bearer ${token}`)).text);
      const theirs = parseExposition((await other.http().get('/metrics')).text);
      expect(value(theirs, 'onegate_graphql_operation_duration_seconds_count', { operation: 'ledgerPublicKey' })).toBe(1);
      expect(value(mine, 'onegate_graphql_operation_duration_seconds_count', { operation: 'ledgerPublicKey' })).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  links?: Array<{ traceId: string; spanId: string }>;
}

describe('operations: OpenTelemetry traces', () => {
  let t: TestApp;
  let collector: Server;
  const bodies: string[] = [];

  beforeAll(async () => {
    collector = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') bodies.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as { port: number };
    t = await createTestApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_SERVICE_NAME: 'onegate-test',
      LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0',
    });
    await addIdentityCheckMatter(t);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => collector?.close(resolve));
  });

  it('exports a lookup as a server span with one span per department call, and the ledger batch linked to it', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const clerk = await t.token({ role: 'clerk', sub: 'C-TRACE-1', hall: 'LONGYOU-01' });
    const res = await t
      .http()
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${clerk}`)
      .set('traceparent', `00-${traceId}-${parentId}-01`)
      .send({
        query: `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "TR-1" }) { person { name } household { householdNumber } } }`,
      });
    expect(res.body.errors).toBeUndefined();
    // Closing the gateway flushes the spans to the collector.
    await t.close();
    t = undefined as unknown as TestApp;

    const spans: Array<OtlpSpan & { service?: string }> = bodies.flatMap((body) => {
      const parsed = JSON.parse(body) as {
        resourceSpans: Array<{ resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
      };
      return parsed.resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) =>
          ss.spans.map((s) => ({ ...s, service: rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue as string })),
        ),
      );
    });
    const attribute = (span: OtlpSpan, key: string) => {
      const v = span.attributes.find((a) => a.key === key)?.value;
      return v === undefined ? undefined : (v.stringValue ?? v.intValue ?? v.boolValue);
    };
    const server = spans.find((s) => s.name === 'query citizen');
    expect(server).toBeDefined();
    expect(server!.service).toBe('onegate-test');
    expect(server!.traceId).toBe(traceId);
    expect(server!.parentSpanId).toBe(parentId);
    expect(attribute(server!, 'http.route')).toBe('/graphql');
    expect(Number(attribute(server!, 'http.response.status_code'))).toBe(200);

    const calls = spans.filter((s) => s.name === 'department.fetch' && s.traceId === traceId);
    expect(calls.map((s) => attribute(s, 'onegate.department')).sort()).toEqual(['PUBLIC_SECURITY', 'PUBLIC_SECURITY']);
    expect(calls.map((s) => attribute(s, 'onegate.data_item')).sort()).toEqual(['household.registration', 'person.identity']);
    for (const call of calls) expect(call.parentSpanId).toBe(server!.spanId);

    const batch = spans.find((s) => s.name === 'ledger.append' && (s.links ?? []).some((l) => l.traceId === traceId && l.spanId === server!.spanId));
    expect(batch).toBeDefined();
    expect(Number(attribute(batch!, 'onegate.ledger.entries'))).toBeGreaterThanOrEqual(1);

    // No identifier, case number or token in any exported span.
    for (const body of bodies) for (const secret of [LI_WEI, 'TR-1', 'C-TRACE-1', clerk]) expect(body).not.toContain(secret);
  });
});
