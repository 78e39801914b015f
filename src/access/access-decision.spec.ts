import { describe, expect, it } from '@jest/globals';
import { readCatalogFiles } from '../catalog/catalog-files.js';
import type { Principal } from '../identity/principal.js';
import {
  conditionItems,
  consentCovers,
  decideAccess,
  decideCertificateTypes,
  decideConsentListing,
  decideIssuance,
  subjectRegion,
  withinJurisdiction,
  type AccessRequest,
  type ConsentFacts,
  type IssuableType,
  type MatterRules,
} from './access-decision.js';

const LI_WEI = '330825198803142023';
const ZHANG_HAO = '330825198611021315';
const NOW = new Date('2026-11-22T02:00:00Z');
const EXPIRES = new Date('2026-11-23T02:00:00Z');
const MATTERS = new Map<string, MatterRules>(readCatalogFiles().matters.map((m) => [m.code, m]));
const HOUSE_ITEMS = ['person.identity', 'household.registration', 'marriage.registration', 'property.rights'];

const tokenExpiresAt = new Date('2026-11-22T03:00:00Z');
const longyouClerk: Principal = { kind: 'clerk', id: 'C-001', hall: 'LONGYOU-01', region: '330825', tokenExpiresAt };
const jinganClerk: Principal = { kind: 'clerk', id: 'C-002', hall: 'JINGAN-01', region: '310106', tokenExpiresAt };
const hangzhouClerk: Principal = { kind: 'clerk', id: 'C-003', hall: 'HZ-01', region: '330106', tokenExpiresAt };

const consent = (overrides: Partial<ConsentFacts> = {}): ConsentFacts => ({
  id: 'consent-1',
  citizen: LI_WEI,
  matter: 'HOUSE_TRANSFER',
  caseNumber: null,
  hall: null,
  expiresAt: EXPIRES,
  revokedAt: null,
  ...overrides,
});

const request = (overrides: Partial<AccessRequest> = {}): AccessRequest => ({
  principal: longyouClerk,
  matter: MATTERS.get('HOUSE_TRANSFER')!,
  caseNumber: 'LY-2026-0042',
  subject: { kind: 'PERSON', id: LI_WEI },
  items: HOUSE_ITEMS,
  consent: consent(),
  now: NOW,
  ...overrides,
});

/** A subject of 60 or more, for SENIOR_CERTIFICATE's condition. */
const SIXTY_PLUS = new Map([['person.identity', [{ birthDate: '1950-01-15' }]]]);

const reasons = (req: AccessRequest) => [...new Set(decideAccess(req).denied.map((d) => d.reason))];

describe('decideAccess', () => {
  it("grants a Longyou clerk Li Wei's house-transfer items with her consent", () => {
    expect(decideAccess(request())).toEqual({ granted: HOUSE_ITEMS, denied: [] });
  });

  it('denies every item without consent where the matter requires it', () => {
    expect(decideAccess(request({ consent: null }))).toEqual({
      granted: [],
      denied: HOUSE_ITEMS.map((item) => ({ item, reason: 'CONSENT_MISSING' })),
    });
  });

  it('denies with the rejection reason when a consent reference was presented but gave nothing', () => {
    expect(reasons(request({ consent: null, consentRejected: 'CONSENT_NOT_COVERING' }))).toEqual(['CONSENT_NOT_COVERING']);
    expect(reasons(request({ consent: null, consentRejected: 'CONSENT_EXPIRED' }))).toEqual(['CONSENT_EXPIRED']);
    // Where the matter needs no consent, a rejected reference changes nothing.
    expect(
      decideAccess(
        request({
          matter: MATTERS.get('SENIOR_CERTIFICATE')!,
          consent: null,
          consentRejected: 'CONSENT_NOT_COVERING',
          items: ['person.identity'],
          subjectRecords: SIXTY_PLUS,
        }),
      ).granted,
    ).toEqual(['person.identity']);
  });

  it('under SENIOR_CERTIFICATE grants identity and household only (deny by default for the rest)', () => {
    const decision = decideAccess(request({ matter: MATTERS.get('SENIOR_CERTIFICATE')!, consent: null, subjectRecords: SIXTY_PLUS }));
    expect(decision.granted).toEqual(['person.identity', 'household.registration']);
    expect(decision.denied).toEqual([
      { item: 'marriage.registration', reason: 'ITEM_NOT_ALLOWED' },
      { item: 'property.rights', reason: 'ITEM_NOT_ALLOWED' },
    ]);
  });

  it.each<[string, Partial<AccessRequest>, string]>([
    ['an unknown matter', { matter: null }, 'MATTER_UNKNOWN'],
    ['an auditor', { principal: { kind: 'auditor', id: 'A-1', tokenExpiresAt } }, 'ROLE_NEVER_READS_RECORDS'],
    ['an admin', { principal: { kind: 'admin', id: 'ADM-1', tokenExpiresAt } }, 'ROLE_NEVER_READS_RECORDS'],
    [
      'an agency that decides tasks but holds no records',
      { principal: { kind: 'department', id: 'svc-hcs', department: 'HEALTHCARE_SECURITY', tokenExpiresAt } },
      'AGENCY_HOLDS_NO_RECORDS',
    ],
    [
      'a department under a clerks-only matter',
      { principal: { kind: 'department', id: 'nr', department: 'NATURAL_RESOURCES', tokenExpiresAt }, matter: MATTERS.get('UTILITIES_TRANSFER')! },
      'ROLE_NOT_ALLOWED_FOR_MATTER',
    ],
    ['a citizen under a clerk matter', { principal: { kind: 'citizen', id: LI_WEI, tokenExpiresAt } }, 'ROLE_NOT_ALLOWED_FOR_MATTER'],
    ['a hall in another province', { principal: jinganClerk }, 'OUTSIDE_JURISDICTION'],
    ['an enterprise under a person matter', { subject: { kind: 'ENTERPRISE', id: '91330825MA2H3X7N4C' } }, 'SUBJECT_NOT_COVERED'],
    ['an expired consent', { consent: consent({ expiresAt: NOW }) }, 'CONSENT_EXPIRED'],
    ['a revoked consent', { consent: consent({ revokedAt: new Date(NOW.getTime() - 1000) }) }, 'CONSENT_REVOKED'],
    ["another citizen's consent", { subject: { kind: 'PERSON', id: ZHANG_HAO } }, 'CONSENT_NOT_COVERING'],
    ['a consent for another matter', { consent: consent({ matter: 'RETIREMENT' }) }, 'CONSENT_NOT_COVERING'],
    ['a consent for another case', { consent: consent({ caseNumber: 'LY-2026-0001' }) }, 'CONSENT_NOT_COVERING'],
    ['a consent for another hall', { consent: consent({ hall: 'JINGAN-01' }) }, 'CONSENT_NOT_COVERING'],
  ])('denies everything for %s', (_what, overrides, reason) => {
    const decision = decideAccess(request(overrides));
    expect(decision.granted).toEqual([]);
    expect(reasons(request(overrides))).toEqual([reason]);
  });

  it('accepts a consent limited to this case and hall, and a revocation scheduled for later', () => {
    const limited = consent({ caseNumber: 'LY-2026-0042', hall: 'LONGYOU-01', revokedAt: EXPIRES });
    expect(decideAccess(request({ consent: limited })).granted).toEqual(HOUSE_ITEMS);
  });

  it("lets a hall anywhere in the province handle a PROVINCE matter, but only the county's own for COUNTY", () => {
    expect(decideAccess(request({ principal: hangzhouClerk })).granted).toEqual(HOUSE_ITEMS);
    const senior = request({ principal: hangzhouClerk, matter: MATTERS.get('SENIOR_CERTIFICATE')!, consent: null, subjectRecords: SIXTY_PLUS });
    expect(reasons(senior)).toEqual(['OUTSIDE_JURISDICTION']);
  });

  it("lets a citizen read their own records under SELF_SERVICE, never someone else's", () => {
    const citizen: Principal = { kind: 'citizen', id: LI_WEI, tokenExpiresAt };
    const own = request({ principal: citizen, matter: MATTERS.get('SELF_SERVICE')!, consent: null });
    expect(decideAccess(own).granted).toEqual(HOUSE_ITEMS);
    expect(reasons({ ...own, subject: { kind: 'PERSON', id: ZHANG_HAO } })).toEqual(['NOT_OWN_RECORDS']);
  });

  it('lets a department system handle RETIREMENT with consent, but not read items the matter lacks', () => {
    const hr: Principal = { kind: 'department', id: 'hr-system', department: 'HUMAN_RESOURCES', tokenExpiresAt };
    const decision = decideAccess(
      request({
        principal: hr,
        matter: MATTERS.get('RETIREMENT')!,
        consent: consent({ matter: 'RETIREMENT' }),
        items: ['social_insurance.account', 'property.rights'],
      }),
    );
    expect(decision).toEqual({ granted: ['social_insurance.account'], denied: [{ item: 'property.rights', reason: 'ITEM_NOT_ALLOWED' }] });
  });

  it('decides each item once even when a query selects it twice', () => {
    expect(decideAccess(request({ items: ['person.identity', 'person.identity'] })).granted).toEqual(['person.identity']);
  });
});

describe('jurisdiction', () => {
  it('reads the division from ID numbers and credit codes', () => {
    expect(subjectRegion({ kind: 'PERSON', id: LI_WEI })).toBe('330825');
    expect(subjectRegion({ kind: 'ENTERPRISE', id: '91330825MA2H3X7N4C' })).toBe('330825');
    expect(subjectRegion({ kind: 'ENTERPRISE', id: '91ABCDEFMA2H3X7N4C' })).toBeNull();
  });

  it('compares 2, 4 or 6 digits', () => {
    const subject = { kind: 'PERSON' as const, id: LI_WEI };
    expect(withinJurisdiction('ANY', '640106', subject)).toBe(true);
    expect(withinJurisdiction('PROVINCE', '330106', subject)).toBe(true);
    expect(withinJurisdiction('CITY', '330106', subject)).toBe(false);
    expect(withinJurisdiction('CITY', '330801', subject)).toBe(true);
    expect(withinJurisdiction('COUNTY', '330801', subject)).toBe(false);
    expect(withinJurisdiction('COUNTY', '330825', subject)).toBe(true);
  });
});

describe('decideIssuance', () => {
  const marriageCertificate: IssuableType = {
    code: 'MARRIAGE_CERTIFICATE',
    issuer: 'CIVIL_AFFAIRS',
    subject: 'PERSON',
    dataItems: ['person.identity', 'marriage.registration'],
    issuedUnder: ['MARRIAGE_REGISTRATION'],
  };
  const civilAffairs: Principal = { kind: 'department', id: 'civil-affairs-system', department: 'CIVIL_AFFAIRS', tokenExpiresAt };
  const health: Principal = { kind: 'department', id: 'health-system', department: 'HEALTH', tokenExpiresAt };
  const OWNERS = new Map([
    ['person.identity', 'PUBLIC_SECURITY'],
    ['household.registration', 'PUBLIC_SECURITY'],
    ['marriage.registration', 'CIVIL_AFFAIRS'],
  ]);
  const issuance = (overrides: Partial<Parameters<typeof decideIssuance>[0]> = {}) =>
    decideIssuance({
      principal: civilAffairs,
      type: marriageCertificate,
      itemOwners: OWNERS,
      matter: null,
      caseNumber: null,
      subject: { kind: 'PERSON', id: LI_WEI },
      consent: null,
      now: NOW,
      ...overrides,
    });

  it('lets the issuing department issue without a purpose only a type built from its own items, and no other department', () => {
    const publicSecurity: Principal = { kind: 'department', id: 'ps-system', department: 'PUBLIC_SECURITY', tokenExpiresAt };
    const extract: IssuableType = {
      code: 'HOUSEHOLD_REGISTER_EXTRACT',
      issuer: 'PUBLIC_SECURITY',
      subject: 'PERSON',
      dataItems: ['person.identity', 'household.registration'],
      issuedUnder: [],
    };
    expect(issuance({ principal: publicSecurity, type: extract })).toEqual({ allowed: true });
    // The marriage certificate's name and ID number come from Public Security's records.
    expect(issuance()).toEqual({ allowed: false, reason: 'PURPOSE_REQUIRED_FOR_OTHER_DEPARTMENTS_ITEMS' });
    expect(issuance({ principal: health })).toEqual({ allowed: false, reason: 'NOT_THE_ISSUING_DEPARTMENT' });
  });

  it("lets the issuing department issue from other departments' items under a purpose, with what the matter needs", () => {
    const matter = MATTERS.get('MARRIAGE_REGISTRATION')!;
    expect(issuance({ matter, caseNumber: 'MR-1' })).toEqual({ allowed: false, reason: 'CONSENT_MISSING' });
    expect(issuance({ matter, caseNumber: 'MR-1', consent: consent({ matter: 'MARRIAGE_REGISTRATION' }) })).toEqual({ allowed: true });
    expect(issuance({ matter: MATTERS.get('HOUSE_TRANSFER')!, caseNumber: 'MR-1', consent: consent() })).toEqual({
      allowed: false,
      reason: 'MATTER_DOES_NOT_ISSUE_TYPE',
    });
  });

  it("judges the matter's subject conditions before issuing: a senior citizen certificate for someone under 60 is refused", () => {
    const senior: IssuableType = {
      code: 'SENIOR_CITIZEN_CERTIFICATE',
      issuer: 'CIVIL_AFFAIRS',
      subject: 'PERSON',
      dataItems: ['person.identity', 'household.registration'],
      issuedUnder: ['SENIOR_CERTIFICATE'],
    };
    const base = { type: senior, matter: MATTERS.get('SENIOR_CERTIFICATE')!, caseNumber: 'SC-1' };
    expect(issuance(base)).toEqual({ allowed: false, reason: 'SUBJECT_CONDITION_NOT_MET' });
    const identity = (birthDate: string) => new Map([['person.identity', [{ birthDate }]]]);
    expect(issuance({ ...base, subjectRecords: identity('1988-03-14') })).toEqual({ allowed: false, reason: 'SUBJECT_CONDITION_NOT_MET' });
    expect(issuance({ ...base, subjectRecords: identity('1966-05-20') })).toEqual({ allowed: true });
    expect(issuance({ ...base, principal: civilAffairs, type: { ...senior, issuedUnder: [] } })).toEqual({
      allowed: false,
      reason: 'MATTER_DOES_NOT_ISSUE_TYPE',
    });
  });

  it('lets a clerk issue only under a matter that issues the type, with what that matter needs', () => {
    const matter = MATTERS.get('MARRIAGE_REGISTRATION')!;
    const clerk = { principal: longyouClerk, caseNumber: 'LY-2026-0042' };
    expect(issuance({ ...clerk, matter, consent: consent({ matter: 'MARRIAGE_REGISTRATION' }) })).toEqual({ allowed: true });
    // The matter needs consent.
    expect(issuance({ ...clerk, matter })).toEqual({ allowed: false, reason: 'CONSENT_MISSING' });
    // HOUSE_TRANSFER reads the same items but does not issue marriage certificates.
    expect(issuance({ ...clerk, matter: MATTERS.get('HOUSE_TRANSFER')!, consent: consent() })).toEqual({
      allowed: false,
      reason: 'MATTER_DOES_NOT_ISSUE_TYPE',
    });
    expect(issuance({ ...clerk })).toEqual({ allowed: false, reason: 'MATTER_UNKNOWN' });
  });

  it('refuses citizens, auditors, admins and the wrong kind of subject', () => {
    expect(issuance({ principal: { kind: 'citizen', id: LI_WEI, tokenExpiresAt } })).toEqual({ allowed: false, reason: 'ROLE_MAY_NOT_ISSUE' });
    expect(issuance({ principal: { kind: 'auditor', id: 'A-1', tokenExpiresAt } })).toEqual({ allowed: false, reason: 'ROLE_NEVER_READS_RECORDS' });
    expect(issuance({ principal: { kind: 'admin', id: 'AD-1', tokenExpiresAt } })).toEqual({ allowed: false, reason: 'ROLE_NEVER_READS_RECORDS' });
    expect(issuance({ principal: { kind: 'department', id: 'svc-water', department: 'WATER_SUPPLY', tokenExpiresAt } })).toEqual({
      allowed: false,
      reason: 'AGENCY_HOLDS_NO_RECORDS',
    });
    expect(issuance({ subject: { kind: 'ENTERPRISE', id: '91330782MA2E00017B' } })).toEqual({ allowed: false, reason: 'SUBJECT_NOT_COVERED' });
  });
});

describe('subject conditions', () => {
  const CHEN_MING = '440105194002290556';
  const haizhuClerk: Principal = { kind: 'clerk', id: 'C-HZ-1', hall: 'HAIZHU-01', region: '440105', tokenExpiresAt };
  const deceased = (records: Array<Record<string, unknown>> | null) =>
    request({
      principal: haizhuClerk,
      matter: MATTERS.get('DECEASED_AFFAIRS')!,
      subject: { kind: 'PERSON', id: CHEN_MING },
      consent: null,
      items: ['death.medical_certificate', 'person.identity'],
      subjectRecords: new Map([['death.medical_certificate', records]]),
    });
  const senior = (birthDate: unknown, overrides: Partial<AccessRequest> = {}) =>
    request({
      matter: MATTERS.get('SENIOR_CERTIFICATE')!,
      consent: null,
      items: ['person.identity'],
      subjectRecords: new Map([['person.identity', birthDate === undefined ? [] : [{ birthDate }]]]),
      ...overrides,
    });
  const newborn = (birthDate: string) =>
    request({
      matter: MATTERS.get('NEWBORN_REGISTRATION')!,
      consent: consent({ matter: 'NEWBORN_REGISTRATION' }),
      items: ['birth.medical_certificate'],
      subjectRecords: new Map([['person.identity', [{ birthDate }]]]),
    });

  it("asks for the records a matter's conditions are judged from, only when the request otherwise stands", () => {
    const { items: _i, subjectRecords: _r, ...affairs } = deceased(null);
    expect(conditionItems(affairs)).toEqual(['death.medical_certificate']);
    expect(conditionItems({ ...affairs, principal: longyouClerk })).toEqual([]); // outside jurisdiction: nothing is read
    expect(conditionItems({ ...affairs, matter: MATTERS.get('HOUSE_TRANSFER')!, consent: consent({ citizen: CHEN_MING }) })).toEqual([]);
  });

  it('releases DECEASED_AFFAIRS records only about someone with a death record', () => {
    expect(decideAccess(deceased([{ date: '2026-10-01' }])).granted).toEqual(['death.medical_certificate', 'person.identity']);
    expect(reasons(deceased([]))).toEqual(['SUBJECT_CONDITION_NOT_MET']);
    expect(reasons(deceased(null))).toEqual(['SUBJECT_CONDITION_UNVERIFIED']);
    const { subjectRecords: _r, ...unread } = deceased([]);
    expect(reasons(unread)).toEqual(['SUBJECT_CONDITION_NOT_MET']);
  });

  it('releases SENIOR_CERTIFICATE records only from the 60th birthday on, and never without a birth date', () => {
    const on = (at: string) => ({ now: new Date(at) });
    expect(reasons(senior('1988-03-14'))).toEqual(['SUBJECT_CONDITION_NOT_MET']);
    expect(decideAccess(senior('1966-05-20', on('2026-05-20T00:00:00Z'))).granted).toEqual(['person.identity']);
    expect(reasons(senior('1966-05-20', on('2026-05-19T23:59:59Z')))).toEqual(['SUBJECT_CONDITION_NOT_MET']);
    expect(reasons(senior(undefined))).toEqual(['SUBJECT_CONDITION_NOT_MET']);
    expect(reasons(senior('not a date'))).toEqual(['SUBJECT_CONDITION_NOT_MET']);
  });

  it('releases NEWBORN_REGISTRATION records only about a minor', () => {
    expect(decideAccess(newborn('2026-09-18')).granted).toEqual(['birth.medical_certificate']);
    expect(reasons(newborn('1988-03-14'))).toEqual(['SUBJECT_CONDITION_NOT_MET']);
    // NOW is 2026-11-22: 18 that day is no longer a minor, the day before turning 18 still is.
    expect(reasons(newborn('2008-11-22'))).toEqual(['SUBJECT_CONDITION_NOT_MET']);
    expect(decideAccess(newborn('2008-11-23')).granted).toEqual(['birth.medical_certificate']);
  });
});

describe('decideCertificateTypes', () => {
  const { items: _items, ...base } = request();
  it('shows the types the matter accepts when the request is allowed, none otherwise', () => {
    expect(decideCertificateTypes(base, ['MARRIAGE_CERTIFICATE', 'MARRIAGE_CERTIFICATE'])).toEqual({ allowed: ['MARRIAGE_CERTIFICATE'], denial: null });
    expect(decideCertificateTypes({ ...base, consent: null }, ['MARRIAGE_CERTIFICATE'])).toEqual({ allowed: [], denial: 'CONSENT_MISSING' });
    expect(decideCertificateTypes({ ...base, principal: jinganClerk }, ['MARRIAGE_CERTIFICATE'])).toEqual({ allowed: [], denial: 'OUTSIDE_JURISDICTION' });
  });
});

describe('decideConsentListing', () => {
  const listing = (overrides: Partial<AccessRequest> = {}) => {
    const { principal, matter, subject } = request(overrides);
    return decideConsentListing({ principal, matter, subject });
  };

  it("lets a clerk with standing list the citizen's grants, whatever consent is presented", () => {
    expect(listing({ consent: null })).toBeNull();
  });

  it('refuses the checks of a lookup short of consent: role, matter, jurisdiction, subject kind', () => {
    expect(listing({ principal: jinganClerk })).toBe('OUTSIDE_JURISDICTION');
    expect(listing({ matter: null })).toBe('MATTER_UNKNOWN');
    expect(listing({ principal: { kind: 'auditor', id: 'AUD-001', tokenExpiresAt } })).toBe('ROLE_NEVER_READS_RECORDS');
    expect(listing({ principal: { kind: 'department', id: 'svc-gas', department: 'GAS_SUPPLY', tokenExpiresAt } })).toBe('AGENCY_HOLDS_NO_RECORDS');
    expect(listing({ subject: { kind: 'ENTERPRISE', id: '91330825MA2K1Q3X4B' } })).toBe('SUBJECT_NOT_COVERED');
  });

  it('refuses citizens, who list their own grants with myConsents', () => {
    expect(listing({ principal: { kind: 'citizen', id: LI_WEI, tokenExpiresAt } })).toBe('ROLE_NOT_ALLOWED_FOR_MATTER');
  });
});

describe('consentCovers', () => {
  const matter = { code: 'HOUSE_TRANSFER' };
  const scope = { principal: longyouClerk, subject: { kind: 'PERSON' as const, id: LI_WEI }, caseNumber: 'LY-2026-0042', matter };

  it('covers the same citizen and matter, any case and hall when the grant names none', () => {
    expect(consentCovers(consent(), scope)).toBe(true);
    expect(consentCovers(consent({ caseNumber: 'LY-2026-0042', hall: 'LONGYOU-01' }), scope)).toBe(true);
  });

  it('does not cover another case, hall, matter or citizen, nor a hall-limited grant for a department system', () => {
    expect(consentCovers(consent({ caseNumber: 'LY-2026-0043' }), scope)).toBe(false);
    expect(consentCovers(consent({ hall: 'JINGAN-01' }), scope)).toBe(false);
    expect(consentCovers(consent({ matter: 'RETIREMENT' }), scope)).toBe(false);
    expect(consentCovers(consent({ citizen: ZHANG_HAO }), scope)).toBe(false);
    const department: Principal = { kind: 'department', id: 'sys-hrss', department: 'HUMAN_RESOURCES', tokenExpiresAt };
    expect(consentCovers(consent({ hall: 'LONGYOU-01' }), { ...scope, principal: department })).toBe(false);
  });
});
