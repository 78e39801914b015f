import { describe, expect, it } from '@jest/globals';
import { readCatalogFiles } from '../catalog/catalog-files.js';
import { readCertificateTypes, type CertificateType } from './certificate-types.js';
import { buildClaims } from './claims-builder.js';

const types = new Map(readCertificateTypes(readCatalogFiles()).map((t) => [t.code, t]));
const type = (code: string): CertificateType => types.get(code)!;
const NOW = new Date('2026-11-22T09:30:00Z');

type Rec = Record<string, unknown>;
const records = (entries: Record<string, Rec[]>) => new Map(Object.entries(entries));

// Shaped like the demo people the seed loads (src/seed/).
const liWei: Rec = { idNumber: '330825198803142023', name: 'Li Wei', sex: 'F', birthDate: '1988-03-14', idCardStatus: 'ACTIVE' };
const liWeiMarriage: Rec = {
  status: 'MARRIED',
  spouseIdNumber: '330825198611021315',
  registeredOn: '2014-05-20',
  office: 'Longyou County Marriage Registry',
  certificateNumber: 'J330825-2014-001288',
};
const liWeiFlat: Rec = {
  certificateNumber: 'ZJ(2019)LY-0031552',
  address: 'Unit 3-502, 88 Dongsheng Road, Longyou County',
  areaSqm: 96.4,
  use: 'RESIDENTIAL',
  share: 'JOINT',
  coOwnerIdNumbers: ['330825198611021315'],
};
const shiYanbin: Rec = { idNumber: '640106195001150197', name: 'Shi Yanbin', sex: 'M', birthDate: '1950-01-15', idCardStatus: 'ACTIVE' };
const shiHousehold: Rec = {
  householdNumber: '640106-HF-0231',
  address: 'Hefeng Village, Liangtian Town, Jinfeng District, Yinchuan',
  relationToHead: 'HEAD',
  status: 'ACTIVE',
};

describe('buildClaims — marriage certificate', () => {
  const marriage = type('MARRIAGE_CERTIFICATE');

  it("builds Li Wei's claims", () => {
    const result = buildClaims(marriage, records({ 'person.identity': [liWei], 'marriage.registration': [liWeiMarriage] }), NOW);
    expect(result).toEqual({
      ok: true,
      claims: {
        name: 'Li Wei',
        idNumber: '330825198803142023',
        sex: 'F',
        birthDate: '1988-03-14',
        maritalStatus: 'MARRIED',
        spouseIdNumber: '330825198611021315',
        registeredOn: '2014-05-20',
        registrationOffice: 'Longyou County Marriage Registry',
        marriageCertificateNumber: 'J330825-2014-001288',
      },
    });
  });

  it('keeps an absent field as null where the schema allows null', () => {
    const { office: _office, ...withoutOffice } = liWeiMarriage;
    const result = buildClaims(marriage, records({ 'person.identity': [liWei], 'marriage.registration': [withoutOffice] }), NOW);
    expect(result).toMatchObject({ ok: true, claims: { registrationOffice: null } });
  });

  it('refuses a divorced holder', () => {
    const divorced = { ...liWeiMarriage, status: 'DIVORCED', spouseIdNumber: null };
    const result = buildClaims(marriage, records({ 'person.identity': [liWei], 'marriage.registration': [divorced] }), NOW);
    expect(result).toEqual({ ok: false, reason: 'CONDITION_NOT_MET', message: expect.stringContaining('maritalStatus') });
  });

  it('refuses when the department holds no record', () => {
    expect(buildClaims(marriage, records({ 'person.identity': [liWei], 'marriage.registration': [] }), NOW)).toEqual({
      ok: false,
      reason: 'NO_RECORD',
      message: 'the department holds no marriage.registration record for this holder',
    });
    expect(buildClaims(marriage, records({ 'marriage.registration': [liWeiMarriage] }), NOW)).toMatchObject({
      ok: false,
      reason: 'NO_RECORD',
      message: expect.stringContaining('person.identity'),
    });
  });

  it('refuses two records where one is expected', () => {
    const result = buildClaims(marriage, records({ 'person.identity': [liWei], 'marriage.registration': [liWeiMarriage, liWeiMarriage] }), NOW);
    expect(result).toMatchObject({ ok: false, reason: 'CLAIMS_INVALID', message: expect.stringContaining('2 marriage.registration records') });
  });

  it('refuses null where the schema does not allow it, naming the claim', () => {
    const { registeredOn: _r, ...noDate } = liWeiMarriage;
    const result = buildClaims(marriage, records({ 'person.identity': [liWei], 'marriage.registration': [noDate] }), NOW);
    expect(result).toMatchObject({ ok: false, reason: 'CLAIMS_INVALID', message: expect.stringContaining('the registeredOn claim') });
  });

  it('never puts a value into the message', () => {
    const bad = { ...liWeiMarriage, spouseIdNumber: '33082519861102131Q' };
    const result = buildClaims(marriage, records({ 'person.identity': [liWei], 'marriage.registration': [bad] }), NOW);
    expect(result).toMatchObject({ ok: false, reason: 'CLAIMS_INVALID', message: expect.stringContaining('spouseIdNumber') });
    expect(JSON.stringify(result)).not.toContain('33082519861102131Q');

    const badDate = { ...liWeiMarriage, registeredOn: '2014-02-30' };
    const second = buildClaims(marriage, records({ 'person.identity': [liWei], 'marriage.registration': [badDate] }), NOW);
    expect(second).toMatchObject({ ok: false, reason: 'CLAIMS_INVALID', message: expect.stringContaining('registeredOn') });
    expect(JSON.stringify(second)).not.toContain('2014-02-30');
  });
});

describe('buildClaims — senior citizen certificate (age at least 60, UTC calendar date)', () => {
  const senior = type('SENIOR_CITIZEN_CERTIFICATE');
  const build = (birthDate: string, now: string) =>
    buildClaims(senior, records({ 'person.identity': [{ ...shiYanbin, birthDate }], 'household.registration': [shiHousehold] }), new Date(now));

  it('issues on the 60th birthday', () => {
    expect(build('1966-11-22', '2026-11-22T00:00:00Z')).toMatchObject({ ok: true, claims: { birthDate: '1966-11-22', address: shiHousehold.address } });
  });

  it('refuses the day before', () => {
    expect(build('1966-11-22', '2026-11-21T23:59:59Z')).toMatchObject({
      ok: false,
      reason: 'CONDITION_NOT_MET',
      message: expect.stringContaining('at least 60'),
    });
  });

  it('reads the calendar date in UTC, not local time', () => {
    // 2026-11-21 20:00 in UTC-08:00 is already 22 November in UTC.
    expect(build('1966-11-22', '2026-11-21T20:00:00-08:00')).toMatchObject({ ok: true });
    // 2026-11-22 05:00 in UTC+08:00 is still 21 November in UTC.
    expect(build('1966-11-22', '2026-11-22T05:00:00+08:00')).toMatchObject({ ok: false, reason: 'CONDITION_NOT_MET' });
  });

  it('counts a 29 February birthday', () => {
    expect(build('1960-02-29', '2020-02-29T12:00:00Z')).toMatchObject({ ok: true });
    expect(build('1960-02-29', '2020-02-28T12:00:00Z')).toMatchObject({ ok: false, reason: 'CONDITION_NOT_MET' });
  });

  it('issues to Shi Yanbin (born 1950) and refuses Li Wei (born 1988)', () => {
    expect(build('1950-01-15', NOW.toISOString())).toMatchObject({ ok: true });
    expect(build('1988-03-14', NOW.toISOString())).toMatchObject({ ok: false, reason: 'CONDITION_NOT_MET' });
  });

  it('refuses a birth date that is no date, without echoing it', () => {
    const result = build('1950-02-30', NOW.toISOString());
    expect(result).toMatchObject({ ok: false, reason: 'CLAIMS_INVALID', message: expect.stringContaining('birthDate') });
    expect(JSON.stringify(result)).not.toContain('1950-02-30');
  });
});

describe('buildClaims — real property certificate (all records)', () => {
  const property = type('REAL_PROPERTY_CERTIFICATE');

  it('lists every property as an array claim', () => {
    const second = { ...liWeiFlat, certificateNumber: 'ZJ(2021)LY-0040001', share: 'SOLE', coOwnerIdNumbers: [] };
    const held = records({ 'person.identity': [liWei], 'property.rights': [liWeiFlat, second] });
    const result = buildClaims(property, held, NOW);
    expect(result).toEqual({
      ok: true,
      claims: {
        name: 'Li Wei',
        idNumber: '330825198803142023',
        properties: [
          {
            certificateNumber: 'ZJ(2019)LY-0031552',
            address: 'Unit 3-502, 88 Dongsheng Road, Longyou County',
            areaSqm: 96.4,
            use: 'RESIDENTIAL',
            share: 'JOINT',
            coOwnerIdNumbers: ['330825198611021315'],
          },
          { ...second },
        ],
      },
    });
    // The claims are copies: changing them leaves the records alone.
    if (result.ok) (result.claims.properties as Array<{ coOwnerIdNumbers: string[] }>)[0]!.coOwnerIdNumbers.push('x');
    expect(liWeiFlat.coOwnerIdNumbers).toEqual(['330825198611021315']);
  });

  it('refuses a holder without property', () => {
    expect(buildClaims(property, records({ 'person.identity': [liWei], 'property.rights': [] }), NOW)).toMatchObject({
      ok: false,
      reason: 'CONDITION_NOT_MET',
      message: expect.stringContaining('properties'),
    });
    expect(buildClaims(property, records({ 'person.identity': [liWei] }), NOW)).toMatchObject({ ok: false, reason: 'CONDITION_NOT_MET' });
  });

  it('refuses an invalid property record, naming the claim and the place', () => {
    const result = buildClaims(property, records({ 'person.identity': [liWei], 'property.rights': [{ ...liWeiFlat, areaSqm: -1 }] }), NOW);
    expect(result).toMatchObject({ ok: false, reason: 'CLAIMS_INVALID', message: expect.stringContaining('the properties claim (at /properties/0/areaSqm)') });
  });
});

describe('buildClaims — other types', () => {
  it('builds a business licence and refuses a revoked enterprise', () => {
    const licence = type('BUSINESS_LICENCE');
    const enterprise: Rec = {
      creditCode: '91330782MA2E00017B',
      name: 'Yiwu Jiahe Supermarket Co., Ltd.',
      legalRepresentativeIdNumber: '330825198611021315',
      status: 'OPERATING',
    };
    expect(buildClaims(licence, records({ 'enterprise.registration': [enterprise] }), NOW)).toEqual({
      ok: true,
      claims: {
        creditCode: '91330782MA2E00017B',
        enterpriseName: 'Yiwu Jiahe Supermarket Co., Ltd.',
        legalRepresentativeIdNumber: '330825198611021315',
        registeredOn: null,
        registrationStatus: 'OPERATING',
        address: null,
      },
    });
    expect(buildClaims(licence, records({ 'enterprise.registration': [{ ...enterprise, status: 'REVOKED' }] }), NOW)).toMatchObject({
      ok: false,
      reason: 'CONDITION_NOT_MET',
    });
  });

  it('builds a social insurance record with a null employer', () => {
    const account = { accountNumber: 'SI-330825-26091808', status: 'RESIDENT_MEDICAL', contributionMonths: 0, employer: null };
    const result = buildClaims(type('SOCIAL_INSURANCE_RECORD'), records({ 'person.identity': [liWei], 'social_insurance.account': [account] }), NOW);
    expect(result).toMatchObject({ ok: true, claims: { insuranceStatus: 'RESIDENT_MEDICAL', contributionMonths: 0, employer: null } });
  });

  it('builds a death certificate', () => {
    const chenMing = { idNumber: '440105194002290556', name: 'Chen Ming', sex: 'M', birthDate: '1940-02-29', idCardStatus: 'CANCELLED_DECEASED' };
    const death = { date: '2026-10-01', medicalCertificateNumber: 'D440105-2026-01177', place: 'Guangzhou Red Cross Hospital' };
    const result = buildClaims(type('DEATH_CERTIFICATE'), records({ 'person.identity': [chenMing], 'death.medical_certificate': [death] }), NOW);
    expect(result).toMatchObject({ ok: true, claims: { dateOfDeath: '2026-10-01', placeOfDeath: 'Guangzhou Red Cross Hospital' } });
  });

  it('refuses an invalid clock', () => {
    expect(() => buildClaims(type('MARRIAGE_CERTIFICATE'), records({}), new Date('nonsense'))).toThrow(RangeError);
  });
});
