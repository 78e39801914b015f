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
  materials: [{ code: 'HOUSEHOLD_EXTRACT', name: 'Extract', satisfiedBy: { dataItems: ['household.registration'], certificateTypes: ['HOUSEHOLD_REGISTER_EXTRACT'] } }],
});

describe('parseMatterDefinition', () => {
  it('accepts a well-formed matter and fills in optional parts', () => {
    const matter = parseMatterDefinition({ ...valid(), materials: [{ code: 'PHOTO', name: 'Photo' }] }, ITEMS);
    expect(matter).toMatchObject({ code: 'TEST_MATTER', nameZh: null, roles: ['clerk'], jurisdiction: 'CITY' });
    expect(matter.materials).toEqual([{ code: 'PHOTO', name: 'Photo', satisfiedBy: { dataItems: [], certificateTypes: [] } }]);
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
    [{ materials: [{ code: 'A_B', name: 'x' }, { code: 'A_B', name: 'y' }] }, /materials lists "A_B" twice/],
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
      roles: ['clerk'],
      dataItems: ['person.identity', 'household.registration', 'marriage.registration', 'property.rights', 'social_insurance.account'],
    });
    expect(byCode.get('SENIOR_CERTIFICATE')!.dataItems).not.toContain('marriage.registration');
    expect(byCode.get('SELF_SERVICE')!.roles).toEqual(['citizen']);
    expect(byCode.get('BUSINESS_LICENSE')!.subject).toBe('ENTERPRISE');
  });
});
