import { decodeJwt } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { decideAccess, type AccessRequest, type MatterRules } from '../src/access/access-decision.js';
import { loadConfig } from '../src/config/app-config.js';
import { loadConsentSigningKey } from '../src/consent/consent-key.js';
import { denialForRejectedConsent, type ConsentLookup, type ConsentUse } from '../src/consent/consent-lookup.js';
import { signConsentToken } from '../src/consent/consent-token.js';
import { ConsentService } from '../src/consent/consent.service.js';
import type { ClerkPrincipal } from '../src/identity/principal.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const LI_WEI = '330825198803142023';
const HUSBAND = '330825198611021315';
const CASE = 'LY-2026-0042';

const GRANT = `mutation($input: GrantConsentInput!) {
  grantConsent(input: $input) { id matter caseNumber hall halls departments grantedAt expiresAt revokedAt status token }
}`;
const REVOKE = `mutation($id: ID!) { revokeConsent(id: $id) { id status revokedAt token } }`;
const MINE = `{ myConsents { id matter caseNumber hall status expiresAt revokedAt token } }`;

type Grant = {
  id: string;
  matter: string;
  caseNumber: string | null;
  hall: string | null;
  halls: string[];
  departments: string[];
  grantedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  status: string;
  token: string | null;
};

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

/** The Longyou clerk presenting a consent reference for Li Wei's house transfer in the case. */
const USE: ConsentUse = { principal: CLERK, subject: { kind: 'PERSON', id: LI_WEI }, matter: 'HOUSE_TRANSFER', caseNumber: CASE };

/** A Longyou clerk reading Li Wei's property under HOUSE_TRANSFER for the case, before any consent is looked up. */
function baseRequest(now = new Date()): AccessRequest {
  return {
    principal: CLERK,
    matter: HOUSE_TRANSFER,
    caseNumber: CASE,
    subject: { kind: 'PERSON', id: LI_WEI },
    items: ['property.rights'],
    consent: null,
    now,
  };
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

    expect(granted.halls).toEqual(['LONGYOU-01']);
    expect(granted.departments).toEqual([]);
    // The QR token names the grant, its matter and case, never the citizen (nor a hall: the grant, read afresh, says where it applies).
    const claims = decodeJwt(granted.token!);
    expect(claims).toMatchObject({ cid: granted.id, matter: 'HOUSE_TRANSFER', case: CASE });
    expect(claims.hall).toBeUndefined();
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
      detail: { halls: ['LONGYOU-01'], departments: [], expiresAt: granted.expiresAt },
      request_id: res.headers['x-request-id'],
    });
  });

  it("lets only citizens grant, revoke and list, and nobody touch someone else's grant", async () => {
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
    const byId = await consents.resolveForAccess(granted.id, now, USE);
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
    expect(await consents.resolveForAccess(granted.id.toUpperCase(), now, USE)).toMatchObject({ ref: granted.id, via: 'grant' });

    const byToken = await consents.resolveForAccess(granted.token!, now, USE);
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
    expect(await consents.resolveForAccess(forged, now, USE)).toEqual({ facts: null, via: 'token', ref: null, invalid: 'TOKEN_INVALID' });

    // Our key (the gateway's development key under DATA_DIR/keys), but signed an hour ago.
    const ourKey = loadConsentSigningKey(t.config);
    const stale = (await signConsentToken(scope, ourKey, settings, new Date(now.getTime() - 3600_000)))!;
    const expired = await consents.resolveForAccess(stale, now, USE);
    expect(expired).toEqual({ facts: null, via: 'token', ref: granted.id, invalid: 'TOKEN_EXPIRED' });
    expect(denialForRejectedConsent(expired.invalid!)).toBe('CONSENT_EXPIRED');

    // Our key, a scope the grant never had.
    const widened = (await signConsentToken({ ...scope, caseNumber: null }, ourKey, settings, now))!;
    expect(await consents.resolveForAccess(widened, now, USE)).toMatchObject({ facts: null, ref: granted.id, invalid: 'TOKEN_INVALID' });

    const unknownId = '00000000-0000-4000-8000-000000000000';
    expect(await consents.resolveForAccess(unknownId, now, USE)).toEqual({ facts: null, via: 'grant', ref: unknownId, invalid: 'GRANT_NOT_FOUND' });
    const orphan = (await signConsentToken({ ...scope, grantId: unknownId }, ourKey, settings, now))!;
    expect(await consents.resolveForAccess(orphan, now, USE)).toMatchObject({ facts: null, via: 'token', invalid: 'GRANT_NOT_FOUND' });
    for (const garbage of ['', 'HOUSE_TRANSFER', `${granted.id} `, "' OR 1=1--", 'a.b']) {
      expect(await consents.resolveForAccess(garbage, now, USE)).toEqual({ facts: null, via: null, ref: null, invalid: 'REFERENCE_MALFORMED' });
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
    const byId = await consents.resolveForAccess(granted.id, now, USE);
    const byToken = await consents.resolveForAccess(granted.token!, now, USE);
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
      `INSERT INTO onegate.consent_grant (id, citizen_id_number, matter_code, halls, granted_at, expires_at)
       VALUES ($1, $2, 'RETIREMENT', '{LONGYOU-01}', now() - interval '10 days', now() - interval '3 days')`,
      [id, LI_WEI],
    );
    const mine = await t.graphql<{ myConsents: Grant[] }>(MINE, undefined, liWei);
    const expired = mine.body.data!.myConsents.find((g) => g.id === id)!;
    expect(expired).toMatchObject({ matter: 'RETIREMENT', status: 'EXPIRED', token: null, caseNumber: null, hall: 'LONGYOU-01' });
    // Newest first: the house transfer was granted after it.
    expect(mine.body.data!.myConsents.map((g) => g.id)).toEqual([granted.id, id]);
    const lookup = await consents.resolveForAccess(id, new Date(), { ...USE, matter: 'RETIREMENT' });
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
      // (BUSINESS_LICENSE is consentable: its legal representative consents for themself in a case.)
      [{ matter: 'HOUSE_TRANSFER', caseNumber: '../../etc' }, { reason: 'INPUT_INVALID' }, /caseNumber must be/],
      [{ matter: 'HOUSE_TRANSFER', caseNumber: 'A'.repeat(65) }, { reason: 'INPUT_INVALID' }, /caseNumber must be/],
      [{ matter: 'HOUSE_TRANSFER', hall: 'NOWHERE-01' }, { reason: 'HALL_UNKNOWN' }, /hall must be a known service hall code/],
      [{ matter: 'HOUSE_TRANSFER', halls: ['LONGYOU-01', 'NOWHERE-01'] }, { reason: 'HALL_UNKNOWN' }, /hall must be a known service hall code/],
      [{ matter: 'HOUSE_TRANSFER', halls: ['not a hall'] }, { reason: 'INPUT_INVALID' }, /halls must be known service hall codes/],
      [{ matter: 'HOUSE_TRANSFER', departments: ['TAX_BUREAU'] }, { reason: 'INPUT_INVALID' }, /departments must be department codes/],
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
    const { rows } = await owner.query(
      `SELECT matter_code, revoked_at FROM onegate.consent_grant WHERE matter_code IN ('NEWBORN_REGISTRATION', 'UTILITIES_TRANSFER')`,
    );
    expect(rows).toEqual([{ matter_code: 'UTILITIES_TRANSFER', revoked_at: null }]);
  });

  it("lists for a Longyou clerk only Zhang Hao's active grants that cover its matter, case and hall, and records the listing", async () => {
    const mine = (input: Record<string, unknown>) => grant(input, husband).then((res) => res.body.data!.grantConsent);
    const anyCase = await mine({ matter: 'HOUSE_TRANSFER', halls: ['JINGAN-01', 'LONGYOU-01'] });
    const thisCase = await mine({ matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-0777', hall: 'LONGYOU-01' });
    await mine({ matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-0778', halls: ['LONGYOU-01'] });
    await mine({ matter: 'HOUSE_TRANSFER', hall: 'JINGAN-01' });
    // Naming no hall: it covers nobody until its QR code is used at a window.
    await mine({ matter: 'HOUSE_TRANSFER' });
    await mine({ matter: 'HOUSE_TRANSFER', departments: ['NATURAL_RESOURCES'] });
    await mine({ matter: 'RETIREMENT', halls: ['LONGYOU-01'] });
    const revoked = await mine({ matter: 'HOUSE_TRANSFER', halls: ['LONGYOU-01'] });
    expect((await t.graphql(REVOKE, { id: revoked.id }, husband)).body.errors).toBeUndefined();

    const COVERING = `query($id: IdNumber!, $matter: String!, $case: String!) {
      consentsCovering(idNumber: $id, matter: $matter, caseNumber: $case) { id matter caseNumber hall halls departments grantedAt expiresAt }
    }`;
    const clerk = await t.token({ role: 'clerk', sub: 'C-LY-007', hall: 'LONGYOU-01' });
    const res = await t.graphql<{ consentsCovering: Array<Record<string, unknown>> }>(
      COVERING,
      { id: HUSBAND, matter: 'HOUSE_TRANSFER', case: 'LY-2026-0777' },
      clerk,
    );
    expect(res.body.errors).toBeUndefined();
    // Newest first; never a token.
    expect(res.body.data!.consentsCovering.map((g) => g.id)).toEqual([thisCase.id, anyCase.id]);
    expect(res.body.data!.consentsCovering[0]).toEqual({
      id: thisCase.id,
      matter: 'HOUSE_TRANSFER',
      caseNumber: 'LY-2026-0777',
      hall: 'LONGYOU-01',
      halls: ['LONGYOU-01'],
      departments: [],
      grantedAt: thisCase.grantedAt,
      expiresAt: thisCase.expiresAt,
    });
    const listed = await owner.query(
      `SELECT kind, actor_id, subject_id, matter, case_number, outcome, detail FROM onegate.ledger_entry WHERE request_id = $1`,
      [res.headers['x-request-id']],
    );
    expect(listed.rows).toEqual([
      {
        kind: 'CONSENT_LOOKUP',
        actor_id: 'C-LY-007',
        subject_id: HUSBAND,
        matter: 'HOUSE_TRANSFER',
        case_number: 'LY-2026-0777',
        outcome: 'GRANTED',
        detail: { grants: 2 },
      },
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

describe('consent bound to the halls and departments it names (§I 44)', () => {
  let t: TestApp;
  let owner: pg.Client;
  let liWei: string;
  let longyou: string;
  let jingan: string;

  const COVERING = `query($id: IdNumber!, $matter: String!, $case: String!) {
    consentsCovering(idNumber: $id, matter: $matter, caseNumber: $case) { id halls departments }
  }`;
  const LOOKUP = 'query($id: IdNumber!, $p: PurposeInput!) { citizen(idNumber: $id, purpose: $p) { person { name } } }';
  const grant = async (input: Record<string, unknown>) => {
    const res = await t.graphql<{ grantConsent: Grant }>(GRANT, { input }, liWei);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.grantConsent;
  };
  const covering = async (clerk: string, caseNumber: string) => {
    const res = await t.graphql<{ consentsCovering: Array<{ id: string; halls: string[] }> }>(
      COVERING,
      { id: LI_WEI, matter: 'MARRIAGE_REGISTRATION', case: caseNumber },
      clerk,
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.consentsCovering.map((g) => g.id);
  };
  /** A lookup of Li Wei's identity under MARRIAGE_REGISTRATION (any jurisdiction: both halls have standing). */
  const lookUp = (clerk: string, caseNumber: string, consent: string) =>
    t.graphql<{ citizen: { person: { name: string } | null } }>(LOOKUP, { id: LI_WEI, p: { matter: 'MARRIAGE_REGISTRATION', caseNumber, consent } }, clerk);
  const hallsOf = async (id: string) => (await owner.query('SELECT halls, departments FROM onegate.consent_grant WHERE id = $1', [id])).rows[0];

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    liWei = await t.token({ role: 'citizen', sub: LI_WEI });
    longyou = await t.token({ role: 'clerk', sub: 'C-LY-007', hall: 'LONGYOU-01' });
    jingan = await t.token({ role: 'clerk', sub: 'C-JA-001', hall: 'JINGAN-01' });
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('offers the registry halls by name', async () => {
    const res = await t.graphql<{ serviceHalls: Array<{ code: string; name: string; nameZh: string; regionCode: string }> }>(
      '{ serviceHalls { code name nameZh regionCode } }',
      undefined,
      liWei,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.serviceHalls).toContainEqual({
      code: 'LONGYOU-01',
      name: 'Longyou County One-Window Hall',
      nameZh: '龙游县政务服务中心',
      regionCode: '330825',
    });
  });

  it('a clerk of another hall neither finds nor uses a grant for Longyou; a Longyou clerk does both', async () => {
    const forLongyou = await grant({ matter: 'MARRIAGE_REGISTRATION', caseNumber: 'MR-44-1', halls: ['LONGYOU-01'] });
    expect(forLongyou).toMatchObject({ halls: ['LONGYOU-01'], departments: [], hall: 'LONGYOU-01' });

    expect(await covering(jingan, 'MR-44-1')).toEqual([]);
    for (const reference of [forLongyou.id, forLongyou.token!]) {
      const refused = await lookUp(jingan, 'MR-44-1', reference);
      expect(refused.body.data!.citizen.person).toBeNull();
      // The same answer as an unknown grant: deny by default.
      expect(refused.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_NOT_COVERING' });
    }

    expect(await covering(longyou, 'MR-44-1')).toEqual([forLongyou.id]);
    const allowed = await lookUp(longyou, 'MR-44-1', forLongyou.id);
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data!.citizen.person).not.toBeNull();
  });

  it('a grant naming no hall covers nobody by id; its QR token used at a window binds it to that hall', async () => {
    const atTheWindow = await grant({ matter: 'MARRIAGE_REGISTRATION', caseNumber: 'MR-44-2' });
    expect(atTheWindow).toMatchObject({ halls: [], departments: [], hall: null, status: 'ACTIVE' });
    expect(await covering(longyou, 'MR-44-2')).toEqual([]);
    expect(await covering(jingan, 'MR-44-2')).toEqual([]);
    expect((await lookUp(longyou, 'MR-44-2', atTheWindow.id)).body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_NOT_COVERING' });
    expect(await hallsOf(atTheWindow.id)).toEqual({ halls: [], departments: [] });

    // Li Wei shows the QR code at the Jing'an window; the clerk scans it.
    const scanned = await lookUp(jingan, 'MR-44-2', atTheWindow.token!);
    expect(scanned.body.errors).toBeUndefined();
    expect(scanned.body.data!.citizen.person).not.toBeNull();
    expect(await hallsOf(atTheWindow.id)).toEqual({ halls: ['JINGAN-01'], departments: [] });
    const bind = await owner.query(
      `SELECT kind, actor_id, actor_hall, subject_id, outcome, detail FROM onegate.ledger_entry WHERE consent_ref = $1 AND kind = 'CONSENT_BIND'`,
      [atTheWindow.id],
    );
    expect(bind.rows).toEqual([
      { kind: 'CONSENT_BIND', actor_id: 'C-JA-001', actor_hall: 'JINGAN-01', subject_id: LI_WEI, outcome: 'GRANTED', detail: { hall: 'JINGAN-01' } },
    ]);

    // Bound: Jing'an now finds it; Longyou can use it neither by id nor by the same token.
    expect(await covering(jingan, 'MR-44-2')).toEqual([atTheWindow.id]);
    expect(await covering(longyou, 'MR-44-2')).toEqual([]);
    for (const reference of [atTheWindow.id, atTheWindow.token!]) {
      expect((await lookUp(longyou, 'MR-44-2', reference)).body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_NOT_COVERING' });
    }
    const mine = await t.graphql<{ myConsents: Grant[] }>(`{ myConsents { id halls } }`, undefined, liWei);
    expect(mine.body.data!.myConsents.find((g) => g.id === atTheWindow.id)).toEqual({ id: atTheWindow.id, halls: ['JINGAN-01'] });
  });

  it('a token scanned for another case or citizen binds nothing', async () => {
    const forCase = await grant({ matter: 'MARRIAGE_REGISTRATION', caseNumber: 'MR-44-3' });
    const wrongCase = await lookUp(jingan, 'MR-44-9', forCase.token!);
    expect(wrongCase.body.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_NOT_COVERING' });
    const otherCitizen = await t.graphql(
      LOOKUP,
      { id: '330825198611021315', p: { matter: 'MARRIAGE_REGISTRATION', caseNumber: 'MR-44-3', consent: forCase.token } },
      jingan,
    );
    expect((otherCitizen.body.errors as Array<{ extensions: unknown }>)[0]!.extensions).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_NOT_COVERING' });
    expect(await hallsOf(forCase.id)).toEqual({ halls: [], departments: [] });
  });

  it('a department system finds only grants naming its department', async () => {
    const COVERING_RETIREMENT = `query($id: IdNumber!) { consentsCovering(idNumber: $id, matter: "RETIREMENT", caseNumber: "HR-44-1") { id departments } }`;
    const forHr = await grant({ matter: 'RETIREMENT', departments: ['HUMAN_RESOURCES'] });
    await grant({ matter: 'RETIREMENT', halls: ['LONGYOU-01'] });
    const hr = await t.token({ role: 'department', sub: 'hr-pension', department: 'HUMAN_RESOURCES' });
    const civil = await t.token({ role: 'department', sub: 'civil-affairs-registry', department: 'CIVIL_AFFAIRS' });
    const seen = await t.graphql<{ consentsCovering: Array<{ id: string; departments: string[] }> }>(COVERING_RETIREMENT, { id: LI_WEI }, hr);
    expect(seen.body.errors).toBeUndefined();
    expect(seen.body.data!.consentsCovering).toEqual([{ id: forHr.id, departments: ['HUMAN_RESOURCES'] }]);
    const other = await t.graphql<{ consentsCovering: unknown[] }>(COVERING_RETIREMENT, { id: LI_WEI }, civil);
    expect(other.body.data!.consentsCovering).toEqual([]);
  });

  it("refuses a clerk token naming a hall outside the registry, or a region other than its hall's", async () => {
    const unknownHall = await t.token({ role: 'clerk', sub: 'C-PD-007', hall: 'PUDONG-07', region: '310115' });
    const wrongRegion = await t.token({ role: 'clerk', sub: 'C-JA-002', hall: 'JINGAN-01', region: '330825' });
    for (const token of [unknownHall, wrongRegion]) {
      const res = await t.graphql(COVERING, { id: LI_WEI, matter: 'MARRIAGE_REGISTRATION', case: 'MR-44-1' }, token);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_CLAIMS_INVALID' });
    }
    // The hall's own region passes.
    const right = await t.token({ role: 'clerk', sub: 'C-JA-002', hall: 'JINGAN-01', region: '310106' });
    expect((await t.graphql('{ me { hall region } }', undefined, right)).body.data).toEqual({ me: { hall: 'JINGAN-01', region: '310106' } });
  });

  it('backfills grants of the single-hall column: its hall, else the halls and departments that relied on it, else none', async () => {
    const oneHall = await grant({ matter: 'MARRIAGE_REGISTRATION', caseNumber: 'MR-44-5', halls: ['LONGYOU-01'] });
    const used = await grant({ matter: 'MARRIAGE_REGISTRATION', caseNumber: 'MR-44-6', halls: ['LONGYOU-01'] });
    expect((await lookUp(longyou, 'MR-44-6', used.id)).body.errors).toBeUndefined();
    const unused = await grant({ matter: 'MARRIAGE_REGISTRATION', caseNumber: 'MR-44-7', halls: ['JINGAN-01'] });
    const { ConsentScope1795300000720 } = await import('../migrations/1795300000720-ConsentScope.js');
    const migration = new ConsentScope1795300000720();
    const runner = { query: async (sql: string, params?: unknown[]) => (await owner.query(sql, params)).rows } as unknown as Parameters<typeof migration.up>[0];
    await migration.down(runner);
    try {
      // As before the change: `used` and `unused` were for any hall.
      await owner.query('UPDATE onegate.consent_grant SET hall = NULL WHERE id = ANY($1::uuid[])', [[used.id, unused.id]]);
    } finally {
      await migration.up(runner);
    }
    expect(await hallsOf(oneHall.id)).toEqual({ halls: ['LONGYOU-01'], departments: [] });
    expect(await hallsOf(used.id)).toEqual({ halls: ['LONGYOU-01'], departments: [] });
    expect(await hallsOf(unused.id)).toEqual({ halls: [], departments: [] });
  });
});
