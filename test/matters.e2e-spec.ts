import pg from 'pg';
import { readCatalogFiles } from '../src/catalog/catalog-files.js';
import { syncCatalog } from '../src/catalog/catalog-sync.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const MATTERS = `{ matters { code consentRequired roles jurisdiction dataItems managedBy materials { code satisfiedBy { dataItems certificateTypes } } } }`;
const SAVE = `mutation($input: MatterInput!) { saveMatter(input: $input) { code name dataItems roles managedBy } }`;
const DELETE = `mutation($code: String!) { deleteMatter(code: $code) }`;

const newMatter = (overrides: Record<string, unknown> = {}) => ({
  code: 'PARKING_PERMIT',
  name: 'Residential parking permit',
  description: "A resident parking permit needs the applicant's identity and household.",
  subject: 'PERSON',
  dataItems: ['person.identity', 'household.registration'],
  consentRequired: true,
  roles: ['clerk'],
  jurisdiction: 'CITY',
  materials: [{ code: 'HOUSEHOLD_EXTRACT', name: 'Household register extract', satisfiedBy: { dataItems: ['household.registration'], certificateTypes: [] } }],
  ...overrides,
});

describe('matters', () => {
  let t: TestApp;
  let admin: string;
  let owner: pg.Client;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    admin = await t.token({ role: 'admin', sub: 'ADM-1' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('lists the declared matters with their items, consent rule, roles and materials', async () => {
    const clerk = await t.token({ role: 'clerk', sub: 'C-001', hall: 'LONGYOU-01' });
    const res = await t.graphql<{ matters: any[] }>(MATTERS, undefined, clerk);
    expect(res.body.errors).toBeUndefined();
    const byCode = new Map(res.body.data!.matters.map((m) => [m.code, m]));
    expect(byCode.size).toBe(10);
    expect(byCode.get('HOUSE_TRANSFER')).toMatchObject({
      consentRequired: true,
      roles: ['clerk', 'department'],
      jurisdiction: 'PROVINCE',
      managedBy: 'FILE',
      dataItems: ['household.registration', 'marriage.registration', 'person.identity', 'property.rights', 'social_insurance.account'],
    });
    expect(byCode.get('HOUSE_TRANSFER').materials.find((m: any) => m.code === 'PROPERTY_CERTIFICATE').satisfiedBy).toEqual({
      dataItems: ['property.rights'],
      certificateTypes: ['REAL_PROPERTY_CERTIFICATE'],
    });
    expect((await t.graphql(MATTERS)).body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('lets admins create, change and delete matters, each change in the ledger; others are refused', async () => {
    const clerk = await t.token({ role: 'clerk', sub: 'C-001', hall: 'LONGYOU-01' });
    const refused = await t.graphql(SAVE, { input: newMatter() }, clerk);
    expect(refused.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });

    const created = await t.graphql<{ saveMatter: any }>(SAVE, { input: newMatter() }, admin);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data!.saveMatter).toMatchObject({
      code: 'PARKING_PERMIT',
      managedBy: 'ADMIN',
      dataItems: ['household.registration', 'person.identity'],
    });
    const changed = await t.graphql<{ saveMatter: any }>(SAVE, { input: newMatter({ dataItems: ['person.identity'], materials: [] }) }, admin);
    expect(changed.body.data!.saveMatter.dataItems).toEqual(['person.identity']);
    const deleted = await t.graphql<{ deleteMatter: boolean }>(DELETE, { code: 'PARKING_PERMIT' }, admin);
    expect(deleted.body.data!.deleteMatter).toBe(true);
    const again = await t.graphql(DELETE, { code: 'PARKING_PERMIT' }, admin);
    expect(again.body.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'MATTER_NOT_FOUND' });

    const { rows } = await owner.query(
      `SELECT actor_kind, actor_id, matter, detail->>'action' AS action, request_id FROM onegate.ledger_entry WHERE kind = 'ADMIN_CHANGE' AND actor_kind = 'admin' ORDER BY leaf_index`,
    );
    expect(rows.map((r) => [r.actor_kind, r.actor_id, r.matter, r.action])).toEqual([
      ['admin', 'ADM-1', 'PARKING_PERMIT', 'MATTER_CREATED'],
      ['admin', 'ADM-1', 'PARKING_PERMIT', 'MATTER_UPDATED'],
      ['admin', 'ADM-1', 'PARKING_PERMIT', 'MATTER_DELETED'],
    ]);
    expect(rows[0].request_id).toBe(created.headers['x-request-id']);
  });

  it('lets admins declare party roles, so a matter of theirs is handled as a case', async () => {
    const PARTIES = `mutation($input: MatterInput!) { saveMatter(input: $input) { code parties { role nameZh subject relation { type to side } consent { kind byRoles onBehalfOf } } materials { code roles } } }`;
    const parties = [
      { role: 'WARD', name: 'Ward', subject: true, required: true, dataItems: ['person.identity'], consent: 'BY', consentBy: ['GUARDIAN'] },
      {
        role: 'GUARDIAN',
        name: 'Guardian',
        nameZh: '监护人',
        applicant: true,
        dataItems: ['person.identity'],
        relation: { type: 'PARENT_OF', to: 'WARD' },
        consent: 'SELF',
      },
    ];
    const input = newMatter({
      code: 'GUARDIAN_PERMIT',
      materials: [
        { code: 'IDENTITY', name: 'Identity', nameZh: '身份证明', roles: ['GUARDIAN'], satisfiedBy: { dataItems: ['person.identity'], certificateTypes: [] } },
      ],
      parties,
    });
    const saved = await t.graphql<{ saveMatter: any }>(PARTIES, { input }, admin);
    expect(saved.body.errors).toBeUndefined();
    expect(saved.body.data!.saveMatter.parties).toEqual([
      { role: 'WARD', nameZh: null, subject: true, relation: null, consent: { kind: 'BY', byRoles: ['GUARDIAN'], onBehalfOf: 'REQUIRED' } },
      {
        role: 'GUARDIAN',
        nameZh: '监护人',
        subject: false,
        relation: { type: 'PARENT_OF', to: 'WARD', side: null },
        consent: { kind: 'SELF', byRoles: [], onBehalfOf: null },
      },
    ]);
    expect(saved.body.data!.saveMatter.materials).toEqual([{ code: 'IDENTITY', roles: ['GUARDIAN'] }]);
    const bad = await t.graphql(PARTIES, { input: { ...input, parties: [{ ...parties[0], consentBy: ['NOBODY'] }, parties[1]] } }, admin);
    expect(bad.body.errors![0]!.extensions).toMatchObject({ reason: 'MATTER_INVALID' });
    expect(bad.body.errors![0]!.message).toMatch(/consent\.by names "NOBODY"/);
    await t.graphql(DELETE, { code: 'GUARDIAN_PERMIT' }, admin);
  });

  it('keeps a matter citizens have consented under: deleting it is a CONFLICT and changes nothing', async () => {
    const citizen = await t.token({ role: 'citizen', sub: '330825198803142023' });
    const granted = await t.graphql(`mutation { grantConsent(input: { matter: "UTILITIES_TRANSFER" }) { id } }`, undefined, citizen);
    expect(granted.body.errors).toBeUndefined();
    const res = await t.graphql(DELETE, { code: 'UTILITIES_TRANSFER' }, admin);
    expect(res.body.errors![0]).toMatchObject({
      message: 'matter "UTILITIES_TRANSFER" has consent grants and cannot be deleted',
      extensions: { code: 'CONFLICT', reason: 'MATTER_IN_USE' },
    });
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM onegate.matter WHERE code = 'UTILITIES_TRANSFER'`);
    expect(rows[0].n).toBe(1);
  });

  it('finds no matter, and deletes none, for a code of another form', async () => {
    // Found by test/fuzz.e2e-spec.ts: a code with U+0000 reached PostgreSQL and was an internal error.
    const clerk = await t.token({ role: 'clerk', sub: 'C-001', hall: 'LONGYOU-01' });
    for (const code of ['\u0000', 'HOUSE_TRANSFER\u0000', 'house_transfer', 'X'.repeat(65)]) {
      const found = await t.graphql(`query($code: String!) { matter(code: $code) { code } }`, { code }, clerk);
      expect(found.body).toEqual({ data: { matter: null } });
      const deleted = await t.graphql(DELETE, { code }, admin);
      expect(deleted.body.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND', reason: 'MATTER_NOT_FOUND' });
    }
    expect((await t.graphql(`{ matter(code: "HOUSE_TRANSFER") { code } }`, undefined, clerk)).body.data).toEqual({ matter: { code: 'HOUSE_TRANSFER' } });
  });

  it('refuses an invalid matter with a message naming the field', async () => {
    const res = await t.graphql(SAVE, { input: newMatter({ dataItems: ['person.identity', 'tax.records'] }) }, admin);
    expect(res.body.errors![0]).toMatchObject({
      message: 'dataItems[1] "tax.records" is not in the catalog',
      extensions: { code: 'BAD_USER_INPUT', reason: 'MATTER_INVALID' },
    });
    const auditorsRead = await t.graphql(SAVE, { input: newMatter({ roles: ['auditor'] }) }, admin);
    expect(auditorsRead.body.errors![0]!.extensions).toMatchObject({ reason: 'MATTER_INVALID' });
  });

  it("keeps an admin's change to a declared matter when the catalog is synced again", async () => {
    const res = await t.graphql<{ saveMatter: any }>(SAVE, { input: newMatter({ code: 'SENIOR_CERTIFICATE', name: 'Senior card (changed)' }) }, admin);
    expect(res.body.data!.saveMatter.managedBy).toBe('ADMIN');
    await syncCatalog(t.databaseUrl, readCatalogFiles());
    const { rows } = await owner.query(`SELECT name, managed_by FROM onegate.matter WHERE code = 'SENIOR_CERTIFICATE'`);
    expect(rows[0]).toEqual({ name: 'Senior card (changed)', managed_by: 'ADMIN' });
  });

  it('rolls the change back when the ledger cannot record it', async () => {
    await owner.query('REVOKE INSERT ON onegate.ledger_entry FROM onegate_app');
    try {
      const res = await t.graphql(SAVE, { input: newMatter({ code: 'NOT_RECORDED' }) }, admin);
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_UNAVAILABLE' });
    } finally {
      await owner.query('GRANT INSERT ON onegate.ledger_entry TO onegate_app');
    }
    const { rowCount } = await owner.query(`SELECT 1 FROM onegate.matter WHERE code = 'NOT_RECORDED'`);
    expect(rowCount).toBe(0);
  });
});
