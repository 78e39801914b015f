import { execFileSync } from 'node:child_process';
import { X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRootCa, generateSigningKeyPair, issueDepartmentCertificate } from './certificate-authority.js';
import { CHAIN_CACHE_SIZE, trustAnchorsFromPem, verifyChain, type TrustAnchors } from './chain.js';
import { buildCertificate, derToPem, distinguishedNameOf, validityOf, type BuildCertificateOptions, type DistinguishedName } from './x509.js';

const OPERATOR = '11330800002481047B';
const CIVIL_AFFAIRS = { code: 'CIVIL_AFFAIRS', name: 'Civil Affairs Bureau', creditCode: '113308000024775820' };
const ROOT_FROM = new Date('2026-01-01T00:00:00Z');
const LEAF_FROM = new Date('2026-02-01T00:00:00Z');
const LEAF_TO = new Date('2027-02-01T00:00:00Z');
const AT = new Date('2026-06-01T00:00:00Z');

const root = createRootCa({ creditCode: OPERATOR, now: ROOT_FROM });
const rootCert = new X509Certificate(root.certificate);
const ROOT_NAME = distinguishedNameOf(rootCert);
const anchors: TrustAnchors = { roots: [rootCert] };
const departmentKeys = generateSigningKeyPair();
const leafDer = issueDepartmentCertificate({ root, department: CIVIL_AFFAIRS, publicKey: departmentKeys.publicKey, notBefore: LEAF_FROM, notAfter: LEAF_TO });

const b64 = (der: Buffer) => der.toString('base64');
const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });

/** A certificate from `issuer` (root by default) with department-leaf defaults. */
function build(overrides: Partial<BuildCertificateOptions> = {}): Buffer {
  return buildCertificate({
    subject: {
      commonName: 'Civil Affairs Bureau certificate issuing key',
      organizationalUnit: 'CIVIL_AFFAIRS',
      organization: 'onegate',
      country: 'CN',
      serialNumber: CIVIL_AFFAIRS.creditCode,
    },
    issuer: ROOT_NAME,
    notBefore: LEAF_FROM,
    notAfter: LEAF_TO,
    subjectPublicKey: departmentKeys.publicKey,
    issuerPrivateKey: root.privateKey,
    issuerPublicKey: root.publicKey,
    ca: false,
    keyUsage: ['digitalSignature'],
    ...overrides,
  });
}

/** A certificate openssl makes (new key, our extensions), certified by our root key; valid from now for 10 years. */
function opensslCertifiedByRoot(newKeyArgs: string[], extensions: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'onegate-chain-'));
  try {
    const file = (name: string) => join(dir, name);
    writeFileSync(file('root.pem'), derToPem(root.certificate));
    writeFileSync(file('root.key'), root.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(file('ext.cnf'), `[ext]\n${extensions}\n`);
    const quiet = { stdio: 'pipe' } as const;
    execFileSync(
      'openssl',
      ['req', '-new', ...newKeyArgs, '-nodes', '-keyout', file('leaf.key'), '-subj', '/C=CN/O=onegate/OU=CIVIL_AFFAIRS/CN=x', '-out', file('leaf.csr')],
      quiet,
    );
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        file('leaf.csr'),
        '-CA',
        file('root.pem'),
        '-CAkey',
        file('root.key'),
        '-set_serial',
        '7',
        '-days',
        '3650',
        '-extfile',
        file('ext.cnf'),
        '-extensions',
        'ext',
        '-outform',
        'DER',
        '-out',
        file('leaf.der'),
      ],
      quiet,
    );
    return readFileSync(file('leaf.der'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectFailure(x5c: unknown, reason: string, at: Date = AT, trust: TrustAnchors = anchors): string {
  const verdict = verifyChain(x5c, trust, at);
  expect(verdict).toMatchObject({ ok: false, reason });
  return verdict.ok ? '' : verdict.message;
}

describe('verifyChain: good chains', () => {
  it('accepts a department certificate issued by the root and reads its department', () => {
    const verdict = verifyChain([b64(leafDer)], anchors, AT);
    expect(verdict).toMatchObject({ ok: true, department: 'CIVIL_AFFAIRS', creditCode: CIVIL_AFFAIRS.creditCode });
    if (!verdict.ok) return;
    expect(spki(verdict.publicKey)).toEqual(spki(departmentKeys.publicKey));
    expect(verdict.leaf.raw).toEqual(leafDer);
  });

  it('accepts the root appended as an exact copy of the anchor', () => {
    expect(verifyChain([b64(leafDer), b64(root.certificate)], anchors, AT)).toMatchObject({ ok: true });
  });

  it('accepts the validity bounds themselves', () => {
    expect(verifyChain([b64(leafDer)], anchors, LEAF_FROM)).toMatchObject({ ok: true });
    expect(verifyChain([b64(leafDer)], anchors, LEAF_TO)).toMatchObject({ ok: true });
  });

  it('keeps verifying the first department certificate after a rotation, until it expires', () => {
    const nextKeys = generateSigningKeyPair();
    const second = issueDepartmentCertificate({
      root,
      department: CIVIL_AFFAIRS,
      publicKey: nextKeys.publicKey,
      notBefore: AT,
      notAfter: new Date('2028-06-01T00:00:00Z'),
    });
    const later = new Date('2026-09-01T00:00:00Z');
    expect(verifyChain([b64(leafDer)], anchors, later)).toMatchObject({ ok: true, department: 'CIVIL_AFFAIRS' });
    const verdict = verifyChain([b64(second)], anchors, later);
    expect(verdict).toMatchObject({ ok: true, department: 'CIVIL_AFFAIRS' });
    if (verdict.ok) expect(spki(verdict.publicKey)).toEqual(spki(nextKeys.publicKey));
    expectFailure([b64(leafDer)], 'CERTIFICATE_EXPIRED', new Date('2027-06-01T00:00:00Z'));
    expect(verifyChain([b64(second)], anchors, new Date('2027-06-01T00:00:00Z'))).toMatchObject({ ok: true });
  });

  it('trusts either root during a root rollover', () => {
    const newRoot = createRootCa({ creditCode: OPERATOR, now: ROOT_FROM, commonName: 'onegate Root CA 2' });
    const both = trustAnchorsFromPem(derToPem(root.certificate) + derToPem(newRoot.certificate));
    const fromNew = issueDepartmentCertificate({
      root: newRoot,
      department: CIVIL_AFFAIRS,
      publicKey: departmentKeys.publicKey,
      notBefore: LEAF_FROM,
      notAfter: LEAF_TO,
    });
    expect(verifyChain([b64(leafDer)], both, AT)).toMatchObject({ ok: true });
    expect(verifyChain([b64(fromNew)], both, AT)).toMatchObject({ ok: true });
    expectFailure([b64(fromNew)], 'UNTRUSTED_ISSUER');
  });

  it('accepts an intermediate only when it chains and the root’s pathLen allows it', () => {
    const deepRoot = createRootCa({ creditCode: OPERATOR, now: ROOT_FROM });
    // createRootCa makes pathLen 0; build a pathLen 1 root by hand for this case.
    const deepRootDer = buildCertificate({
      subject: { ...ROOT_NAME, commonName: 'deep root' },
      issuer: { ...ROOT_NAME, commonName: 'deep root' },
      notBefore: ROOT_FROM,
      notAfter: new Date('2036-01-01T00:00:00Z'),
      subjectPublicKey: deepRoot.publicKey,
      issuerPrivateKey: deepRoot.privateKey,
      issuerPublicKey: deepRoot.publicKey,
      ca: true,
      pathLength: 1,
      keyUsage: ['keyCertSign'],
    });
    const intermediateKeys = generateSigningKeyPair();
    const intermediateName: DistinguishedName = { commonName: 'intermediate', organization: 'onegate', country: 'CN' };
    const intermediate = build({
      subject: intermediateName,
      issuer: { ...ROOT_NAME, commonName: 'deep root' },
      subjectPublicKey: intermediateKeys.publicKey,
      issuerPrivateKey: deepRoot.privateKey,
      issuerPublicKey: deepRoot.publicKey,
      ca: true,
      pathLength: 0,
      keyUsage: ['keyCertSign'],
      notAfter: new Date('2026-12-01T00:00:00Z'),
    });
    const leaf = build({ issuer: intermediateName, issuerPrivateKey: intermediateKeys.privateKey, issuerPublicKey: intermediateKeys.publicKey });
    const deepAnchors = { roots: [new X509Certificate(deepRootDer)] };
    expect(verifyChain([b64(leaf), b64(intermediate)], deepAnchors, AT)).toMatchObject({ ok: true, department: 'CIVIL_AFFAIRS' });
    expect(verifyChain([b64(leaf), b64(intermediate), b64(deepRootDer)], deepAnchors, AT)).toMatchObject({ ok: true });
    // Missing the intermediate: the leaf's issuer is not an anchor.
    expectFailure([b64(leaf)], 'UNTRUSTED_ISSUER', AT, deepAnchors);
    // The leaf is still valid but the intermediate has expired.
    const message = expectFailure([b64(leaf), b64(intermediate)], 'CERTIFICATE_EXPIRED', new Date('2026-12-31T00:00:00Z'), deepAnchors);
    expect(message).toBe('an issuing certificate in the chain has expired');
  });
});

describe('verifyChain: chains that must fail', () => {
  it('refuses a certificate from a forged root with the same name', () => {
    const impostor = createRootCa({ creditCode: OPERATOR, now: ROOT_FROM });
    expect(new X509Certificate(impostor.certificate).subject).toBe(rootCert.subject);
    const forged = issueDepartmentCertificate({
      root: impostor,
      department: CIVIL_AFFAIRS,
      publicKey: departmentKeys.publicKey,
      notBefore: LEAF_FROM,
      notAfter: LEAF_TO,
    });
    expect(expectFailure([b64(forged)], 'UNTRUSTED_ISSUER')).toBe('the certificate chain does not lead to a trusted root');
    expectFailure([b64(forged), b64(impostor.certificate)], 'UNTRUSTED_ISSUER');
  });

  it('refuses a genuine certificate whose signature was altered', () => {
    const tampered = Buffer.from(leafDer);
    tampered[tampered.length - 3]! ^= 0x01; // inside the signature's s INTEGER: still valid DER
    expect(new X509Certificate(tampered).checkIssued(rootCert)).toBe(true);
    expectFailure([b64(tampered)], 'BAD_CERTIFICATE_SIGNATURE');
  });

  it('refuses a certificate whose signed content was altered (department renamed)', () => {
    const renamed = Buffer.from(leafDer.toString('binary').replace('CIVIL_AFFAIRS', 'FORGED_AFFAIR'), 'binary');
    expect(renamed.length).toBe(leafDer.length);
    expectFailure([b64(renamed)], 'BAD_CERTIFICATE_SIGNATURE');
  });

  it('refuses expired and not-yet-valid certificates, and an expired root', () => {
    expect(expectFailure([b64(leafDer)], 'CERTIFICATE_EXPIRED', new Date('2027-02-01T00:00:01Z'))).toBe('the signing certificate has expired');
    expect(expectFailure([b64(leafDer)], 'CERTIFICATE_NOT_YET_VALID', new Date('2026-01-31T23:59:59Z'))).toBe('the signing certificate is not valid yet');
    const pastLeaf = build({ notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2025-01-01T00:00:00Z') });
    expectFailure([b64(pastLeaf)], 'CERTIFICATE_EXPIRED');
    const outlivesRoot = build({ notAfter: new Date('2040-01-01T00:00:00Z') });
    expect(expectFailure([b64(outlivesRoot)], 'CERTIFICATE_EXPIRED', new Date('2037-01-01T00:00:00Z'))).toBe('the trusted root certificate has expired');
  });

  it('refuses a CA certificate, or a certificate not for signatures, as the signing certificate', () => {
    expect(expectFailure([b64(root.certificate)], 'NOT_A_SIGNING_CERTIFICATE')).toBe('the signing certificate is a CA certificate');
    expectFailure([b64(build({ keyUsage: ['cRLSign'] }))], 'NOT_A_SIGNING_CERTIFICATE');
  });

  it('refuses a signing certificate whose key is not P-256', () => {
    const rsaLeaf = opensslCertifiedByRoot(['-newkey', 'rsa:2048'], 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature');
    expect(verifyChain([b64(rsaLeaf)], anchors, new Date())).toMatchObject({
      ok: false,
      reason: 'NOT_A_SIGNING_CERTIFICATE',
      message: 'the signing certificate key is not EC P-256',
    });
  });

  it('refuses a certificate with a critical extension it does not understand', () => {
    const leaf = opensslCertifiedByRoot(
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=critical,codeSigning',
    );
    expectFailure([b64(leaf)], 'MALFORMED_CERTIFICATE', new Date());
    const fine = opensslCertifiedByRoot(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'basicConstraints=critical,CA:FALSE');
    expect(verifyChain([b64(fine)], anchors, new Date())).toMatchObject({ ok: true, department: 'CIVIL_AFFAIRS', creditCode: null });
  });

  it('refuses a certificate without a department code', () => {
    const noOu = build({ subject: { commonName: 'someone', organization: 'onegate', country: 'CN' } });
    expect(expectFailure([b64(noOu)], 'NOT_A_DEPARTMENT_CERTIFICATE')).toBe('the signing certificate does not name a department code in OU');
    expectFailure([b64(build({ subject: { commonName: 'x', organizationalUnit: 'civil affairs' } }))], 'NOT_A_DEPARTMENT_CERTIFICATE');
  });

  it('refuses an intermediate the root may not have (pathLen 0) or that is not a CA', () => {
    const intermediateKeys = generateSigningKeyPair();
    const name: DistinguishedName = { commonName: 'intermediate', organization: 'onegate', country: 'CN' };
    const caIntermediate = build({ subject: name, subjectPublicKey: intermediateKeys.publicKey, ca: true, pathLength: 0, keyUsage: ['keyCertSign'] });
    const leaf = build({ issuer: name, issuerPrivateKey: intermediateKeys.privateKey, issuerPublicKey: intermediateKeys.publicKey });
    expectFailure([b64(leaf), b64(caIntermediate)], 'UNTRUSTED_ISSUER');
    const endEntity = build({ subject: { ...name, organizationalUnit: 'CIVIL_AFFAIRS' }, subjectPublicKey: intermediateKeys.publicKey });
    const leafOfLeaf = build({
      issuer: { ...name, organizationalUnit: 'CIVIL_AFFAIRS' },
      issuerPrivateKey: intermediateKeys.privateKey,
      issuerPublicKey: intermediateKeys.publicKey,
    });
    expectFailure([b64(leafOfLeaf), b64(endEntity)], 'UNTRUSTED_ISSUER');
  });

  it('refuses certificates that do not chain to one another', () => {
    expectFailure([b64(leafDer), b64(leafDer)], 'UNTRUSTED_ISSUER');
    expectFailure([b64(leafDer)], 'UNTRUSTED_ISSUER', AT, { roots: [] });
  });
});

describe('verifyChain: hostile input never throws', () => {
  const good = b64(leafDer);
  /** `depth` SEQUENCE headers with indefinite length (0x30 0x80), each opening the next. */
  const nested = (depth: number) => Buffer.from('3080'.repeat(depth), 'hex');

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', good],
    ['an object', { 0: good, length: 1 }],
    ['an empty array', []],
    ['a number entry', [42]],
    ['a null entry', [null]],
    ['an array entry', [[good]]],
    ['non-base64', ['not base64!']],
    ['base64url characters', [`-_-_${good.slice(4)}`]],
    ['base64 with whitespace', [`${good.slice(0, 64)}\n${good.slice(64)}`]],
    ['bad padding', [`${good}=`]],
    ['garbage DER', [Buffer.from('definitely not a certificate').toString('base64')]],
    ['an empty SEQUENCE', ['MAA=']],
    ['a truncated certificate', [b64(leafDer.subarray(0, leafDer.length - 10))]],
    ['a certificate with trailing bytes', [b64(Buffer.concat([leafDer, Buffer.from([0])]))]],
    ['PEM inside base64', [Buffer.from(derToPem(leafDer)).toString('base64')]],
    ['4,000 nested SEQUENCE headers (within the size limit)', [b64(nested(4_000))]],
    ['10,000 nested SEQUENCE headers (over the size limit)', [b64(nested(10_000))]],
    ['a 1 MB string', ['A'.repeat(1024 * 1024)]],
    ['a leaf followed by garbage', [good, 'AAAA']],
  ])('gives MALFORMED_CERTIFICATE for %s', (_, x5c) => {
    const message = expectFailure(x5c, 'MALFORMED_CERTIFICATE');
    expect(message).not.toContain(good.slice(0, 16));
    expect(message).not.toContain('AAAA');
  });

  it('gives CHAIN_TOO_LONG for more than three certificates', () => {
    expectFailure([good, good, good, good], 'CHAIN_TOO_LONG');
    expectFailure(new Array(100_000).fill(good), 'CHAIN_TOO_LONG');
  });

  it('survives an x5c whose elements throw when read, and a bad time or anchors', () => {
    const hostile = new Proxy([good], {
      get: (target, key) =>
        key === 'length' || key === Symbol.iterator
          ? Reflect.get(target, key)
          : (() => {
              throw new Error('boom');
            })(),
    });
    expect(verifyChain(hostile, anchors, AT)).toMatchObject({ ok: false, reason: 'MALFORMED_CERTIFICATE' });
    expect(verifyChain([good], anchors, new Date(Number.NaN))).toMatchObject({ ok: false, reason: 'MALFORMED_CERTIFICATE' });
    expect(verifyChain([good], null as unknown as TrustAnchors, AT)).toMatchObject({ ok: false, reason: 'UNTRUSTED_ISSUER' });
    expect(verifyChain([good], { roots: 'nonsense' } as unknown as TrustAnchors, AT)).toMatchObject({ ok: false });
  });

  it('never throws on random mutations of a good certificate', () => {
    for (let round = 0; round < 300; round++) {
      const mutated = Buffer.from(leafDer);
      mutated[(round * 7919) % mutated.length] ^= 1 << (round % 8);
      const verdict = verifyChain([b64(mutated)], anchors, AT);
      expect(typeof verdict.ok).toBe('boolean');
    }
  });
});

describe('trustAnchorsFromPem', () => {
  it('reads every root certificate', () => {
    const trust = trustAnchorsFromPem(derToPem(root.certificate));
    expect(trust.roots).toHaveLength(1);
    expect(trust.roots[0]!.raw).toEqual(root.certificate);
  });

  it('throws a clear error with no certificate, an unreadable one, or one that is not a CA', () => {
    expect(() => trustAnchorsFromPem('')).toThrow('trust anchors: no CERTIFICATE block found');
    expect(() => trustAnchorsFromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(
      'trust anchors: certificate 1 cannot be parsed',
    );
    expect(() => trustAnchorsFromPem(derToPem(root.certificate) + derToPem(leafDer))).toThrow('trust anchors: certificate 2 is not a CA certificate');
  });
});

describe('verifyChain: cached settlement of a chain', () => {
  const LATER = new Date('2027-02-01T00:00:01Z'); // one second after the leaf's notAfter
  const EARLIER = new Date('2026-01-31T23:59:59Z'); // one second before the leaf's notBefore
  const ms = (date: Date) => date.getTime();

  /** Anchors whose `roots` counts how often it is read: only settling a chain (not a cache hit) reads it. */
  function countingAnchors(roots: readonly X509Certificate[] = [rootCert]): TrustAnchors & { reads: number } {
    return {
      reads: 0,
      get roots() {
        this.reads++;
        return roots;
      },
    };
  }

  it('re-checks the validity periods on every call: a chain verified once is still expired or not yet valid later', () => {
    // A chain of its own, so that its first verification is the one that settles it.
    const leaf = [b64(build())];
    expect(verifyChain(leaf, anchors, AT)).toMatchObject({ ok: true, department: 'CIVIL_AFFAIRS' });
    expect(verifyChain(leaf, anchors, LATER)).toEqual({ ok: false, reason: 'CERTIFICATE_EXPIRED', message: 'the signing certificate has expired' });
    expect(verifyChain(leaf, anchors, EARLIER)).toEqual({
      ok: false,
      reason: 'CERTIFICATE_NOT_YET_VALID',
      message: 'the signing certificate is not valid yet',
    });
    // And a verdict outside the period does not stick either.
    expect(verifyChain(leaf, anchors, AT)).toMatchObject({ ok: true });
    expect(verifyChain(leaf, anchors, LEAF_TO)).toMatchObject({ ok: true });
    expect(verifyChain(leaf, anchors, LEAF_FROM)).toMatchObject({ ok: true });
  });

  it('accepts a chain first seen outside its validity once the time is inside it', () => {
    const leaf = [b64(build())];
    expectFailure(leaf, 'CERTIFICATE_EXPIRED', LATER);
    expectFailure(leaf, 'CERTIFICATE_NOT_YET_VALID', EARLIER);
    expect(verifyChain(leaf, anchors, AT)).toMatchObject({ ok: true, department: 'CIVIL_AFFAIRS' });
  });

  it('re-checks every certificate of the path: an expiring intermediate and the root too', () => {
    const { leaf, intermediate, deepAnchors, intermediateTo } = deepChain();
    const x5c = [b64(leaf), b64(intermediate)];
    expect(verifyChain(x5c, deepAnchors, AT)).toMatchObject({ ok: true });
    expect(verifyChain(x5c, deepAnchors, new Date(ms(intermediateTo) + 1000))).toEqual({
      ok: false,
      reason: 'CERTIFICATE_EXPIRED',
      message: 'an issuing certificate in the chain has expired',
    });
    expect(verifyChain(x5c, deepAnchors, AT)).toMatchObject({ ok: true });

    const outlivesRoot = [b64(build({ notAfter: new Date('2040-01-01T00:00:00Z') }))];
    expect(verifyChain(outlivesRoot, anchors, AT)).toMatchObject({ ok: true });
    expect(expectFailure(outlivesRoot, 'CERTIFICATE_EXPIRED', new Date('2037-01-01T00:00:00Z'))).toBe('the trusted root certificate has expired');
  });

  it('keeps verdicts per trust anchors: a chain verified under one root is not trusted under another', () => {
    const leaf = [b64(build())];
    const otherRoot = createRootCa({ creditCode: OPERATOR, now: ROOT_FROM, commonName: 'onegate Root CA 2' });
    const otherAnchors: TrustAnchors = { roots: [new X509Certificate(otherRoot.certificate)] };
    expect(verifyChain(leaf, anchors, AT)).toMatchObject({ ok: true });
    expect(expectFailure(leaf, 'UNTRUSTED_ISSUER', AT, otherAnchors)).toBe('the certificate chain does not lead to a trusted root');
    expectFailure(leaf, 'UNTRUSTED_ISSUER', AT, { roots: [] });
    // A failure under the other anchors does not stick to the chain under the right ones.
    expect(verifyChain(leaf, anchors, AT)).toMatchObject({ ok: true });

    // The other way round: first refused, then trusted by anchors (another object) holding the right root.
    const fresh = [b64(build())];
    expectFailure(fresh, 'UNTRUSTED_ISSUER', AT, otherAnchors);
    expect(verifyChain(fresh, { roots: [rootCert] }, AT)).toMatchObject({ ok: true });
    expect(verifyChain(fresh, { roots: [new X509Certificate(otherRoot.certificate), rootCert] }, AT)).toMatchObject({ ok: true });
    expectFailure(fresh, 'UNTRUSTED_ISSUER', AT, otherAnchors);
  });

  it('gives the window in which the verdict holds: the intersection of the leaf’s and the root’s validity', () => {
    const rootValidity = validityOf(rootCert);
    const inside = verifyChain([b64(leafDer)], anchors, AT);
    expect(inside).toMatchObject({ ok: true });
    if (!inside.ok) return;
    // The leaf lies within the root: its own period.
    expect(inside.window).toEqual({ notBefore: ms(LEAF_FROM), notAfter: ms(LEAF_TO) });

    // A leaf that starts before and ends after the root: the root's period bounds the window.
    const wide = [b64(build({ notBefore: new Date('2025-06-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') }))];
    const wideVerdict = verifyChain(wide, anchors, AT);
    expect(wideVerdict).toMatchObject({ ok: true, window: { notBefore: ms(rootValidity.notBefore), notAfter: ms(rootValidity.notAfter) } });
    expect(rootValidity.notBefore).toEqual(ROOT_FROM);

    // Starting before the root, ending before it: the root's start and the leaf's end.
    const early = [b64(build({ notBefore: new Date('2025-06-01T00:00:00Z'), notAfter: LEAF_TO }))];
    expect(verifyChain(early, anchors, AT)).toMatchObject({ ok: true, window: { notBefore: ms(ROOT_FROM), notAfter: ms(LEAF_TO) } });

    // The window is the same however often (and whenever within it) the chain is verified again.
    const again = verifyChain(wide, anchors, new Date('2035-12-31T00:00:00Z'));
    expect(again).toMatchObject({ ok: true, window: { notBefore: ms(rootValidity.notBefore), notAfter: ms(rootValidity.notAfter) } });
    // At each bound it holds; just outside it does not.
    expect(verifyChain(wide, anchors, rootValidity.notBefore)).toMatchObject({ ok: true });
    expect(verifyChain(wide, anchors, rootValidity.notAfter)).toMatchObject({ ok: true });
    expectFailure(wide, 'CERTIFICATE_NOT_YET_VALID', new Date(ms(rootValidity.notBefore) - 1));
    expectFailure(wide, 'CERTIFICATE_EXPIRED', new Date(ms(rootValidity.notAfter) + 1));
  });

  it('narrows the window by an intermediate’s validity', () => {
    const { leaf, intermediate, deepAnchors, intermediateTo } = deepChain();
    const verdict = verifyChain([b64(leaf), b64(intermediate)], deepAnchors, AT);
    expect(verdict).toMatchObject({ ok: true, window: { notBefore: ms(LEAF_FROM), notAfter: ms(intermediateTo) } });
    // An appended copy of the root changes nothing.
    const rootCopy = Buffer.from(deepAnchors.roots[0]!.raw);
    expect(verifyChain([b64(leaf), b64(intermediate), b64(rootCopy)], deepAnchors, AT)).toMatchObject({
      ok: true,
      window: { notBefore: ms(LEAF_FROM), notAfter: ms(intermediateTo) },
    });
  });

  it('reports a tampered chain’s failure on every call, at any time, between verifications of the genuine one', () => {
    const genuine = build();
    const badSignature = Buffer.from(genuine);
    badSignature[badSignature.length - 3]! ^= 0x01;
    const renamed = Buffer.from(genuine.toString('binary').replace('CIVIL_AFFAIRS', 'FORGED_AFFAIR'), 'binary');
    for (let round = 0; round < 3; round++) {
      for (const at of [AT, LATER, EARLIER]) {
        expectFailure([b64(badSignature)], 'BAD_CERTIFICATE_SIGNATURE', at);
        expectFailure([b64(renamed)], 'BAD_CERTIFICATE_SIGNATURE', at);
      }
      expect(verifyChain([b64(genuine)], anchors, AT)).toMatchObject({ ok: true });
    }
    // Failures of the leaf's own checks are kept as failures too.
    const noOu = [b64(build({ subject: { commonName: 'someone', organization: 'onegate', country: 'CN' } }))];
    for (let round = 0; round < 3; round++) expectFailure(noOu, 'NOT_A_DEPARTMENT_CERTIFICATE');
    const caLeaf = [b64(root.certificate)];
    for (let round = 0; round < 3; round++) expectFailure(caLeaf, 'NOT_A_SIGNING_CERTIFICATE');
  });

  it('keeps a list and a longer list starting with it apart', () => {
    const intermediateKeys = generateSigningKeyPair();
    const name: DistinguishedName = { commonName: 'intermediate', organization: 'onegate', country: 'CN' };
    const caIntermediate = build({ subject: name, subjectPublicKey: intermediateKeys.publicKey, ca: true, pathLength: 0, keyUsage: ['keyCertSign'] });
    const leaf = b64(build());
    // [leaf] is good; [leaf, intermediate] is not (the leaf was not issued by the intermediate).
    expect(verifyChain([leaf], anchors, AT)).toMatchObject({ ok: true });
    expectFailure([leaf, b64(caIntermediate)], 'UNTRUSTED_ISSUER');
    expect(verifyChain([leaf], anchors, AT)).toMatchObject({ ok: true });
  });

  it('settles a chain once per anchors and forgets the least recently used beyond CHAIN_CACHE_SIZE chains', () => {
    const counting = countingAnchors();
    const leaf = [b64(build())];
    expect(verifyChain(leaf, counting, AT)).toMatchObject({ ok: true });
    expect(counting.reads).toBe(1);
    expect(verifyChain(leaf, counting, LATER)).toMatchObject({ ok: false, reason: 'CERTIFICATE_EXPIRED' });
    expect(verifyChain(leaf, counting, AT)).toMatchObject({ ok: true });
    expect(counting.reads).toBe(1);

    // Fill the cache up to its size with other (undecodable, so settled without the anchors) lists.
    const junk = (i: number) => [Buffer.from(`not a certificate ${i}`).toString('base64')];
    for (let i = 1; i < CHAIN_CACHE_SIZE; i++) expectFailure(junk(i), 'MALFORMED_CERTIFICATE', AT, counting);
    expect(verifyChain(leaf, counting, AT)).toMatchObject({ ok: true });
    expect(counting.reads).toBe(1);

    // One more: the least recently used (the first junk list, not the leaf just read) is dropped.
    expectFailure(junk(CHAIN_CACHE_SIZE), 'MALFORMED_CERTIFICATE', AT, counting);
    expect(verifyChain(leaf, counting, AT)).toMatchObject({ ok: true });
    expect(counting.reads).toBe(1);

    // CHAIN_CACHE_SIZE others since the leaf was last read: it is dropped and settled again, with the same verdict.
    for (let i = 1; i <= CHAIN_CACHE_SIZE; i++) expectFailure(junk(CHAIN_CACHE_SIZE + i), 'MALFORMED_CERTIFICATE', AT, counting);
    expect(verifyChain(leaf, counting, AT)).toMatchObject({ ok: true, department: 'CIVIL_AFFAIRS' });
    expect(counting.reads).toBe(2);
    expect(verifyChain(leaf, counting, LATER)).toMatchObject({ ok: false, reason: 'CERTIFICATE_EXPIRED' });
    expect(counting.reads).toBe(2);

    // Another anchors object settles the chain again.
    const other = countingAnchors();
    expect(verifyChain(leaf, other, AT)).toMatchObject({ ok: true });
    expect(other.reads).toBe(1);
  });

  /** leaf ← intermediate (valid until intermediateTo) ← a root with pathLen 1. */
  function deepChain() {
    const deepRoot = createRootCa({ creditCode: OPERATOR, now: ROOT_FROM });
    const deepName = { ...ROOT_NAME, commonName: 'deep root' };
    const deepRootDer = buildCertificate({
      subject: deepName,
      issuer: deepName,
      notBefore: ROOT_FROM,
      notAfter: new Date('2036-01-01T00:00:00Z'),
      subjectPublicKey: deepRoot.publicKey,
      issuerPrivateKey: deepRoot.privateKey,
      issuerPublicKey: deepRoot.publicKey,
      ca: true,
      pathLength: 1,
      keyUsage: ['keyCertSign'],
    });
    const intermediateKeys = generateSigningKeyPair();
    const intermediateName: DistinguishedName = { commonName: 'intermediate', organization: 'onegate', country: 'CN' };
    const intermediateTo = new Date('2026-12-01T00:00:00Z');
    const intermediate = build({
      subject: intermediateName,
      issuer: deepName,
      subjectPublicKey: intermediateKeys.publicKey,
      issuerPrivateKey: deepRoot.privateKey,
      issuerPublicKey: deepRoot.publicKey,
      ca: true,
      pathLength: 0,
      keyUsage: ['keyCertSign'],
      notBefore: ROOT_FROM,
      notAfter: intermediateTo,
    });
    const leaf = build({ issuer: intermediateName, issuerPrivateKey: intermediateKeys.privateKey, issuerPublicKey: intermediateKeys.publicKey });
    return { leaf, intermediate, deepAnchors: { roots: [new X509Certificate(deepRootDer)] } as TrustAnchors, intermediateTo };
  }
});
