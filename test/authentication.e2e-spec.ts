import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

/** Acceptance of issue A: a bad token gets UNAUTHENTICATED, never data (unit tests cover §C in full). */
describe('authentication over HTTP', () => {
  let t: TestApp;
  let signWithDevKey: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    t = await createTestApp();
    const jwk = JSON.parse(readFileSync(join(harnessState().dataDir, 'keys', 'dev-issuer.jwk.json'), 'utf8')) as JWK;
    const key = await importJWK(jwk, 'ES256');
    const { kid } = JSON.parse(Buffer.from((await t.token({ role: 'auditor', sub: 'A-1' })).split('.')[0], 'base64url').toString());
    signWithDevKey = (claims, header = {}) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid, ...header }).sign(key);
  });
  afterAll(() => t.close());

  const now = () => Math.floor(Date.now() / 1000);
  const query = '{ departments { code name } }';

  async function expectUnauthenticated(token: string | undefined) {
    const res = await t.graphql(query, undefined, token);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(res.body)).not.toMatch(/PUBLIC_SECURITY/);
    return res.body.errors![0];
  }

  it('answers a valid token with data', async () => {
    const res = await t.graphql(query, undefined, await t.token({ role: 'clerk', sub: 'C-001', hall: 'JINGAN-01' }));
    expect(res.body.errors).toBeUndefined();
  });

  it('refuses a request without a token', async () => {
    expect((await expectUnauthenticated(undefined)).extensions?.reason).toBe('TOKEN_MISSING');
  });

  it('refuses an expired token', async () => {
    const token = await signWithDevKey({ sub: 'C-001', role: 'auditor', iss: 'onegate-dev', aud: 'onegate', iat: now() - 3600, exp: now() - 600 });
    expect((await expectUnauthenticated(token)).extensions?.reason).toBe('TOKEN_EXPIRED');
  });

  it('refuses alg: none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'C-001', role: 'admin', iss: 'onegate-dev', aud: 'onegate', iat: now(), exp: now() + 600 })).toString(
      'base64url',
    );
    await expectUnauthenticated(`${header}.${payload}.`);
  });

  it('refuses a wrong audience', async () => {
    const token = await signWithDevKey({ sub: 'C-001', role: 'auditor', iss: 'onegate-dev', aud: 'another-system', iat: now(), exp: now() + 600 });
    await expectUnauthenticated(token);
  });

  it('refuses a certificate-type JWS presented as an access token', async () => {
    const token = await signWithDevKey({ sub: 'C-001', role: 'auditor', iss: 'onegate-dev', aud: 'onegate', iat: now(), exp: now() + 600 }, { typ: 'vc+jwt' });
    await expectUnauthenticated(token);
  });
});

describe('me', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("describes a clerk with the hall's region", async () => {
    const res = await t.graphql(
      '{ me { kind id hall region department idNumber } }',
      undefined,
      await t.token({ role: 'clerk', sub: 'C-001', hall: 'JINGAN-01' }),
    );
    expect(res.body.data).toEqual({ me: { kind: 'CLERK', id: 'C-001', hall: 'JINGAN-01', region: '310106', department: null, idNumber: null } });
  });

  it('describes a citizen by ID number', async () => {
    const res = await t.graphql('{ me { kind idNumber } }', undefined, await t.token({ role: 'citizen', sub: '330825198803142023' }));
    expect(res.body.data).toEqual({ me: { kind: 'CITIZEN', idNumber: '330825198803142023' } });
  });
});

describe('development sign-in (devPersonas, devSignIn)', () => {
  const SIGN_IN = 'mutation($p: String!) { devSignIn(persona: $p) { token expiresAt } }';

  it('lists the demo personas and signs in as one of them, and only as one of them', async () => {
    const t = await createTestApp();
    try {
      const personas = await t.graphql<{ devPersonas: Array<{ code: string; role: string }> }>('{ devPersonas { code role } }');
      expect(personas.body.data!.devPersonas).toEqual(
        expect.arrayContaining([
          { code: 'CLERK_LONGYOU', role: 'clerk' },
          { code: 'CITIZEN_LI_WEI', role: 'citizen' },
        ]),
      );
      const session = await t.graphql<{ devSignIn: { token: string; expiresAt: string } }>(SIGN_IN, { p: 'CLERK_LONGYOU' });
      expect(Date.parse(session.body.data!.devSignIn.expiresAt)).toBeGreaterThan(Date.now());
      const me = await t.graphql<{ me: unknown }>('{ me { kind id hall } }', undefined, session.body.data!.devSignIn.token);
      expect(me.body.data!.me).toEqual({ kind: 'CLERK', id: 'C-LY-007', hall: 'LONGYOU-01' });
      const unknown = await t.graphql(SIGN_IN, { p: 'ADMIN_ROOT' });
      expect(unknown.body.data).toBeNull();
      expect(unknown.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
    } finally {
      await t.close();
    }
  });

  it('is off when tokens come from an external issuer: no personas, no token', async () => {
    const t = await createTestApp({ TOKEN_JWKS_URL: 'https://idp.example.gov.cn/jwks.json' });
    try {
      const personas = await t.graphql<{ devPersonas: unknown[] }>('{ devPersonas { code } }');
      expect(personas.body.data!.devPersonas).toEqual([]);
      const session = await t.graphql(SIGN_IN, { p: 'CLERK_LONGYOU' });
      expect(session.body.data).toBeNull();
      expect(session.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
    } finally {
      await t.close();
    }
  });
});
