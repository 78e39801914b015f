import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestApp, type TestApp } from './harness/test-app.js';

// RELIABILITY-AND-SECURITY §I 42 (subject conditions), 43 (issuance through the access decision)
// and 45 (every refusal of an authenticated caller is a DENIED ledger entry with its reason).

const LI_WEI = '330825198803142023'; // alive, 38
const ZHANG_HAO = '330825198611021315';
const CHEN_MING = '440105194002290556'; // died 2026-10-01
const GUAN_JIANGUO = '31010519660520037X'; // 60 since 2026-05-20
const NOBODY = '330825199001010015'; // a valid ID number nobody is registered under

const LOOKUP = `query($id: IdNumber!, $purpose: PurposeInput!) {
  citizen(idNumber: $id, purpose: $purpose) { person { name birthDate } household { householdNumber } death { date medicalCertificateNumber } }
}`;
const ISSUE = `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { id identifier claims } }`;
const GRANT = `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }`;
const REVOKE_CONSENT = `mutation($id: ID!) { revokeConsent(id: $id) { id } }`;
const REVOKE_CERTIFICATE = `mutation($id: ID!) { revokeCertificate(id: $id, reason: "probe") { id } }`;
const CERTIFICATE = `query($id: ID!) { certificate(id: $id) { id } }`;

interface Entry {
  kind: string;
  outcome: string;
  items_denied: string[];
  items_granted: string[];
  departments: string[];
  detail: Record<string, unknown>;
  actor_id: string;
  subject_id: string | null;
}

describe('access integrity (§I 42, 43, 45)', () => {
  let t: TestApp;
  let owner: pg.Client;
  let longyou: string;
  let haizhu: string;
  let civilAffairs: string;
  let health: string;
  let publicSecurity: string;
  let seq = 0;

  const caseNumber = () => `IT-${Date.now().toString(36)}-${++seq}`;
  const lookup = (token: string, id: string, purpose: Record<string, unknown>) =>
    t.graphql<{ citizen: Record<string, unknown> | null }>(LOOKUP, { id, purpose: { caseNumber: caseNumber(), ...purpose } }, token);
  /** The ledger entries of the last request whose case number (or, without one, actor) matches. */
  const entries = async (where: string, params: unknown[]): Promise<Entry[]> =>
    (
      await owner.query<Entry>(
        `SELECT kind, outcome, items_denied, items_granted, departments, detail, actor_id, subject_id FROM onegate.ledger_entry WHERE ${where} ORDER BY ledger_entry.leaf_index`,
        params,
      )
    ).rows;
  const lastEntry = async (kind: string, actor: string): Promise<Entry> =>
    (
      await owner.query<Entry>(
        `SELECT kind, outcome, items_denied, items_granted, departments, detail, actor_id, subject_id FROM onegate.ledger_entry
          WHERE kind = $1 AND actor_id = $2 ORDER BY ledger_entry.leaf_index DESC LIMIT 1`,
        [kind, actor],
      )
    ).rows[0]!;
  const grant = async (citizen: string, matter: string, scope: { halls?: string[]; departments?: string[] }): Promise<string> => {
    const res = await t.graphql<{ grantConsent: { id: string } }>(GRANT, { input: { matter, ...scope } }, await t.token({ role: 'citizen', sub: citizen }));
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.grantConsent.id;
  };
  /** What a caller sees of a refusal: the data and each error's code, reason and message. */
  const answer = (res: { body: { data?: unknown; errors?: Array<{ message: string; path?: unknown; extensions?: Record<string, unknown> }> } }) => ({
    data: res.body.data,
    errors: (res.body.errors ?? []).map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code, reason: e.extensions?.reason })),
  });

  beforeAll(async () => {
    t = await createTestApp({ EXCHANGE_LOOKUPS_PER_MINUTE: '60' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    longyou = await t.token({ role: 'clerk', sub: 'C-LY-IT', hall: 'LONGYOU-01' });
    haizhu = await t.token({ role: 'clerk', sub: 'C-HZ-IT', hall: 'HAIZHU-01' });
    civilAffairs = await t.token({ role: 'department', sub: 'ca-it', department: 'CIVIL_AFFAIRS' });
    health = await t.token({ role: 'department', sub: 'health-it', department: 'HEALTH' });
    publicSecurity = await t.token({ role: 'department', sub: 'ps-it', department: 'PUBLIC_SECURITY' });
  });

  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  describe('subject conditions (§I 42)', () => {
    it('gives a Longyou clerk nothing about Li Wei (alive, 38) under DECEASED_AFFAIRS or SENIOR_CERTIFICATE, and records why', async () => {
      for (const matter of ['DECEASED_AFFAIRS', 'SENIOR_CERTIFICATE']) {
        const purpose = { matter, caseNumber: caseNumber() };
        const res = await t.graphql<{ citizen: Record<string, unknown> }>(LOOKUP, { id: LI_WEI, purpose }, longyou);
        const view = res.body.data!.citizen;
        expect(view.person).toBeNull();
        expect(view.household).toBeNull();
        expect(view.death).toBeNull();
        // One reason per field, all the same: the condition, and nothing about why it failed.
        expect(new Set(res.body.errors!.map((e) => e.extensions?.reason))).toEqual(new Set(['SUBJECT_CONDITION_NOT_MET']));
        expect(JSON.stringify(res.body)).not.toMatch(/1988|birth|death record|alive|age \d/i);

        const [entry] = await entries('case_number = $1', [purpose.caseNumber]);
        expect(entry).toMatchObject({ kind: 'DATA_ACCESS', outcome: 'DENIED', items_granted: [] });
        expect(entry!.items_denied.length).toBeGreaterThan(0);
        expect(entry!.detail.denialReasons).toEqual(entry!.items_denied.map(() => 'SUBJECT_CONDITION_NOT_MET'));
        // The fact the condition was judged from was read, and that read is in the entry.
        const read = matter === 'DECEASED_AFFAIRS' ? 'death.medical_certificate' : 'person.identity';
        expect(entry!.detail.conditionItems).toEqual([read]);
        expect(entry!.departments).toEqual([matter === 'DECEASED_AFFAIRS' ? 'HEALTH' : 'PUBLIC_SECURITY']);
      }
    });

    it('answers a person who is not registered exactly as one who does not meet the condition', async () => {
      const [alive, nobody] = await Promise.all([
        lookup(longyou, LI_WEI, { matter: 'SENIOR_CERTIFICATE' }),
        lookup(longyou, NOBODY, { matter: 'SENIOR_CERTIFICATE' }),
      ]);
      expect(answer(nobody)).toEqual(answer(alive));
    });

    it("releases Chen Ming's death record to a Haizhu clerk under DECEASED_AFFAIRS", async () => {
      const purpose = { matter: 'DECEASED_AFFAIRS', caseNumber: caseNumber() };
      const res = await t.graphql<{ citizen: { death: { date: string; medicalCertificateNumber: string } | null } }>(
        LOOKUP,
        { id: CHEN_MING, purpose },
        haizhu,
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.citizen.death).toEqual({ date: '2026-10-01', medicalCertificateNumber: 'D440105-2026-01177' });
      const [entry] = await entries('case_number = $1', [purpose.caseNumber]);
      expect(entry).toMatchObject({ outcome: 'GRANTED', detail: { conditionItems: ['death.medical_certificate'] } });
      expect(entry!.items_granted).toEqual(expect.arrayContaining(['death.medical_certificate', 'person.identity', 'household.registration']));
    });

    it('shows no certificates beside the records when the condition fails', async () => {
      const res = await t.graphql<{ certificates: unknown[] }>(
        `query($holder: String!, $purpose: PurposeInput) { certificates(holder: $holder, purpose: $purpose) { id } }`,
        { holder: LI_WEI, purpose: { matter: 'DECEASED_AFFAIRS', caseNumber: 'IT-CERTS-1' } },
        longyou,
      );
      expect(res.body.data?.certificates ?? []).toEqual([]);
      const [entry] = await entries('case_number = $1', ['IT-CERTS-1']);
      expect(entry).toMatchObject({ outcome: 'DENIED', detail: { reason: 'SUBJECT_CONDITION_NOT_MET', conditionItems: ['death.medical_certificate'] } });
    });
  });

  describe('issuance through the access decision (§I 43)', () => {
    const senior = (holder: string, purpose?: Record<string, unknown>) => ({
      type: 'SENIOR_CITIZEN_CERTIFICATE',
      holder,
      idempotencyKey: `it-senior-${randomUUID()}`,
      ...(purpose ? { purpose } : {}),
    });

    it('refuses Civil Affairs a senior citizen certificate with no purpose, the same for anyone, without reading a record', async () => {
      const answers = [];
      for (const holder of [GUAN_JIANGUO, LI_WEI, NOBODY]) {
        const res = await t.graphql(ISSUE, { input: senior(holder) }, civilAffairs);
        expect(res.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'PURPOSE_REQUIRED_FOR_OTHER_DEPARTMENTS_ITEMS' });
        answers.push(answer(res));
        const entry = await lastEntry('CERTIFICATE_ISSUE', 'ca-it');
        expect(entry).toMatchObject({
          outcome: 'DENIED',
          subject_id: holder,
          departments: [],
          detail: { reason: 'PURPOSE_REQUIRED_FOR_OTHER_DEPARTMENTS_ITEMS' },
        });
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
      const { rows } = await owner.query(`SELECT count(*)::int AS n FROM onegate.certificate WHERE type = 'SENIOR_CITIZEN_CERTIFICATE'`);
      expect(rows[0].n).toBe(0);
    });

    it("issues Guan Jianguo's certificate under SENIOR_CERTIFICATE with his consent", async () => {
      const consent = await grant(GUAN_JIANGUO, 'SENIOR_CERTIFICATE', { departments: ['CIVIL_AFFAIRS'] });
      const res = await t.graphql<{ issueCertificate: { identifier: string; claims: Record<string, unknown> } }>(
        ISSUE,
        { input: senior(GUAN_JIANGUO, { matter: 'SENIOR_CERTIFICATE', caseNumber: caseNumber(), consent }) },
        civilAffairs,
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.issueCertificate.claims).toMatchObject({ name: 'Guan Jianguo', birthDate: '1966-05-20' });
      const entry = await lastEntry('CERTIFICATE_ISSUE', 'ca-it');
      expect(entry).toMatchObject({ outcome: 'GRANTED', departments: ['PUBLIC_SECURITY'], detail: { conditionItems: ['person.identity'] } });
    });

    it('refuses the same under a purpose for someone under 60 exactly as for someone not registered', async () => {
      const young = await t.graphql(ISSUE, { input: senior(LI_WEI, { matter: 'SENIOR_CERTIFICATE', caseNumber: 'IT-SC-YOUNG' }) }, civilAffairs);
      const nobody = await t.graphql(ISSUE, { input: senior(NOBODY, { matter: 'SENIOR_CERTIFICATE', caseNumber: 'IT-SC-YOUNG' }) }, civilAffairs);
      expect(young.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'SUBJECT_CONDITION_NOT_MET' });
      expect(answer(nobody)).toEqual(answer(young));
    });

    it("has Natural Resources issue a real property certificate under HOUSE_TRANSFER with the holder's consent, and only so", async () => {
      const naturalResources = await t.token({ role: 'department', sub: 'nr-it', department: 'NATURAL_RESOURCES' });
      const input = { type: 'REAL_PROPERTY_CERTIFICATE', holder: LI_WEI, idempotencyKey: `it-property-${randomUUID()}` };
      const bare = await t.graphql(ISSUE, { input }, naturalResources);
      expect(bare.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'PURPOSE_REQUIRED_FOR_OTHER_DEPARTMENTS_ITEMS' });
      const consent = await grant(LI_WEI, 'HOUSE_TRANSFER', { departments: ['NATURAL_RESOURCES'] });
      const res = await t.graphql<{ issueCertificate: { claims: { properties: unknown[] } } }>(
        ISSUE,
        { input: { ...input, purpose: { matter: 'HOUSE_TRANSFER', caseNumber: caseNumber(), consent } } },
        naturalResources,
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.issueCertificate.claims.properties.length).toBeGreaterThan(0);
    });

    it('lets a department issue from its own records alone without a purpose', async () => {
      const res = await t.graphql<{ issueCertificate: { claims: Record<string, unknown> } }>(
        ISSUE,
        { input: { type: 'HOUSEHOLD_REGISTER_EXTRACT', holder: LI_WEI, idempotencyKey: `it-extract-${randomUUID()}` } },
        publicSecurity,
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.issueCertificate.claims).toMatchObject({ name: 'Li Wei' });
    });

    it('answers a refused issuance before any idempotency or record check: a reused key tells nothing', async () => {
      const key = `it-reuse-${randomUUID()}`;
      const first = await t.graphql(ISSUE, { input: { type: 'HOUSEHOLD_REGISTER_EXTRACT', holder: LI_WEI, idempotencyKey: key } }, publicSecurity);
      expect(first.body.errors).toBeUndefined();
      // Health may not issue an extract: the same refusal whether or not the key was used.
      const reused = await t.graphql(ISSUE, { input: { type: 'HOUSEHOLD_REGISTER_EXTRACT', holder: ZHANG_HAO, idempotencyKey: key } }, health);
      const fresh = await t.graphql(ISSUE, { input: { type: 'HOUSEHOLD_REGISTER_EXTRACT', holder: ZHANG_HAO, idempotencyKey: `it-${randomUUID()}` } }, health);
      expect(reused.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'NOT_THE_ISSUING_DEPARTMENT' });
      expect(answer(reused)).toEqual(answer(fresh));
    });
  });

  describe('every refusal is a DENIED entry with its reason (§I 45)', () => {
    it('records a role refusal by the guard', async () => {
      const clerk = await t.token({ role: 'clerk', sub: 'C-ROLE-IT', hall: 'LONGYOU-01' });
      const res = await t.graphql(`{ auditEntries(first: 1) { pageInfo { hasNextPage } } }`, {}, clerk);
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
      expect(await lastEntry('ACCESS_REFUSED', 'C-ROLE-IT')).toMatchObject({
        outcome: 'DENIED',
        detail: { reason: 'ROLE_NOT_ALLOWED', operation: 'auditEntries' },
      });
    });

    it("answers a status change on another department's certificate as on one that is not there, and records both", async () => {
      const issued = await t.graphql<{ issueCertificate: { id: string } }>(
        ISSUE,
        { input: { type: 'HOUSEHOLD_REGISTER_EXTRACT', holder: ZHANG_HAO, idempotencyKey: `it-status-${randomUUID()}` } },
        publicSecurity,
      );
      const id = issued.body.data!.issueCertificate.id;
      const theirs = await t.graphql(REVOKE_CERTIFICATE, { id }, civilAffairs);
      const missing = await t.graphql(REVOKE_CERTIFICATE, { id: randomUUID() }, civilAffairs);
      expect(theirs.body.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
      expect(answer(theirs)).toEqual(answer(missing));
      const refused = await entries(`kind = 'CERTIFICATE_REVOKE' AND actor_id = 'ca-it'`, []);
      expect(refused.map((e) => [e.outcome, e.detail.reason])).toEqual([
        ['DENIED', 'NOT_THE_ISSUING_DEPARTMENT'],
        ['DENIED', 'NOT_FOUND'],
      ]);
      // Still valid: nothing changed.
      const { rows } = await owner.query('SELECT state FROM onegate.certificate WHERE id = $1', [id]);
      expect(rows[0].state).toBe('VALID');
    });

    it("answers a read of another holder's certificate as a missing one, and records both", async () => {
      const issued = await t.graphql<{ issueCertificate: { id: string } }>(
        ISSUE,
        { input: { type: 'HOUSEHOLD_REGISTER_EXTRACT', holder: ZHANG_HAO, idempotencyKey: `it-read-${randomUUID()}` } },
        publicSecurity,
      );
      const liWei = await t.token({ role: 'citizen', sub: LI_WEI });
      const theirs = await t.graphql(CERTIFICATE, { id: issued.body.data!.issueCertificate.id }, liWei);
      const missing = await t.graphql(CERTIFICATE, { id: randomUUID() }, liWei);
      expect(answer(theirs)).toEqual(answer(missing));
      const refused = await entries(`kind = 'DATA_ACCESS' AND actor_id = $1 AND outcome = 'DENIED'`, [LI_WEI]);
      expect(refused.slice(-2).map((e) => e.detail.reason)).toEqual(['NOT_OWN_RECORDS', 'NOT_FOUND']);
    });

    it("answers another citizen's revoked consent id as an unknown one, in a lookup and in revokeConsent", async () => {
      const zhangs = await grant(ZHANG_HAO, 'HOUSE_TRANSFER', { halls: ['LONGYOU-01'] });
      const zhang = await t.token({ role: 'citizen', sub: ZHANG_HAO });
      expect((await t.graphql(REVOKE_CONSENT, { id: zhangs }, zhang)).body.errors).toBeUndefined();
      const revoked = await lookup(longyou, LI_WEI, { matter: 'HOUSE_TRANSFER', consent: zhangs });
      const unknown = await lookup(longyou, LI_WEI, { matter: 'HOUSE_TRANSFER', consent: randomUUID() });
      expect(new Set(revoked.body.errors!.map((e) => e.extensions?.reason))).toEqual(new Set(['CONSENT_NOT_COVERING']));
      expect(answer(revoked)).toEqual(answer(unknown));

      const liWei = await t.token({ role: 'citizen', sub: LI_WEI });
      const notHers = await t.graphql(REVOKE_CONSENT, { id: zhangs }, liWei);
      const notThere = await t.graphql(REVOKE_CONSENT, { id: randomUUID() }, liWei);
      expect(answer(notHers)).toEqual(answer(notThere));
      const refused = await entries(`kind = 'CONSENT_REVOKE' AND actor_id = $1`, [LI_WEI]);
      expect(refused.map((e) => [e.outcome, e.detail.reason])).toEqual([
        ['DENIED', 'NOT_FOUND'],
        ['DENIED', 'NOT_FOUND'],
      ]);
    });

    it('records rate-limited lookups and issuances, which count against one limit', async () => {
      const clerk = await t.token({ role: 'clerk', sub: 'C-RATE-IT', hall: 'CHANGNING-01' });
      // The bucket holds 60 and refills one a second: lookups until the first refusal, then issuances at once.
      let lookups = 0;
      let refused = false;
      while (!refused && lookups < 90) {
        const res = await lookup(clerk, GUAN_JIANGUO, { matter: 'SENIOR_CERTIFICATE' });
        lookups++;
        refused = res.body.errors?.[0]?.extensions?.code === 'TOO_MANY_REQUESTS';
      }
      expect(refused).toBe(true);
      expect(lookups).toBeGreaterThan(60);
      const issued = await Promise.all([1, 2, 3].map(() => t.graphql(ISSUE, { input: senior60(GUAN_JIANGUO, caseNumber()) }, clerk)));
      const issuanceRefusals = issued.filter((res) => res.body.errors?.[0]?.extensions?.code === 'TOO_MANY_REQUESTS').length;
      expect(issuanceRefusals).toBeGreaterThanOrEqual(2);
      const denied = await entries(`actor_id = 'C-RATE-IT' AND detail->>'reason' = 'RATE_LIMITED'`, []);
      expect(denied.map((e) => [e.kind, e.outcome])).toEqual([
        ['DATA_ACCESS', 'DENIED'],
        ...Array.from({ length: issuanceRefusals }, () => ['CERTIFICATE_ISSUE', 'DENIED']),
      ]);
    });
  });
});

function senior60(holder: string, caseNumber: string) {
  return { type: 'SENIOR_CITIZEN_CERTIFICATE', holder, idempotencyKey: `it-rate-${randomUUID()}`, purpose: { matter: 'SENIOR_CERTIFICATE', caseNumber } };
}
