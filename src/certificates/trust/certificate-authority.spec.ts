import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { createRootCa, generateSigningKeyPair, issueDepartmentCertificate } from './certificate-authority.js';
import { distinguishedNameOf, readCertificateExtensions, validityOf } from './x509.js';

const OPERATOR = '11330800002481047B';
const CIVIL_AFFAIRS = { code: 'CIVIL_AFFAIRS', name: 'Civil Affairs Bureau', creditCode: '113308000024775820' };
const NOW = new Date('2026-03-01T08:00:00.750Z');

/** The DER of the tbsCertificate field at `index` (3 = issuer, 5 = subject). */
function tbsFieldDer(der: Buffer, index: number): string {
  const cert = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const tbs = (cert.value as forge.asn1.Asn1[])[0]!;
  return forge.asn1.toDer((tbs.value as forge.asn1.Asn1[])[index]!).toHex();
}

describe('certificate authority', () => {
  const root = createRootCa({ creditCode: OPERATOR, now: NOW });
  const rootCert = new X509Certificate(root.certificate);
  const departmentKeys = generateSigningKeyPair();
  const issue = (overrides: Partial<Parameters<typeof issueDepartmentCertificate>[0]> = {}) =>
    issueDepartmentCertificate({
      root,
      department: CIVIL_AFFAIRS,
      publicKey: departmentKeys.publicKey,
      notBefore: new Date('2026-03-02T00:00:00Z'),
      notAfter: new Date('2027-03-02T00:00:00Z'),
      ...overrides,
    });

  it('creates a self-signed P-256 root: CA, pathLen 0, keyCertSign + cRLSign, 10 years from now', () => {
    expect(rootCert.subject).toBe(`C=CN\nO=onegate\nCN=onegate Root CA\nserialNumber=${OPERATOR}`);
    expect(rootCert.issuer).toBe(rootCert.subject);
    expect(rootCert.verify(root.publicKey)).toBe(true);
    expect(rootCert.ca).toBe(true);
    expect(rootCert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(root.privateKey.type).toBe('private');
    expect(readCertificateExtensions(root.certificate)).toMatchObject({
      keyUsage: new Set(['keyCertSign', 'cRLSign']),
      basicConstraints: { ca: true, pathLength: 0 },
    });
    expect(validityOf(rootCert)).toEqual({ notBefore: new Date('2026-03-01T08:00:00Z'), notAfter: new Date('2036-03-01T08:00:00Z') });
  });

  it('takes another common name and validity', () => {
    const other = new X509Certificate(createRootCa({ creditCode: OPERATOR, commonName: 'onegate Root CA 2', now: NOW, validityYears: 25 }).certificate);
    expect(distinguishedNameOf(other).commonName).toBe('onegate Root CA 2');
    expect(validityOf(other).notAfter).toEqual(new Date('2051-03-01T08:00:00Z'));
    expect(() => createRootCa({ creditCode: OPERATOR, validityYears: 0 })).toThrow(RangeError);
    expect(() => createRootCa({ creditCode: '91350100M000100Y4Z' })).toThrow('operator credit code must be a valid');
  });

  it('issues a department certificate the root certified, with the department in OU and serialNumber', () => {
    const cert = new X509Certificate(issue());
    expect(cert.checkIssued(rootCert)).toBe(true);
    expect(cert.verify(root.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(departmentKeys.publicKey.export({ type: 'spki', format: 'der' }));
    expect(distinguishedNameOf(cert)).toEqual({
      commonName: 'Civil Affairs Bureau certificate issuing key',
      organizationalUnit: 'CIVIL_AFFAIRS',
      organization: 'onegate',
      country: 'CN',
      serialNumber: CIVIL_AFFAIRS.creditCode,
    });
    expect(readCertificateExtensions(cert.raw)).toMatchObject({ keyUsage: new Set(['digitalSignature']), basicConstraints: { ca: false } });
  });

  it('copies the root subject into the issuer byte for byte', () => {
    expect(tbsFieldDer(issue(), 3)).toBe(tbsFieldDer(root.certificate, 5));
  });

  it('accepts a long department name (beyond the X.520 64-character common name bound)', () => {
    const long = { code: 'HUMAN_RESOURCES', name: 'Human Resources and Social Security Bureau', creditCode: '11330800002478462F' };
    const cert = new X509Certificate(issue({ department: long }));
    expect(distinguishedNameOf(cert).commonName).toBe('Human Resources and Social Security Bureau certificate issuing key');
  });

  it('refuses a certificate that would outlive the root', () => {
    expect(() => issue({ notAfter: new Date('2036-03-01T08:00:01Z') })).toThrow(RangeError);
    expect(() => issue({ notAfter: new Date('2036-03-01T08:00:01Z') })).toThrow('may not expire after the root CA certificate');
    expect(() => issue({ notAfter: new Date('2036-03-01T08:00:00Z') })).not.toThrow();
  });

  it('refuses a bad department, a root key that is not the root’s, and a root that is not a CA', () => {
    expect(() => issue({ department: { ...CIVIL_AFFAIRS, code: 'civil' } })).toThrow('department code');
    expect(() => issue({ department: { ...CIVIL_AFFAIRS, name: ' ' } })).toThrow('department name');
    expect(() => issue({ department: { ...CIVIL_AFFAIRS, creditCode: '113308000024775821' } })).toThrow('department credit code');
    const stranger = generateSigningKeyPair();
    expect(() => issue({ root: { certificate: root.certificate, privateKey: stranger.privateKey } })).toThrow('does not belong to the root certificate');
    const leaf = issue();
    expect(() => issue({ root: { certificate: leaf, privateKey: root.privateKey } })).toThrow('not a CA certificate');
    expect(() => issue({ root: { certificate: Buffer.from('junk'), privateKey: root.privateKey } })).toThrow('not a valid DER certificate');
  });
});
