import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rs from 'jsrsasign';
import { createTestApp, type TestApp } from '../harness/test-app.js';
import { issueMarriageCertificate, jwsParts, verifiesWithX5cLeaf, type IssuedCertificate } from './support/issued-certificate.js';

/*
 * JOSE and X.509 as tools we did not write read them: jsrsasign (not jose, which the gateway signs
 * with) checks the ES256 signatures of the VC-JWT, the SD-JWT's issuer JWT and the status list
 * credentials with the key of the x5c leaf, and the RFC 7638 thumbprints of the JWKS; OpenSSL's
 * `verify -x509_strict` checks the x5c chain up to the root CA the gateway publishes.
 */

const { KJUR, KEYUTIL, X509, b64tohex } = rs;

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('JOSE and the x5c chain, read by jsrsasign and OpenSSL', () => {
  let t: TestApp;
  let certificate: IssuedCertificate;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp();
    certificate = await issueMarriageCertificate(t, 'conformance-jose-001');
    dir = mkdtempSync(join(tmpdir(), 'onegate-x5c-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('the VC-JWT is an ES256 JWS that jsrsasign verifies with the x5c leaf key, typ vc+jwt', () => {
    const { header } = jwsParts(certificate.credential);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'vc+jwt' });
    expect(verifiesWithX5cLeaf(certificate.credential)).toBe(true);
  });

  it('the SD-JWT issuer JWT verifies the same way, typ dc+sd-jwt', () => {
    const issuerJwt = certificate.sdJwt.split('~')[0]!;
    expect(jwsParts(issuerJwt).header).toMatchObject({ alg: 'ES256', typ: 'dc+sd-jwt' });
    expect(verifiesWithX5cLeaf(issuerJwt)).toBe(true);
  });

  it('the status list credentials it names verify with their own x5c leaf, the same department key', async () => {
    const entries = jwsParts(certificate.credential).payload['credentialStatus'] as Array<{ statusListCredential: string }>;
    expect(entries.length).toBeGreaterThan(0);
    const credentialLeaf = (jwsParts(certificate.credential).header['x5c'] as string[])[0];
    for (const entry of entries) {
      const res = await t.http().get(new URL(entry.statusListCredential).pathname);
      expect(res.status).toBe(200);
      expect(verifiesWithX5cLeaf(res.text)).toBe(true);
      expect((jwsParts(res.text).header['x5c'] as string[])[0]).toBe(credentialLeaf);
    }
  });

  it('a changed payload byte or another algorithm is refused by jsrsasign (the check is not vacuous)', () => {
    const [header, payload, signature] = certificate.credential.split('.');
    const edited = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    edited['validFrom'] = '2000-01-01T00:00:00Z';
    const tampered = `${header}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`;
    expect(verifiesWithX5cLeaf(tampered)).toBe(false);
    expect(() => verifiesWithX5cLeaf(certificate.credential, ['ES384'])).toThrow(/not accepted/);
  });

  it("the JWKS keys' kid is their RFC 7638 thumbprint, and the credential's kid is among them", async () => {
    const res = await t.http().get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    const keys = (res.body as { keys: Array<Record<string, unknown>> }).keys;
    expect(keys.length).toBeGreaterThan(0);
    for (const jwk of keys) {
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
      expect(jwk).not.toHaveProperty('d');
      const { kid, x5c, use, alg, ...members } = jwk;
      void use;
      void alg;
      expect(kid).toBe(KJUR.jws.JWS.getJWKthumbprint(members as never));
      // The key in the JWK is the key of its certificate.
      const cert = new X509();
      cert.readCertHex(b64tohex((x5c as string[])[0]!));
      const fromCert = KEYUTIL.getJWK(cert.getPublicKey() as never) as Record<string, unknown>;
      expect({ x: fromCert['x'], y: fromCert['y'] }).toEqual({ x: members['x'], y: members['y'] });
    }
    expect(keys.map((k) => k['kid'])).toContain(jwsParts(certificate.credential).header['kid']);
  });

  (opensslAvailable() ? it : it.skip)('openssl verify -x509_strict accepts the x5c chain against the published root CA', async () => {
    const root = await t.http().get('/trust/root-ca.pem');
    expect(root.status).toBe(200);
    expect(root.text).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const rootFile = join(dir, 'root.pem');
    writeFileSync(rootFile, root.text);
    const x5c = jwsParts(certificate.credential).header['x5c'] as string[];
    const pem = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
    const leafFile = join(dir, 'leaf.pem');
    writeFileSync(leafFile, pem(x5c[0]!));
    const untrusted = x5c.slice(1);
    const args = ['verify', '-x509_strict', '-CAfile', rootFile];
    if (untrusted.length > 0) {
      writeFileSync(join(dir, 'chain.pem'), untrusted.map(pem).join(''));
      args.push('-untrusted', join(dir, 'chain.pem'));
    }
    expect(execFileSync('openssl', [...args, leafFile], { encoding: 'utf8' })).toContain(`${leafFile}: OK`);

    // A certificate from another root does not chain: OpenSSL says so (exit status 2).
    const otherRoot = execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'other.key'),
        '-subj',
        '/CN=Other root',
        '-days',
        '1',
      ],
      { encoding: 'utf8' },
    );
    writeFileSync(join(dir, 'other.pem'), otherRoot);
    expect(() => execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', join(dir, 'other.pem'), leafFile], { stdio: 'pipe' })).toThrow();
  });
});
