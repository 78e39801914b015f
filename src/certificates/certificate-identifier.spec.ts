import { iso7064Mod3736 } from '../common/identifiers/iso7064.js';
import { buildCertificateIdentifier, parseCertificateIdentifier } from './certificate-identifier.js';

// Valid unified social credit codes: RELIABILITY-AND-SECURITY §38 and the demo enterprise.
const TYPE_AUTHORITY = '91350100M000100Y43';
const ISSUER = '91330782MA2E00017B';
const PARTS = { typeCode: `${TYPE_AUTHORITY}001`, issuerCode: ISSUER, serial: '2026000001', version: 1 };

describe('certificate identifiers (GB/T 36904 style)', () => {
  it('builds prefix.type.issuer.serial.version.check with the MOD 37,36 check over the fields', () => {
    const id = buildCertificateIdentifier(PARTS);
    const check = iso7064Mod3736(`${TYPE_AUTHORITY}001${ISSUER}202600000101`);
    expect(id).toBe(`1.2.156.3005.2.${TYPE_AUTHORITY}001.${ISSUER}.2026000001.01.${check}`);
    expect(parseCertificateIdentifier(id)).toEqual({ ok: true, value: id, ...PARTS, check });
  });

  it('gives a renewal its own version and check', () => {
    const first = buildCertificateIdentifier(PARTS);
    const renewal = buildCertificateIdentifier({ ...PARTS, version: 2 });
    expect(renewal.split('.').slice(-2)[0]).toBe('02');
    expect(renewal).not.toBe(first);
    expect(parseCertificateIdentifier(renewal)).toMatchObject({ ok: true, version: 2 });
  });

  it('detects a changed character and a transposition', () => {
    const id = buildCertificateIdentifier(PARTS);
    const changed = id.replace('.2026000001.', '.2026000002.');
    const swapped = id.replace('.2026000001.', '.2026000010.');
    expect(parseCertificateIdentifier(changed)).toMatchObject({ ok: false, reason: 'CHECK_CHARACTER' });
    expect(parseCertificateIdentifier(swapped)).toMatchObject({ ok: false, reason: 'CHECK_CHARACTER' });
  });

  it('refuses codes that are not valid unified social credit codes, and malformed identifiers', () => {
    expect(() => buildCertificateIdentifier({ ...PARTS, issuerCode: '91350100M000100Y4Z' })).toThrow(/issuer code/);
    expect(() => buildCertificateIdentifier({ ...PARTS, typeCode: `${TYPE_AUTHORITY}01` })).toThrow(/3-digit type number/);
    expect(() => buildCertificateIdentifier({ ...PARTS, serial: 'abc' })).toThrow(/serial/);
    expect(() => buildCertificateIdentifier({ ...PARTS, version: 0 })).toThrow(/version/);
    const id = buildCertificateIdentifier(PARTS);
    expect(parseCertificateIdentifier(id.replace(ISSUER, '91330782MA2E00017C'))).toMatchObject({ ok: false, reason: 'ISSUER_CODE' });
    expect(parseCertificateIdentifier(id.replace('1.2.156.3005.2.', '1.2.156.3005.3.'))).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(parseCertificateIdentifier(`${id}.X`)).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(parseCertificateIdentifier(42)).toMatchObject({ ok: false, reason: 'FORMAT' });
  });
});
