import { jest } from '@jest/globals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema, findBreakingChanges, printType, type GraphQLObjectType } from 'graphql';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readCatalogFiles } from '../src/catalog/catalog-files.js';
import { syncCatalog } from '../src/catalog/catalog-sync.js';
import { projectRoot } from '../src/common/project-root.js';
import { DepartmentRegistry } from '../src/exchange/department-registry.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { addIdentityCheckMatter, IDENTITY_CHECK } from './support/fixture-matters.js';

/*
 * Adding a data item is one file: its catalog entry (schemas/data-items/<code>.json) drives the
 * release mapping, the GraphQL view and the database connector's query. Here a catalog is the
 * repository's plus one new item, unemployment.registration of the Human Resources bureau, and the
 * bureau's store gets the table behind it — nothing else, no code. A clerk's lookup then returns it
 * through the audited path: decided by the matter, recorded in the ledger, validated against the
 * item's JSON Schema, with its source.
 */

const LI_WEI = '330825198803142023';
const ZHANG_HAO = '330825198611021315';
const ITEM = 'unemployment.registration';
const MATTER = 'UNEMPLOYMENT_BENEFIT';

const ITEM_FILE = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://onegate.example/schemas/data-items/${ITEM}.json`,
  title: 'Unemployment registration',
  description: "A person's registration as unemployed with the public employment service.",
  'x-onegate': {
    code: ITEM,
    nameZh: '失业登记',
    department: 'HUMAN_RESOURCES',
    subject: 'PERSON',
    view: {
      field: 'unemployment',
      description: `${ITEM} (Human Resources and Social Security).`,
      list: false,
      type: 'UnemploymentRegistration',
      typeDescription: `${ITEM} (Human Resources and Social Security): the current registration as unemployed.`,
    },
    source: {
      from: 'unemployment_registration',
      subject: 'id_number',
      columns: { registrationNumber: 'registration_number', registeredOn: 'registered_on', status: 'status', benefitMonths: 'benefit_months' },
    },
  },
  type: 'object',
  additionalProperties: false,
  required: ['registrationNumber', 'registeredOn', 'status'],
  properties: {
    registrationNumber: { type: 'string', minLength: 1, maxLength: 40 },
    registeredOn: { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
    status: { description: 'REGISTERED or ENDED.', enum: ['REGISTERED', 'ENDED'] },
    benefitMonths: { description: 'Months of unemployment benefit granted; null before it is decided.', type: ['integer', 'null'], minimum: 0 },
  },
};

const LOOKUP = `query($id: IdNumber!, $matter: String!) {
  citizen(idNumber: $id, purpose: { matter: $matter, caseNumber: "UB-2026-0042" }) {
    person { name }
    unemployment { registrationNumber registeredOn status benefitMonths source { department dataItem } }
  }
}`;

type Errors = Array<{ path?: (string | number)[]; extensions?: Record<string, unknown> }>;

describe('a data item added by its catalog entry alone', () => {
  let dir: string;
  let t: TestApp;
  let owner: pg.Client;
  let clerk: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onegate-catalog-'));
    cpSync(join(projectRoot(), 'schemas'), dir, { recursive: true });
    writeFileSync(join(dir, 'data-items', `${ITEM}.json`), JSON.stringify(ITEM_FILE, null, 2));

    t = await createTestApp({ CATALOG_DIR: dir, LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    // The bureau's own data: a table in its schema, readable by its reader role.
    await owner.query(`
      CREATE TABLE dept_human_resources.unemployment_registration (
        registration_number text PRIMARY KEY,
        id_number           text NOT NULL UNIQUE,
        registered_on       date NOT NULL,
        status              text NOT NULL,
        benefit_months      integer
      )`);
    await owner.query('GRANT SELECT ON dept_human_resources.unemployment_registration TO onegate_reader_human_resources');
    await owner.query(
      `INSERT INTO dept_human_resources.unemployment_registration VALUES
         ('UR-330825-2026-0042', $1, '2026-03-02', 'REGISTERED', 6),
         -- A value the item's JSON Schema does not allow: the answer must not be released.
         ('UR-330825-2026-0043', $2, '2026-03-05', 'ON_HOLD', NULL)`,
      [LI_WEI, ZHANG_HAO],
    );
    // What start-up does with CATALOG_DIR: the catalog tables follow the files.
    await syncCatalog(t.databaseUrl, readCatalogFiles(dir));

    const admin = await t.token({ role: 'admin', sub: 'fixture-admin' });
    const saved = await t.graphql(
      `mutation($input: MatterInput!) { saveMatter(input: $input) { code } }`,
      {
        input: {
          code: MATTER,
          name: 'Unemployment benefit',
          description: 'Unemployment benefit at a window (test fixture).',
          subject: 'PERSON',
          dataItems: ['person.identity', ITEM],
          consentRequired: false,
          roles: ['clerk'],
          jurisdiction: 'COUNTY',
          materials: [{ code: 'UNEMPLOYMENT_CARD', name: 'Unemployment registration card', satisfiedBy: { dataItems: [ITEM], certificateTypes: [] } }],
        },
      },
      admin,
    );
    expect(saved.body.errors).toBeUndefined();
    clerk = await t.token({ role: 'clerk', sub: 'C-LY-042', hall: 'LONGYOU-01' });
  });

  afterAll(async () => {
    await owner?.end();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is a field of CitizenView typed from its JSON Schema; the committed schema only grows', () => {
    const live = t.app.get(GraphQLSchemaHost).schema;
    expect(printType(live.getType('UnemploymentRegistration')!)).toBe(
      [
        '"""',
        `${ITEM} (Human Resources and Social Security): the current registration as unemployed.`,
        '"""',
        'type UnemploymentRegistration {',
        '  """Months of unemployment benefit granted; null before it is decided."""',
        '  benefitMonths: Int',
        '  registeredOn: String!',
        '  registrationNumber: String!',
        '  source: RecordSource!',
        '',
        '  """REGISTERED or ENDED."""',
        '  status: String!',
        '}',
      ].join('\n'),
    );
    const field = (live.getType('CitizenView') as GraphQLObjectType).getFields().unemployment!;
    expect([String(field.type), field.description]).toEqual(['UnemploymentRegistration', `${ITEM} (Human Resources and Social Security).`]);
    const committed = buildSchema(readFileSync(join(projectRoot(), 'schemas', 'schema.graphql'), 'utf8'));
    expect(findBreakingChanges(committed, live)).toEqual([]);
  });

  it("is released to a clerk whose matter allows it, with its source, after the lookup's ledger entry", async () => {
    const res = await t.graphql<{ citizen: any }>(LOOKUP, { id: LI_WEI, matter: MATTER }, clerk);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.citizen).toEqual({
      person: { name: 'Li Wei' },
      unemployment: {
        registrationNumber: 'UR-330825-2026-0042',
        registeredOn: '2026-03-02',
        status: 'REGISTERED',
        benefitMonths: 6,
        source: { department: 'HUMAN_RESOURCES', dataItem: ITEM },
      },
    });
    const entry = await owner.query(
      `SELECT items_granted, items_denied, departments, outcome, request_id FROM onegate.ledger_entry
        WHERE kind = 'DATA_ACCESS' AND subject_id = $1 AND matter = $2 ORDER BY leaf_index DESC LIMIT 1`,
      [LI_WEI, MATTER],
    );
    expect(entry.rows[0]).toMatchObject({
      items_granted: ['person.identity', ITEM],
      items_denied: [],
      departments: ['HUMAN_RESOURCES', 'PUBLIC_SECURITY'],
      outcome: 'GRANTED',
      request_id: res.headers['x-request-id'],
    });
  });

  it('is denied, and not read, under a matter that does not list it (deny by default)', async () => {
    await addIdentityCheckMatter(t);
    const fetch = jest.spyOn(t.app.get(DepartmentRegistry).department('HUMAN_RESOURCES'), 'fetch');
    try {
      const res = await t.graphql<{ citizen: any }>(LOOKUP, { id: LI_WEI, matter: IDENTITY_CHECK }, clerk);
      const error = (res.body.errors as Errors).find((e) => JSON.stringify(e.path) === JSON.stringify(['citizen', 'unemployment']));
      expect(error?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'ITEM_NOT_ALLOWED' });
      expect(res.body.data!.citizen).toEqual({ person: { name: 'Li Wei' }, unemployment: null });
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      fetch.mockRestore();
    }
  });

  it("is checked against the item's JSON Schema: a record it does not allow is withheld", async () => {
    const res = await t.graphql<{ citizen: any }>(LOOKUP, { id: ZHANG_HAO, matter: MATTER }, clerk);
    expect(res.body.data!.citizen.unemployment).toBeNull();
    const error = (res.body.errors as Errors).find((e) => JSON.stringify(e.path) === JSON.stringify(['citizen', 'unemployment']));
    expect(error?.extensions).toEqual({ code: 'DEPARTMENT_INVALID_RESPONSE', reason: 'SCHEMA_MISMATCH', department: 'HUMAN_RESOURCES' });
  });

  it('counts in the materials checklist of the matter, like any item', async () => {
    const res = await t.graphql<{ citizen: any }>(
      `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "${MATTER}", caseNumber: "UB-2026-0042" }) { materials { code satisfied dataItems } } }`,
      undefined,
      clerk,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.citizen.materials).toEqual([{ code: 'UNEMPLOYMENT_CARD', satisfied: 'BY_DATA', dataItems: [ITEM] }]);
  });

  it('is served in the catalog with its JSON Schema, without how the department store is read', async () => {
    const res = await t.graphql<{ dataItems: Array<{ code: string; department: string; schema: Record<string, any> }> }>(
      '{ dataItems { code department schema } }',
      undefined,
      clerk,
    );
    const item = res.body.data!.dataItems.find((i) => i.code === ITEM)!;
    expect(item.department).toBe('HUMAN_RESOURCES');
    expect(item.schema['x-onegate']).toEqual({
      code: ITEM,
      nameZh: '失业登记',
      department: 'HUMAN_RESOURCES',
      subject: 'PERSON',
      view: ITEM_FILE['x-onegate'].view,
    });
    expect(item.schema.properties).toEqual(ITEM_FILE.properties);
  });
});
