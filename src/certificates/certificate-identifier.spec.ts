import { randomInt } from 'node:crypto';
import { iso7064Mod3736 } from '../common/identifiers/iso7064.js';
import { buildCertificateIdentifier, parseCertificateIdentifier } from './certificate-identifier.js';

// 民政部 (the type authority of marriage certificates) and the demo Civil Affairs Bureau.
const TYPE_AUTHORITY = '111000000000131433';
const ISSUER = '113308000024775820';
const PARTS = { typeCode: `${TYPE_AUTHORITY}001`, issuerCode: ISSUER, serial: '2026000001', version: 1 };
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('certificate identifiers (GB/T 36904-2018)', () => {
  it('builds prefix.type.issuer.serial.version.check with a 3-digit version and the MOD 37,36 check over the parts', () => {
    const id = buildCertificateIdentifier(PARTS);
    const check = iso7064Mod3736(`${TYPE_AUTHORITY}001${ISSUER}2026000001001`);
    expect(id).toBe(`1.2.156.3005.2.${TYPE_AUTHORITY}001.${ISSUER}.2026000001.001.${check}`);
    expect(parseCertificateIdentifier(id)).toEqual({
      ok: true,
      value: id,
      form: 'GB_T_36904',
      ...PARTS,
      typeAuthorityCode: TYPE_AUTHORITY,
      typeNumber: '001',
      check,
    });
  });

  it('gives a renewal its own version and check, up to 999', () => {
    const first = buildCertificateIdentifier(PARTS);
    const renewal = buildCertificateIdentifier({ ...PARTS, version: 2 });
    expect(renewal.split('.').slice(-2)[0]).toBe('002');
    expect(renewal).not.toBe(first);
    expect(parseCertificateIdentifier(renewal)).toMatchObject({ ok: true, version: 2 });
    expect(parseCertificateIdentifier(buildCertificateIdentifier({ ...PARTS, version: 999 }))).toMatchObject({ ok: true, version: 999 });
    expect(() => buildCertificateIdentifier({ ...PARTS, version: 1000 })).toThrow(/version/);
  });

  it('reads the real identifier of the issue: another authority, another issuer, another platform', () => {
    // From the national platform's interface description (see test/conformance/gbt36904-identifiers.conformance-spec.ts).
    expect(parseCertificateIdentifier('1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S')).toMatchObject({
      ok: true,
      form: 'GB_T_36904',
      typeAuthorityCode: '11100000000013338W',
      typeNumber: '011',
      issuerCode: '11430000006122244L',
      serial: '20230000403',
      version: 2,
    });
  });

  it("recognises onegate's legacy form (2-digit version, the issuer as its own type authority) and says so", () => {
    const legacyType = `${ISSUER}001`;
    const legacy = `1.2.156.3005.2.${legacyType}.${ISSUER}.7K3QX0M4PD9R2TW8YB6H.01.${iso7064Mod3736(`${legacyType}${ISSUER}7K3QX0M4PD9R2TW8YB6H01`)}`;
    expect(parseCertificateIdentifier(legacy)).toMatchObject({ ok: true, form: 'ONEGATE_LEGACY', typeCode: legacyType, issuerCode: ISSUER, version: 1 });
    // A 2-digit version is legacy only where onegate wrote it: with another type authority it is no identifier at all.
    const foreign = `1.2.156.3005.2.${TYPE_AUTHORITY}001.${ISSUER}.2026000001.01.${iso7064Mod3736(`${TYPE_AUTHORITY}001${ISSUER}202600000101`)}`;
    expect(parseCertificateIdentifier(foreign)).toMatchObject({ ok: false, reason: 'FORMAT' });
    const zero = `1.2.156.3005.2.${legacyType}.${ISSUER}.2026000001.00.${iso7064Mod3736(`${legacyType}${ISSUER}202600000100`)}`;
    expect(parseCertificateIdentifier(zero)).toMatchObject({ ok: false, reason: 'FORMAT' });
  });

  it('detects a changed character and a transposition', () => {
    const id = buildCertificateIdentifier(PARTS);
    const changed = id.replace('.2026000001.', '.2026000002.');
    const swapped = id.replace('.2026000001.', '.2026000010.');
    expect(parseCertificateIdentifier(changed)).toMatchObject({ ok: false, reason: 'CHECK_CHARACTER' });
    expect(parseCertificateIdentifier(swapped)).toMatchObject({ ok: false, reason: 'CHECK_CHARACTER' });
  });

  /*
   * A hybrid ISO/IEC 7064 system detects every single substitution, but not every adjacent
   * transposition: for MOD 37,36, 72 of the 45,360 (running state, distinct pair) combinations give
   * the same check (e.g. "HI" ↔ "IH" from the initial state). So a transposition must be refused
   * exactly when it changes the check character.
   */
  it('detects every single substitution in random identifiers, and every transposition that changes the check', () => {
    for (let n = 0; n < 200; n++) {
      const serial = Array.from({ length: 1 + randomInt(32) }, () => ALPHABET[randomInt(36)]).join('');
      const id = buildCertificateIdentifier({ ...PARTS, serial, version: 1 + randomInt(999) });
      expect(parseCertificateIdentifier(id)).toMatchObject({ ok: true, serial });
      const fields = id.split('.');
      const [, , , , , , , s, v] = fields as string[];
      const body = `${s}${v}`;
      const at = randomInt(body.length);
      const other = ALPHABET[(ALPHABET.indexOf(body[at]!) + 1 + randomInt(35)) % 36]!;
      const substituted = body.slice(0, at) + other + body.slice(at + 1);
      const rebuilt = (text: string) => [...fields.slice(0, 7), text.slice(0, s!.length), text.slice(s!.length), fields[9]].join('.');
      // A substitution in the version can make it not 3 digits: then it is not an identifier at all.
      expect(parseCertificateIdentifier(rebuilt(substituted))).toMatchObject({ ok: false, reason: expect.stringMatching(/^(CHECK_CHARACTER|FORMAT)$/) });
      if (body.length > 1) {
        const i = randomInt(body.length - 1);
        if (body[i] !== body[i + 1]) {
          const transposed = body.slice(0, i) + body[i + 1] + body[i] + body.slice(i + 2);
          const parsed = parseCertificateIdentifier(rebuilt(transposed));
          const prefix = fields.slice(5, 7).join('');
          if (iso7064Mod3736(`${prefix}${transposed}`) === iso7064Mod3736(`${prefix}${body}`) && /^[0-9]{3}$/.test(transposed.slice(s!.length))) {
            expect(parsed).toMatchObject({ ok: true });
          } else {
            expect(parsed).toMatchObject({ ok: false, reason: expect.stringMatching(/^(CHECK_CHARACTER|FORMAT)$/) });
          }
        }
      }
    }
  });

  it('refuses codes that are not valid unified social credit codes, and malformed identifiers, without echoing them', () => {
    expect(() => buildCertificateIdentifier({ ...PARTS, issuerCode: '91350100M000100Y4Z' })).toThrow(/issuer code/);
    expect(() => buildCertificateIdentifier({ ...PARTS, typeCode: `${TYPE_AUTHORITY}01` })).toThrow(/3-digit type number/);
    expect(() => buildCertificateIdentifier({ ...PARTS, serial: 'abc' })).toThrow(/serial/);
    expect(() => buildCertificateIdentifier({ ...PARTS, serial: 'A'.repeat(33) })).toThrow(/serial/);
    expect(() => buildCertificateIdentifier({ ...PARTS, version: 0 })).toThrow(/version/);
    const id = buildCertificateIdentifier(PARTS);
    expect(parseCertificateIdentifier(id.replace(ISSUER, '11330800002477582X'))).toMatchObject({ ok: false, reason: 'ISSUER_CODE' });
    expect(parseCertificateIdentifier(id.replace(TYPE_AUTHORITY, '111000000000131434'))).toMatchObject({ ok: false, reason: 'TYPE_CODE' });
    // Lower case is not the same code: the check character is computed over capitals.
    expect(parseCertificateIdentifier(id.toLowerCase())).toMatchObject({ ok: false });
    expect(parseCertificateIdentifier(id.replace('1.2.156.3005.2.', '1.2.156.3005.3.'))).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(parseCertificateIdentifier(`${id}.X`)).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(parseCertificateIdentifier(id.replace('.001.', '.1.'))).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(parseCertificateIdentifier(id.replace('.001.', '.000.'))).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(parseCertificateIdentifier(id.replace('.2026000001.', '.2026-000001.'))).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(parseCertificateIdentifier(`${id.slice(0, -1)}*`)).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(parseCertificateIdentifier(` ${id}`)).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(parseCertificateIdentifier(`1.2.156.3005.2.${'9'.repeat(300)}`)).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(parseCertificateIdentifier(42)).toMatchObject({ ok: false, reason: 'FORMAT' });
    const secret = '1.2.156.3005.2.SECRET-VALUE.X.Y.Z.W';
    const result = parseCertificateIdentifier(secret);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });
});
