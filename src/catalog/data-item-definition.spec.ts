import { describe, expect, it } from '@jest/globals';
import type { DepartmentCode } from '../common/departments.js';
import { readCatalogFiles } from './catalog-files.js';
import { fieldShapes, parseDataItemDefinition } from './data-item-definition.js';

const DEPARTMENTS = new Set<DepartmentCode>(['HUMAN_RESOURCES', 'CIVIL_AFFAIRS']);

const valid = (): Record<string, any> => ({
  title: 'Unemployment registration',
  'x-onegate': {
    code: 'unemployment.registration',
    nameZh: '失业登记',
    department: 'HUMAN_RESOURCES',
    subject: 'PERSON',
    view: { field: 'unemployment', type: 'UnemploymentRegistration', description: 'The registration.' },
    source: {
      from: 'unemployment_registration',
      subject: 'id_number',
      columns: { number: 'registration_number', months: 'benefit_months' },
      orderBy: ['registered_on DESC'],
    },
  },
  type: 'object',
  required: ['number'],
  properties: {
    number: { type: 'string' },
    months: { type: ['integer', 'null'] },
  },
});

const withMeta = (meta: Record<string, unknown>) => {
  const item = valid();
  item['x-onegate'] = { ...item['x-onegate'], ...meta };
  return item;
};

describe('parseDataItemDefinition', () => {
  it('reads the view and the source, and publishes the schema without the source', () => {
    const item = parseDataItemDefinition(valid(), DEPARTMENTS);
    expect(item).toMatchObject({
      code: 'unemployment.registration',
      department: 'HUMAN_RESOURCES',
      subject: 'PERSON',
      title: 'Unemployment registration',
      nameZh: '失业登记',
    });
    expect(item.view).toEqual({
      field: 'unemployment',
      type: 'UnemploymentRegistration',
      description: 'The registration.',
      typeDescription: null,
      list: false,
    });
    expect(item.source).toEqual({
      from: 'unemployment_registration',
      subject: 'id_number',
      columns: { number: 'registration_number', months: 'benefit_months' },
      orderBy: [{ column: 'registered_on', descending: true }],
    });
    expect(item.schema['x-onegate']).not.toHaveProperty('source');
    expect(item.schema.properties).toEqual(valid().properties);
  });

  it('derives each field from the JSON Schema: its type, and null when optional or allowed', () => {
    const shapes = fieldShapes(
      {
        required: ['a', 'b', 'c', 'd', 'e'],
        properties: {
          a: { enum: ['X', 'Y'] },
          b: { oneOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
          c: { type: 'number' },
          d: {
            type: 'array',
            items: { type: 'object', 'x-onegate': { type: 'Member' }, description: 'A member.', required: ['n'], properties: { n: { type: 'integer' } } },
          },
          e: { type: 'boolean', description: 'Yes or no.' },
          f: { type: 'string' },
        },
      },
      'properties',
    );
    expect(shapes.map((f) => [f.name, f.shape.kind, f.shape.nullable, f.description])).toEqual([
      ['a', 'string', false, null],
      ['b', 'string', true, null],
      ['c', 'number', false, null],
      ['d', 'list', false, null],
      ['e', 'boolean', false, 'Yes or no.'],
      ['f', 'string', true, null],
    ]);
    expect(shapes[3]!.shape).toEqual({
      kind: 'list',
      nullable: false,
      of: {
        kind: 'object',
        nullable: false,
        type: 'Member',
        description: 'A member.',
        fields: [{ name: 'n', description: null, link: null, shape: { kind: 'integer', nullable: false } }],
      },
    });
  });

  it('reads a link to another subject', () => {
    const item = valid();
    item.properties.spouse = { type: 'string', 'x-onegate': { link: { field: 'spouseView', description: 'Looked up.' } } };
    const [, , spouse] = fieldShapes(parseDataItemDefinition(item, DEPARTMENTS).schema, 'properties');
    expect(spouse!.link).toEqual({ field: 'spouseView', subject: 'PERSON', description: 'Looked up.' });
  });

  it.each([
    [withMeta({ code: 'Unemployment' }), /x-onegate.code" must be a data item code/],
    [withMeta({ department: 'HEALTH' }), /must be one of the departments in departments.json/],
    [withMeta({ subject: 'CAT' }), /subject" must be PERSON or ENTERPRISE/],
    [withMeta({ view: undefined }), /x-onegate.view" is required/],
    [withMeta({ nameZh: undefined }), /x-onegate.nameZh" is required/],
    [withMeta({ nameZh: ' ' }), /x-onegate.nameZh" is required/],
    [withMeta({ view: { field: 'un-employment', type: 'U' } }), /view.field" must be a GraphQL field name/],
    [withMeta({ view: { field: 'u', type: 'U', list: 'yes' } }), /view.list" must be true or false/],
    [withMeta({ source: { from: 'x; DROP TABLE y', subject: 'id_number', columns: { number: 'n' } } }), /source.from" must be a lower-case SQL name/],
    [withMeta({ source: { from: 'x', subject: 'id_number', columns: { number: 'Number' } } }), /source.columns.number" must be a lower-case SQL name/],
    [withMeta({ source: { from: 'x', subject: 'id_number', columns: { months: 'm' } } }), /must give the required field "number"/],
    [withMeta({ source: { from: 'x', subject: 'id_number', columns: { number: 'n', other: 'o' } } }), /columns.other": the record has no such property/],
    [withMeta({ source: { from: 'x', subject: 'id_number', columns: { number: 'n' }, orderBy: ['n; SELECT 1'] } }), /orderBy\[0\]" must be a column/],
    [{ ...valid(), properties: { number: { type: ['string', 'integer'] } } }, /properties.number: must be of one JSON type/],
    [{ ...valid(), properties: { number: { minLength: 1 } } }, /properties.number: say its "type"/],
    [{ ...valid(), properties: { number: { type: 'string' }, source: { type: 'string' } } }, /"source" is reserved/],
    [{ ...valid(), properties: { number: { type: 'string' }, view: { type: 'string' } } }, /"view" is reserved/],
    [{ ...valid(), properties: { number: { type: 'object', properties: {} } } }, /nested object names its GraphQL type/],
    [{ ...valid(), properties: { number: { type: 'integer', 'x-onegate': { link: { field: 'who' } } } } }, /only a string field .* can link/],
    [{ ...valid(), properties: { 'a-b': { type: 'string' } } }, /a field name must be letters, digits and _/],
  ])('refuses a malformed entry (%#)', (raw, message) => {
    expect(() => parseDataItemDefinition(raw, DEPARTMENTS)).toThrow(message);
  });
});

describe('the catalog of data items', () => {
  const { dataItems } = readCatalogFiles();

  it('gives every item a view and a source for the database connector', () => {
    expect(dataItems.map((i) => [i.code, i.subject, i.view.field, i.view.list, i.source?.from])).toEqual([
      ['birth.medical_certificate', 'PERSON', 'birth', false, 'birth_certificate'],
      ['death.medical_certificate', 'PERSON', 'death', false, 'death_certificate'],
      ['enterprise.licence', 'ENTERPRISE', 'licences', true, 'licence'],
      ['enterprise.registration', 'ENTERPRISE', 'registration', false, 'enterprise'],
      ['household.registration', 'PERSON', 'household', false, 'household_registration'],
      ['marriage.registration', 'PERSON', 'marriage', false, 'marriage_record'],
      ['person.identity', 'PERSON', 'person', false, 'resident'],
      ['property.rights', 'PERSON', 'properties', true, 'property_holding'],
      ['social_insurance.account', 'PERSON', 'socialInsurance', false, 'insurance_account'],
    ]);
  });
});
