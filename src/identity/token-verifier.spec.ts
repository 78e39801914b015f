import {
  base64url,
  calculateJwkThumbprint,
  CompactSign,
  decodeProtectedHeader,
  exportJWK,
  exportSPKI,
  FlattenedSign,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
} from 'jose';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { PRODUCTION_ENV } from '../config/production-env.fixture.js';
import { computeIdNumberCheck } from '../common/identifiers/id-number.js';
import { DevIssuer, DevIssuerError } from './dev-issuer.js';
import { IdentityError, IdentityErrorCode, type IdentityErrorReason } from './identity.errors.js';
import { TokenVerifier } from './token-verifier.js';

/** A verifier whose clock the test sets. */
class TestVerifier extends TokenVerifier {
  clock?: Date;
  protected override now(): Date {
    return this.clock ?? new Date();
  }
}

const MAX_AGE = 3600;
const TOLERANCE = 30;
const CITIZEN_ID = (() => {
  const first17 = '11010519491231002';
  return first17 + computeIdNumberCheck(first17);
})();
/** Same person, wrong check character. */
const WRONG_CHECK_ID = CITIZEN_ID.slice(0, 17) + (CITIZEN_ID.endsWith('0') ? '1' : '0');
/** An ID number whose check character is X, to test the lower-case x normalisation. */
const CITIZEN_ID_X = (() => {
  for (let seq = 100; seq <= 999; seq++) {
    const first17 = `33082519800101${seq}`;
    if (computeIdNumberCheck(first17) === 'X') return first17 + 'X';
  }
  throw new Error('no ID number with check character X in range');
})();

let root: string;
let config: AppConfig;
let issuer: DevIssuer;
let verifier: TestVerifier;
let devKey: CryptoKey;
let devKid: string;
let devPublicJwk: JWK;
let attacker: { privateKey: CryptoKey; publicJwk: JWK; kid: string };

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs a token with defaults that the verifier accepts; tests override one thing at a time. */
async function craft(
  options: {
    claims?: Record<string, unknown>;
    omit?: string[];
    header?: Partial<JWTHeaderParameters> & Record<string, unknown>;
    key?: CryptoKey | Uint8Array;
    crit?: Record<string, boolean>;
  } = {},
): Promise<string> {
  const now = nowSeconds();
  const claims: Record<string, unknown> = {
    iss: config.TOKEN_ISSUER,
    aud: config.TOKEN_AUDIENCE,
    sub: 'A-001',
    role: 'admin',
    iat: now,
    nbf: now,
    exp: now + 600,
    jti: 'test',
    ...options.claims,
  };
  for (const claim of options.omit ?? []) delete claims[claim];
  const header = { alg: 'ES256', typ: 'at+jwt', kid: devKid, ...options.header } as JWTHeaderParameters;
  for (const [name, value] of Object.entries(header)) if (value === undefined) delete (header as Record<string, unknown>)[name];
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header).sign(options.key ?? devKey, { crit: options.crit });
}

async function expectRejected(token: string, reason: IdentityErrorReason, message?: string | RegExp): Promise<IdentityError> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdentityError);
  const identityError = error as IdentityError;
  expect(identityError.extensions.code).toBe(IdentityErrorCode.UNAUTHENTICATED);
  expect(identityError.extensions.reason).toBe(reason);
  if (message !== undefined) expect(identityError.message).toMatch(message);
  // Messages never carry the token or any part of it.
  for (const part of token.split('.')) if (part.length > 8) expect(identityError.message).not.toContain(part);
  return identityError;
}

/** A throwaway HTTP server that counts requests: any hit means a header was dereferenced. */
async function startTrap(body: unknown): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'onegate-identity-'));
  // Nested, so that `../../x` from the keys folder lands inside the temp folder.
  config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: join(root, 'a', 'b'),
    TOKEN_MAX_AGE_SECONDS: String(MAX_AGE),
    TOKEN_CLOCK_TOLERANCE_SECONDS: String(TOLERANCE),
  });
  issuer = new DevIssuer(config);
  verifier = new TestVerifier(config, issuer);
  // Generates the development key.
  await issuer.issueToken({ role: 'admin', sub: 'A-000', ttlSeconds: 60 });
  const stored = JSON.parse(await readFile(issuer.keyFile, 'utf8')) as JWK;
  devKey = (await importJWK(stored, 'ES256')) as CryptoKey;
  devKid = stored.kid as string;
  devPublicJwk = (await issuer.publicJwks()).keys[0];

  const pair = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  attacker = { privateKey: pair.privateKey, publicJwk, kid: await calculateJwkThumbprint(publicJwk) };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  verifier.clock = undefined;
});

describe('development issuer', () => {
  it('keeps its private key under DATA_DIR/keys with owner-only permissions', async () => {
    expect(issuer.keyFile).toBe(join(root, 'a', 'b', 'keys', 'dev-issuer.jwk.json'));
    expect((await stat(issuer.keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'a', 'b', 'keys'))).mode & 0o777).toBe(0o700);
    expect(devPublicJwk).not.toHaveProperty('d');
  });

  it('names the key by its RFC 7638 thumbprint and signs at+jwt ES256 tokens', async () => {
    expect(devKid).toBe(await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: devPublicJwk.x, y: devPublicJwk.y }));
    const token = await issuer.issueToken({ role: 'auditor', sub: 'U-001', ttlSeconds: 600 });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: devKid });
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[1]))) as JWTPayload;
    expect(claims).toMatchObject({ iss: 'onegate-dev', aud: 'onegate', sub: 'U-001', role: 'auditor' });
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(claims.nbf).toBe(claims.iat);
    expect(typeof claims.jti).toBe('string');
  });

  it('reuses the stored key (a second issuer on the same DATA_DIR verifies with the same kid)', async () => {
    const other = new DevIssuer(config);
    expect((await other.publicJwks()).keys[0]).toEqual(devPublicJwk);
  });

  it('bounds the TTL and refuses invalid principals', async () => {
    await expect(issuer.issueToken({ role: 'admin', sub: 'A-1', ttlSeconds: 59 })).rejects.toThrow(DevIssuerError);
    await expect(issuer.issueToken({ role: 'admin', sub: 'A-1', ttlSeconds: MAX_AGE + 1 })).rejects.toThrow(/ttl/);
    await expect(issuer.issueToken({ role: 'admin', sub: 'A-1', ttlSeconds: 90.5 })).rejects.toThrow(/ttl/);
    await expect(issuer.issueToken({ role: 'clerk', sub: 'C-1', ttlSeconds: 600 })).rejects.toThrow(/hall/);
    await expect(issuer.issueToken({ role: 'clerk', sub: 'C-1', hall: 'NOWHERE-01', ttlSeconds: 600 })).rejects.toThrow(/region/);
    await expect(issuer.issueToken({ role: 'department', sub: 'D-1', department: 'POLICE', ttlSeconds: 600 })).rejects.toThrow(/department/);
    await expect(issuer.issueToken({ role: 'citizen', sub: WRONG_CHECK_ID, ttlSeconds: 600 })).rejects.toThrow(/ID number/);
  });

  it('refuses to sign in production or when an external issuer is configured', async () => {
    const external = loadConfig({ NODE_ENV: 'test', DATA_DIR: join(root, 'external'), TOKEN_JWKS_URL: 'https://issuer.example/jwks' });
    await expect(new DevIssuer(external).issueToken({ role: 'admin', sub: 'A-1', ttlSeconds: 600 })).rejects.toThrow(/TOKEN_JWKS_URL/);
    const production = loadConfig({ ...PRODUCTION_ENV, DATA_DIR: join(root, 'prod'), DATABASE_URL: 'postgres://x@localhost/x' });
    await expect(new DevIssuer(production).issueToken({ role: 'admin', sub: 'A-1', ttlSeconds: 600 })).rejects.toThrow(/production/);
    // Nothing was written for either.
    await expect(stat(join(root, 'external'))).rejects.toThrow();
    await expect(stat(join(root, 'prod'))).rejects.toThrow();
  });
});

describe('valid tokens (issued by the development issuer)', () => {
  it('gives a clerk with hall and region', async () => {
    const token = await issuer.issueToken({ role: 'clerk', sub: 'C-001', hall: 'JINGAN-01', ttlSeconds: 600 });
    const principal = await verifier.verify(token);
    expect(principal).toEqual({ kind: 'clerk', id: 'C-001', hall: 'JINGAN-01', region: '310106', tokenExpiresAt: expect.any(Date) });
    expect(principal.tokenExpiresAt.getTime()).toBeGreaterThan(Date.now() + 590_000);
  });

  it("refuses a clerk of a hall outside the hall registry, and a region other than its hall's", async () => {
    const unknown = await issuer.issueToken({ role: 'clerk', sub: 'C-002', hall: 'PUDONG-07', region: '310115', ttlSeconds: 600 });
    await expect(verifier.verify(unknown)).rejects.toMatchObject({
      reason: 'TOKEN_CLAIMS_INVALID',
      message: expect.stringMatching(/not in the hall registry/),
    });
    const elsewhere = await issuer.issueToken({ role: 'clerk', sub: 'C-002', hall: 'JINGAN-01', region: '330825', ttlSeconds: 600 });
    await expect(verifier.verify(elsewhere)).rejects.toMatchObject({ reason: 'TOKEN_CLAIMS_INVALID', message: expect.stringMatching(/region/) });
  });

  it('gives a department', async () => {
    const token = await issuer.issueToken({ role: 'department', sub: 'svc-health', department: 'HEALTH', ttlSeconds: 600 });
    expect(await verifier.verify(token)).toMatchObject({ kind: 'department', id: 'svc-health', department: 'HEALTH' });
  });

  it('gives an agency that decides department tasks (it holds no records)', async () => {
    const token = await issuer.issueToken({ role: 'department', sub: 'svc-hcs', department: 'HEALTHCARE_SECURITY', ttlSeconds: 600 });
    expect(await verifier.verify(token)).toMatchObject({ kind: 'department', id: 'svc-hcs', department: 'HEALTHCARE_SECURITY' });
  });

  it('gives an auditor and an admin', async () => {
    const auditor = await issuer.issueToken({ role: 'auditor', sub: 'U-001', ttlSeconds: 600 });
    const admin = await issuer.issueToken({ role: 'admin', sub: 'A-001', ttlSeconds: 600 });
    expect(await verifier.verify(auditor)).toEqual({ kind: 'auditor', id: 'U-001', tokenExpiresAt: expect.any(Date) });
    expect(await verifier.verify(admin)).toEqual({ kind: 'admin', id: 'A-001', tokenExpiresAt: expect.any(Date) });
  });

  it('gives a citizen whose id is the normalised ID number', async () => {
    const token = await issuer.issueToken({ role: 'citizen', sub: CITIZEN_ID, ttlSeconds: 600 });
    expect(await verifier.verify(token)).toEqual({ kind: 'citizen', id: CITIZEN_ID, tokenExpiresAt: expect.any(Date) });
    const lowerX = CITIZEN_ID_X.slice(0, 17) + 'x';
    // The issuer normalises before signing; a token from elsewhere with a lower-case x is normalised on the way in.
    const issued = await issuer.issueToken({ role: 'citizen', sub: lowerX, ttlSeconds: 600 });
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(issued.split('.')[1])))).toMatchObject({ sub: CITIZEN_ID_X });
    const crafted = await craft({ claims: { role: 'citizen', sub: lowerX } });
    expect(await verifier.verify(crafted)).toMatchObject({ kind: 'citizen', id: CITIZEN_ID_X });
  });

  it('accepts typ "application/at+jwt" (the same media type)', async () => {
    expect(await verifier.verify(await craft({ header: { typ: 'application/at+jwt' } }))).toMatchObject({ kind: 'admin' });
  });

  it('returns frozen principals', async () => {
    const principal = await verifier.verify(await craft({ claims: { sub: 'A-frozen' } }));
    expect(Object.isFrozen(principal)).toBe(true);
  });
});

describe('§C 17: alg none', () => {
  const unsigned = (signature: string) => {
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    const now = nowSeconds();
    return [
      encode({ alg: 'none', typ: 'at+jwt', kid: devKid }),
      encode({ iss: 'onegate-dev', aud: 'onegate', sub: 'A-1', role: 'admin', iat: now, exp: now + 600 }),
      signature,
    ].join('.');
  };

  it('rejects an unsecured JWT (empty signature)', async () => {
    await expectRejected(unsigned(''), 'TOKEN_MALFORMED');
  });

  it('rejects alg none even with a signature part', async () => {
    await expectRejected(unsigned('AAAA'), 'TOKEN_INVALID', 'token signing algorithm is not accepted');
  });
});

describe('§C 18: HS256 with our public key as the secret', () => {
  const secrets = async (): Promise<Array<[string, Uint8Array]>> => {
    const publicKey = await importJWK(devPublicJwk, 'ES256');
    const x = base64url.decode(devPublicJwk.x!);
    const y = base64url.decode(devPublicJwk.y!);
    return [
      ['public JWK JSON', new TextEncoder().encode(JSON.stringify(devPublicJwk))],
      ['x || y', new Uint8Array([...x, ...y])],
      ['uncompressed point 04 || x || y', new Uint8Array([4, ...x, ...y])],
      ['SPKI PEM', new TextEncoder().encode(await exportSPKI(publicKey as CryptoKey))],
    ];
  };

  it('rejects every variant: the algorithm is pinned', async () => {
    for (const [, secret] of await secrets()) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        await expectRejected(await craft({ header: { alg }, key: secret }), 'TOKEN_INVALID', 'token signing algorithm is not accepted');
      }
    }
  });

  it('rejects other asymmetric algorithms than ES256 for the development issuer', async () => {
    const rsa = await generateKeyPair('RS256');
    await expectRejected(await craft({ header: { alg: 'RS256' }, key: rsa.privateKey }), 'TOKEN_INVALID', /algorithm/);
  });
});

describe('§C 19: exp required, maxTokenAge enforced', () => {
  it('rejects a token without exp', async () => {
    await expectRejected(await craft({ omit: ['exp'] }), 'TOKEN_INVALID', 'token has no exp claim');
  });

  it('rejects a token without iat or sub', async () => {
    await expectRejected(await craft({ omit: ['iat'] }), 'TOKEN_INVALID', 'token has no iat claim');
    await expectRejected(await craft({ omit: ['sub'] }), 'TOKEN_INVALID', 'token has no sub claim');
  });

  it('rejects a token older than TOKEN_MAX_AGE_SECONDS even with a future exp', async () => {
    const now = nowSeconds();
    const token = await craft({ claims: { iat: now - MAX_AGE - TOLERANCE - 60, nbf: now - MAX_AGE - 120, exp: now + 600 } });
    await expectRejected(token, 'TOKEN_EXPIRED', 'token is older than the maximum token age');
  });

  it('rejects a non-numeric exp', async () => {
    await expectRejected(await craft({ claims: { exp: 'tomorrow' } }), 'TOKEN_INVALID', 'token has an invalid exp claim');
  });
});

describe('§C 20: expiry and not-before, with the clock tolerance', () => {
  it('rejects an expired token', async () => {
    const now = nowSeconds();
    await expectRejected(await craft({ claims: { iat: now - 600, nbf: now - 600, exp: now - TOLERANCE - 5 } }), 'TOKEN_EXPIRED', 'token expired');
  });

  it('accepts a token expired by less than the tolerance', async () => {
    const now = nowSeconds();
    expect(await verifier.verify(await craft({ claims: { iat: now - 600, exp: now - TOLERANCE + 10 } }))).toMatchObject({ kind: 'admin' });
  });

  it('rejects nbf in the future beyond the tolerance', async () => {
    const now = nowSeconds();
    await expectRejected(await craft({ claims: { nbf: now + TOLERANCE + 60 } }), 'TOKEN_NOT_YET_VALID', 'token is not yet valid');
  });

  it('accepts nbf in the future within the tolerance', async () => {
    const now = nowSeconds();
    expect(await verifier.verify(await craft({ claims: { nbf: now + TOLERANCE - 10 } }))).toMatchObject({ kind: 'admin' });
  });

  it('rejects iat in the future beyond the tolerance', async () => {
    const now = nowSeconds();
    await expectRejected(await craft({ claims: { iat: now + TOLERANCE + 60, exp: now + 900 } }), 'TOKEN_NOT_YET_VALID');
  });
});

describe('§C 21: issuer and audience', () => {
  it('rejects a wrong or missing iss', async () => {
    await expectRejected(await craft({ claims: { iss: 'https://evil.example' } }), 'TOKEN_INVALID', 'token issuer is not accepted');
    await expectRejected(await craft({ omit: ['iss'] }), 'TOKEN_INVALID', 'token has no iss claim');
  });

  it('rejects a wrong or missing aud', async () => {
    await expectRejected(await craft({ claims: { aud: 'another-api' } }), 'TOKEN_INVALID', 'token audience is not accepted');
    await expectRejected(await craft({ claims: { aud: ['another-api', 'third'] } }), 'TOKEN_INVALID', /audience/);
    await expectRejected(await craft({ omit: ['aud'] }), 'TOKEN_INVALID', 'token has no aud claim');
  });

  it('accepts our audience among several', async () => {
    expect(await verifier.verify(await craft({ claims: { aud: ['another-api', 'onegate'] } }))).toMatchObject({ kind: 'admin' });
  });
});

describe('§C 22: explicit typ', () => {
  it('rejects a certificate JWS (typ vc+jwt) signed by the same key', async () => {
    await expectRejected(await craft({ header: { typ: 'vc+jwt' } }), 'TOKEN_INVALID', 'token type must be at+jwt');
  });

  it('rejects typ JWT and a missing typ', async () => {
    await expectRejected(await craft({ header: { typ: 'JWT' } }), 'TOKEN_INVALID', 'token type must be at+jwt');
    await expectRejected(await craft({ header: { typ: undefined } }), 'TOKEN_INVALID', 'token type must be at+jwt');
  });

  it('rejects a JWS whose payload is not a claims set', async () => {
    const token = await new CompactSign(new TextEncoder().encode('"just a string"'))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: devKid })
      .sign(devKey);
    await expectRejected(token, 'TOKEN_MALFORMED');
  });
});

describe('§C 23: unknown crit header', () => {
  it('rejects a critical extension it does not understand', async () => {
    const token = await craft({ header: { crit: ['urn:example:policy'], 'urn:example:policy': 'x' }, crit: { 'urn:example:policy': true } });
    await expectRejected(token, 'TOKEN_INVALID', 'token has an unsupported critical header');
  });

  it('rejects b64=false (unencoded payload)', async () => {
    const jws = await new FlattenedSign(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: devKid, b64: false, crit: ['b64'] })
      .sign(devKey);
    // jose leaves the unencoded payload out (detached); put it back, as an attacker would.
    const token = `${jws.protected}.x.${jws.signature}`;
    // The signature is valid; jwtVerify still refuses an unencoded payload.
    await expectRejected(token, 'TOKEN_MALFORMED', 'token is malformed');
  });
});

describe('§C 24: kid is only a map key; jku / x5u are never fetched', () => {
  it('rejects path-like and SQL-like kids as unknown, without reading a file they point at', async () => {
    // Plant the attacker's public key where a naive "load key by kid" would look.
    const keysDir = join(root, 'a', 'b', 'keys');
    const planted = JSON.stringify({ keys: [{ ...attacker.publicJwk, kid: '../../x' }] });
    await mkdir(join(root, 'a'), { recursive: true });
    for (const path of [join(keysDir, '../../x'), join(keysDir, '../../x.jwk.json'), join(keysDir, '../../x.json')]) {
      await writeFile(path, planted);
    }
    for (const kid of ['../../x', "' OR 1=1--", '/etc/passwd', '']) {
      await expectRejected(await craft({ header: { kid }, key: attacker.privateKey }), 'TOKEN_INVALID', 'token signing key is not known');
      // Even signed with the real key, a kid that is not the key's thumbprint matches nothing.
      await expectRejected(await craft({ header: { kid } }), 'TOKEN_INVALID', 'token signing key is not known');
    }
  });

  it('never fetches jku or x5u, whether the kid matches nothing or the attacker key', async () => {
    const trap = await startTrap({ keys: [{ ...attacker.publicJwk, kid: attacker.kid, alg: 'ES256', use: 'sig' }] });
    try {
      for (const url of [trap.url, 'http://127.0.0.1:9/jwks.json']) {
        const unknownKid = await craft({ header: { kid: 'no-such-key', jku: url }, key: attacker.privateKey });
        await expectRejected(unknownKid, 'TOKEN_INVALID', 'token signing key is not known');
        const attackerKid = await craft({ header: { kid: attacker.kid, jku: url, x5u: url }, key: attacker.privateKey });
        await expectRejected(attackerKid, 'TOKEN_INVALID', 'token signing key is not known');
      }
      // With our kid, the attacker's signature simply fails.
      const ourKid = await craft({ header: { kid: devKid, jku: trap.url, x5u: trap.url }, key: attacker.privateKey });
      await expectRejected(ourKid, 'TOKEN_INVALID', 'token signature is invalid');
      expect(trap.hits()).toBe(0);
    } finally {
      await trap.close();
    }
  });

  it('ignores a key embedded in the header (jwk)', async () => {
    const token = await craft({ header: { kid: attacker.kid, jwk: attacker.publicJwk }, key: attacker.privateKey });
    await expectRejected(token, 'TOKEN_INVALID', 'token signing key is not known');
  });
});

describe('§C 25: tampered payload', () => {
  it('rejects a citizen token whose role was changed to admin', async () => {
    const token = await issuer.issueToken({ role: 'citizen', sub: CITIZEN_ID, ttlSeconds: 600 });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
    const forged = base64url.encode(JSON.stringify({ ...claims, role: 'admin' }));
    await expectRejected(`${header}.${forged}.${signature}`, 'TOKEN_INVALID', 'token signature is invalid');
  });

  it('rejects a clerk token moved to another hall', async () => {
    const token = await issuer.issueToken({ role: 'clerk', sub: 'C-009', hall: 'LONGYOU-01', ttlSeconds: 600 });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
    const forged = base64url.encode(JSON.stringify({ ...claims, hall: 'JINGAN-01', region: '310106' }));
    await expectRejected(`${header}.${forged}.${signature}`, 'TOKEN_INVALID', 'token signature is invalid');
  });
});

describe('claims that do not describe a principal', () => {
  it('rejects a missing or unknown role', async () => {
    await expectRejected(await craft({ omit: ['role'] }), 'TOKEN_CLAIMS_INVALID', 'token has no valid role claim');
    await expectRejected(await craft({ claims: { role: 'root' } }), 'TOKEN_CLAIMS_INVALID', 'token has no valid role claim');
    await expectRejected(await craft({ claims: { role: ['admin'] } }), 'TOKEN_CLAIMS_INVALID', 'token has no valid role claim');
  });

  it('rejects a non-string sub', async () => {
    await expectRejected(await craft({ claims: { sub: 42 } }), 'TOKEN_CLAIMS_INVALID', 'token has no valid sub claim');
  });

  it('rejects a clerk without hall or region', async () => {
    await expectRejected(await craft({ claims: { role: 'clerk', region: '310106' } }), 'TOKEN_CLAIMS_INVALID', 'clerk token has no valid hall claim');
    await expectRejected(await craft({ claims: { role: 'clerk', hall: 'JINGAN-01' } }), 'TOKEN_CLAIMS_INVALID', /region/);
    await expectRejected(await craft({ claims: { role: 'clerk', hall: 'JINGAN-01', region: '3101' } }), 'TOKEN_CLAIMS_INVALID', /region/);
  });

  it('rejects a department without a valid department code', async () => {
    await expectRejected(await craft({ claims: { role: 'department' } }), 'TOKEN_CLAIMS_INVALID', /department/);
    await expectRejected(await craft({ claims: { role: 'department', department: 'health' } }), 'TOKEN_CLAIMS_INVALID', /department/);
  });

  it('rejects a citizen whose sub is not a valid ID number, without echoing it', async () => {
    for (const sub of [WRONG_CHECK_ID, '110105491231002', 'C-001']) {
      const error = await expectRejected(await craft({ claims: { role: 'citizen', sub } }), 'TOKEN_CLAIMS_INVALID', /ID number/);
      expect(error.message).not.toContain(sub);
    }
  });
});

describe('malformed input', () => {
  it('rejects empty, oversized and non-JWS strings', async () => {
    await expectRejected('', 'TOKEN_MISSING');
    await expectRejected('not-a-token', 'TOKEN_MALFORMED');
    await expectRejected('a.b', 'TOKEN_MALFORMED');
    await expectRejected('a.b.c.d.e', 'TOKEN_MALFORMED');
    await expectRejected(`${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`, 'TOKEN_MALFORMED');
    await expectRejected('eyJ.eyJ.AAAA', 'TOKEN_MALFORMED');
  });
});

describe('verification cache', () => {
  it('returns the same principal for the same token', async () => {
    const token = await issuer.issueToken({ role: 'clerk', sub: 'C-100', hall: 'HAIZHU-01', ttlSeconds: 600 });
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
  });

  it('rejects a cached token once it has expired', async () => {
    const token = await issuer.issueToken({ role: 'auditor', sub: 'U-100', ttlSeconds: 60 });
    const principal = await verifier.verify(token);
    verifier.clock = new Date(Date.now() + 30_000);
    expect(await verifier.verify(token)).toBe(principal);
    verifier.clock = new Date(principal.tokenExpiresAt.getTime() + (TOLERANCE + 1) * 1000);
    await expectRejected(token, 'TOKEN_EXPIRED', 'token expired');
    // Evicted, and still refused when verified afresh.
    await expectRejected(token, 'TOKEN_EXPIRED', 'token expired');
  });

  it('does not cache failures', async () => {
    const now = nowSeconds();
    const early = await craft({ claims: { sub: 'A-early', nbf: now + 300 } });
    await expectRejected(early, 'TOKEN_NOT_YET_VALID');
    verifier.clock = new Date((now + 300) * 1000);
    expect(await verifier.verify(early)).toMatchObject({ kind: 'admin', id: 'A-early' });
  });
});

describe('external issuer (TOKEN_JWKS_URL)', () => {
  it('verifies against the remote JWKS with the pinned algorithm list', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const ed = await generateKeyPair('EdDSA', { extractable: true });
    const rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
    const edJwk = { ...(await exportJWK(ed.publicKey)), kid: 'ed-1', use: 'sig' };
    const jwks = await startTrap({ keys: [rsaJwk, edJwk] });
    try {
      const external = loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: join(root, 'external-verifier'),
        TOKEN_ISSUER: 'https://idp.example',
        TOKEN_JWKS_URL: jwks.url,
      });
      const remoteVerifier = new TokenVerifier(external);
      const now = nowSeconds();
      const sign = (alg: string, kid: string, key: CryptoKey | Uint8Array) =>
        new SignJWT({ sub: 'U-7', role: 'auditor' })
          .setProtectedHeader({ alg, typ: 'at+jwt', kid })
          .setIssuer('https://idp.example')
          .setAudience('onegate')
          .setIssuedAt(now)
          .setExpirationTime(now + 300)
          .sign(key);
      expect(await remoteVerifier.verify(await sign('RS256', 'rsa-1', rsa.privateKey))).toMatchObject({ kind: 'auditor', id: 'U-7' });
      expect(await remoteVerifier.verify(await sign('EdDSA', 'ed-1', ed.privateKey))).toMatchObject({ kind: 'auditor' });
      const hmac = await sign('HS256', 'rsa-1', new TextEncoder().encode(JSON.stringify(rsaJwk)));
      await expect(remoteVerifier.verify(hmac)).rejects.toMatchObject({ message: 'token signing algorithm is not accepted' });
      const pss = await generateKeyPair('PS256');
      await expect(remoteVerifier.verify(await sign('PS256', 'rsa-1', pss.privateKey))).rejects.toMatchObject({
        message: 'token signing algorithm is not accepted',
      });
      // The development issuer is off: its files were never created.
      await expect(stat(join(root, 'external-verifier'))).rejects.toThrow();
      expect(jwks.hits()).toBe(1);
    } finally {
      await jwks.close();
    }
  });

  it('reports an unreachable JWKS as ISSUER_UNAVAILABLE, not as a bad token', async () => {
    const external = loadConfig({ NODE_ENV: 'test', DATA_DIR: join(root, 'unreachable'), TOKEN_JWKS_URL: 'http://127.0.0.1:9/jwks.json' });
    const token = await craft({ header: { kid: attacker.kid }, key: attacker.privateKey });
    await expect(new TokenVerifier(external).verify(token)).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED', reason: 'ISSUER_UNAVAILABLE' },
    });
  });
});
