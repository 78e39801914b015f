import { createTestApp, type TestApp } from './harness/test-app.js';

describe('catalog', () => {
  let t: TestApp;
  let clerk: string;
  beforeAll(async () => {
    t = await createTestApp();
    clerk = await t.token({ role: 'clerk', sub: 'C-001', hall: 'JINGAN-01' });
  });
  afterAll(() => t.close());

  it('lists the six departments with the data items each shares', async () => {
    const res = await t.graphql<{ departments: Array<{ code: string; name: string; dataItems: Array<{ code: string }> }> }>(
      '{ departments { code name dataItems { code } } }',
      undefined,
      clerk,
    );
    expect(res.body.errors).toBeUndefined();
    const departments = res.body.data!.departments;
    expect(departments.map((d) => d.code).sort()).toEqual([
      'CIVIL_AFFAIRS',
      'HEALTH',
      'HUMAN_RESOURCES',
      'MARKET_REGULATION',
      'NATURAL_RESOURCES',
      'PUBLIC_SECURITY',
    ]);
    const bySecurity = departments.find((d) => d.code === 'PUBLIC_SECURITY')!;
    expect(bySecurity.name).toBe('Public Security Bureau');
    expect(bySecurity.dataItems.map((i) => i.code)).toEqual(['household.registration', 'person.identity']);
    expect(departments.find((d) => d.code === 'CIVIL_AFFAIRS')!.dataItems.map((i) => i.code)).toEqual(['marriage.registration']);
  });

  it('serves each data item with its department, names and JSON Schema', async () => {
    const res = await t.graphql<{ dataItems: Array<{ code: string; department: string; title: string; nameZh: string; schema: Record<string, unknown> }> }>(
      '{ dataItems { code department title nameZh schema } }',
      undefined,
      clerk,
    );
    expect(res.body.errors).toBeUndefined();
    const items = res.body.data!.dataItems;
    expect(items).toHaveLength(9);
    const marriage = items.find((i) => i.code === 'marriage.registration')!;
    expect(marriage.department).toBe('CIVIL_AFFAIRS');
    expect(items.find((i) => i.code === 'birth.medical_certificate')).toMatchObject({ title: 'Medical birth certificate', nameZh: '出生医学证明' });
    expect(items.every((i) => /^[\u4e00-\u9fff]+$/.test(i.nameZh))).toBe(true);
    expect(marriage.schema).toMatchObject({ type: 'object', 'x-onegate': { code: 'marriage.registration' } });
    expect(Object.keys(marriage.schema.properties as object)).toEqual(
      expect.arrayContaining(['spouseIdNumber', 'registeredOn', 'certificateNumber', 'status']),
    );
  });

  it('requires a token', async () => {
    const res = await t.graphql('{ departments { code } }');
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
