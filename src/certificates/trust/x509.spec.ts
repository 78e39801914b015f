import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import {
  buildCertificate,
  derToPem,
  distinguishedNameOf,
  pemToDers,
  readCertificateExtensions,
  validityOf,
  type BuildCertificateOptions,
  type DistinguishedName,
} from './x509.js';

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rootKeys = p256();
const leafKeys = p256();

const ROOT_NAME: DistinguishedName = { commonName: 'onegate Root CA', organization: 'onegate', country: 'CN', serialNumber: '91350100M000100Y43' };
const LEAF_NAME: DistinguishedName = {
  commonName: 'Civil Affairs Bureau certificate issuing key',
  organizationalUnit: 'CIVIL_AFFAIRS',
  organization: 'onegate',
  country: 'CN',
  serialNumber: '113308000024775820',
};
const NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
const NOT_AFTER = new Date('2031-01-01T00:00:00Z');

function rootOptions(overrides: Partial<BuildCertificateOptions> = {}): BuildCertificateOptions {
  return {
    subject: ROOT_NAME,
    issuer: ROOT_NAME,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    subjectPublicKey: rootKeys.publicKey,
    issuerPrivateKey: rootKeys.privateKey,
    issuerPublicKey: rootKeys.publicKey,
    ca: true,
    pathLength: 0,
    keyUsage: ['keyCertSign', 'cRLSign'],
    ...overrides,
  };
}

function leafOptions(overrides: Partial<BuildCertificateOptions> = {}): BuildCertificateOptions {
  return {
    subject: LEAF_NAME,
    issuer: ROOT_NAME,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    subjectPublicKey: leafKeys.publicKey,
    issuerPrivateKey: rootKeys.privateKey,
    issuerPublicKey: rootKeys.publicKey,
    ca: false,
    keyUsage: ['digitalSignature'],
    ...overrides,
  };
}

function inTempDir<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'onegate-x509-'));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** openssl's own reading of the certificate, as an independent check of the encoding. */
function opensslText(der: Buffer): string {
  return inTempDir((dir) => {
    const file = join(dir, 'cert.der');
    writeFileSync(file, der);
    return execFileSync('openssl', ['x509', '-inform', 'der', '-in', file, '-noout', '-text', '-nameopt', 'RFC2253'], { encoding: 'utf8' });
  });
}

/** A version 1 certificate (no extensions at all), made by openssl, with the given -subj. */
function opensslVersion1Certificate(subject = '/CN=v1'): Buffer {
  return inTempDir((dir) => {
    const [key, csr, cert] = ['key.pem', 'req.csr', 'cert.der'].map((name) => join(dir, name)) as [string, string, string];
    const quiet = { stdio: 'pipe' } as const;
    execFileSync(
      'openssl',
      ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', subject, '-multivalue-rdn', '-out', csr],
      quiet,
    );
    execFileSync('openssl', ['x509', '-req', '-in', csr, '-signkey', key, '-days', '1', '-outform', 'DER', '-out', cert], quiet);
    return readFileSync(cert);
  });
}

describe('x509: building ECDSA P-256 certificates with forge.asn1 and node:crypto', () => {
  const rootDer = buildCertificate(rootOptions());
  const leafDer = buildCertificate(leafOptions());
  const root = new X509Certificate(rootDer);
  const leaf = new X509Certificate(leafDer);

  it('imports node-forge as a default export under ESM', () => {
    expect(typeof forge.asn1.fromDer).toBe('function');
  });

  it('builds a self-signed CA that node:crypto parses and verifies', () => {
    expect(root.verify(rootKeys.publicKey)).toBe(true);
    expect(root.checkIssued(root)).toBe(true);
    expect(root.ca).toBe(true);
    expect(root.subject).toBe('C=CN\nO=onegate\nCN=onegate Root CA\nserialNumber=91350100M000100Y43');
    expect(root.issuer).toBe(root.subject);
    expect(validityOf(root)).toEqual({ notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
  });

  it('builds a leaf that the issuer certified and nobody else', () => {
    expect(leaf.verify(rootKeys.publicKey)).toBe(true);
    expect(leaf.verify(leafKeys.publicKey)).toBe(false);
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' })).toEqual(leafKeys.publicKey.export({ type: 'spki', format: 'der' }));
    expect(leaf.issuer).toBe(root.subject);
    expect(distinguishedNameOf(leaf)).toEqual(LEAF_NAME);
  });

  it('writes keyUsage and basicConstraints that read back', () => {
    expect(readCertificateExtensions(rootDer)).toEqual({
      keyUsage: new Set(['keyCertSign', 'cRLSign']),
      basicConstraints: { ca: true, pathLength: 0 },
      criticalExtensions: ['2.5.29.19', '2.5.29.15'],
    });
    expect(readCertificateExtensions(leafDer)).toEqual({
      keyUsage: new Set(['digitalSignature']),
      basicConstraints: { ca: false },
      criticalExtensions: ['2.5.29.19', '2.5.29.15'],
    });
  });

  it('agrees with openssl x509 -text', () => {
    const text = opensslText(leafDer);
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(text).toContain('ASN1 OID: prime256v1');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(text).toContain('Issuer: serialNumber=91350100M000100Y43,CN=onegate Root CA,O=onegate,C=CN');
    expect(text).toContain('Not Before: Jan  1 00:00:00 2026 GMT');

    const rootText = opensslText(rootDer);
    expect(rootText).toMatch(/CA:TRUE, pathlen:0/);
    expect(rootText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    // Self-signed: the authority key id is the subject key id (RFC 5280 method 1).
    const ski = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(rootText)?.[1];
    expect(ski).toBeDefined();
    expect(rootText).toMatch(new RegExp(`Authority Key Identifier:\\s+(keyid:)?${ski}`));
  });

  it('names the issuer key in authorityKeyIdentifier so OpenSSL can tell same-named issuers apart', () => {
    const impostorKeys = p256();
    const impostor = new X509Certificate(
      buildCertificate(
        rootOptions({ subjectPublicKey: impostorKeys.publicKey, issuerPrivateKey: impostorKeys.privateKey, issuerPublicKey: impostorKeys.publicKey }),
      ),
    );
    expect(impostor.subject).toBe(root.subject);
    expect(leaf.checkIssued(impostor)).toBe(false);
  });

  it('uses UTCTime before 2050 and GeneralizedTime from 2050', () => {
    const der = buildCertificate(leafOptions({ notAfter: new Date('2050-06-30T12:34:56.789Z') }));
    const cert = new X509Certificate(der);
    expect(validityOf(cert).notAfter).toEqual(new Date('2050-06-30T12:34:56Z'));
    const hex = der.toString('hex');
    expect(hex).toContain(`170d${Buffer.from('260101000000Z').toString('hex')}`); // UTCTime
    expect(hex).toContain(`180f${Buffer.from('20500630123456Z').toString('hex')}`); // GeneralizedTime
  });

  it('uses a random positive 16-byte serial by default, or the one given', () => {
    const a = new X509Certificate(buildCertificate(leafOptions()));
    const b = new X509Certificate(buildCertificate(leafOptions()));
    expect(a.serialNumber).toMatch(/^[0-9A-F]{32}$/);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(parseInt(a.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
    const given = new X509Certificate(buildCertificate(leafOptions({ serialNumber: Buffer.from('ff01', 'hex') })));
    expect(given.serialNumber).toBe('FF01');
    expect(opensslText(given.raw)).toMatch(/Serial Number: 65281 \(0xff01\)/);
  });

  it('round-trips escaped and non-ASCII attribute values through node’s subject text', () => {
    const tricky: DistinguishedName = {
      commonName: '民政局, "A+B" \\ <x>; #1 ',
      organizationalUnit: 'line\nbreak = yes + no',
      organization: ' leading space',
      country: 'CN',
      serialNumber: "a=b, (c) 'd' + e?",
    };
    const cert = new X509Certificate(buildCertificate(leafOptions({ subject: tricky })));
    expect(distinguishedNameOf(cert)).toEqual(tricky);
  });

  it('refuses to read an ambiguous subject: a repeated attribute, a multi-valued RDN, no commonName', () => {
    const read = (subject: string) => () => distinguishedNameOf(new X509Certificate(opensslVersion1Certificate(subject)));
    expect(read('/OU=CIVIL_AFFAIRS/OU=HEALTH/CN=x')).toThrow('certificate subject has more than one OU attribute');
    expect(read('/OU=CIVIL_AFFAIRS+CN=x')).toThrow('certificate subject has a multi-valued RDN');
    expect(read('/OU=CIVIL_AFFAIRS')).toThrow('certificate subject has no commonName');
    expect(read('/L=Lishui/CN=x \\+ y')()).toEqual({ commonName: 'x + y' }); // other attributes are ignored
  });

  it('refuses inputs that would make a wrong certificate', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(() => buildCertificate(leafOptions({ subjectPublicKey: rsa.publicKey }))).toThrow('subject public key must be an EC P-256 public key');
    expect(() => buildCertificate(leafOptions({ subjectPublicKey: p384.publicKey }))).toThrow(TypeError);
    expect(() => buildCertificate(leafOptions({ issuerPublicKey: leafKeys.publicKey }))).toThrow('does not belong');
    expect(() => buildCertificate(leafOptions({ notAfter: NOT_BEFORE }))).toThrow('notAfter must be later than notBefore');
    expect(() => buildCertificate(leafOptions({ notBefore: new Date(Number.NaN) }))).toThrow('notBefore must be a valid Date');
    expect(() => buildCertificate(leafOptions({ pathLength: 0 }))).toThrow('pathLength only applies to CA certificates');
    expect(() => buildCertificate(leafOptions({ keyUsage: [] }))).toThrow('keyUsage must name at least one usage');
    expect(() => buildCertificate(leafOptions({ keyUsage: ['toString' as 'cRLSign'] }))).toThrow('keyUsage may only contain');
    expect(() => buildCertificate(leafOptions({ subject: { ...LEAF_NAME, country: 'China' } }))).toThrow('country');
    expect(() => buildCertificate(leafOptions({ subject: { ...LEAF_NAME, serialNumber: '中文' } }))).toThrow('PrintableString');
    expect(() => buildCertificate(leafOptions({ subject: { ...LEAF_NAME, commonName: '' } }))).toThrow('commonName');
    expect(() => buildCertificate(leafOptions({ serialNumber: Buffer.alloc(2) }))).toThrow('serialNumber must not be zero');
    expect(() => buildCertificate(leafOptions({ serialNumber: Buffer.alloc(21, 1) }))).toThrow('at most 20 bytes');
  });
});

describe('x509: PEM', () => {
  const der = buildCertificate(leafOptions());

  it('writes 64-character lines and reads every CERTIFICATE block back', () => {
    const pem = derToPem(der);
    expect(
      pem
        .split('\n')
        .slice(1, -3)
        .every((line) => line.length === 64),
    ).toBe(true);
    expect(new X509Certificate(pem).raw).toEqual(der);
    const other = buildCertificate(rootOptions());
    const bundle = `comment\n${pem}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n${derToPem(other).replace(/\n/g, '\r\n')}`;
    expect(pemToDers(bundle)).toEqual([der, other]);
    expect(pemToDers('nothing here')).toEqual([]);
  });

  it('refuses a block that is not base64', () => {
    expect(() => pemToDers('-----BEGIN CERTIFICATE-----\n*not base64*\n-----END CERTIFICATE-----')).toThrow('block 1 is not valid base64');
    expect(() => derToPem(der, 'bad label')).toThrow(RangeError);
  });
});

describe('x509: reading extensions defensively', () => {
  it('throws a plain Error on garbage and on deep nesting, without recursing without bound', () => {
    expect(() => readCertificateExtensions(Buffer.from('garbage'))).toThrow(Error);
    const nested = Buffer.from(`${'3080'.repeat(10_000)}0000`, 'hex'); // 10,000 indefinite-length SEQUENCEs
    expect(() => readCertificateExtensions(nested)).toThrow(Error);
  });

  it('gives no keyUsage and no basicConstraints for a certificate without extensions', () => {
    const v1 = opensslVersion1Certificate();
    expect(new X509Certificate(v1).ca).toBe(false);
    expect(readCertificateExtensions(v1)).toEqual({ criticalExtensions: [] });
  });
});
