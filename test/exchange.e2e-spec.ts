import { jest } from '@jest/globals';
import pg from 'pg';
import type { LedgerEntryRow } from '../src/ledger/ledger-rows.js';
import { DepartmentRegistry } from '../src/exchange/department-registry.js';
import { adminQuery } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { addFamilyCheckMatter, addIdentityCheckMatter } from './support/fixture-matters.js';

/*
 * The exchange end to end on the demo people: RELIABILITY-AND-SECURITY §A 2, §B 10–16, §E 29–30
 * and the demo story of issue 4 (Li Wei sells her flat in Longyou County).
 */

const LI_WEI = '330825198803142023';
const ZHANG_HAO = '330825198611021315';
const GUAN = '31010519660520037X';
const ZHANG_XIAOYU = '330825202609180842';
const CHEN_MING = '440105194002290556';
const CHEN_LAN = '440105196808080661';
const SUPERMARKET = '91330782MA2E00017B';

const HOUSE_QUERY = `query($id: IdNumber!, $purpose: PurposeInput!) {
  citizen(idNumber: $id, purpose: $purpose) {
    idNumber
    person { idNumber name sex birthDate idCardStatus source { department dataItem fetchedAt } }
    household { householdNumber address relationToHead status members { idNumber name relationToHead status } source { department } }
    marriage { status spouseIdNumber registeredOn office certificateNumber source { department } }
    properties { certificateNumber address areaSqm use share coOwnerIdNumbers source { department } }
    socialInsurance { accountNumber status contributionMonths employer source { department } }
  }
}`;

const GRANT = `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id matter expiresAt token } }`;
const REVOKE = `mutation($id: ID!) { revokeConsent(id: $id) { id } }`;
const MY_ACCESSES = `{ myDataAccesses(first: 20) { edges { node { at matter caseNumber items outcome accessor { kind hall hallName } } } } }`;

type Ledgered = Pick<
  LedgerEntryRow,
  | 'leaf_index'
  | 'actor_kind'
  | 'subject_id'
  | 'matter'
  | 'case_number'
  | 'consent_ref'
  | 'items_granted'
  | 'items_denied'
  | 'departments'
  | 'outcome'
  | 'request_id'
>;

type Errors = Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }>;

function errorAt(errors: Errors | undefined, path: (string | number)[]) {
  return errors?.find((e) => JSON.stringify(e.path) === JSON.stringify(path));
}

describe('the exchange: purpose-bound, consented, audited lookups', () => {
  let t: TestApp;
  let clerk: string;
  let liWei: string;
  let owner: pg.Client;

  const accessEntries = async (caseNumber: string): Promise<Ledgered[]> =>
    (
      await owner.query<Ledgered>(
        `SELECT leaf_index::text, actor_kind, subject_id, matter, case_number, consent_ref, items_granted, items_denied, departments, outcome, request_id
           FROM onegate.ledger_entry WHERE kind = 'DATA_ACCESS' AND case_number = $1 ORDER BY ledger_entry.leaf_index`,
        [caseNumber],
      )
    ).rows;

  const grant = async (input: Record<string, unknown>) => {
    const res = await t.graphql<{ grantConsent: { id: string; token: string; expiresAt: string } }>(GRANT, { input }, liWei);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.grantConsent;
  };

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    await addIdentityCheckMatter(t);
    await addFamilyCheckMatter(t);
    clerk = await t.token({ role: 'clerk', sub: 'C-LY-007', hall: 'LONGYOU-01' });
    liWei = await t.token({ role: 'citizen', sub: LI_WEI });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    await owner.query('SET search_path = onegate, public');
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  describe('the demo story: Li Wei sells her flat (HOUSE_TRANSFER)', () => {
    it('with her consent, the clerk sees her household, marriage, the jointly owned flat and her insurance, each with its source; the ledger says so', async () => {
      const consent = await grant({ matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-1101', hall: 'LONGYOU-01' });
      const res = await t.graphql<{ citizen: any }>(
        HOUSE_QUERY,
        { id: LI_WEI, purpose: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-1101', consent: consent.id } },
        clerk,
      );
      expect(res.body.errors).toBeUndefined();
      const view = res.body.data!.citizen;
      expect(view.person).toMatchObject({ idNumber: LI_WEI, name: 'Li Wei', sex: 'F', birthDate: '1988-03-14', idCardStatus: 'ACTIVE' });
      expect(view.person.source).toMatchObject({ department: 'PUBLIC_SECURITY', dataItem: 'person.identity' });
      expect(Math.abs(Date.parse(view.person.source.fetchedAt) - Date.now())).toBeLessThan(60_000);
      expect(view.household).toMatchObject({
        householdNumber: '330825-004417',
        address: '12 Rongchang Road, Longyou County, Zhejiang',
        relationToHead: 'HEAD',
        status: 'ACTIVE',
        source: { department: 'PUBLIC_SECURITY' },
      });
      expect(view.household.members.map((m: any) => [m.idNumber, m.relationToHead])).toEqual(
        expect.arrayContaining([
          [LI_WEI, 'HEAD'],
          [ZHANG_HAO, 'SPOUSE'],
        ]),
      );
      expect(view.marriage).toEqual({
        status: 'MARRIED',
        spouseIdNumber: ZHANG_HAO,
        registeredOn: '2014-05-20',
        office: 'Longyou County Marriage Registry',
        certificateNumber: 'J330825-2014-001288',
        source: { department: 'CIVIL_AFFAIRS' },
      });
      expect(view.properties).toEqual([
        {
          certificateNumber: 'ZJ(2019)LY-0031552',
          address: 'Unit 3-502, 88 Dongsheng Road, Longyou County',
          areaSqm: 96.4,
          use: 'RESIDENTIAL',
          share: 'JOINT',
          coOwnerIdNumbers: [ZHANG_HAO],
          source: { department: 'NATURAL_RESOURCES' },
        },
      ]);
      expect(view.socialInsurance).toEqual({
        accountNumber: 'SI-330825-88031420',
        status: 'CONTRIBUTING',
        contributionMonths: 142,
        employer: 'Hangzhou Lianhe Trading Co.',
        source: { department: 'HUMAN_RESOURCES' },
      });

      const [entry] = await accessEntries('LY-2026-1101');
      expect(entry).toMatchObject({
        actor_kind: 'clerk',
        subject_id: LI_WEI,
        matter: 'HOUSE_TRANSFER',
        consent_ref: consent.id,
        items_denied: [],
        departments: ['CIVIL_AFFAIRS', 'HUMAN_RESOURCES', 'NATURAL_RESOURCES', 'PUBLIC_SECURITY'],
        outcome: 'GRANTED',
      });
      expect([...entry!.items_granted].sort()).toEqual([
        'household.registration',
        'marriage.registration',
        'person.identity',
        'property.rights',
        'social_insurance.account',
      ]);
      expect(entry!.request_id).toBe(res.headers['x-request-id']);
      // Her records must not be kept by a browser, a proxy or the hall's shared computer.
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('also works with the signed consent token she shows as a QR code', async () => {
      const consent = await grant({ matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-1102', halls: ['LONGYOU-01'] });
      const res = await t.graphql<{ citizen: any }>(
        `query($p: PurposeInput!) { citizen(idNumber: "${LI_WEI}", purpose: $p) { household { householdNumber } } }`,
        { p: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-1102', consent: consent.token } },
        clerk,
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.citizen.household.householdNumber).toBe('330825-004417');
      expect((await accessEntries('LY-2026-1102'))[0]).toMatchObject({ consent_ref: consent.id, outcome: 'GRANTED' });
    });

    it('without consent every field is FORBIDDEN (CONSENT_MISSING), nothing is fetched, and the ledger has a DENIED entry', async () => {
      const registry = t.app.get(DepartmentRegistry);
      const spies = registry.all().map((d) => jest.spyOn(d, 'fetch'));
      try {
        const res = await t.graphql<{ citizen: any }>(HOUSE_QUERY, { id: LI_WEI, purpose: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-1103' } }, clerk);
        expect(res.body.data!.citizen).toMatchObject({
          idNumber: LI_WEI,
          person: null,
          household: null,
          marriage: null,
          properties: null,
          socialInsurance: null,
        });
        for (const field of ['person', 'household', 'marriage', 'properties', 'socialInsurance']) {
          expect(errorAt(res.body.errors, ['citizen', field])?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_MISSING' });
        }
        for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
      expect(await accessEntries('LY-2026-1103')).toEqual([
        expect.objectContaining({ outcome: 'DENIED', items_granted: [], departments: [], consent_ref: null }),
      ]);
    });

    it('under a matter for identity and household only, the same query gets identity and household, FORBIDDEN for the rest, and a PARTIAL entry', async () => {
      const res = await t.graphql<{ citizen: any }>(HOUSE_QUERY, { id: LI_WEI, purpose: { matter: 'IDENTITY_CHECK', caseNumber: 'LY-2026-1104' } }, clerk);
      expect(res.body.data!.citizen.person.name).toBe('Li Wei');
      expect(res.body.data!.citizen.household.householdNumber).toBe('330825-004417');
      expect(res.body.data!.citizen).toMatchObject({ marriage: null, properties: null, socialInsurance: null });
      for (const field of ['marriage', 'properties', 'socialInsurance']) {
        const error = errorAt(res.body.errors, ['citizen', field]);
        expect(error?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'ITEM_NOT_ALLOWED' });
        expect(error?.message).toMatch(/not available for this matter/);
      }
      expect(res.body.errors).toHaveLength(3);
      const [entry] = await accessEntries('LY-2026-1104');
      expect(entry).toMatchObject({ outcome: 'PARTIAL', departments: ['PUBLIC_SECURITY'] });
      expect([...entry!.items_denied].sort()).toEqual(['marriage.registration', 'property.rights', 'social_insurance.account']);
    });

    it('shows Li Wei who read her data: the hall, the matter and the time', async () => {
      const res = await t.graphql<{ myDataAccesses: { edges: Array<{ node: any }> } }>(MY_ACCESSES, undefined, liWei);
      expect(res.body.errors).toBeUndefined();
      const nodes = res.body.data!.myDataAccesses.edges.map((e) => e.node);
      const house = nodes.find((n) => n.caseNumber === 'LY-2026-1101');
      expect(house).toMatchObject({
        matter: 'HOUSE_TRANSFER',
        outcome: 'GRANTED',
        accessor: { kind: 'clerk', hall: 'LONGYOU-01', hallName: 'Longyou County One-Window Hall' },
      });
      expect(Math.abs(Date.parse(house.at) - Date.now())).toBeLessThan(120_000);
      expect(nodes.find((n) => n.caseNumber === 'LY-2026-1104')).toMatchObject({ matter: 'IDENTITY_CHECK', outcome: 'PARTIAL' });
    });
  });

  describe("the register names a resident's parents (person.identity)", () => {
    const PARENTS = `query($id: IdNumber!, $p: PurposeInput!) { citizen(idNumber: $id, purpose: $p) { person { name fatherIdNumber motherIdNumber } } }`;

    it("gives the newborn Zhang Xiaoyu's father and mother, and Chen Lan's father with no mother recorded", async () => {
      const newborn = await t.graphql<{ citizen: any }>(PARENTS, { id: ZHANG_XIAOYU, p: { matter: 'IDENTITY_CHECK', caseNumber: 'LY-2026-1201' } }, clerk);
      expect(newborn.body.errors).toBeUndefined();
      expect(newborn.body.data!.citizen.person).toEqual({ name: 'Zhang Xiaoyu', fatherIdNumber: ZHANG_HAO, motherIdNumber: LI_WEI });

      const haizhu = await t.token({ role: 'clerk', sub: 'C-HZ-023', hall: 'HAIZHU-01' });
      const daughter = await t.graphql<{ citizen: any }>(PARENTS, { id: CHEN_LAN, p: { matter: 'IDENTITY_CHECK', caseNumber: 'HZ-2026-1202' } }, haizhu);
      expect(daughter.body.errors).toBeUndefined();
      expect(daughter.body.data!.citizen.person).toEqual({ name: 'Chen Lan', fatherIdNumber: CHEN_MING, motherIdNumber: null });

      // Nobody else in the demo has a parent on record.
      const mother = await t.graphql<{ citizen: any }>(PARENTS, { id: LI_WEI, p: { matter: 'IDENTITY_CHECK', caseNumber: 'LY-2026-1203' } }, clerk);
      expect(mother.body.data!.citizen.person).toEqual({ name: 'Li Wei', fatherIdNumber: null, motherIdNumber: null });
    });
  });

  describe('§B authorization', () => {
    it('10: an item outside the purpose is FORBIDDEN through the root and through the nested spouse lookup, each with a denied ledger entry', async () => {
      const res = await t.graphql<{ citizen: any }>(
        `query($p: PurposeInput!) { citizen(idNumber: "${LI_WEI}", purpose: $p) {
           birth { hospital }
           marriage { status spouse { idNumber person { name } birth { hospital } } }
         } }`,
        { p: { matter: 'FAMILY_CHECK', caseNumber: 'LY-2026-2001' } },
        clerk,
      );
      expect(errorAt(res.body.errors, ['citizen', 'birth'])?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'ITEM_NOT_ALLOWED' });
      expect(errorAt(res.body.errors, ['citizen', 'marriage', 'spouse', 'birth'])?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'ITEM_NOT_ALLOWED' });
      expect(res.body.data!.citizen.marriage).toEqual({ status: 'MARRIED', spouse: { idNumber: ZHANG_HAO, person: { name: 'Zhang Hao' }, birth: null } });
      const entries = await accessEntries('LY-2026-2001');
      expect(entries.map((e) => [e.subject_id, e.outcome, e.items_denied])).toEqual([
        [LI_WEI, 'PARTIAL', ['birth.medical_certificate']],
        [ZHANG_HAO, 'PARTIAL', ['birth.medical_certificate']],
      ]);
    });

    it("10: the spouse is a lookup of its own: Li Wei's consent does not cover her husband", async () => {
      const consent = await grant({ matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-2002', halls: ['LONGYOU-01'] });
      const res = await t.graphql<{ citizen: any }>(
        `query($p: PurposeInput!) { citizen(idNumber: "${LI_WEI}", purpose: $p) { marriage { spouse { properties { certificateNumber } } } } }`,
        { p: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-2002', consent: consent.id } },
        clerk,
      );
      expect(res.body.data!.citizen.marriage.spouse.properties).toBeNull();
      expect(errorAt(res.body.errors, ['citizen', 'marriage', 'spouse', 'properties'])?.extensions).toEqual({
        code: 'FORBIDDEN',
        reason: 'CONSENT_NOT_COVERING',
      });
    });

    it('11: a permitted query with one forbidden field: that field is null with its path, the rest arrives', async () => {
      const res = await t.graphql<{ citizen: any }>(
        `query($p: PurposeInput!) { citizen(idNumber: "${GUAN}", purpose: $p) { person { name } socialInsurance { status contributionMonths } properties { address } } }`,
        { p: { matter: 'RETIREMENT', caseNumber: 'CN-2026-77' } },
        await t.token({ role: 'department', sub: 'hr-pension', department: 'HUMAN_RESOURCES' }),
      );
      // RETIREMENT needs consent: without it even the department system reads nothing.
      expect(errorAt(res.body.errors, ['citizen', 'person'])?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_MISSING' });

      const guanToken = await t.token({ role: 'citizen', sub: GUAN });
      const granted = await t.graphql<{ grantConsent: { id: string } }>(
        GRANT,
        { input: { matter: 'RETIREMENT', departments: ['HUMAN_RESOURCES'] } },
        guanToken,
      );
      const again = await t.graphql<{ citizen: any }>(
        `query($p: PurposeInput!) { citizen(idNumber: "${GUAN}", purpose: $p) { person { name } socialInsurance { status contributionMonths } properties { address } } }`,
        { p: { matter: 'RETIREMENT', caseNumber: 'CN-2026-77', consent: granted.body.data!.grantConsent.id } },
        await t.token({ role: 'department', sub: 'hr-pension', department: 'HUMAN_RESOURCES' }),
      );
      expect(again.body.data!.citizen).toEqual({
        person: { name: 'Guan Jianguo' },
        socialInsurance: { status: 'RETIREMENT_PENDING', contributionMonths: 402 },
        properties: null,
      });
      expect(again.body.errors).toHaveLength(1);
      expect(again.body.errors![0]).toMatchObject({ path: ['citizen', 'properties'], extensions: { code: 'FORBIDDEN', reason: 'ITEM_NOT_ALLOWED' } });
    });

    it('12: an unknown matter, or an item the matter has no policy for, is denied (deny by default); a missing purpose is refused before any resolver', async () => {
      const unknown = await t.graphql<{ citizen: any }>(
        `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "NO_SUCH_MATTER", caseNumber: "X-1" }) { person { name } } }`,
        undefined,
        clerk,
      );
      expect(unknown.body.data!.citizen.person).toBeNull();
      expect(unknown.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'MATTER_UNKNOWN' });
      expect((await accessEntries('X-1'))[0]).toMatchObject({ matter: null, outcome: 'DENIED', items_denied: ['person.identity'] });

      const missing = await t.graphql(`{ citizen(idNumber: "${LI_WEI}") { person { name } } }`, undefined, clerk);
      expect(missing.status).toBe(400);
      expect(missing.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');

      const noCase = await t.graphql<{ citizen: any }>(
        `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK" }) { person { name } } }`,
        undefined,
        clerk,
      );
      expect(noCase.body.data!.citizen).toBeNull();
      expect(noCase.body.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'CASE_NUMBER_REQUIRED' });

      // An item the matter does not list has no policy for it: denied (ITEM_NOT_ALLOWED, as in the IDENTITY_CHECK story above).
      const unlisted = await t.graphql<{ citizen: any }>(
        `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "X-2" }) { death { place } } }`,
        undefined,
        clerk,
      );
      expect(unlisted.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'ITEM_NOT_ALLOWED' });
    });

    it('13: lists are filtered at the source; a denied list is null, never an empty list or a count', async () => {
      const res = await t.graphql<{ citizen: any }>(
        `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "LY-2026-2013" }) { household { members { idNumber status } } properties { certificateNumber } } }`,
        undefined,
        clerk,
      );
      expect(res.body.data!.citizen.properties).toBeNull();
      // Only current members (and the person) are listed: no moved-out or cancelled strangers.
      expect(res.body.data!.citizen.household.members.every((m: any) => m.status === 'ACTIVE')).toBe(true);
      // Guan Jianguo owns nothing: an empty list, read under his consent.
      const guanGrant = await t.graphql<{ grantConsent: { id: string } }>(
        GRANT,
        { input: { matter: 'HOUSE_TRANSFER', halls: ['CHANGNING-01'] } },
        await t.token({ role: 'citizen', sub: GUAN }),
      );
      const guanProperties = await t.graphql<{ citizen: any }>(
        `{ citizen(idNumber: "${GUAN}", purpose: { matter: "HOUSE_TRANSFER", caseNumber: "SH-1", consent: "${guanGrant.body.data!.grantConsent.id}" }) { properties { certificateNumber } } }`,
        undefined,
        await t.token({ role: 'clerk', sub: 'C-CN-1', hall: 'CHANGNING-01' }),
      );
      expect(guanProperties.body.errors).toBeUndefined();
      expect(guanProperties.body.data!.citizen.properties).toEqual([]);
    });

    it('14: ten aliased lookups count as ten against the per-principal limit', async () => {
      const limited = await createTestApp({ EXCHANGE_LOOKUPS_PER_MINUTE: '5', LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
      await addIdentityCheckMatter(limited);
      try {
        const token = await limited.token({ role: 'clerk', sub: 'C-LY-900', hall: 'LONGYOU-01' });
        const three = `{ ${['a', 'b', 'c'].map((a) => `${a}: citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "RL-1" }) { person { name } }`).join(' ')} }`;
        const first = await limited.graphql<Record<string, any>>(three, undefined, token);
        expect(first.body.errors).toBeUndefined();
        const second = await limited.graphql<Record<string, any>>(three, undefined, token);
        const limitedErrors = (second.body.errors ?? []).filter((e) => e.extensions?.code === 'TOO_MANY_REQUESTS');
        expect(limitedErrors).toHaveLength(1);
        expect(limitedErrors[0]!.extensions).toMatchObject({ reason: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
        // Another clerk has a bucket of their own.
        const other = await limited.graphql(three, undefined, await limited.token({ role: 'clerk', sub: 'C-LY-901', hall: 'LONGYOU-01' }));
        expect(other.body.errors).toBeUndefined();
      } finally {
        await limited.close();
      }
    });

    it('15: auditors and admins read no records; a citizen reads only their own', async () => {
      for (const role of ['auditor', 'admin'] as const) {
        const res = await t.graphql<{ citizen: any }>(
          `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "SELF_SERVICE", caseNumber: "AUD-1" }) { person { name } } }`,
          undefined,
          await t.token({ role, sub: `${role}-1` }),
        );
        expect(res.body.data!.citizen.person).toBeNull();
        expect(res.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'ROLE_NEVER_READS_RECORDS' });
      }
      const own = await t.graphql<{ citizen: any }>(
        `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "SELF_SERVICE" }) { person { name } properties { share } } }`,
        undefined,
        liWei,
      );
      expect(own.body.errors).toBeUndefined();
      expect(own.body.data!.citizen).toEqual({ person: { name: 'Li Wei' }, properties: [{ share: 'JOINT' }] });
      const husband = await t.graphql<{ citizen: any }>(
        `{ citizen(idNumber: "${ZHANG_HAO}", purpose: { matter: "SELF_SERVICE" }) { person { name } } }`,
        undefined,
        liWei,
      );
      expect(husband.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'NOT_OWN_RECORDS' });
    });

    it('16: a revoked or expired consent denies the next request under it', async () => {
      const query = (consent: string, caseNumber: string) =>
        t.graphql<{ citizen: any }>(
          `query($p: PurposeInput!) { citizen(idNumber: "${LI_WEI}", purpose: $p) { person { name } } }`,
          { p: { matter: 'HOUSE_TRANSFER', caseNumber, consent } },
          clerk,
        );
      const revoked = await grant({ matter: 'HOUSE_TRANSFER', halls: ['LONGYOU-01'] });
      expect((await query(revoked.id, 'LY-2026-1601')).body.data!.citizen.person.name).toBe('Li Wei');
      expect((await t.graphql(REVOKE, { id: revoked.id }, liWei)).body.errors).toBeUndefined();
      expect((await query(revoked.id, 'LY-2026-1602')).body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_REVOKED' });
      expect((await query(revoked.token, 'LY-2026-1603')).body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_REVOKED' });

      const expired = await grant({ matter: 'HOUSE_TRANSFER', halls: ['LONGYOU-01'] });
      await owner.query(`UPDATE consent_grant SET granted_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`, [
        expired.id,
      ]);
      expect((await query(expired.id, 'LY-2026-1604')).body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_EXPIRED' });

      const forged = `${revoked.token.slice(0, -4)}AAAA`;
      expect((await query(forged, 'LY-2026-1605')).body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_NOT_COVERING' });
      expect((await query('3b241101-e2bb-4255-8caf-4136c566a962', 'LY-2026-1606')).body.errors![0]!.extensions).toEqual({
        code: 'FORBIDDEN',
        reason: 'CONSENT_NOT_COVERING',
      });
    });
  });

  describe('§A 2 identity lookups per request', () => {
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "A2-${i}" }) { idNumber }`).join(' ')} }`;

    it('allows three and rejects a fourth (also through a fragment and with enterprise), before any resolver runs', async () => {
      expect((await t.graphql(aliases(3), undefined, clerk)).body.errors).toBeUndefined();
      const four = await t.graphql(aliases(4), undefined, clerk);
      expect(four.status).toBe(400);
      expect(four.body.errors![0]!.message).toMatch(/at most 3 identity lookups/);
      const viaFragment = await t.graphql(
        `query { ...L e: enterprise(creditCode: "${SUPERMARKET}", purpose: { matter: "BUSINESS_LICENSE", caseNumber: "A2-F" }) { creditCode } }
         fragment L on Query { a: citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "A2-F" }) { idNumber }
                               b: citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "A2-F" }) { idNumber }
                               c: citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "A2-F" }) { idNumber } }`,
        undefined,
        clerk,
      );
      expect(viaFragment.status).toBe(400);
      expect(await accessEntries('A2-F')).toEqual([]);
    });
  });

  describe('enterprise lookups', () => {
    it('a clerk handling BUSINESS_LICENSE sees the registration and the licences', async () => {
      const res = await t.graphql<{ enterprise: any }>(
        `{ enterprise(creditCode: "${SUPERMARKET}", purpose: { matter: "BUSINESS_LICENSE", caseNumber: "YW-2026-5" }) {
             creditCode registration { name legalRepresentativeIdNumber status source { department } } licences { type number validUntil format } } }`,
        undefined,
        clerk,
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.enterprise).toEqual({
        creditCode: SUPERMARKET,
        registration: {
          name: 'Yiwu Jiahe Supermarket Co., Ltd.',
          legalRepresentativeIdNumber: ZHANG_HAO,
          status: 'OPERATING',
          source: { department: 'MARKET_REGULATION' },
        },
        licences: [{ type: 'FOOD_DISTRIBUTION', number: 'JY13307820012345', validUntil: '2029-06-30', format: 'STANDARD_SUPERMARKET' }],
      });
      const person = await t.graphql<{ citizen: any }>(
        `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "BUSINESS_LICENSE", caseNumber: "YW-2026-5" }) { person { name } } }`,
        undefined,
        clerk,
      );
      expect(person.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'SUBJECT_NOT_COVERED' });
    });

    it('rejects an invalid credit code before anything runs', async () => {
      const res = await t.graphql(
        `query($c: CreditCode!) { enterprise(creditCode: $c, purpose: { matter: "BUSINESS_LICENSE", caseNumber: "YW-1" }) { creditCode } }`,
        { c: '91350100M000100Y4Z' },
        clerk,
      );
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors![0]!.message).toMatch(/invalid character 'Z' at position 18/);
      expect(await accessEntries('YW-1')).toEqual([]);
    });
  });

  describe('fetching', () => {
    it('fetches only the selected items and never asks a department twice for the same record in one request', async () => {
      const registry = t.app.get(DepartmentRegistry);
      const spy = jest.spyOn(registry.department('PUBLIC_SECURITY'), 'fetch');
      try {
        const res = await t.graphql(
          `{ a: citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "DL-1" }) { person { name } }
             b: citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "DL-1" }) { person { name } } }`,
          undefined,
          clerk,
        );
        expect(res.body.errors).toBeUndefined();
        expect(spy.mock.calls.map((c) => c[0])).toEqual(['person.identity']);
      } finally {
        spy.mockRestore();
      }
    });

    it('asks a department once per item and batch window for the subjects of concurrent requests, each request getting only its own record', async () => {
      const windowed = await createTestApp({ EXCHANGE_BATCH_WINDOW_MS: '500', LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
      await addIdentityCheckMatter(windowed);
      const spy = jest.spyOn(windowed.app.get(DepartmentRegistry).department('PUBLIC_SECURITY'), 'fetch');
      try {
        const token = await windowed.token({ role: 'clerk', sub: 'C-LY-031', hall: 'LONGYOU-01' });
        const lookup = (id: string, caseNumber: string) =>
          windowed.graphql<{ citizen: { idNumber: string; person: { name: string } } }>(
            `query($id: IdNumber!) { citizen(idNumber: $id, purpose: { matter: "IDENTITY_CHECK", caseNumber: "${caseNumber}" }) { idNumber person { name } } }`,
            { id },
            token,
          );
        // The first call starts at once and opens the window; lookups arriving within it wait, and then go in one call.
        const first = await lookup(LI_WEI, 'BW-1');
        expect(first.body.data!.citizen.person.name).toBe('Li Wei');
        const started = Date.now();
        const answers = await Promise.all([lookup(ZHANG_HAO, 'BW-2'), lookup(LI_WEI, 'BW-3')]);
        expect(Date.now() - started).toBeLessThan(3000);
        expect(answers.map((a) => a.body.errors)).toEqual([undefined, undefined]);
        expect(answers.map((a) => [a.body.data!.citizen.idNumber, a.body.data!.citizen.person.name])).toEqual([
          [ZHANG_HAO, 'Zhang Hao'],
          [LI_WEI, 'Li Wei'],
        ]);
        expect(spy.mock.calls.map(([item, subjects]) => [item, [...subjects].sort()])).toEqual([
          ['person.identity', [LI_WEI]],
          ['person.identity', [ZHANG_HAO, LI_WEI].sort()],
        ]);
      } finally {
        spy.mockRestore();
        await windowed.close();
      }
    });
  });

  describe('§E 29–30 when the ledger cannot be written', () => {
    it('29: the ledger failing → an error, no data, and no department called', async () => {
      const registry = t.app.get(DepartmentRegistry);
      const spies = registry.all().map((d) => jest.spyOn(d, 'fetch'));
      await adminQuery(t.databaseUrl, 'REVOKE INSERT ON onegate.ledger_entry FROM onegate_app');
      try {
        // The first failure marks the ledger as failing …
        const first = await t.graphql<{ citizen: any }>(HOUSE_QUERY, { id: LI_WEI, purpose: { matter: 'IDENTITY_CHECK', caseNumber: 'E29-1' } }, clerk);
        expect(first.body.data!.citizen).toBeNull();
        expect(first.body.errors!.map((e) => e.extensions)).toEqual([{ code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_UNAVAILABLE' }]);
        expect(JSON.stringify(first.body)).not.toContain('330825-004417');
        for (const spy of spies) spy.mockClear();
        // … and from then on no department is called at all.
        const next = await t.graphql<{ citizen: any }>(HOUSE_QUERY, { id: LI_WEI, purpose: { matter: 'IDENTITY_CHECK', caseNumber: 'E29-2' } }, clerk);
        expect(next.body.data!.citizen).toBeNull();
        expect(next.body.errors![0]!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_UNAVAILABLE' });
        for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      } finally {
        await adminQuery(t.databaseUrl, 'GRANT INSERT ON onegate.ledger_entry TO onegate_app');
        for (const spy of spies) spy.mockRestore();
      }
    });

    it('30: a ledger write that fails after the departments answered → the response is withheld', async () => {
      const slow = await createTestApp({ LEDGER_WRITE_TIMEOUT_MS: '1000', LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
      await addIdentityCheckMatter(slow);
      const locker = new pg.Client({ connectionString: slow.databaseUrl });
      await locker.connect();
      try {
        const token = await slow.token({ role: 'clerk', sub: 'C-LY-030', hall: 'LONGYOU-01' });
        const registry = slow.app.get(DepartmentRegistry);
        const spy = jest.spyOn(registry.department('PUBLIC_SECURITY'), 'fetch');
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE onegate.ledger_entry IN ACCESS EXCLUSIVE MODE');
        const started = Date.now();
        const res = await slow.graphql<{ citizen: any }>(HOUSE_QUERY, { id: LI_WEI, purpose: { matter: 'IDENTITY_CHECK', caseNumber: 'E30-1' } }, token);
        expect(Date.now() - started).toBeLessThan(5000);
        expect(spy).toHaveBeenCalled();
        await expect(spy.mock.results[0]!.value).resolves.toBeInstanceOf(Map);
        expect(res.body.data!.citizen).toBeNull();
        expect(res.body.errors![0]!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_UNAVAILABLE' });
        expect(JSON.stringify(res.body)).not.toContain('330825-004417');
        expect(JSON.stringify(res.body)).not.toContain('Li Wei');
        spy.mockRestore();
      } finally {
        await locker.query('ROLLBACK').catch(() => undefined);
        await locker.end();
        await slow.close();
      }
    });
  });
});
