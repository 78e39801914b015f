import { describe, expect, it } from '@jest/globals';
import { readCatalogFiles } from './catalog-files.js';
import { parseMatterDefinition } from './matter-definition.js';

const ITEMS = new Set(['person.identity', 'household.registration', 'marriage.registration']);

const valid = () => ({
  code: 'TEST_MATTER',
  name: 'A test matter',
  description: 'For tests.',
  subject: 'PERSON',
  dataItems: ['person.identity', 'household.registration'],
  consentRequired: true,
  roles: ['clerk'],
  jurisdiction: 'CITY',
  materials: [
    { code: 'HOUSEHOLD_EXTRACT', name: 'Extract', satisfiedBy: { dataItems: ['household.registration'], certificateTypes: ['HOUSEHOLD_REGISTER_EXTRACT'] } },
  ],
});

describe('parseMatterDefinition', () => {
  it('accepts a well-formed matter and fills in optional parts', () => {
    const matter = parseMatterDefinition({ ...valid(), materials: [{ code: 'PHOTO', name: 'Photo' }] }, ITEMS);
    expect(matter).toMatchObject({ code: 'TEST_MATTER', nameZh: null, roles: ['clerk'], jurisdiction: 'CITY' });
    expect(matter.materials).toEqual([{ code: 'PHOTO', name: 'Photo', satisfiedBy: { dataItems: [], certificateTypes: [] } }]);
    expect(matter.subjectConditions).toEqual([]);
  });

  it('accepts subject conditions judged from items the matter reads', () => {
    const matter = parseMatterDefinition(
      {
        ...valid(),
        subjectConditions: [
          { condition: 'AGE_AT_LEAST', years: 60 },
          { condition: 'MINOR', years: null },
        ],
      },
      ITEMS,
    );
    expect(matter.subjectConditions).toEqual([{ condition: 'AGE_AT_LEAST', years: 60 }, { condition: 'MINOR' }]);
  });

  it.each([
    [{ code: 'lower_case' }, /code must be upper-case/],
    [{ dataItems: ['person.identity', 'tax.records'] }, /dataItems\[1\] "tax.records" is not in the catalog/],
    [{ dataItems: ['person.identity', 'person.identity'] }, /lists "person.identity" twice/],
    [{ roles: ['auditor'] }, /roles\[0\] must be one of clerk, department, citizen/],
    [{ roles: [] }, /auditors and admins never read records/],
    [{ consentRequired: 'yes' }, /consentRequired must be true or false/],
    [{ jurisdiction: 'WORLD' }, /jurisdiction must be one of ANY, PROVINCE, CITY, COUNTY/],
    [{ subject: 'CAT' }, /subject must be one of PERSON, ENTERPRISE/],
    [{ name: '' }, /name must be a non-empty string/],
    [
      { materials: [{ code: 'MARRIAGE', name: 'Marriage', satisfiedBy: { dataItems: ['marriage.registration'] } }] },
      /satisfied by "marriage.registration", which the matter may not read/,
    ],
    [
      {
        materials: [
          { code: 'A_B', name: 'x' },
          { code: 'A_B', name: 'y' },
        ],
      },
      /materials lists "A_B" twice/,
    ],
    [{ subjectConditions: [{ condition: 'ALIVE' }] }, /subjectConditions\[0\]\.condition must be one of DECEASED, AGE_AT_LEAST, MINOR/],
    [{ subjectConditions: [{ condition: 'AGE_AT_LEAST' }] }, /years must be a whole number from 1 to 150/],
    [{ subjectConditions: [{ condition: 'AGE_AT_LEAST', years: 60.5 }] }, /years must be a whole number from 1 to 150/],
    [{ subjectConditions: [{ condition: 'MINOR', years: 3 }] }, /has an unknown field "years"/],
    [{ subjectConditions: [{ condition: 'MINOR' }, { condition: 'MINOR' }] }, /lists MINOR twice/],
    // A condition is judged from an item the matter itself may read: it cannot widen what the matter reads.
    [{ subjectConditions: [{ condition: 'DECEASED' }] }, /DECEASED is judged from "death.medical_certificate", which the matter may not read/],
    [{ subjectConditions: 'DECEASED' }, /subjectConditions must be a list/],
  ])('refuses %j', (change, message) => {
    expect(() => parseMatterDefinition({ ...valid(), ...change }, ITEMS)).toThrow(message);
  });
});

describe('schemas/matters/', () => {
  it('declares every matter the exchange needs, each valid against the catalog', () => {
    const { matters } = readCatalogFiles();
    expect(matters.map((m) => m.code).sort()).toEqual(
      [
        'BUSINESS_LICENSE',
        'DECEASED_AFFAIRS',
        'HOUSEHOLD_MOVE',
        'HOUSE_TRANSFER',
        'MARRIAGE_REGISTRATION',
        'NEWBORN_REGISTRATION',
        'RETIREMENT',
        'SELF_SERVICE',
        'SENIOR_CERTIFICATE',
        'UTILITIES_TRANSFER',
      ].sort(),
    );
    const byCode = new Map(matters.map((m) => [m.code, m]));
    expect(byCode.get('HOUSE_TRANSFER')).toMatchObject({
      consentRequired: true,
      roles: ['clerk', 'department'],
      dataItems: ['person.identity', 'household.registration', 'marriage.registration', 'property.rights', 'social_insurance.account'],
    });
    expect(byCode.get('SENIOR_CERTIFICATE')!.dataItems).not.toContain('marriage.registration');
    expect(byCode.get('SELF_SERVICE')!.roles).toEqual(['citizen']);
    expect(byCode.get('BUSINESS_LICENSE')!.subject).toBe('ENTERPRISE');
    // The matters whose subject is not an ordinary living adult say so (§I 42).
    expect(byCode.get('DECEASED_AFFAIRS')!.subjectConditions).toEqual([{ condition: 'DECEASED' }]);
    expect(byCode.get('SENIOR_CERTIFICATE')!.subjectConditions).toEqual([{ condition: 'AGE_AT_LEAST', years: 60 }]);
    expect(byCode.get('NEWBORN_REGISTRATION')!.subjectConditions).toEqual([{ condition: 'MINOR' }]);
  });
});

describe('parties of a matter handled as a case', () => {
  const PARTY_ITEMS = new Set(['person.identity', 'household.registration', 'marriage.registration', 'birth.medical_certificate']);
  const newborn = () => ({
    ...valid(),
    dataItems: ['person.identity', 'household.registration', 'marriage.registration', 'birth.medical_certificate'],
    parties: [
      {
        role: 'CHILD',
        name: 'Newborn',
        subject: true,
        required: true,
        dataItems: ['person.identity', 'birth.medical_certificate'],
        conditions: [{ condition: 'MINOR' }],
        consent: { by: ['MOTHER'] },
      },
      {
        role: 'MOTHER',
        name: 'Mother',
        nameZh: '母亲',
        applicant: true,
        dataItems: ['person.identity'],
        relation: { type: 'PARENT_OF', to: 'CHILD', side: 'MOTHER' },
        consent: 'SELF',
      },
    ] as Array<Record<string, unknown>>,
  });
  const withParty = (index: number, change: Record<string, unknown>) => {
    const matter = newborn();
    matter.parties[index] = { ...matter.parties[index], ...change };
    return matter;
  };

  it('accepts roles with relations and consent by a related role, and fills in the defaults', () => {
    const matter = parseMatterDefinition(newborn(), PARTY_ITEMS);
    expect(matter.parties).toEqual([
      expect.objectContaining({
        role: 'CHILD',
        kind: 'PERSON',
        subject: true,
        multiple: false,
        relation: null,
        consent: { kind: 'BY', roles: ['MOTHER'], onBehalfOf: 'REQUIRED' },
      }),
      expect.objectContaining({
        role: 'MOTHER',
        nameZh: '母亲',
        applicant: true,
        relation: { type: 'PARENT_OF', to: 'CHILD', side: 'MOTHER' },
        consent: { kind: 'SELF' },
      }),
    ]);
    expect(parseMatterDefinition(valid(), ITEMS).parties).toEqual([]);
  });

  it.each([
    ['two subject roles', withParty(1, { subject: true }), /exactly one role as the subject/],
    [
      'a role reading what the matter may not',
      withParty(1, { dataItems: ['property.rights'] }),
      /parties\[1\]\.dataItems\[0\] is not one of the matter's data items/,
    ],
    ['a relation to an unknown role', withParty(1, { relation: { type: 'PARENT_OF', to: 'BABY' } }), /not a role of the matter/],
    ['a side on a relation that has none', withParty(1, { relation: { type: 'SPOUSE_OF', to: 'CHILD', side: 'MOTHER' } }), /side is for PARENT_OF only/],
    ['consent by a role with no relation to it', withParty(1, { relation: null }), /declares no relation to CHILD/],
    ['a condition judged from an item the role does not read', withParty(0, { dataItems: ['birth.medical_certificate'] }), /which the role may not read/],
    ['an unknown relation', withParty(1, { relation: { type: 'COUSIN_OF', to: 'CHILD' } }), /relation\.type must be one of/],
    ['no applicant', withParty(1, { applicant: false }), /at least one role as applicant/],
  ])('refuses %s', (_label, raw, message) => {
    expect(() => parseMatterDefinition(raw, PARTY_ITEMS)).toThrow(message);
  });

  it('refuses a material satisfied by a relation for roles that declare none', () => {
    const raw = { ...newborn(), materials: [{ code: 'KIN', name: 'Kinship', roles: ['CHILD'], satisfiedBy: { relation: true } }] };
    expect(() => parseMatterDefinition(raw, PARTY_ITEMS)).toThrow(/satisfiedBy\.relation needs roles that each declare a relation/);
    const ok = { ...newborn(), materials: [{ code: 'KIN', name: 'Kinship', roles: ['MOTHER'], satisfiedBy: { relation: true } }] };
    expect(parseMatterDefinition(ok, PARTY_ITEMS).materials[0]!.satisfiedBy).toEqual({ dataItems: [], certificateTypes: [], relation: true });
  });

  it('refuses a material naming a role the matter does not declare', () => {
    const raw = { ...newborn(), materials: [{ code: 'IDENTITY', name: 'Identity', roles: ['FATHER'], satisfiedBy: { dataItems: ['person.identity'] } }] };
    expect(() => parseMatterDefinition(raw, PARTY_ITEMS)).toThrow(/materials\[0\]\.roles names "FATHER"/);
  });

  it('declares the parties of the case matters in schemas/matters/', () => {
    const byCode = new Map(readCatalogFiles().matters.map((m) => [m.code, m]));
    const roles = (code: string) => byCode.get(code)!.parties.map((p) => p.role);
    expect(roles('NEWBORN_REGISTRATION')).toEqual(['CHILD', 'MOTHER', 'FATHER']);
    expect(roles('HOUSE_TRANSFER')).toEqual(['SELLER', 'CO_OWNER', 'BUYER']);
    expect(roles('DECEASED_AFFAIRS')).toEqual(['DECEASED', 'APPLICANT']);
    expect(roles('BUSINESS_LICENSE')).toEqual(['ENTERPRISE', 'LEGAL_REPRESENTATIVE']);
    expect(roles('MARRIAGE_REGISTRATION')).toEqual(['APPLICANT', 'PARTNER']);
    expect(roles('RETIREMENT')).toEqual(['RETIREE']);
    expect(roles('HOUSEHOLD_MOVE')).toEqual(['MOVER']);
    expect(byCode.get('HOUSE_TRANSFER')!.parties[1]).toMatchObject({
      multiple: true,
      everyoneInRecords: true,
      relation: { type: 'CO_OWNER_OF', to: 'SELLER' },
    });
    expect(byCode.get('DECEASED_AFFAIRS')!.parties[0]).toMatchObject({
      conditions: [{ condition: 'DECEASED' }],
      consent: { kind: 'BY', roles: ['APPLICANT'], onBehalfOf: 'OPTIONAL' },
    });
  });
});
