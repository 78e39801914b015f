/**
 * One things on a real PostgreSQL with the demo departments: the catalog, and the guidance over real
 * cases opened with real consents — the newborn's one form prefilled from the parents' records, the
 * house sale's utilities needing nothing beyond the transfer, the supermarket funnel — every read a
 * ledger entry under the case, and bad input refused naming what is wrong.
 */
import pg from 'pg';
import { BurdenService } from '../src/one-things/burden.service.js';
import { DEMO_STORIES } from '../src/one-things/demo-stories.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const LI_WEI = '330825198803142023';
const ZHANG_HAO = '330825198611021315';
const ZHANG_XIAOYU = '330825202609180842';
const GUAN_JIANGUO = '31010519660520037X';
const JIAHE = '91330782MA2E00017B';

const OPEN = `mutation($input: OpenCaseInput!) { openCase(input: $input) { id caseNumber parties { role relation { status } } } }`;
const GRANT = `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id token } }`;
const GUIDE = `query($input: GuideInput!) { guide(input: $input) {
  oneThing caseId answers answeredByRecords
  questions { key text textZh options { value text textZh } }
  matters { code name nameZh department promisedDays after requirements reasons reasonsZh }
  requirements { code name nameZh status reasons reasonsZh roles matters dataItems certificates }
  form { fields { key label labelZh type required value source prefilled sourceRole sourceItem sourceQuestion reason reasonZh } }
} }`;

interface Guidance {
  oneThing: string;
  caseId: string | null;
  answers: Record<string, string>;
  answeredByRecords: string[];
  questions: Array<{ key: string; options: Array<{ value: string }> }>;
  matters: Array<{ code: string; department: string; after: string[]; requirements: string[]; reasons: string[]; reasonsZh: string[] }>;
  requirements: Array<{ code: string; status: string; reasons: string[]; reasonsZh: string[]; matters: string[]; dataItems: string[] }>;
  form: {
    fields: Array<{
      key: string;
      value: unknown;
      source: string;
      prefilled: boolean;
      sourceRole: string | null;
      sourceItem: string | null;
      reason: string | null;
      reasonZh: string | null;
    }>;
  };
}

describe('one things', () => {
  let t: TestApp;
  let owner: pg.Client;
  let longyou: string;
  let jingan: string;

  const citizen = (id: string) => t.token({ role: 'citizen', sub: id });
  const grant = async (who: string, input: Record<string, unknown>) => {
    const res = await t.graphql<{ grantConsent: { id: string; token: string } }>(GRANT, { input }, await citizen(who));
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.grantConsent;
  };
  const open = async (input: Record<string, unknown>) => {
    const res = await t.graphql<{ openCase: { id: string; caseNumber: string } }>(OPEN, { input }, longyou);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.openCase;
  };
  const guide = (input: Record<string, unknown>, token = longyou) => t.graphql<{ guide: Guidance }>(GUIDE, { input }, token);
  const guided = async (input: Record<string, unknown>, token = longyou) => {
    const res = await guide(input, token);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.guide;
  };
  const ledgerSize = async () => Number((await owner.query<{ n: string }>(`SELECT count(*) AS n FROM onegate.ledger_entry`)).rows[0]!.n);
  const entriesSince = async (size: number) =>
    (
      await owner.query<{
        kind: string;
        subject_id: string | null;
        outcome: string;
        items_granted: string[];
        case_number: string | null;
        detail: Record<string, unknown>;
      }>(`SELECT kind, subject_id, outcome, items_granted, case_number, detail FROM onegate.ledger_entry WHERE leaf_index >= $1 ORDER BY leaf_index`, [size])
    ).rows;
  const share = (fields: Guidance['form']['fields']) => fields.filter((f) => f.prefilled).length / fields.length;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    longyou = await t.token({ role: 'clerk', sub: 'C-LY-031', hall: 'LONGYOU-01', region: '330825' });
    jingan = await t.token({ role: 'clerk', sub: 'C-JA-002', hall: 'JINGAN-01', region: '310106' });
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('lists the catalog for any signed-in caller: matters, deciding departments, questions and the figures before', async () => {
    const res = await t.graphql<{
      oneThings: Array<{ code: string; caseMatter: string; matters: Array<{ code: string; department: string; departmentNameZh: string }> }>;
      newborn: { before: { materials: number; visits: number } } | null;
      none: unknown;
    }>(
      `{ oneThings { code caseMatter matters { code department departmentNameZh } } newborn: oneThing(code: "NEWBORN") { before { materials visits } } none: oneThing(code: "NOTHING") { code } }`,
      undefined,
      await citizen(LI_WEI),
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.oneThings.map((o) => o.code).sort()).toEqual([
      'DECEASED',
      'HOUSEHOLD_MOVE',
      'HOUSE_SALE',
      'NEWBORN',
      'RETIREMENT',
      'SUPERMARKET_OPENING',
    ]);
    const sale = res.body.data!.oneThings.find((o) => o.code === 'HOUSE_SALE')!;
    expect(sale.matters.map((m) => m.department)).toEqual(expect.arrayContaining(['NATURAL_RESOURCES', 'WATER_SUPPLY', 'POWER_SUPPLY', 'GAS_SUPPLY']));
    expect(sale.matters.find((m) => m.department === 'WATER_SUPPLY')!.departmentNameZh).toBe('供水公司');
    expect(res.body.data!.newborn!.before).toEqual({ materials: 26, visits: 10 });
    expect(res.body.data!.none).toBeNull();
  });

  describe("Zhang Xiaoyu's newborn one thing", () => {
    let caseId: string;

    beforeAll(async () => {
      const opened = await open({
        matter: 'NEWBORN_REGISTRATION',
        parties: [
          { role: 'CHILD', idNumber: ZHANG_XIAOYU },
          { role: 'MOTHER', idNumber: LI_WEI },
          { role: 'FATHER', idNumber: ZHANG_HAO },
        ],
      });
      caseId = opened.id;
      await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01' });
      await grant(ZHANG_HAO, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01', caseNumber: opened.caseNumber });
      const forChild = await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', onBehalfOf: ZHANG_XIAOYU });
      const attached = await t.graphql(
        `mutation($id: ID!, $c: String!) { attachConsent(caseId: $id, consent: $c) { id } }`,
        { id: caseId, c: forChild.token },
        longyou,
      );
      expect(attached.body.errors).toBeUndefined();
    });

    it('prefills at least 80 % of the one form from the records, with at most one material to bring, every read under the case', async () => {
      const before = await ledgerSize();
      const guidance = await guided({ oneThing: 'NEWBORN', case: caseId });
      expect(guidance.caseId).toBe(caseId);
      expect(guidance.matters.map((m) => m.code)).toEqual([
        'NEWBORN_BIRTH_REGISTRATION',
        'NEWBORN_HOUSEHOLD_ENTRY',
        'NEWBORN_SOCIAL_SECURITY_CARD',
        'NEWBORN_MEDICAL_INSURANCE',
      ]);
      // The parents share one household: the records answer where the child joins, so it is not asked.
      expect(guidance.questions).toEqual([]);
      expect(guidance.answeredByRecords).toEqual(['householdOf']);
      expect(guidance.answers).toEqual({ householdOf: 'MOTHER' });

      const fields = guidance.form.fields;
      expect(share(fields)).toBeGreaterThanOrEqual(0.8);
      // Only the contact phone is typed: no record holds it.
      expect(fields.filter((f) => !f.prefilled).map((f) => f.key)).toEqual(['phone']);
      expect(fields.find((f) => f.key === 'childName')).toMatchObject({
        value: 'Zhang Xiaoyu',
        source: 'RECORD',
        sourceRole: 'CHILD',
        sourceItem: 'person.identity',
      });
      expect(fields.find((f) => f.key === 'hospital')).toMatchObject({ value: "Longyou County People's Hospital", source: 'RECORD' });
      expect(fields.find((f) => f.key === 'fatherName')).toMatchObject({ value: 'Zhang Hao', source: 'RECORD' });
      expect(fields.find((f) => f.key === 'householdOf')).toMatchObject({ value: 'MOTHER', source: 'RECORD', prefilled: true });
      expect(fields.find((f) => f.key === 'phone')).toMatchObject({ value: null, source: 'TYPED', prefilled: false });

      const toBring = guidance.requirements.filter((r) => r.status === 'TO_BRING');
      expect(toBring.map((r) => r.code)).toEqual(['CHILD_PHOTO']);
      expect(guidance.requirements.filter((r) => r.status === 'BY_DATA').map((r) => r.code)).toEqual(
        expect.arrayContaining(['BIRTH_CERTIFICATE', 'PARENTS_IDENTITY', 'PARENTS_MARRIAGE', 'MOTHER_HOUSEHOLD']),
      );
      // Deduplicated: the birth certificate is needed by three matters, proven once, and says why.
      const birth = guidance.requirements.find((r) => r.code === 'BIRTH_CERTIFICATE')!;
      expect(birth.matters).toEqual(['NEWBORN_BIRTH_REGISTRATION', 'NEWBORN_HOUSEHOLD_ENTRY', 'NEWBORN_MEDICAL_INSURANCE']);
      expect(birth.reasons).toContain('Newborn: proven by the medical birth certificate record read under the case');
      expect(birth.reasonsZh).toContain('新生儿：已通过案件下调取的出生医学证明数据核验');
      // The clerk's Chinese screen names roles, items and reasons in Chinese: no code shows through.
      const zh = [
        ...guidance.requirements.flatMap((r) => r.reasonsZh),
        ...guidance.matters.flatMap((m) => m.reasonsZh),
        ...fields.map((f) => f.reasonZh ?? ''),
      ];
      expect(zh.filter((text) => /\b[A-Z_]{4,}\b|[a-z]+\.[a-z_]+/.test(text))).toEqual([]);
      expect(fields.find((f) => f.key === 'motherName')).toMatchObject({
        reason: "From the mother's resident identity record",
        reasonZh: '取自母亲的居民身份信息数据',
      });
      const household = guidance.requirements.find((r) => r.code === 'MOTHER_HOUSEHOLD')!;
      expect(household.reasons).toContain("Rule: The child joins the mother's household");
      expect(household.reasonsZh).toContain('规则：随母落户，核验母亲户籍');

      // Every read is a ledger entry under the case, one per party, naming its role; nothing else was read.
      const entries = await entriesSince(before);
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((e) => e.kind === 'DATA_ACCESS' && e.detail.caseId === caseId)).toBe(true);
      expect(entries.map((e) => [e.subject_id, e.detail.partyRole]).sort()).toEqual(
        [
          [ZHANG_XIAOYU, 'CHILD'],
          [LI_WEI, 'MOTHER'],
          [ZHANG_HAO, 'FATHER'],
        ].sort(),
      );
      expect(entries.find((e) => e.subject_id === ZHANG_XIAOYU)!.items_granted.sort()).toEqual(['birth.medical_certificate', 'person.identity']);
    });

    it('asks where the child joins when nothing is read (no case), and says the requirements were not checked', async () => {
      const before = await ledgerSize();
      const guidance = await guided({ oneThing: 'NEWBORN' });
      expect(guidance.caseId).toBeNull();
      expect(guidance.questions.map((q) => q.key)).toEqual(['householdOf']);
      expect(guidance.form.fields.filter((f) => f.prefilled)).toEqual([]);
      expect(guidance.requirements.find((r) => r.code === 'BIRTH_CERTIFICATE')!.reasons).toContain(
        'No case: no record was read. Open a case with the parties to check the records',
      );
      expect(await ledgerSize()).toBe(before);
      // The father's household when the clerk answers so: a requirement the rule adds.
      const father = await guided({ oneThing: 'NEWBORN', answers: { householdOf: 'FATHER' }, case: caseId });
      expect(father.answeredByRecords).toEqual([]);
      expect(father.requirements.find((r) => r.code === 'FATHER_HOUSEHOLD')).toMatchObject({ status: 'BY_DATA' });
      expect(father.requirements.find((r) => r.code === 'MOTHER_HOUSEHOLD')).toBeUndefined();
    });

    it("the burden report of the case is the guidance's figures", async () => {
      const guidance = await guided({ oneThing: 'NEWBORN', case: caseId });
      const res = await t.graphql<{ burdenReport: Array<Record<string, number | string | null>> }>(
        `query($input: [GuideInput!]) { burdenReport(input: $input) { oneThing caseId matters requirementsBeforeDeduplication materialsRequired materialsWithoutPaper fieldsTotal fieldsPrefilled departments visits before { materials visits } } }`,
        { input: [{ oneThing: 'NEWBORN', case: caseId }] },
        longyou,
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.burdenReport).toEqual([
        {
          oneThing: 'NEWBORN',
          caseId,
          matters: guidance.matters.length,
          requirementsBeforeDeduplication: guidance.matters.reduce((sum, m) => sum + m.requirements.length, 0),
          materialsRequired: guidance.requirements.length,
          materialsWithoutPaper: guidance.requirements.filter((r) => r.status !== 'TO_BRING').length,
          fieldsTotal: guidance.form.fields.length,
          fieldsPrefilled: guidance.form.fields.filter((f) => f.prefilled).length,
          departments: new Set(guidance.matters.map((m) => m.department)).size,
          visits: 1,
          before: { materials: 26, visits: 10 },
        },
      ]);
      // Deduplication is where the materials go: more asked per matter than once for the whole.
      const line = res.body.data!.burdenReport[0]!;
      expect(line.requirementsBeforeDeduplication as number).toBeGreaterThan(line.materialsRequired as number);
      const citizenAsks = await t.graphql(`{ burdenReport { oneThing } }`, undefined, await citizen(LI_WEI));
      expect(citizenAsks.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('is not found by another hall, nor by a citizen, and refuses a one thing of another case matter; refusals are in the ledger', async () => {
      const elsewhere = await guide({ oneThing: 'NEWBORN', case: caseId }, jingan);
      expect(elsewhere.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'CASE_NOT_FOUND' });
      const mother = await guide({ oneThing: 'NEWBORN', case: caseId }, await citizen(LI_WEI));
      expect(mother.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'CASE_NOT_FOUND' });
      // A citizen may run the funnel on its own, reading nothing.
      expect((await guided({ oneThing: 'NEWBORN' }, await citizen(LI_WEI))).questions.map((q) => q.key)).toEqual(['householdOf']);
      const department = await guide({ oneThing: 'NEWBORN' }, await t.token({ role: 'department', sub: 'HEALTH-SYS', department: 'HEALTH' }));
      expect(department.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });

      const before = await ledgerSize();
      const mismatch = await guide({ oneThing: 'HOUSE_SALE', case: caseId });
      expect(mismatch.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CASE_MATTER_MISMATCH' });
      expect(mismatch.body.errors?.[0]?.message).toContain('HOUSE_TRANSFER');
      const refusals = await entriesSince(before);
      expect(refusals.map((e) => [e.kind, e.outcome, e.detail.action, e.detail.reason, e.detail.caseId])).toEqual([
        ['CASE_CHANGE', 'DENIED', 'GUIDE', 'CASE_MATTER_MISMATCH', caseId],
      ]);
    });
  });

  it("without the father's consent: his records are not read, the question is asked, and what he would prove is to bring, saying why", async () => {
    const opened = await open({
      matter: 'NEWBORN_REGISTRATION',
      parties: [
        { role: 'CHILD', idNumber: ZHANG_XIAOYU },
        { role: 'MOTHER', idNumber: LI_WEI },
        { role: 'FATHER', idNumber: ZHANG_HAO },
      ],
    });
    // The mother's consents only (her earlier grant for the hall covers her; this one covers the child).
    const forChild = await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', onBehalfOf: ZHANG_XIAOYU });
    await t.graphql(`mutation($id: ID!, $c: String!) { attachConsent(caseId: $id, consent: $c) { id } }`, { id: opened.id, c: forChild.token }, longyou);
    await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01' });

    const first = await guided({ oneThing: 'NEWBORN', case: opened.id });
    // The father's household is not read: the records cannot say the parents share one.
    expect(first.questions.map((q) => q.key)).toEqual(['householdOf']);
    expect(first.requirements.find((r) => r.code === 'PARENTS_IDENTITY')).toMatchObject({ status: 'TO_BRING' });
    expect(first.requirements.find((r) => r.code === 'PARENTS_IDENTITY')!.reasons).toEqual(
      expect.arrayContaining([
        'Mother: proven by the resident identity record read under the case',
        "Father: the citizen's consent is required, so the resident identity record was not read; to bring",
      ]),
    );
    expect(first.requirements.find((r) => r.code === 'PARENTS_IDENTITY')!.reasonsZh).toEqual(
      expect.arrayContaining(['母亲：已通过案件下调取的居民身份信息数据核验', '父亲：需要本人授权，未调取其居民身份信息数据，需提交材料']),
    );
    expect(first.requirements.flatMap((r) => r.reasonsZh).filter((text) => /\b[A-Z_]{4,}\b|[a-z]+\.[a-z_]+/.test(text))).toEqual([]);

    const before = await ledgerSize();
    const father = await guided({ oneThing: 'NEWBORN', answers: { householdOf: 'FATHER' }, case: opened.id });
    expect(father.requirements.find((r) => r.code === 'FATHER_HOUSEHOLD')).toMatchObject({ status: 'TO_BRING' });
    // A certificate could stand in for his household register: it was looked for, under the case, and the look is in the ledger too.
    const entries = await entriesSince(before);
    expect(entries.every((e) => e.kind === 'DATA_ACCESS' && e.detail.caseId === opened.id)).toBe(true);
    expect(entries.filter((e) => e.subject_id === ZHANG_HAO).length).toBeGreaterThanOrEqual(2);
    expect(entries.filter((e) => e.subject_id === ZHANG_HAO).every((e) => e.outcome === 'DENIED')).toBe(true);
  });

  it("Li Wei's house sale: the utilities' transfers need nothing beyond what the property transfer proves, all by data", async () => {
    const opened = await open({
      matter: 'HOUSE_TRANSFER',
      parties: [
        { role: 'SELLER', idNumber: LI_WEI },
        { role: 'CO_OWNER', idNumber: ZHANG_HAO },
        { role: 'BUYER', idNumber: GUAN_JIANGUO },
      ],
    });
    for (const who of [LI_WEI, ZHANG_HAO, GUAN_JIANGUO]) await grant(who, { matter: 'HOUSE_TRANSFER', hall: 'LONGYOU-01' });

    const first = await guided({ oneThing: 'HOUSE_SALE', case: opened.id });
    // The marriage record says the seller is married: only the gas question is left.
    expect(first.questions.map((q) => q.key)).toEqual(['gasConnected']);
    expect(first.answers).toEqual({ sellerMaritalStatus: 'MARRIED' });
    const guidance = await guided({ oneThing: 'HOUSE_SALE', answers: { gasConnected: 'YES' }, case: opened.id });
    expect(guidance.questions).toEqual([]);
    const matters = new Map(guidance.matters.map((m) => [m.code, m]));
    const transfer = matters.get('HOUSE_SALE_PROPERTY_TRANSFER')!;
    const utilities = ['HOUSE_SALE_WATER_TRANSFER', 'HOUSE_SALE_POWER_TRANSFER', 'HOUSE_SALE_GAS_TRANSFER'].map((code) => matters.get(code)!);
    expect(utilities.map((u) => u.department)).toEqual(['WATER_SUPPLY', 'POWER_SUPPLY', 'GAS_SUPPLY']);
    for (const utility of utilities) {
      expect(utility.after).toEqual(['HOUSE_SALE_PROPERTY_TRANSFER']);
      expect(utility.requirements.filter((code) => !transfer.requirements.includes(code))).toEqual([]);
      for (const code of utility.requirements) expect(guidance.requirements.find((r) => r.code === code)!.status).toBe('BY_DATA');
    }
    // Each requirement once for the whole sale.
    const codes = guidance.requirements.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(guidance.requirements.find((r) => r.code === 'PROPERTY_TITLE')!.matters).toHaveLength(5);
    expect(guidance.requirements.find((r) => r.code === 'SELLER_MARRIAGE')).toMatchObject({ status: 'BY_DATA' });
    expect(guidance.requirements.filter((r) => r.status === 'TO_BRING').map((r) => r.code)).toEqual(['SALE_CONTRACT']);
    expect(share(guidance.form.fields)).toBeGreaterThanOrEqual(0.8);
    expect(guidance.form.fields.find((f) => f.key === 'propertyCertificateNumber')!.value).toBe('ZJ(2019)LY-0031552');
  });

  describe('the supermarket funnel', () => {
    it('asks size, trade and food, and each answer changes the matters and requirements as declared', async () => {
      const start = await guided({ oneThing: 'SUPERMARKET_OPENING' });
      expect(start.questions.map((q) => q.key)).toEqual(['size', 'trade', 'foodOnSite']);
      expect(start.questions[0]!.options.map((o) => o.value)).toEqual(['LARGE', 'STANDARD', 'SMALL']);

      const food = await guided({ oneThing: 'SUPERMARKET_OPENING', answers: { foodOnSite: 'YES' } });
      expect(food.questions.map((q) => q.key)).toEqual(['size', 'trade']);
      expect(food.matters.map((m) => m.code)).toContain('SUPERMARKET_FOOD_LICENCE');
      expect(food.requirements.map((r) => r.code)).toContain('FOOD_SAFETY_SYSTEM');
      expect(food.matters.find((m) => m.code === 'SUPERMARKET_FOOD_LICENCE')!.reasons).toEqual(['Rule: Food prepared on site needs a food business licence']);
      expect(food.form.fields.map((f) => f.key)).toContain('foodSafetyManager');
      const packaged = await guided({ oneThing: 'SUPERMARKET_OPENING', answers: { foodOnSite: 'NO' } });
      expect(packaged.matters.map((m) => m.code)).not.toContain('SUPERMARKET_FOOD_LICENCE');
      expect(packaged.matters.map((m) => m.code)).toContain('SUPERMARKET_FOOD_FILING');
      expect(packaged.requirements.map((r) => r.code)).not.toContain('FOOD_SAFETY_SYSTEM');

      const large = await guided({ oneThing: 'SUPERMARKET_OPENING', answers: { foodOnSite: 'NO', size: 'LARGE', trade: 'RETAIL' } });
      const small = await guided({ oneThing: 'SUPERMARKET_OPENING', answers: { foodOnSite: 'NO', size: 'SMALL', trade: 'RETAIL' } });
      expect(large.questions).toEqual([]);
      expect(large.matters.find((m) => m.code === 'SUPERMARKET_FIRE_INSPECTION')).toMatchObject({ department: 'FIRE_RESCUE' });
      expect(large.requirements.map((r) => r.code)).toContain('FIRE_SAFETY_PLAN');
      expect(small.matters.map((m) => m.code)).not.toContain('SUPERMARKET_FIRE_INSPECTION');
      expect(small.requirements.map((r) => r.code)).not.toContain('FIRE_SAFETY_PLAN');
      const wholesale = await guided({ oneThing: 'SUPERMARKET_OPENING', answers: { foodOnSite: 'NO', size: 'SMALL', trade: 'WHOLESALE' } });
      expect(wholesale.matters.map((m) => m.code)).toContain('SUPERMARKET_GENERAL_TAXPAYER');
      expect(wholesale.requirements.map((r) => r.code)).toContain('WAREHOUSE_PROOF');
    });

    it("on Yiwu Jiahe Supermarket's case, proves the enterprise and its legal representative from the records", async () => {
      const opened = await open({
        matter: 'BUSINESS_LICENSE',
        parties: [
          { role: 'ENTERPRISE', creditCode: JIAHE },
          { role: 'LEGAL_REPRESENTATIVE', idNumber: ZHANG_HAO },
        ],
      });
      await grant(ZHANG_HAO, { matter: 'BUSINESS_LICENSE', hall: 'LONGYOU-01' });
      const guidance = await guided({ oneThing: 'SUPERMARKET_OPENING', answers: { size: 'STANDARD', trade: 'RETAIL', foodOnSite: 'NO' }, case: opened.id });
      const status = Object.fromEntries(guidance.requirements.map((r) => [r.code, r.status]));
      expect(status).toEqual({ ENTERPRISE_REGISTRATION: 'BY_DATA', REPRESENTATIVE_IDENTITY: 'BY_DATA', PREMISES_PROOF: 'TO_BRING' });
      expect(guidance.form.fields.find((f) => f.key === 'enterpriseName')).toMatchObject({ value: 'Yiwu Jiahe Supermarket Co., Ltd.', source: 'RECORD' });
      expect(share(guidance.form.fields)).toBeGreaterThanOrEqual(0.8);
    });
  });

  it('refuses an unknown one thing, question or option with BAD_USER_INPUT naming it', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ oneThing: 'OPEN_A_ZOO' }, 'ONE_THING_UNKNOWN', '"OPEN_A_ZOO"'],
      [{ oneThing: 'SUPERMARKET_OPENING', answers: { colour: 'RED' } }, 'QUESTION_UNKNOWN', '"colour"'],
      [{ oneThing: 'SUPERMARKET_OPENING', answers: { size: 'HUGE' } }, 'OPTION_UNKNOWN', '"HUGE"'],
      [{ oneThing: 'SUPERMARKET_OPENING', answers: ['LARGE'] }, 'ANSWERS_INVALID', 'answers'],
    ];
    for (const [input, reason, named] of cases) {
      const res = await guide(input);
      expect(res.body.data).toBeNull();
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason });
      expect(res.body.errors?.[0]?.message).toContain(named);
    }
    expect((await guide({ oneThing: 'SUPERMARKET_OPENING', answers: { size: 'HUGE' } })).body.errors?.[0]?.message).toContain('"size"');
  });

  it('plays every demo story on a case of its hall, reads under it, then closes the case and revokes the consents', async () => {
    const before = await ledgerSize();
    const lines = await t.app.get(BurdenService).playDemoStories();
    expect(lines.map((l) => l.oneThing)).toEqual(DEMO_STORIES.map((s) => s.oneThing));
    for (const line of lines) {
      expect(line.caseId).toMatch(/^[0-9a-f-]{36}$/);
      expect(line.visits).toBe(1);
      expect(line.materialsWithoutPaper).toBeGreaterThan(0);
      expect(line.fieldsPrefilled / line.fieldsTotal).toBeGreaterThanOrEqual(0.8);
    }
    const newborn = lines.find((l) => l.oneThing === 'NEWBORN')!;
    expect(newborn.materialsRequired - newborn.materialsWithoutPaper).toBeLessThanOrEqual(1);
    const ids = lines.map((l) => l.caseId);
    const cases = await owner.query<{ status: string }>(`SELECT status FROM onegate."case" WHERE id = ANY($1::uuid[])`, [ids]);
    expect(cases.rows.map((r) => r.status)).toEqual(ids.map(() => 'CLOSED'));
    const entries = await entriesSince(before);
    // Each party read under its case; each consent given is revoked again.
    const reads = entries.filter((e) => e.kind === 'DATA_ACCESS' && e.outcome !== 'DENIED');
    expect(new Set(reads.map((e) => e.detail.caseId))).toEqual(new Set(ids));
    const kinds = (kind: string) => entries.filter((e) => e.kind === kind).length;
    expect(kinds('CONSENT_REVOKE')).toBe(kinds('CONSENT_GRANT'));
    expect(kinds('CONSENT_GRANT')).toBe(DEMO_STORIES.reduce((sum, s) => sum + s.consents.length, 0));
  });
});
