import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCatalogFiles } from '../catalog/catalog-files.js';
import { organizationCodeChecks, parseCreditCode } from '../common/identifiers/credit-code.js';
import { projectRoot } from '../common/project-root.js';
import { CertificateTypeError, certificateTypeMap, readCertificateTypes, type CertificateType } from './certificate-types.js';

const catalog = readCatalogFiles();
const realDir = join(projectRoot(), 'schemas', 'certificates');

const CREDIT_CODES = {
  PUBLIC_SECURITY: '11330800002477312D',
  CIVIL_AFFAIRS: '113308000024775820',
  NATURAL_RESOURCES: '113308000024781129',
  HUMAN_RESOURCES: '11330800002478462F',
  HEALTH: '11330800002478702A',
  MARKET_REGULATION: '11330800002479182P',
} as const;

describe('schemas/certificates/', () => {
  const types = readCertificateTypes(catalog);
  const byCode = new Map(types.map((t) => [t.code, t]));

  it('declares every type the matters refer to, and more', () => {
    const referenced = new Set(catalog.matters.flatMap((m) => m.materials.flatMap((material) => material.satisfiedBy.certificateTypes)));
    expect([...referenced].filter((code) => !byCode.has(code))).toEqual([]);
    expect([...byCode.keys()]).toEqual(
      expect.arrayContaining([
        'HOUSEHOLD_REGISTER_EXTRACT',
        'MARRIAGE_CERTIFICATE',
        'REAL_PROPERTY_CERTIFICATE',
        'MEDICAL_BIRTH_CERTIFICATE',
        'DEATH_CERTIFICATE',
        'SOCIAL_INSURANCE_RECORD',
        'SENIOR_CITIZEN_CERTIFICATE',
        'BUSINESS_LICENCE',
      ]),
    );
  });

  it("derives the type code from the type authority's credit code and the type number, not from the issuer", () => {
    const marriage = byCode.get('MARRIAGE_CERTIFICATE')!;
    expect(marriage).toMatchObject({
      issuer: 'CIVIL_AFFAIRS',
      issuerName: 'Civil Affairs Bureau',
      issuerCreditCode: '113308000024775820',
      // 民政部 defines marriage certificates: the national type code of 结婚证 (see the type's source).
      typeNumber: '001',
      typeAuthority: { creditCode: '111000000000131433', nameZh: '中华人民共和国民政部', verified: true },
      typeCode: '111000000000131433001',
      subject: 'PERSON',
      validityDays: null,
      issuedUnder: ['MARRIAGE_REGISTRATION'],
      conditions: [{ claim: 'maritalStatus', in: ['MARRIED'] }],
    });
    expect(Object.keys(marriage.claims)).toEqual(expect.arrayContaining(['registeredOn', 'maritalStatus']));
    for (const type of types) {
      expect(type.issuerCreditCode).toBe(CREDIT_CODES[type.issuer]);
      expect(type.typeCode).toBe(`${type.typeAuthority.creditCode}${type.typeNumber}`);
      expect(type.typeCode).toMatch(/^[0-9A-HJ-NP-RTUW-Y]{18}[0-9]{3}$/);
      expect(type.typeCode.startsWith(type.issuerCreditCode)).toBe(false);
      expect(parseCreditCode(type.typeAuthority.creditCode)).toMatchObject({ ok: true });
      // Verified codes are real assignments; placeholders are codes no organisation can hold.
      expect(organizationCodeChecks(type.typeAuthority.creditCode.slice(8, 17))).toBe(type.typeAuthority.verified);
    }
    expect(new Set(types.map((t) => t.typeCode)).size).toBe(types.length);
  });

  it('names the national authority that defines each type', () => {
    const authorities = Object.fromEntries(types.map((t) => [t.code, [t.typeAuthority.nameZh, t.typeCode, t.typeAuthority.verified]]));
    expect(authorities).toEqual({
      MARRIAGE_CERTIFICATE: ['中华人民共和国民政部', '111000000000131433001', true],
      SENIOR_CITIZEN_CERTIFICATE: ['中华人民共和国民政部', '111000000000131433901', true],
      HOUSEHOLD_REGISTER_EXTRACT: ['中华人民共和国公安部', '11100000000013127D901', true],
      REAL_PROPERTY_CERTIFICATE: ['中华人民共和国自然资源部', '11100000MB03271699001', true],
      BUSINESS_LICENCE: ['国家市场监督管理总局', '11100000MB0143028R001', true],
      SOCIAL_INSURANCE_RECORD: ['中华人民共和国人力资源和社会保障部', '11000000000000001Y901', false],
      MEDICAL_BIRTH_CERTIFICATE: ['中华人民共和国国家卫生健康委员会', '110000000000000022901', false],
      DEATH_CERTIFICATE: ['中华人民共和国国家卫生健康委员会', '110000000000000022902', false],
    });
  });

  it('has the declared issuers, validity periods and matters', () => {
    const summary = Object.fromEntries(types.map((t) => [t.code, [t.issuer, t.subject, t.validityDays, t.issuedUnder]]));
    expect(summary).toMatchObject({
      HOUSEHOLD_REGISTER_EXTRACT: ['PUBLIC_SECURITY', 'PERSON', 90, ['HOUSEHOLD_MOVE']],
      MARRIAGE_CERTIFICATE: ['CIVIL_AFFAIRS', 'PERSON', null, ['MARRIAGE_REGISTRATION']],
      REAL_PROPERTY_CERTIFICATE: ['NATURAL_RESOURCES', 'PERSON', null, ['HOUSE_TRANSFER']],
      MEDICAL_BIRTH_CERTIFICATE: ['HEALTH', 'PERSON', null, ['NEWBORN_REGISTRATION']],
      DEATH_CERTIFICATE: ['HEALTH', 'PERSON', null, ['DECEASED_AFFAIRS']],
      SOCIAL_INSURANCE_RECORD: ['HUMAN_RESOURCES', 'PERSON', 90, ['RETIREMENT']],
      SENIOR_CITIZEN_CERTIFICATE: ['CIVIL_AFFAIRS', 'PERSON', null, ['SENIOR_CERTIFICATE']],
      BUSINESS_LICENCE: ['MARKET_REGULATION', 'ENTERPRISE', null, ['BUSINESS_LICENSE']],
    });
    expect(byCode.get('REAL_PROPERTY_CERTIFICATE')!.claims.properties).toMatchObject({ from: 'property.rights', all: true });
    expect(byCode.get('SENIOR_CITIZEN_CERTIFICATE')!.conditions).toEqual([{ ageAtLeast: 60, birthDateClaim: 'birthDate' }]);
  });

  it('maps each type to its issuer for the verifier', () => {
    const map = certificateTypeMap(types);
    expect(map.get('MARRIAGE_CERTIFICATE')).toEqual({ issuer: 'CIVIL_AFFAIRS' });
    expect(map.get('BUSINESS_LICENCE')).toEqual({ issuer: 'MARKET_REGULATION' });
    expect(map.size).toBe(types.length);
  });
});

describe('readCertificateTypes refuses', () => {
  let dir: string;
  const marriage = (): Record<string, any> => JSON.parse(readFileSync(join(realDir, 'MARRIAGE_CERTIFICATE.json'), 'utf8'));
  const write = (type: Record<string, unknown>, name = `${String(type.code)}.json`) => writeFileSync(join(dir, name), JSON.stringify(type));
  const load = () => readCertificateTypes(catalog, dir);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'onegate-certificate-types-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts an unchanged copy of a real type', () => {
    write(marriage());
    expect(load().map((t) => t.code)).toEqual(['MARRIAGE_CERTIFICATE']);
  });

  it.each<[string, (t: Record<string, any>) => void, RegExp]>([
    ['an unknown issuer', (t) => (t.issuer = 'TAX'), /issuer "TAX" is not a department/],
    ['an unknown data item', (t) => t.dataItems.push('tax.records'), /dataItems\[2\] "tax.records" is not a data item in the catalog/],
    ['a data item listed twice', (t) => t.dataItems.push('person.identity'), /dataItems lists "person.identity" twice/],
    [
      'a data item no claim comes from',
      (t) => t.dataItems.push('household.registration'),
      /dataItems lists "household.registration" but no claim comes from it/,
    ],
    ['an unknown matter', (t) => (t.issuedUnder = ['MOON_LANDING']), /issuedUnder\[0\] "MOON_LANDING" is not a matter in the catalog/],
    ['a matter of another subject', (t) => (t.issuedUnder = ['BUSINESS_LICENSE']), /issuedUnder\[0\] "BUSINESS_LICENSE" concerns ENTERPRISE, not PERSON/],
    ['a matter that may not read an item', (t) => (t.issuedUnder = ['RETIREMENT']), /issuedUnder\[0\] "RETIREMENT" may not read "marriage.registration"/],
    ['a matter clerks do not handle', (t) => (t.issuedUnder = ['SELF_SERVICE']), /issuedUnder\[0\] "SELF_SERVICE" is not handled by clerks/],
    ['a type number of two digits', (t) => (t.typeNumber = '01'), /typeNumber must be three digits/],
    ['type number 000', (t) => (t.typeNumber = '000'), /typeNumber must be three digits from "001"/],
    ['a numeric type number', (t) => (t.typeNumber = 1), /typeNumber must be three digits/],
    ['no type authority', (t) => delete t.typeAuthority, /typeAuthority must be an object/],
    [
      'a type authority code with a wrong check character',
      (t) => (t.typeAuthority.creditCode = '111000000000131434'),
      /typeAuthority.creditCode must be a unified social credit code .*check character/,
    ],
    [
      'a type authority code in lower case',
      (t) => (t.typeAuthority.creditCode = '11100000mb03271699'),
      /typeAuthority.creditCode must be a unified social credit code in capitals/,
    ],
    [
      'a placeholder code some organisation could hold',
      (t) => (t.typeAuthority.verified = false),
      /typeAuthority.creditCode is a placeholder .* must fail the GB 11714 check/,
    ],
    [
      'a verified code no organisation could hold',
      (t) => (t.typeAuthority.creditCode = '11000000000000001Y'),
      /typeAuthority.creditCode is marked verified, but its organization code fails the GB 11714 check/,
    ],
    ['a type authority without a source', (t) => delete t.typeAuthority.source, /typeAuthority.source must be a non-empty string/],
    ['an unknown key in the type authority', (t) => (t.typeAuthority.website = 'x'), /typeAuthority.website is not a known field/],
    ['an unknown subject', (t) => (t.subject = 'CAT'), /subject must be one of PERSON, ENTERPRISE/],
    ['a zero validity', (t) => (t.validityDays = 0), /validityDays must be null \(no expiry\) or a whole number/],
    ['a fractional validity', (t) => (t.validityDays = 1.5), /validityDays must be null/],
    ['a lower-case code', (t) => (t.code = 'marriage'), /code must be upper-case/],
    ['an empty name', (t) => (t.name = ''), /name must be a non-empty string/],
    ['an unknown top-level field', (t) => (t.colour = 'red'), /colour is not a known field/],
    [
      'a claim from an item outside dataItems',
      (t) => (t.claims.address = { from: 'household.registration', field: 'address' }),
      /claims\.address\.from must be one of the type's dataItems/,
    ],
    ['a field the item does not have', (t) => (t.claims.name.field = 'fullName'), /claims\.name\.field must be a field of person.identity/],
    [
      'a field of "all" the item does not have',
      (t) => (t.claims.name = { from: 'person.identity', all: true, fields: ['name', 'nickname'] }),
      /claims\.name\.fields\[1\] must be a field of person.identity/,
    ],
    ['"all": false', (t) => (t.claims.name = { from: 'person.identity', all: false, fields: ['name'] }), /claims\.name\.all must be true/],
    ['an unknown key in a claim source', (t) => (t.claims.name.default = 'x'), /claims\.name\.default is not a known field/],
    ['the reserved claim name "status"', (t) => renameClaim(t, 'maritalStatus', 'status'), /claims\.status: "status" is reserved/],
    ['the reserved claim name "id"', (t) => renameClaim(t, 'idNumber', 'id'), /claims\.id: "id" is reserved/],
    [
      'the reserved claim name "credentialStatus"',
      (t) => renameClaim(t, 'maritalStatus', 'credentialStatus'),
      /claims\.credentialStatus: "credentialStatus" is reserved/,
    ],
    ['the reserved claim name "_sd"', (t) => renameClaim(t, 'maritalStatus', '_sd'), /claims\._sd: a claim name is a flat camelCase name/],
    ['a dotted claim name', (t) => renameClaim(t, 'maritalStatus', 'marital.status'), /claims\.marital\.status: a claim name is a flat camelCase name/],
    ['a claim missing from the claims schema', (t) => delete t.claimsSchema.properties.registeredOn, /claimsSchema.properties lacks the claim "registeredOn"/],
    [
      'a claims schema property that is no claim',
      (t) => (t.claimsSchema.properties.extra = { type: 'string' }),
      /claimsSchema.properties.extra is not a claim/,
    ],
    ['a claim the claims schema does not require', (t) => t.claimsSchema.required.pop(), /claimsSchema.required must list every claim/],
    ['additional properties in claims', (t) => (t.claimsSchema.additionalProperties = true), /claimsSchema.additionalProperties must be false/],
    [
      'a date claim without "format": "date"',
      (t) => delete t.claimsSchema.properties.registeredOn.format,
      /claimsSchema.properties.registeredOn must say "format": "date"/,
    ],
    ['a claims schema with a misspelt type', (t) => (t.claimsSchema.properties.name.type = 'strnig'), /claimsSchema does not compile as JSON Schema 2020-12/],
    ['a claims schema with an unknown keyword', (t) => (t.claimsSchema.properties.name.maxLenght = 10), /claimsSchema does not compile .*maxLenght/],
    ['a claims schema with an unknown format', (t) => (t.claimsSchema.properties.name.format = 'chinese-name'), /claimsSchema does not compile .*chinese-name/],
    ['another JSON Schema dialect', (t) => (t.claimsSchema.$schema = 'http://json-schema.org/draft-07/schema#'), /claimsSchema.\$schema must be/],
    [
      'a condition on an unknown claim',
      (t) => (t.conditions = [{ claim: 'spouseName', in: ['X'] }]),
      /conditions\[0\]\.claim must name one of the type's claims/,
    ],
    ['a condition with an empty list', (t) => (t.conditions = [{ claim: 'maritalStatus', in: [] }]), /conditions\[0\]\.in must list from 1 to 64/],
    [
      'an age condition on a claim that is no date',
      (t) => (t.conditions = [{ ageAtLeast: 60, birthDateClaim: 'name' }]),
      /conditions\[0\]\.birthDateClaim "name" must be a claim with "format": "date"/,
    ],
    [
      'an age condition of no whole years',
      (t) => (t.conditions = [{ ageAtLeast: 'sixty', birthDateClaim: 'birthDate' }]),
      /conditions\[0\]\.ageAtLeast must be a whole number/,
    ],
    [
      'nonEmpty on a single-field claim',
      (t) => (t.conditions = [{ claim: 'name', nonEmpty: true }]),
      /conditions\[0\]\.claim "name" must be a claim over all records/,
    ],
    ['an unknown condition', (t) => (t.conditions = [{ claim: 'name', matches: '^L' }]), /conditions\[0\] must be/],
  ])('%s', (_, change, message) => {
    const type = marriage();
    change(type);
    write(type, 'MARRIAGE_CERTIFICATE.json');
    expect(load).toThrow(CertificateTypeError);
    expect(load).toThrow(new RegExp(`MARRIAGE_CERTIFICATE\\.json: ${message.source}`));
  });

  it('a file named after another code', () => {
    write(marriage(), 'MARRIAGE.json');
    expect(load).toThrow(/MARRIAGE\.json: file name must be "MARRIAGE_CERTIFICATE.json"/);
  });

  it('a file that is not JSON', () => {
    writeFileSync(join(dir, 'BROKEN.json'), '{"code": ');
    expect(load).toThrow(/BROKEN\.json: /);
  });

  it('a type number used twice under one type authority, but not under two', () => {
    write(marriage());
    const other = { ...marriage(), code: 'MARRIAGE_CERTIFICATE_COPY' };
    write(other);
    expect(load).toThrow(
      /MARRIAGE_CERTIFICATE_COPY\.json: typeNumber "001" is already used by MARRIAGE_CERTIFICATE of the same type authority 111000000000131433/,
    );

    // Another issuer changes nothing: the type code is the authority's.
    write({ ...other, issuer: 'PUBLIC_SECURITY', issuedUnder: [] });
    expect(load).toThrow(/typeNumber "001" is already used by MARRIAGE_CERTIFICATE of the same type authority/);

    cpSync(join(realDir, 'REAL_PROPERTY_CERTIFICATE.json'), join(dir, 'REAL_PROPERTY_CERTIFICATE.json'));
    write({ ...other, typeNumber: '099' });
    const types: CertificateType[] = load();
    expect(types.map((t) => t.typeCode)).toEqual(['111000000000131433001', '111000000000131433099', '11100000MB03271699001']);
  });

  it('one type authority described two ways', () => {
    write(marriage());
    const other = marriage();
    write({ ...other, code: 'MARRIAGE_CERTIFICATE_COPY', typeNumber: '099', typeAuthority: { ...other.typeAuthority, nameZh: '民政部' } });
    expect(load).toThrow(/typeAuthority 111000000000131433 is described differently by MARRIAGE_CERTIFICATE/);
  });

  it('a missing folder', () => {
    expect(() => readCertificateTypes(catalog, join(dir, 'nowhere'))).toThrow(/nowhere: ENOENT/);
  });
});

describe('departments.json creditCode', () => {
  let schemas: string;
  beforeEach(() => {
    schemas = mkdtempSync(join(tmpdir(), 'onegate-departments-'));
    cpSync(join(projectRoot(), 'schemas'), schemas, { recursive: true });
  });
  afterEach(() => rmSync(schemas, { recursive: true, force: true }));

  const withDepartments = (change: (departments: Array<Record<string, unknown>>) => void) => {
    const file = join(schemas, 'departments.json');
    const declared = JSON.parse(readFileSync(file, 'utf8'));
    change(declared.departments);
    writeFileSync(file, JSON.stringify(declared));
    return () => readCatalogFiles(schemas);
  };

  it('reads each department credit code', () => {
    expect(Object.fromEntries(catalog.departments.map((d) => [d.code, d.creditCode]))).toEqual(CREDIT_CODES);
  });

  it.each<[string, (departments: Array<Record<string, unknown>>) => void, RegExp]>([
    ['missing', (d) => delete d[1]!.creditCode, /departments\[1\]\.creditCode is required/],
    [
      'with a wrong check character',
      (d) => (d[0]!.creditCode = '11330800002477312E'),
      /departments\[0\]\.creditCode is not a valid unified social credit code: .*check character/,
    ],
    ['too short', (d) => (d[2]!.creditCode = '1133080000247811'), /departments\[2\]\.creditCode is not a valid unified social credit code: .*18 characters/],
    ['used twice', (d) => (d[3]!.creditCode = d[0]!.creditCode), /departments\[3\]\.creditCode is the same as departments\[0\]\.creditCode/],
  ])('refuses a credit code %s', (_, change, message) => {
    expect(withDepartments(change)).toThrow(message);
  });
});

function renameClaim(type: Record<string, any>, from: string, to: string): void {
  type.claims[to] = type.claims[from];
  delete type.claims[from];
  type.claimsSchema.properties[to] = type.claimsSchema.properties[from];
  delete type.claimsSchema.properties[from];
  type.claimsSchema.required = type.claimsSchema.required.map((name: string) => (name === from ? to : name));
  type.conditions = type.conditions.map((c: Record<string, unknown>) => (c.claim === from ? { ...c, claim: to } : c));
}
