import { decodeJwt } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { decideAccess, type AccessRequest, type MatterRules } from '../src/access/access-decision.js';
import { loadConfig } from '../src/config/app-config.js';
import { loadConsentSigningKey } from '../src/consent/consent-key.js';
import { denialForRejectedConsent, type ConsentLookup } from '../src/consent/consent-lookup.js';
import { signConsentToken } from '../src/consent/consent-token.js';
import { ConsentService } from '../src/consent/consent.service.js';
import type { ClerkPrincipal } from '../src/identity/principal.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const LI_WEI = '330825198803142023';
const HUSBAND = '330825198611021315';
const CASE = 'LY-2026-0042';

const GRANT = `mutation($input: GrantConsentInput!) {
  grantConsent(input: $input) { id matter caseNumber hall grantedAt expiresAt revokedAt status token }
}`;
const REVOKE = `mutation($id: ID!) { revokeConsent(id: $id) { id status revokedAt token } }`;
const MINE = `{ myConsents { id matter caseNumber hall status expiresAt revokedAt token } }`;

type Grant = { id: string; matter: string; caseNumber: string | null; hall: string | null; grantedAt: string; expiresAt: string; revokedAt: string | null; status: string; token: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY_MS = 24 * 3600 * 1000;

const HOUSE_TRANSFER: MatterRules = {
  code: 'HOUSE_TRANSFER',
  subject: 'PERSON',
  dataItems: ['person.identity', 'property.rights'],
  consentRequired: true,
  roles: ['clerk'],
  jurisdiction: 'PROVINCE',
  subjectConditions: [],
};
const CLERK: ClerkPrincipal = { kind: 'clerk', id: 'C-101', hall: 'LONGYOU-01', region: '330825', tokenExpiresAt: new Date(Date.now() + 3600_000) };

/** A Longyou clerk reading Li Wei's property under HOUSE_TRANSFER for the case, before any consent is looked up. */
function baseRequest(now = new Date()): AccessRequest {
  return { principal: CLERK, matter: HOUSE_TRANSFER, caseNumber: CASE, subject: { kind: 'PERSON', id: LI_WEI }, items: ['property.rights'], consent: null, now };
}

/** That request's decision with what a consent lookup found. */
function decisionWith(lookup: ConsentLookup, now = new Date()) {
  return decideAccess({ ...baseRequest(now), consent: lookup.facts });
}

describe('consent grants', () => {
  let t: TestApp;
  let consents: ConsentService;
  let owner: pg.Client;
  let liWei: string;
  let husband: string;
  let granted: Grant;

  const grant = (input: Record<string, unknown>, token = liWei) => t.graphql<{ grantConsent: Grant }>(GRANT, { input }, token);
  const ledgerRows = async (consentRef: string) =>
    (
      await owner.query(
        `SELECT kind, actor_kind, actor_id, subject_kind, subject_id, matter, case_number, consent_ref, outcome, detail, request_id
           FROM onegate.ledger_entry WHERE consent_ref = $1 ORDER BY leaf_index`,
        [consentRef],
      )
    ).rows;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    consents = t.app.get(ConsentService);
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    liWei = await t.token({ role: 'citizen', sub: LI_WEI });
    husband = await t.token({ role: 'citizen', sub: HUSBAND });
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('lets Li Wei grant consent for a house transfer at her hall and shows it in myConsents with a token', async () => {
    const before = Date.now();
    const res = await grant({ matter: 'HOUSE_TRANSFER', caseNumber: CASE, hall: 'LONGYOU-01' });
    expect(res.body.errors).toBeUndefined();
    granted = res.body.data!.grantConsent;
    expect(granted).toMatchObject({ matter: 'HOUSE_TRANSFER', caseNumber: CASE, hall: 'LONGYOU-01', revokedAt: null, status: 'ACTIVE' });
    expect(granted.id).toMatch(UUID);
    // Seven days by default.
    const validity = Date.parse(granted.expiresAt) - Date.parse(granted.grantedAt);
    expect(validity).toBe(7 * DAY_MS);
    expect(Date.parse(granted.grantedAt)).toBeGreaterThanOrEqual(before - 1000);

    // The QR token names the grant and its scope, never the citizen.
    const claims = decodeJwt(granted.token!);
    expect(claims).toMatchObject({ cid: granted.id, matter: 'HOUSE_TRANSFER', case: CASE, hall: 'LONGYOU-01' });
    expect(JSON.stringify(claims)).not.toContain(LI_WEI);
    expect(claims.exp! - claims.iat!).toBe(600);

    const mine = await t.graphql<{ myConsents: Grant[] }>(MINE, undefined, liWei);
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data!.myConsents).toHaveLength(1);
    expect(mine.body.data!.myConsents[0]).toMatchObject({ id: granted.id, status: 'ACTIVE', caseNumber: CASE, hall: 'LONGYOU-01' });
    expect(decodeJwt(mine.body.data!.myConsents[0]!.token!).cid).toBe(granted.id);

    const theirs = await t.graphql<{ myConsents: Grant[] }>(MINE, undefined, husband);
    expect(theirs.body.data!.myConsents).toEqual([]);

    const [entry] = await ledgerRows(granted.id);
    expect(entry).toMatchObject({
      kind: 'CONSENT_GRANT',
      actor_kind: 'citizen',
      actor_id: LI_WEI,
      subject_kind: 'PERSON',
      subject_id: LI_WEI,
      matter: 'HOUSE_TRANSFER',
      case_number: CASE,
      consent_ref: granted.id,
      outcome: 'GRANTED',
      detail: { hall: 'LONGYOU-01', expiresAt: granted.expiresAt },
      request_id: res.headers['x-request-id'],
    });
  });

  it('lets only citizens grant, revoke and list, and nobody touch someone else\'s grant', async () => {
    for (const token of [
      await t.token({ role: 'clerk', sub: 'C-101', hall: 'LONGYOU-01' }),
      await t.token({ role: 'auditor', sub: 'A-001' }),
      await t.token({ role: 'admin', sub: 'ADM-1' }),
      await t.token({ role: 'department', sub: 'hr-system', department: 'HUMAN_RESOURCES' }),
    ]) {
      const refused = await grant({ matter: 'HOUSE_TRANSFER' }, token);
      expect(refused.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
      expect((await t.graphql(REVOKE, { id: granted.id }, token)).body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect((await t.graphql(MINE, undefined, token)).body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await grant({ matter: 'HOUSE_TRANSFER' }, '')).body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });

    // Her husband cannot revoke her grant: the same answer as for a grant that does not exist.
    const notHis = await t.graphql(REVOKE, { id: granted.id }, husband);
    const unknown = await t.graphql(REVOKE, { id: '00000000-0000-4000-8000-000000000000' }, husband);
    const garbage = await t.graphql(REVOKE, { id: 'not-a-grant' }, husband);
    for (const res of [notHis, unknown, garbage]) {
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors![0]).toMatchObject({ message: 'no such consent grant', extensions: { code: 'NOT_FOUND', reason: 'CONSENT_NOT_FOUND' } });
    }
    const { rows } = await owner.query('SELECT revoked_at FROM onegate.consent_grant WHERE id = $1', [granted.id]);
    expect(rows[0].revoked_at).toBeNull();
  });

  it('resolves the grant id and the token into the facts the access decision grants on', async () => {
    const now = new Date();
    const byId = await consents.resolveForAccess(granted.id, now);
    expect(byId).toEqual({
      facts: {
        id: granted.id,
        citizen: LI_WEI,
        matter: 'HOUSE_TRANSFER',
        caseNumber: CASE,
        hall: 'LONGYOU-01',
        expiresAt: new Date(granted.expiresAt),
        revokedAt: null,
      },
      via: 'grant',
      ref: granted.id,
      invalid: null,
    });
    expect(await consents.resolveForAccess(granted.id.toUpperCase(), now)).toMatchObject({ ref: granted.id, via: 'grant' });

    const byToken = await consents.resolveForAccess(granted.token!, now);
    expect(byToken).toMatchObject({ via: 'token', ref: granted.id, invalid: null, facts: { id: granted.id, citizen: LI_WEI, revokedAt: null } });
    // The token's expiry caps the grant's.
    expect(byToken.facts!.expiresAt).toEqual(new Date(decodeJwt(granted.token!).exp! * 1000));
    expect(byToken.facts!.expiresAt.getTime()).toBeLessThan(Date.parse(granted.expiresAt));

    expect(decisionWith(byId, now)).toEqual({ granted: ['property.rights'], denied: [] });
    expect(decisionWith(byToken, now)).toEqual({ granted: ['property.rights'], denied: [] });
    // Once the token has expired the decision would say so, even though the grant still runs.
    expect(decisionWith(byToken, new Date(byToken.facts!.expiresAt.getTime() + 1)).denied[0]!.reason).toBe('CONSENT_EXPIRED');
  });

  it('rejects tokens signed by another key or expired, and references that are no grant', async () => {
    const now = new Date();
    const scope = { grantId: granted.id, matter: 'HOUSE_TRANSFER', caseNumber: CASE, hall: 'LONGYOU-01', expiresAt: new Date(granted.expiresAt) };
    const settings = { audience: t.config.TOKEN_AUDIENCE, ttlSeconds: t.config.CONSENT_TOKEN_TTL_SECONDS };

    const otherKeyDir = mkdtempSync(join(tmpdir(), 'onegate-consent-e2e-'));
    const otherKeyFile = join(otherKeyDir, 'other.pem');
    writeFileSync(otherKeyFile, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const otherKey = loadConsentSigningKey(loadConfig({ CONSENT_SIGNING_KEY_FILE: otherKeyFile }));
    rmSync(otherKeyDir, { recursive: true, force: true });
    const forged = (await signConsentToken(scope, otherKey, settings, now))!;
    expect(await consents.resolveForAccess(forged, now)).toEqual({ facts: null, via: 'token', ref: null, invalid: 'TOKEN_INVALID' });

    // Our key (the gateway's development key under DATA_DIR/keys), but signed an hour ago.
    const ourKey = loadConsentSigningKey(t.config);
    const stale = (await signConsentToken(scope, ourKey, settings, new Date(now.getTime() - 3600_000)))!;
    const expired = await consents.resolveForAccess(stale, now);
    expect(expired).toEqual({ facts: null, via: 'token', ref: granted.id, invalid: 'TOKEN_EXPIRED' });
    expect(denialForRejectedConsent(expired.invalid!)).toBe('CONSENT_EXPIRED');

    // Our key, a scope the grant never had.
    const widened = (await signConsentToken({ ...scope, caseNumber: null }, ourKey, settings, now))!;
    expect(await consents.resolveForAccess(widened, now)).toMatchObject({ facts: null, ref: granted.id, invalid: 'TOKEN_INVALID' });

    const unknownId = '00000000-0000-4000-8000-000000000000';
    expect(await consents.resolveForAccess(unknownId, now)).toEqual({ facts: null, via: 'grant', ref: unknownId, invalid: 'GRANT_NOT_FOUND' });
    const orphan = (await signConsentToken({ ...scope, grantId: unknownId }, ourKey, settings, now))!;
    expect(await consents.resolveForAccess(orphan, now)).toMatchObject({ facts: null, via: 'token', invalid: 'GRANT_NOT_FOUND' });
    for (const garbage of ['', 'HOUSE_TRANSFER', `${granted.id} `, "' OR 1=1--", 'a.b']) {
      expect(await consents.resolveForAccess(garbage, now)).toEqual({ facts: null, via: null, ref: null, invalid: 'REFERENCE_MALFORMED' });
    }
    expect(denialForRejectedConsent('GRANT_NOT_FOUND')).toBe('CONSENT_NOT_COVERING');
    expect(denialForRejectedConsent('TOKEN_INVALID')).toBe('CONSENT_NOT_COVERING');
  });

  it('revokes once: the next request under the id or an earlier token is denied, and the ledger has both entries', async () => {
    const res = await t.graphql<{ revokeConsent: Grant }>(REVOKE, { id: granted.id }, liWei);
    expect(res.body.errors).toBeUndefined();
    const revoked = res.body.data!.revokeConsent;
    expect(revoked).toMatchObject({ id: granted.id, status: 'REVOKED', token: null });
    expect(revoked.revokedAt).not.toBeNull();

    const again = await t.graphql<{ revokeConsent: Grant }>(REVOKE, { id: granted.id.toUpperCase() }, liWei);
    expect(again.body.data!.revokeConsent).toEqual(revoked);

    const now = new Date();
    const byId = await consents.resolveForAccess(granted.id, now);
    const byToken = await consents.resolveForAccess(granted.token!, now);
    for (const lookup of [byId, byToken]) {
      expect(lookup.facts!.revokedAt).toEqual(new Date(revoked.revokedAt!));
      expect(decisionWith(lookup, now)).toEqual({ granted: [], denied: [{ item: 'property.rights', reason: 'CONSENT_REVOKED' }] });
    }

    const mine = await t.graphql<{ myConsents: Grant[] }>(MINE, undefined, liWei);
    expect(mine.body.data!.myConsents[0]).toMatchObject({ id: granted.id, status: 'REVOKED', revokedAt: revoked.revokedAt, token: null });

    const rows = await ledgerRows(granted.id);
    expect(rows.map((r) => [r.kind, r.actor_id, r.subject_id, r.matter, r.case_number, r.consent_ref])).toEqual([
      ['CONSENT_GRANT', LI_WEI, LI_WEI, 'HOUSE_TRANSFER', CASE, granted.id],
      ['CONSENT_REVOKE', LI_WEI, LI_WEI, 'HOUSE_TRANSFER', CASE, granted.id],
    ]);
    expect(rows[1].request_id).toBe(res.headers['x-request-id']);

    // Auditors see both through the API too.
    const auditor = await t.token({ role: 'auditor', sub: 'A-001' });
    const audit = await t.graphql<{ auditEntries: { edges: Array<{ node: { kind: string } }> } }>(
      `query($filter: AuditEntryFilter) { auditEntries(filter: $filter) { edges { node { kind } } } }`,
      { filter: { subject: LI_WEI, matter: 'HOUSE_TRANSFER' } },
      auditor,
    );
    expect(audit.body.errors).toBeUndefined();
    expect(audit.body.data!.auditEntries.edges.map((e) => e.node.kind)).toEqual(['CONSENT_REVOKE', 'CONSENT_GRANT']);
  });

  it('shows an expired grant as EXPIRED, without a token, and the decision denies under it', async () => {
    const id = '6f1d2b8e-5c4a-4e3f-9a7b-1c2d3e4f5a6b';
    await owner.query(
      `INSERT INTO onegate.consent_grant (id, citizen_id_number, matter_code, granted_at, expires_at)
       VALUES ($1, $2, 'RETIREMENT', now() - interval '10 days', now() - interval '3 days')`,
      [id, LI_WEI],
    );
    const mine = await t.graphql<{ myConsents: Grant[] }>(MINE, undefined, liWei);
    const expired = mine.body.data!.myConsents.find((g) => g.id === id)!;
    expect(expired).toMatchObject({ matter: 'RETIREMENT', status: 'EXPIRED', token: null, caseNumber: null, hall: null });
    // Newest first: the house transfer was granted after it.
    expect(mine.body.data!.myConsents.map((g) => g.id)).toEqual([granted.id, id]);
    const lookup = await consents.resolveForAccess(id, new Date());
    expect(decideAccess({ ...baseRequest(), matter: { ...HOUSE_TRANSFER, code: 'RETIREMENT' }, consent: lookup.facts }).denied[0]!.reason).toBe(
      'CONSENT_EXPIRED',
    );
  });

  it('refuses an unknown or unconsentable matter, a bad case number or hall, and an expiry in the past or beyond 90 days', async () => {
    const inTheFuture = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, RegExp]> = [
      [{ matter: 'TAX_REFUND' }, { code: 'BAD_USER_INPUT', reason: 'MATTER_UNKNOWN' }, /^matter "TAX_REFUND" is not in the catalog$/],
      [{ matter: 'house transfer' }, { code: 'BAD_USER_INPUT', reason: 'INPUT_INVALID' }, /matter must be a matter code/],
      [{ matter: 'SELF_SERVICE' }, { code: 'BAD_USER_INPUT', reason: 'MATTER_NOT_CONSENTABLE' }, /SELF_SERVICE/],
      [{ matter: 'BUSINESS_LICENSE' }, { code: 'BAD_USER_INPUT', reason: 'MATTER_NOT_CONSENTABLE' }, /BUSINESS_LICENSE/],
      [{ matter: 'HOUSE_TRANSFER', caseNumber: '../../etc' }, { reason: 'INPUT_INVALID' }, /caseNumber must be/],
      [{ matter: 'HOUSE_TRANSFER', caseNumber: 'A'.repeat(65) }, { reason: 'INPUT_INVALID' }, /caseNumber must be/],
      [{ matter: 'HOUSE_TRANSFER', hall: 'NOWHERE-01' }, { reason: 'INPUT_INVALID' }, /hall must be a known service hall code/],
      [{ matter: 'HOUSE_TRANSFER', expiresAt: inTheFuture(-1) }, { reason: 'EXPIRY_INVALID' }, /^expiresAt must be in the future$/],
      [{ matter: 'HOUSE_TRANSFER', expiresAt: inTheFuture(91) }, { reason: 'EXPIRY_INVALID' }, /^expiresAt must be at most 90 days ahead$/],
    ];
    for (const [input, extensions, message] of cases) {
      const res = await grant(input);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', ...extensions });
      expect(res.body.errors![0]!.message).toMatch(message);
    }
    const longest = await grant({ matter: 'DECEASED_AFFAIRS', expiresAt: inTheFuture(89.9) });
    expect(longest.body.errors).toBeUndefined();
    expect(longest.body.data!.grantConsent).toMatchObject({ matter: 'DECEASED_AFFAIRS', status: 'ACTIVE', caseNumber: null, hall: null });

    const { rows } = await owner.query('SELECT matter_code FROM onegate.consent_grant WHERE citizen_id_number = $1 ORDER BY granted_at', [LI_WEI]);
    expect(rows.map((r) => r.matter_code)).toEqual(['RETIREMENT', 'HOUSE_TRANSFER', 'DECEASED_AFFAIRS']);
  });

  it('changes nothing when the ledger cannot record the grant or the revocation', async () => {
    const kept = (await grant({ matter: 'UTILITIES_TRANSFER' })).body.data!.grantConsent;
    await owner.query('REVOKE INSERT ON onegate.ledger_entry FROM onegate_app');
    try {
      const refused = await grant({ matter: 'NEWBORN_REGISTRATION' });
      expect(refused.body.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_UNAVAILABLE' });
      const notRevoked = await t.graphql(REVOKE, { id: kept.id }, liWei);
      expect(notRevoked.body.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_UNAVAILABLE' });
    } finally {
      await owner.query('GRANT INSERT ON onegate.ledger_entry TO onegate_app');
    }
    const { rows } = await owner.query(`SELECT matter_code, revoked_at FROM onegate.consent_grant WHERE matter_code IN ('NEWBORN_REGISTRATION', 'UTILITIES_TRANSFER')`);
    expect(rows).toEqual([{ matter_code: 'UTILITIES_TRANSFER', revoked_at: null }]);
  });

  it("lists for a Longyou clerk only Zhang Hao's active grants that cover its matter, case and hall, and records the listing", async () => {
    const mine = (input: Record<string, unknown>) => grant(input, husband).then((res) => res.body.data!.grantConsent);
    const anyCase = await mine({ matter: 'HOUSE_TRANSFER' });
    const thisCase = await mine({ matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-0777', hall: 'LONGYOU-01' });
    await mine({ matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-0778' });
    await mine({ matter: 'HOUSE_TRANSFER', hall: 'JINGAN-01' });
    await mine({ matter: 'RETIREMENT' });
    const revoked = await mine({ matter: 'HOUSE_TRANSFER' });
    expect((await t.graphql(REVOKE, { id: revoked.id }, husband)).body.errors).toBeUndefined();

    const COVERING = `query($id: IdNumber!, $matter: String!, $case: String!) {
      consentsCovering(idNumber: $id, matter: $matter, caseNumber: $case) { id matter caseNumber hall grantedAt expiresAt }
    }`;
    const clerk = await t.token({ role: 'clerk', sub: 'C-LY-007', hall: 'LONGYOU-01' });
    const res = await t.graphql<{ consentsCovering: Array<Record<string, unknown>> }>(COVERING, { id: HUSBAND, matter: 'HOUSE_TRANSFER', case: 'LY-2026-0777' }, clerk);
    expect(res.body.errors).toBeUndefined();
    // Newest first; never a token.
    expect(res.body.data!.consentsCovering.map((g) => g.id)).toEqual([thisCase.id, anyCase.id]);
    expect(res.body.data!.consentsCovering[0]).toEqual({
      id: thisCase.id,
      matter: 'HOUSE_TRANSFER',
      caseNumber: 'LY-2026-0777',
      hall: 'LONGYOU-01',
      grantedAt: thisCase.grantedAt,
      expiresAt: thisCase.expiresAt,
    });
    const listed = await owner.query(`SELECT kind, actor_id, subject_id, matter, case_number, outcome, detail FROM onegate.ledger_entry WHERE request_id = $1`, [res.headers['x-request-id']]);
    expect(listed.rows).toEqual([
      { kind: 'CONSENT_LOOKUP', actor_id: 'C-LY-007', subject_id: HUSBAND, matter: 'HOUSE_TRANSFER', case_number: 'LY-2026-0777', outcome: 'GRANTED', detail: { grants: 2 } },
    ]);

    // The clerk picks the grant: the lookup under it is granted.
    const lookup = await t.graphql<{ citizen: { person: { name: string } | null } }>(
      'query($id: IdNumber!, $p: PurposeInput!) { citizen(idNumber: $id, purpose: $p) { person { name } } }',
      { id: HUSBAND, p: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-0777', consent: res.body.data!.consentsCovering[0]!.id } },
      clerk,
    );
    expect(lookup.body.errors).toBeUndefined();
    expect(lookup.body.data!.citizen.person).not.toBeNull();

    // A matter that needs no consent has nothing to pick.
    const senior = await t.graphql<{ consentsCovering: unknown[] }>(COVERING, { id: HUSBAND, matter: 'SENIOR_CERTIFICATE', case: 'LY-2026-0777' }, clerk);
    expect(senior.body.data!.consentsCovering).toEqual([]);

    // A hall outside the matter's jurisdiction may not list, and the refusal is in the ledger too.
    const jingan = await t.token({ role: 'clerk', sub: 'C-JA-001', hall: 'JINGAN-01' });
    const outside = await t.graphql(COVERING, { id: HUSBAND, matter: 'HOUSE_TRANSFER', case: 'JA-2026-0001' }, jingan);
    expect(outside.body.data).toBeNull();
    expect(outside.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_JURISDICTION' });
    const refused = await owner.query(`SELECT kind, outcome, detail FROM onegate.ledger_entry WHERE request_id = $1`, [outside.headers['x-request-id']]);
    expect(refused.rows).toEqual([{ kind: 'CONSENT_LOOKUP', outcome: 'DENIED', detail: { reason: 'OUTSIDE_JURISDICTION' } }]);

    // Citizens and auditors may not; a bad ID number or case number is refused before anything is read.
    for (const token of [husband, await t.token({ role: 'auditor', sub: 'AUD-001' })]) {
      const res2 = await t.graphql(COVERING, { id: HUSBAND, matter: 'HOUSE_TRANSFER', case: 'LY-2026-0777' }, token);
      expect(res2.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
    const badId = await t.graphql(COVERING, { id: '330825198611021316', matter: 'HOUSE_TRANSFER', case: 'LY-2026-0777' }, clerk);
    expect(badId.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const badCase = await t.graphql(COVERING, { id: HUSBAND, matter: 'HOUSE_TRANSFER', case: ' spaces ' }, clerk);
    expect(badCase.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('never lets the runtime role delete a grant', async () => {
    const { rows } = await owner.query(
      `SELECT has_table_privilege('onegate_app', 'onegate.consent_grant', 'DELETE') AS can_delete,
              has_table_privilege('onegate_app', 'onegate.consent_grant', 'UPDATE') AS can_update`,
    );
    expect(rows[0]).toEqual({ can_delete: false, can_update: true });
  });
});
