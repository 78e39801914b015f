import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCatalogFiles } from '../catalog/catalog-files.js';
import { readCertificateTypes } from '../certificates/certificate-types.js';
import { MAX_AFTER, MAX_FORM_FIELDS, MAX_MATTERS } from '../applications/models/application.model.js';
import { projectRoot } from '../common/project-root.js';
import { readOneThings, type OneThingCatalogContext } from './one-thing-catalog.js';
import type { OneThingDefinition } from './one-thing-definition.js';

const files = readCatalogFiles();
const context: OneThingCatalogContext = {
  matters: files.matters,
  dataItems: files.dataItems,
  certificateTypes: readCertificateTypes(files).map((t) => t.code),
};
const realDir = join(projectRoot(), 'schemas', 'one-things');

describe('schemas/one-things/', () => {
  it('declares the six one things of issue 24, each checked against the catalog', () => {
    const things = readOneThings(context);
    expect(things.map((t) => t.code).sort()).toEqual(['DECEASED', 'HOUSEHOLD_MOVE', 'HOUSE_SALE', 'NEWBORN', 'RETIREMENT', 'SUPERMARKET_OPENING']);
    expect(things.find((t) => t.code === 'HOUSE_SALE')!.caseMatter).toBe('HOUSE_TRANSFER');
    expect(things.find((t) => t.code === 'SUPERMARKET_OPENING')!.caseMatter).toBe('BUSINESS_LICENSE');
    expect(Object.isFrozen(things[0]!.matters[0])).toBe(true);
  });

  it('bounds the lists an application answers as the query cost counts them', () => {
    const schema = JSON.parse(readFileSync(join(realDir, 'one-thing.schema.json'), 'utf8')) as {
      properties: {
        matters: { maxItems: number; items: { properties: { after: { maxItems: number } } } };
        form: { properties: { fields: { maxItems: number } } };
      };
    };
    expect(schema.properties.matters.maxItems).toBe(MAX_MATTERS);
    expect(schema.properties.matters.items.properties.after.maxItems).toBe(MAX_AFTER);
    expect(schema.properties.form.properties.fields.maxItems).toBe(MAX_FORM_FIELDS);
  });
});

describe('a broken one thing file', () => {
  let dir: string;
  const edit = (code: string, change: (thing: OneThingDefinition) => void) => {
    const file = join(dir, `${code}.json`);
    const thing = JSON.parse(readFileSync(file, 'utf8')) as OneThingDefinition;
    change(thing);
    writeFileSync(file, JSON.stringify(thing));
  };
  const refusal = () => {
    try {
      readOneThings(context, dir);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('the catalog was accepted');
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'one-things-'));
    cpSync(realDir, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused by the JSON Schema, naming the file and the path', () => {
    edit('NEWBORN', (t) => Object.assign(t.matters[1]!, { promisedDays: 0 }));
    expect(refusal()).toBe(`${join(dir, 'NEWBORN.json')}: /matters/1/promisedDays: must be >= 1`);
    edit('NEWBORN', (t) => Object.assign(t.matters[1]!, { promisedDays: 5, deadline: 3 }));
    expect(refusal()).toBe(`${join(dir, 'NEWBORN.json')}: /matters/1: must NOT have additional properties ("deadline")`);
  });

  it('refuses a department that decides nothing, a requirement not declared, an unknown case matter', () => {
    edit('HOUSE_SALE', (t) => Object.assign(t.matters[2]!, { department: 'POST_OFFICE' }));
    expect(refusal()).toMatch(/HOUSE_SALE\.json: \/matters\/2\/department: "POST_OFFICE" is not a deciding department/);
    edit('HOUSE_SALE', (t) => Object.assign(t.matters[2]!, { department: 'WATER_SUPPLY', requirements: ['PARTIES_IDENTITY', 'WATER_METER'] }));
    expect(refusal()).toMatch(/HOUSE_SALE\.json: \/matters\/2\/requirements\/1: requirement "WATER_METER" is not declared/);
    edit('HOUSE_SALE', (t) => Object.assign(t.matters[2]!, { requirements: ['PARTIES_IDENTITY'] }));
    edit('HOUSE_SALE', (t) => Object.assign(t, { caseMatter: 'HOUSE_SWAP' }));
    expect(refusal()).toMatch(/HOUSE_SALE\.json: \/caseMatter: "HOUSE_SWAP" is not a matter in schemas\/matters/);
  });

  it('refuses a cycle in "after"', () => {
    edit('NEWBORN', (t) => Object.assign(t.matters[0]!, { after: ['NEWBORN_SOCIAL_SECURITY_CARD'] }));
    expect(refusal()).toMatch(/NEWBORN\.json: \/matters\/\d\/after: "after" has a cycle: .*NEWBORN_BIRTH_REGISTRATION/);
  });

  it('refuses a role, data item or certificate type the case matter does not have', () => {
    edit('NEWBORN', (t) => Object.assign(t.requirements[0]!, { roles: ['GRANDMOTHER'] }));
    expect(refusal()).toMatch(/\/requirements\/0\/roles\/0: role "GRANDMOTHER" is not a party role of NEWBORN_REGISTRATION/);
    edit('NEWBORN', (t) =>
      Object.assign(t.requirements[0]!, { roles: ['CHILD'], satisfiedBy: { dataItems: ['birth.medical_certificate'], certificateTypes: ['BIRTH_PASS'] } }),
    );
    expect(refusal()).toMatch(/\/requirements\/0\/satisfiedBy\/certificateTypes\/0: "BIRTH_PASS" is not a certificate type/);
    // The mother may not be read for the birth record under NEWBORN_REGISTRATION: the field could never be filled.
    edit('NEWBORN', (t) => {
      t.requirements[0]!.satisfiedBy.certificateTypes = [];
      Object.assign(t.form.fields[0]!, { source: { kind: 'record', role: 'MOTHER', item: 'birth.medical_certificate', path: 'hospital' } });
    });
    expect(refusal()).toMatch(/\/form\/fields\/0\/source: NEWBORN_REGISTRATION may not read "birth.medical_certificate" for its MOTHER/);
    edit('NEWBORN', (t) => Object.assign(t.form.fields[0]!, { source: { kind: 'record', role: 'CHILD', item: 'person.identity', path: 'nickname' } }));
    expect(refusal()).toMatch(/\/form\/fields\/0\/source\/path: "nickname" is not a field of person.identity/);
  });

  it("refuses rules that name what does not exist: a question's option, a matter, a record path", () => {
    edit('SUPERMARKET_OPENING', (t) =>
      Object.assign(t.rules[0]!.conditions, { all: [{ fact: 'answers', path: '$.foodOnSite', operator: 'equal', value: 'MAYBE' }] }),
    );
    expect(refusal()).toMatch(/SUPERMARKET_OPENING\.json: \/rules\/0\/conditions\/all\/0\/value: "MAYBE" is not an option of question "foodOnSite"/);
    edit('SUPERMARKET_OPENING', (t) => {
      t.rules[0]!.conditions = { all: [{ fact: 'answers', path: '$.foodOnSite', operator: 'equal', value: 'YES' }] };
      Object.assign(t.rules[0]!, { event: { type: 'matter', params: { code: 'SUPERMARKET_BAKERY' } } });
    });
    expect(refusal()).toMatch(/\/rules\/0\/event\/params: "SUPERMARKET_BAKERY" is not a matter of SUPERMARKET_OPENING/);
    edit('SUPERMARKET_OPENING', (t) => {
      Object.assign(t.rules[0]!, { event: { type: 'matter', params: { code: 'SUPERMARKET_FOOD_LICENCE' } } });
      t.rules[1]!.conditions = { all: [{ fact: 'records', path: "$.ENTERPRISE['property.rights'].areaSqm", operator: 'greaterThan', value: 0 }] };
    });
    expect(refusal()).toMatch(/\/rules\/1\/conditions\/all\/0\/path: BUSINESS_LICENSE may not read "property.rights" for its ENTERPRISE/);
  });

  it('refuses a RULE matter no rule selects', () => {
    edit('HOUSE_SALE', (t) => (t.rules = t.rules.filter((r) => r.event.type !== 'matter')));
    expect(refusal()).toMatch(/HOUSE_SALE\.json: \/matters\/4\/when: matter "HOUSE_SALE_GAS_TRANSFER" is selected by a rule, but no rule selects it/);
  });

  it('refuses a matter code another one thing already uses', () => {
    edit('RETIREMENT', (t) => Object.assign(t.matters[1]!, { code: 'HOUSE_SALE_DEED_TAX' }));
    expect(refusal()).toMatch(/\/matters\/1\/code: matter "HOUSE_SALE_DEED_TAX" is already a matter of HOUSE_SALE|\/matters\/1\/(requirements|after)/);
  });
});
