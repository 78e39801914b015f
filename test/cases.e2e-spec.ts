/**
 * Cases at the window, on a real PostgreSQL with the demo departments: several parties in one
 * matter, relations proven from records, consent per party (a parent's on behalf of a newborn, a
 * next of kin's for the deceased), every read audited with the case and the party's role.
 */
import pg from 'pg';
import { createTestApp, type TestApp } from './harness/test-app.js';

const LI_WEI = '330825198803142023';
const ZHANG_HAO = '330825198611021315';
const ZHANG_XIAOYU = '330825202609180842';
const GUAN_JIANGUO = '31010519660520037X';
const CHEN_MING = '440105194002290556';
const CHEN_LAN = '440105196808080661';
const WANG_FANG = '320113199007071462';
const JIAHE = '91330782MA2E00017B';

const OPEN = `mutation($input: OpenCaseInput!) { openCase(input: $input) { id caseNumber status hall matter { code } parties { role idNumber creditCode relation { type to status } } } }`;
const ADD = `mutation($caseId: ID!, $party: PartyInput!) { addParty(caseId: $caseId, party: $party) { id parties { role idNumber relation { status } } } }`;
const GRANT = `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id onBehalfOf token } }`;

type Party = { role: string; idNumber: string | null; creditCode: string | null; relation: { type: string; to: string; status: string } | null };
type OpenedCase = { id: string; caseNumber: string; status: string; hall: string; matter: { code: string }; parties: Party[] };

describe('cases', () => {
  let t: TestApp;
  let owner: pg.Client;
  let longyou: string;
  let haizhu: string;
  let jingan: string;

  const citizen = (id: string) => t.token({ role: 'citizen', sub: id });
  const open = (input: Record<string, unknown>, token = longyou) => t.graphql<{ openCase: OpenedCase }>(OPEN, { input }, token);
  const grant = async (who: string, input: Record<string, unknown>) => {
    const res = await t.graphql<{ grantConsent: { id: string; onBehalfOf: string | null; token: string } }>(GRANT, { input }, await citizen(who));
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.grantConsent;
  };
  const entries = async (caseId: string) =>
    (
      await owner.query<{
        kind: string;
        subject_id: string | null;
        outcome: string;
        items_granted: string[];
        case_number: string | null;
        detail: Record<string, unknown>;
      }>(`SELECT kind, subject_id, outcome, items_granted, case_number, detail FROM onegate.ledger_entry WHERE detail->>'caseId' = $1 ORDER BY leaf_index`, [
        caseId,
      ])
    ).rows;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    longyou = await t.token({ role: 'clerk', sub: 'C-LY-031', hall: 'LONGYOU-01', region: '330825' });
    haizhu = await t.token({ role: 'clerk', sub: 'C-HZ-004', hall: 'HAIZHU-01', region: '440105' });
    jingan = await t.token({ role: 'clerk', sub: 'C-JA-002', hall: 'JINGAN-01', region: '310106' });
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  describe("Zhang Xiaoyu's birth registration", () => {
    let opened: OpenedCase;

    it('opens with the newborn and both parents, their relation proven from the birth record, and a case number generated for the hall', async () => {
      const res = await open({
        matter: 'NEWBORN_REGISTRATION',
        parties: [
          { role: 'CHILD', idNumber: ZHANG_XIAOYU },
          { role: 'MOTHER', idNumber: LI_WEI },
          { role: 'FATHER', idNumber: ZHANG_HAO },
        ],
      });
      expect(res.body.errors).toBeUndefined();
      opened = res.body.data!.openCase;
      expect(opened).toMatchObject({ status: 'OPEN', hall: 'LONGYOU-01', matter: { code: 'NEWBORN_REGISTRATION' } });
      expect(opened.caseNumber).toMatch(/^LONGYOU-01-\d{4}-\d{6}$/);
      expect(opened.parties).toEqual([
        { role: 'CHILD', idNumber: ZHANG_XIAOYU, creditCode: null, relation: null },
        { role: 'MOTHER', idNumber: LI_WEI, creditCode: null, relation: { type: 'PARENT_OF', to: 'CHILD', status: 'PROVEN' } },
        { role: 'FATHER', idNumber: ZHANG_HAO, creditCode: null, relation: { type: 'PARENT_OF', to: 'CHILD', status: 'PROVEN' } },
      ]);
      // The proofs are in the ledger, and say nothing of the records beyond proven.
      const checks = (await entries(opened.id)).filter((e) => e.kind === 'RELATION_CHECK');
      // The newborn's records were read to judge each parent: her entries, nothing released.
      expect(checks.map((e) => [e.subject_id, e.outcome, e.detail.partyRole, e.detail.relation, e.items_granted])).toEqual([
        [ZHANG_XIAOYU, 'GRANTED', 'MOTHER', 'PARENT_OF', []],
        [ZHANG_XIAOYU, 'GRANTED', 'FATHER', 'PARENT_OF', []],
      ]);
      expect(checks[0]!.detail.factItems).toEqual(['birth.medical_certificate', 'person.identity']);
    });

    it("reads nothing without the parents' consents, and says so per party", async () => {
      const res = await t.graphql<{ case: { parties: Array<{ role: string; consent: { status: string }; record: { birth: unknown } | null }> } }>(
        `query($id: ID!) { case(id: $id) { parties { role consent { status } record { birth { hospital } } } } }`,
        { id: opened.id },
        longyou,
      );
      expect(res.body.data!.case.parties.map((p) => [p.role, p.consent.status])).toEqual([
        ['CHILD', 'MISSING'],
        ['MOTHER', 'MISSING'],
        ['FATHER', 'MISSING'],
      ]);
      // One refusal per party's record, each the consent it lacks.
      expect(res.body.errors?.map((e) => [e.path?.[2], e.extensions?.reason]).sort()).toEqual([
        [0, 'CONSENT_MISSING'],
        [1, 'CONSENT_MISSING'],
        [2, 'CONSENT_MISSING'],
      ]);
    });

    it("with each parent's consent and the mother's on the newborn's behalf, reads every party; the ledger names the case and the role", async () => {
      await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01' });
      await grant(ZHANG_HAO, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01', caseNumber: opened.caseNumber });
      const forChild = await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', onBehalfOf: ZHANG_XIAOYU });
      expect(forChild.onBehalfOf).toBe(ZHANG_XIAOYU);
      // Shown at the window as its QR code: bound to this hall and attached to the case.
      const attached = await t.graphql(
        `mutation($id: ID!, $c: String!) { attachConsent(caseId: $id, consent: $c) { id } }`,
        { id: opened.id, c: forChild.token },
        longyou,
      );
      expect(attached.body.errors).toBeUndefined();

      const res = await t.graphql<{
        case: {
          parties: Array<{
            role: string;
            name: string | null;
            consent: { status: string; byRole: string | null };
            record: { birth: { hospital: string } | null; household: { householdNumber: string } | null; person: { name: string } | null };
          }>;
        };
      }>(
        `query($id: ID!) { case(id: $id) { parties { role name consent { status byRole } record { person { name } household { householdNumber } birth { hospital } } } } }`,
        { id: opened.id },
        longyou,
      );
      // FATHER and MOTHER may not read birth.medical_certificate: a FORBIDDEN field each, nothing else.
      expect(res.body.errors?.map((e) => [e.path?.slice(2).join('.'), e.extensions?.reason]).sort()).toEqual([
        ['1.record.birth', 'ITEM_NOT_ALLOWED'],
        ['2.record.birth', 'ITEM_NOT_ALLOWED'],
      ]);
      const [child, mother, father] = res.body.data!.case.parties;
      expect(child).toMatchObject({
        role: 'CHILD',
        name: 'Zhang Xiaoyu',
        consent: { status: 'GIVEN', byRole: 'MOTHER' },
        record: { birth: { hospital: "Longyou County People's Hospital" }, household: { householdNumber: '330825-004417' } },
      });
      expect(mother).toMatchObject({ role: 'MOTHER', name: 'Li Wei', consent: { status: 'GIVEN', byRole: null } });
      expect(father).toMatchObject({ role: 'FATHER', name: 'Zhang Hao', consent: { status: 'GIVEN' } });

      const reads = (await entries(opened.id)).filter((e) => e.kind === 'DATA_ACCESS' && e.outcome !== 'DENIED');
      const childRead = reads.find((e) => e.subject_id === ZHANG_XIAOYU)!;
      expect(childRead).toMatchObject({ case_number: opened.caseNumber, detail: expect.objectContaining({ partyRole: 'CHILD' }) });
      expect(childRead.items_granted.sort()).toEqual(['birth.medical_certificate', 'household.registration', 'person.identity']);

      // The newborn sees the read in "who read my data", with the case and the role.
      const mine = await t.graphql<{ myDataAccesses: { edges: Array<{ node: { caseNumber: string; caseId: string | null; partyRole: string | null } }> } }>(
        `{ myDataAccesses(first: 5) { edges { node { caseNumber caseId partyRole } } } }`,
        undefined,
        await citizen(ZHANG_XIAOYU),
      );
      expect(mine.body.data!.myDataAccesses.edges.map((e) => e.node)).toContainEqual({ caseNumber: opened.caseNumber, caseId: opened.id, partyRole: 'CHILD' });
    });

    it("the same lookup through citizen(purpose: { case }) reads the newborn's birth record, and any other hall finds no such case", async () => {
      const query = `query($p: PurposeInput!) { citizen(idNumber: "${ZHANG_XIAOYU}", purpose: $p) { birth { medicalCertificateNumber } } }`;
      const here = await t.graphql<{ citizen: { birth: { medicalCertificateNumber: string } } }>(query, { p: { case: opened.id } }, longyou);
      expect(here.body.errors).toBeUndefined();
      expect(here.body.data!.citizen.birth.medicalCertificateNumber).toBe('Q330825-2026-07731');
      const elsewhere = await t.graphql(query, { p: { case: opened.id } }, jingan);
      expect(elsewhere.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CASE_NOT_FOUND' });
      const notParty = await t.graphql(
        `query($p: PurposeInput!) { citizen(idNumber: "${GUAN_JIANGUO}", purpose: $p) { person { name } } }`,
        { p: { case: opened.id } },
        longyou,
      );
      expect(notParty.body.errors?.[0]?.extensions).toMatchObject({ reason: 'NOT_A_PARTY' });
    });

    it('lists the materials of every party, and what is still to bring', async () => {
      const res = await t.graphql<{ case: { materials: Array<{ code: string; role: string; idNumber: string | null; satisfied: string }> } }>(
        `query($id: ID!) { case(id: $id) { materials { code role idNumber satisfied } } }`,
        { id: opened.id },
        longyou,
      );
      expect(res.body.errors).toBeUndefined();
      const lines = res.body.data!.case.materials.map((m) => `${m.code}/${m.role}/${m.satisfied}`);
      expect(lines).toEqual(
        expect.arrayContaining(['BIRTH_CERTIFICATE/CHILD/BY_DATA', 'IDENTITY/MOTHER/BY_DATA', 'IDENTITY/FATHER/BY_DATA', 'MARRIAGE/MOTHER/BY_DATA']),
      );
    });
  });

  it('takes a consent on someone else’s behalf only where a matter allows it, and never outside a case', async () => {
    const refused = await t.graphql(GRANT, { input: { matter: 'HOUSE_TRANSFER', onBehalfOf: ZHANG_XIAOYU } }, await citizen(LI_WEI));
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ON_BEHALF_NOT_ALLOWED' });
    // The mother's grant for the newborn covers nothing in a lookup without a case: not the child, not herself.
    const forChild = await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01', onBehalfOf: ZHANG_XIAOYU });
    for (const subject of [ZHANG_XIAOYU, LI_WEI]) {
      const res = await t.graphql(
        `query($p: PurposeInput!) { citizen(idNumber: "${subject}", purpose: $p) { person { name } } }`,
        { p: { matter: 'NEWBORN_REGISTRATION', caseNumber: 'LY-NB-0001', consent: forChild.id } },
        longyou,
      );
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ reason: 'CONSENT_NOT_COVERING' });
    }
  });

  it('refuses a stranger as MOTHER with the relation reason, saves nothing and releases nothing', async () => {
    const before = await owner.query(`SELECT count(*)::int AS n FROM onegate."case"`);
    const res = await open({
      matter: 'NEWBORN_REGISTRATION',
      caseNumber: 'LY-NB-STRANGER',
      parties: [
        { role: 'CHILD', idNumber: ZHANG_XIAOYU },
        { role: 'MOTHER', idNumber: WANG_FANG },
      ],
    });
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'RELATION_NOT_PROVEN', role: 'MOTHER' });
    expect((await owner.query(`SELECT count(*)::int AS n FROM onegate."case"`)).rows[0]).toEqual(before.rows[0]);
    const refused = await owner.query(
      `SELECT kind, outcome, items_granted, detail FROM onegate.ledger_entry WHERE case_number = 'LY-NB-STRANGER' ORDER BY leaf_index`,
    );
    expect(refused.rows.map((r) => [r.kind, r.outcome])).toEqual([
      ['RELATION_CHECK', 'DENIED'],
      ['CASE_CHANGE', 'DENIED'],
    ]);
    expect(refused.rows.every((r) => r.items_granted.length === 0)).toBe(true);
  });

  it("Chen Ming's affairs: Chen Lan, his daughter by her resident record, reads his records under her own consent", async () => {
    const res = await open(
      {
        matter: 'DECEASED_AFFAIRS',
        parties: [
          { role: 'DECEASED', idNumber: CHEN_MING },
          { role: 'APPLICANT', idNumber: CHEN_LAN },
        ],
      },
      haizhu,
    );
    expect(res.body.errors).toBeUndefined();
    const opened = res.body.data!.openCase;
    expect(opened.parties[1]!.relation).toEqual({ type: 'NEXT_OF_KIN_OF', to: 'DECEASED', status: 'PROVEN' });
    const read = `query($id: ID!) { case(id: $id) { parties { role consent { status byRole } record { death { medicalCertificateNumber } properties { certificateNumber } } } } }`;
    const without = await t.graphql<{ case: { parties: Array<{ consent: { status: string } }> } }>(read, { id: opened.id }, haizhu);
    expect(without.body.data!.case.parties.map((p) => p.consent.status)).toEqual(['MISSING', 'MISSING']);

    await grant(CHEN_LAN, { matter: 'DECEASED_AFFAIRS', hall: 'HAIZHU-01' });
    const withConsent = await t.graphql<{
      case: {
        parties: Array<{
          role: string;
          consent: { status: string; byRole: string | null };
          record: { death: { medicalCertificateNumber: string } | null; properties: unknown[] | null };
        }>;
      };
    }>(read, { id: opened.id }, haizhu);
    const deceased = withConsent.body.data!.case.parties[0]!;
    expect(deceased.consent).toEqual({ status: 'GIVEN', byRole: 'APPLICANT' });
    expect(deceased.record.death!.medicalCertificateNumber).toBe('D440105-2026-01177');
    expect(deceased.record.properties).toHaveLength(1);
    // Her kinship, proven from records, stands in for the proof a next of kin would bring.
    const materials = await t.graphql<{ case: { materials: Array<{ code: string; role: string; satisfied: string }> } }>(
      `query($id: ID!) { case(id: $id) { materials { code role satisfied } } }`,
      { id: opened.id },
      haizhu,
    );
    expect(materials.body.data!.case.materials).toContainEqual({ code: 'RELATIONSHIP', role: 'APPLICANT', satisfied: 'BY_DATA' });
    expect(materials.body.data!.case.materials.filter((m) => m.satisfied === 'TO_BRING')).toEqual([]);
  });

  it("Li Wei's house sale suggests Zhang Hao as co-owner, and releases his records only with his consent", async () => {
    const res = await open({ matter: 'HOUSE_TRANSFER', parties: [{ role: 'SELLER', idNumber: LI_WEI }] });
    expect(res.body.errors).toBeUndefined();
    const opened = res.body.data!.openCase;
    await grant(LI_WEI, { matter: 'HOUSE_TRANSFER', hall: 'LONGYOU-01' });
    const suggested = await t.graphql<{
      case: { suggestedParties: Array<{ role: string; idNumber: string; fromItem: string; reasonZh: string }>; missingRoles: string[] };
    }>(`query($id: ID!) { case(id: $id) { suggestedParties { role idNumber fromItem reasonZh } missingRoles } }`, { id: opened.id }, longyou);
    expect(suggested.body.errors).toBeUndefined();
    expect(suggested.body.data!.case.suggestedParties).toEqual([
      { role: 'CO_OWNER', idNumber: ZHANG_HAO, fromItem: 'property.rights', reasonZh: '不动产登记记载的共有人' },
    ]);
    expect(suggested.body.data!.case.missingRoles).toEqual(['BUYER']);

    const added = await t.graphql<{ addParty: { parties: Party[] } }>(ADD, { caseId: opened.id, party: { role: 'CO_OWNER', idNumber: ZHANG_HAO } }, longyou);
    expect(added.body.errors).toBeUndefined();
    expect(added.body.data!.addParty.parties[1]).toMatchObject({ role: 'CO_OWNER', idNumber: ZHANG_HAO, relation: { status: 'PROVEN' } });

    const read = `query($id: ID!) { case(id: $id) { parties { role consent { status } record { marriage { status } } } } }`;
    const before = await t.graphql<{ case: { parties: Array<{ role: string; record: { marriage: { status: string } | null } }> } }>(
      read,
      { id: opened.id },
      longyou,
    );
    expect(before.body.data!.case.parties[1]!.record.marriage).toBeNull();
    expect(before.body.errors?.map((e) => e.extensions?.reason)).toEqual(['CONSENT_MISSING']);

    await grant(ZHANG_HAO, { matter: 'HOUSE_TRANSFER', hall: 'LONGYOU-01' });
    const after = await t.graphql<{ case: { parties: Array<{ role: string; record: { marriage: { status: string } | null } }> } }>(
      read,
      { id: opened.id },
      longyou,
    );
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data!.case.parties[1]!.record.marriage).toEqual({ status: 'MARRIED' });
  });

  it("Yiwu Jiahe Supermarket's licence case reads the enterprise and its legal representative", async () => {
    const res = await open({
      matter: 'BUSINESS_LICENSE',
      parties: [
        { role: 'ENTERPRISE', creditCode: JIAHE },
        { role: 'LEGAL_REPRESENTATIVE', idNumber: ZHANG_HAO },
      ],
    });
    expect(res.body.errors).toBeUndefined();
    const opened = res.body.data!.openCase;
    expect(opened.parties[1]!.relation).toEqual({ type: 'LEGAL_REPRESENTATIVE_OF', to: 'ENTERPRISE', status: 'PROVEN' });
    await grant(ZHANG_HAO, { matter: 'BUSINESS_LICENSE', hall: 'LONGYOU-01' });
    type Read = {
      name: string;
      enterprise: { registration: { name: string }; ledgerEntry: { index: number } } | null;
      record: { person: { name: string } } | null;
    };
    const read = await t.graphql<{ case: { parties: Read[] } }>(
      `query($id: ID!) { case(id: $id) { parties { name enterprise { registration { name } ledgerEntry { index } } record { person { name } } } } }`,
      { id: opened.id },
      longyou,
    );
    expect(read.body.errors).toBeUndefined();
    const [enterprise, representative] = read.body.data!.case.parties;
    expect(enterprise).toMatchObject({
      name: 'Yiwu Jiahe Supermarket Co., Ltd.',
      enterprise: { registration: { name: 'Yiwu Jiahe Supermarket Co., Ltd.' } },
      record: null,
    });
    expect(representative).toMatchObject({ name: 'Zhang Hao', record: { person: { name: 'Zhang Hao' } }, enterprise: null });
    // The read's ledger entry, for the verification sheet: the enterprise's, under the case.
    const entry = await owner.query(`SELECT kind, subject_id, detail FROM onegate.ledger_entry WHERE leaf_index = $1`, [
      enterprise!.enterprise!.ledgerEntry.index,
    ]);
    expect(entry.rows[0]).toMatchObject({
      kind: 'DATA_ACCESS',
      subject_id: JIAHE,
      detail: expect.objectContaining({ caseId: opened.id, partyRole: 'ENTERPRISE' }),
    });
  });

  it("lists the hall's own cases, newest first, and closes one: nothing more is read under it", async () => {
    const list = await t.graphql<{
      cases: { edges: Array<{ node: { id: string; hall: string; status: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    }>(`{ cases(first: 2) { edges { node { id hall status } } pageInfo { hasNextPage endCursor } } }`, undefined, longyou);
    expect(list.body.errors).toBeUndefined();
    const { edges, pageInfo } = list.body.data!.cases;
    expect(edges).toHaveLength(2);
    expect(edges.every((e) => e.node.hall === 'LONGYOU-01')).toBe(true);
    expect(pageInfo.hasNextPage).toBe(true);
    const next = await t.graphql<{ cases: { edges: Array<{ node: { id: string } }> } }>(
      `query($a: String) { cases(first: 10, after: $a) { edges { node { id } } } }`,
      { a: pageInfo.endCursor },
      longyou,
    );
    expect(next.body.data!.cases.edges.map((e) => e.node.id)).not.toContain(edges[0]!.node.id);

    const id = edges[0]!.node.id;
    const closed = await t.graphql<{ closeCase: { status: string } }>(`mutation($id: ID!) { closeCase(id: $id) { status } }`, { id }, longyou);
    expect(closed.body.data!.closeCase.status).toBe('CLOSED');
    const after = await t.graphql(`query($id: ID!) { case(id: $id) { parties { record { person { name } } } } }`, { id }, longyou);
    expect(after.body.errors?.[0]?.extensions).toMatchObject({ reason: 'CASE_CLOSED' });
    const again = await t.graphql(ADD, { caseId: id, party: { role: 'BUYER', idNumber: GUAN_JIANGUO } }, longyou);
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ reason: 'CASE_CLOSED' });
    // Another hall sees nothing of it.
    const elsewhere = await t.graphql<{ case: unknown }>(`query($id: ID!) { case(id: $id) { id } }`, { id }, jingan);
    expect(elsewhere.body.data!.case).toBeNull();
  });
});
