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
