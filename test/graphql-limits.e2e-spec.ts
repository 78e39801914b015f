import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ledgerKeyPaths, loadLedgerSigningKey } from '../src/ledger/ledger-key.js';
import { runCertRoot } from '../src/certificates/cert-root.cli.js';
import { DevIssuer } from '../src/identity/dev-issuer.js';
import { loadConfig } from '../src/config/app-config.js';
import { harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { consentKeyPath, loadConsentSigningKey } from '../src/consent/consent-key.js';

/** RELIABILITY-AND-SECURITY §A: GraphQL limits and error hygiene. */
describe('GraphQL limits (development mode)', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = await t.token({ role: 'clerk', sub: 'C-001', hall: 'JINGAN-01' });
  });
  afterAll(() => t.close());

  const nestedTooDeep = 'departments { dataItems { a { b { c { d { e } } } } } }';

  it('rejects a query nested deeper than 6 at validation, before any resolver runs', async () => {
    const res = await t.graphql(`{ ${nestedTooDeep} }`, undefined, token);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors!.map((e) => e.message).join('\n')).toMatch(/depth limit of 6 exceeded/i);
  });

  it('counts depth through a fragment named __schema too', async () => {
    const res = await t.graphql(`query { ...__schema } fragment __schema on Query { ${nestedTooDeep} }`, undefined, token);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors!.map((e) => e.message).join('\n')).toMatch(/depth limit of 6 exceeded/i);
  });

  it('accepts a query within the depth limit', async () => {
    const res = await t.graphql('{ departments { dataItems { code } } }', undefined, token);
    expect(res.body.errors).toBeUndefined();
  });

  it('rejects more aliases than allowed', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: departments { code }`).join(' ');
    const res = await t.graphql(`{ ${aliases} }`, undefined, token);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors!.map((e) => e.message).join('\n')).toMatch(/aliases limit of 15 exceeded/i);
  });

  it("answers Apollo's own refusals of a persisted query as BAD_REQUEST, not as an internal error", async () => {
    // Found by test/fuzz.e2e-spec.ts: these carry a 400 status but no code, and were "Internal server error".
    for (const persistedQuery of [
      { version: 1, sha256Hash: 'abc' },
      { version: 2, sha256Hash: 'abc' },
    ]) {
      const res = await t
        .http()
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${token}`)
        .send({ query: '{ departments { code } }', extensions: { persistedQuery } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ message: expect.stringMatching(/persisted query|sha/), extensions: { code: 'BAD_REQUEST' } }]);
    }
  });

  it('refuses a JSON-array batch with 400', async () => {
    const res = await t
      .http()
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${token}`)
      .send([{ query: '{ departments { code } }' }, { query: '{ dataItems { code } }' }]);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/PUBLIC_SECURITY/);
  });

  it('rejects a fragment bomb by cost', async () => {
    const query = `
      query { ...C ...C ...C ...C ...C }
      fragment A on Query { departments { code name holds dataItems { code title department } } }
      fragment B on Query { ...A ...A ...A ...A ...A ...A ...A ...A ...A ...A }
      fragment C on Query { ...B ...B ...B ...B ...B ...B ...B ...B ...B ...B }`;
    const res = await t.graphql(query, undefined, token);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors!.map((e) => e.message).join('\n')).toMatch(/cost limit of 20000 exceeded/i);
  });

  // §I 49: list sizes and expensive fields count. The console's certificate list (console/src/certificates.ts).
  const CERT_FIELDS = 'id identifier type typeName holder status issuedAt validUntil claims credential qrSvg verificationUrl issuer { code name }';
  const LI_WEI = '330825198803142023';

  it('§I 49: refuses an alias-multiplied list of QR codes and credentials by cost, before any resolver runs', async () => {
    const citizen = await t.token({ role: 'citizen', sub: LI_WEI });
    const entries = async () => {
      const owner = new pg.Client({ connectionString: t.databaseUrl });
      await owner.connect();
      try {
        return (await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM onegate.ledger_entry')).rows[0]!.n;
      } finally {
        await owner.end();
      }
    };
    const before = await entries();
    const aliases = Array.from({ length: 3 }, (_, i) => `c${i}: certificates(holder: "${LI_WEI}") { ${CERT_FIELDS} sdJwt }`).join(' ');
    const res = await t.graphql(`{ ${aliases} }`, undefined, citizen);
    // A validation failure: no data key at all (execution never started), and no ledger entry.
    expect(res.status).toBe(400);
    expect(res.body).not.toHaveProperty('data');
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Query cost limit of 20000 exceeded: this operation costs 25200 /),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COSTLY' },
      }),
    ]);
    // The same QR codes through fragments and a page of consent tokens weigh the same way.
    const viaFragments = await t.graphql(
      `{ a: certificates(holder: "${LI_WEI}") { ...C } b: certificates(holder: "${LI_WEI}") { ...C } c: certificates(holder: "${LI_WEI}") { ...C } } fragment C on Certificate { ${CERT_FIELDS} sdJwt }`,
      undefined,
      citizen,
    );
    expect(viaFragments.body.errors![0]!.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COSTLY' });
    const consentQrs = Array.from({ length: 3 }, (_, i) => `g${i}: myConsents { id token qrSvg }`).join(' ');
    expect((await t.graphql(`{ ${consentQrs} }`, undefined, citizen)).body.errors![0]!.extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'QUERY_TOO_COSTLY',
    });
    const pages = Array.from(
      { length: 14 },
      (_, i) => `p${i}: auditEntries(first: 100) { edges { node { index kind outcome actor { kind id hall department } subject { kind id } requestId at } } }`,
    ).join(' ');
    const auditor = await t.token({ role: 'auditor', sub: 'A-COST' });
    expect((await t.graphql(`{ ${pages} }`, undefined, auditor)).body.errors![0]!.extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'QUERY_TOO_COSTLY',
    });
    expect(await entries()).toBe(before);
  });

  it("§I 49: the console's own queries stay within the cost limit", async () => {
    const citizen = await t.token({ role: 'citizen', sub: LI_WEI });
    const list = await t.graphql(`{ certificates(holder: "${LI_WEI}") { ${CERT_FIELDS} } }`, undefined, citizen);
    expect(list.body.errors).toBeUndefined();
    const consents = await t.graphql('{ myConsents { id qrSvg } }', undefined, citizen);
    expect(consents.body.errors).toBeUndefined();
    const auditor = await t.token({ role: 'auditor', sub: 'A-COST' });
    const page = await t.graphql(
      'query($first: Int) { auditEntries(first: $first) { edges { cursor node { index kind outcome } } pageInfo { hasNextPage endCursor } } }',
      { first: 100 },
      auditor,
    );
    expect(page.body.errors).toBeUndefined();
  });

  it('rejects more than 1000 tokens as a syntax error (400)', async () => {
    const fields = Array.from({ length: 600 }, () => 'code name').join(' ');
    const res = await t.graphql(`{ departments { ${fields} } }`, undefined, token);
    expect(res.status).toBe(400);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/more th.. 1000 tokens/), extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
    ]);
  });

  it('answers a malformed document with 400 GRAPHQL_PARSE_FAILED, not a server error', async () => {
    // Found by test/fuzz.e2e-spec.ts: graphql-armor's token-limit plugin parsed in Apollo's parsingDidStart,
    // where any throw is a server failure, so every syntax error was a 500.
    for (const query of [' ', '{', '{ departments { code }', 'query {', '}}}', 'query Q($x: ) { me { id } }', '"unterminated']) {
      const res = await t.graphql(query, undefined, token);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/^Syntax Error: /), extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
      ]);
    }
  });

  it('rejects more than 50 directives', async () => {
    const directives = Array.from({ length: 51 }, () => '@include(if: true)').join(' ');
    const res = await t.graphql(`{ departments ${directives} { code } }`, undefined, token);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors!.map((e) => e.message).join('\n')).toMatch(/directives limit of 50 exceeded/i);
  });

  it('limits the HTTP body size', async () => {
    const res = await t
      .http()
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${token}`)
      .send({ query: '{ departments { code } }', variables: { padding: 'x'.repeat(300 * 1024) } });
    expect(res.status).toBe(413);
  });

  it('blocks GET and text/plain POST without a preflight header (CSRF prevention)', async () => {
    const get = await t.http().get('/graphql').query({ query: '{ departments { code } }' }).set('authorization', `Bearer ${token}`);
    expect(get.status).toBe(400);
    expect(get.text).not.toMatch(/PUBLIC_SECURITY/);
    const textPlain = await t
      .http()
      .post('/graphql')
      .set('content-type', 'text/plain')
      .set('authorization', `Bearer ${token}`)
      .send(JSON.stringify({ query: '{ departments { code } }' }));
    expect([400, 415]).toContain(textPlain.status);
    expect(textPlain.text).not.toMatch(/PUBLIC_SECURITY/);
  });

  it('answers a database failure inside a resolver without stack, SQL or driver message', async () => {
    const owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    await owner.query('REVOKE SELECT ON onegate.department FROM onegate_app');
    try {
      const res = await t.graphql('{ departments { code } }', undefined, token);
      expect(res.status).toBe(200);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors![0]).toEqual({ message: 'Internal server error', path: ['departments'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(res.body)).not.toMatch(/permission|denied|SELECT|onegate\.|at \w+ \(/i);
    } finally {
      await owner.query('GRANT SELECT ON onegate.department TO onegate_app');
      await owner.end();
    }
  });
});

/** Production certificate trust material, made as an operator would with `npm run cert:root`. */
function productionTrust(): Record<string, string> {
  const masterKey = randomBytes(32).toString('hex');
  const files: Record<string, string> = {};
  runCertRoot(['--out', mkdtempSync(join(tmpdir(), 'onegate-trust-'))], { CERT_MASTER_KEY: masterKey }, (line) => {
    const [name, value] = line.split('=');
    files[name!] = value!;
  });
  return { CERT_MASTER_KEY: masterKey, ...files, PUBLIC_BASE_URL: 'https://onegate.example.gov.cn' };
}

describe('GraphQL in production mode', () => {
  const JWKS_URL = 'https://idp.onegate.test/jwks.json';
  const realFetch = globalThis.fetch;
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    // Production verifies tokens against an external issuer's JWKS, which must be https: the
    // issuer is played here by answering its URL with the development key's set.
    const issuer = new DevIssuer(loadConfig({ NODE_ENV: 'test', DATA_DIR: harnessState().dataDir }));
    const body = JSON.stringify(await issuer.publicJwks());
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) =>
      String(input instanceof Request ? input.url : input) === JWKS_URL
        ? new Response(body, { headers: { 'content-type': 'application/json' } })
        : realFetch(input, init)) as typeof fetch;
    // Production reads the ledger key from a file: the development key, generated if need be.
    const devConfig = loadConfig({ NODE_ENV: 'test', DATA_DIR: harnessState().dataDir });
    loadLedgerSigningKey(devConfig);
    loadConsentSigningKey(devConfig);
    t = await createTestApp({
      NODE_ENV: 'production',
      TOKEN_JWKS_URL: JWKS_URL,
      LEDGER_SIGNING_KEY_FILE: ledgerKeyPaths(devConfig.dataDir).privateKey,
      CONSENT_SIGNING_KEY_FILE: consentKeyPath(devConfig.dataDir),
      ...productionTrust(),
    });
    token = await t.token({ role: 'clerk', sub: 'C-001', hall: 'JINGAN-01' });
  });
  afterAll(async () => {
    await t.close();
    globalThis.fetch = realFetch;
  });

  it('serves queries with a token from the configured issuer', async () => {
    const res = await t.graphql<{ departments: unknown[] }>('{ departments { code } }', undefined, token);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.departments).toHaveLength(6);
  });

  it('refuses introspection', async () => {
    const res = await t.graphql('{ __schema { types { name } } }', undefined, token);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors![0].message).toMatch(/introspection/i);
  });

  it('gives no "Did you mean" suggestions for a misspelled field', async () => {
    const res = await t.graphql('{ departmnts { code } }', undefined, token);
    expect(res.body.errors).toBeDefined();
    expect(JSON.stringify(res.body)).not.toMatch(/did you mean/i);
    expect(JSON.stringify(res.body)).not.toMatch(/departments/);
  });
});
