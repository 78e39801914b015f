import { describe, expect, it } from '@jest/globals';
import { readCatalogFiles } from '../catalog/catalog-files.js';
import type { Principal } from '../identity/principal.js';
import { decideAccess, type MatterRules } from './access-decision.js';
import {
  caseConsent,
  caseStandingDenial,
  partyDenial,
  possibleGrantors,
  relationToJudge,
  rulesForParty,
  type CaseGrantFacts,
  type CasePartyFacts,
} from './case-access.js';

const MOTHER = '330825198803142023';
const FATHER = '330825198611021315';
const CHILD = '330825202609180842';
const NOW = new Date('2026-11-22T02:00:00Z');
const LATER = new Date('2026-11-29T02:00:00Z');
const tokenExpiresAt = new Date('2026-11-22T03:00:00Z');
const clerk: Principal = { kind: 'clerk', id: 'C-001', hall: 'LONGYOU-01', region: '330825', tokenExpiresAt };
const otherHall: Principal = { kind: 'clerk', id: 'C-002', hall: 'JINGAN-01', region: '310106', tokenExpiresAt };
const MATTERS = new Map<string, MatterRules>(readCatalogFiles().matters.map((m) => [m.code, m]));
const NEWBORN = MATTERS.get('NEWBORN_REGISTRATION')!;
const role = (code: string) => NEWBORN.parties!.find((r) => r.role === code)!;
const CASE = { id: 'c', hall: 'LONGYOU-01', status: 'OPEN' as const, matter: 'NEWBORN_REGISTRATION', caseNumber: 'LONGYOU-01-2026-000001' };

const party = (subjectId: string, partyRole: string, relationStatus: CasePartyFacts['relationStatus'] = 'PROVEN'): CasePartyFacts => ({
  subjectId,
  subjectKind: 'PERSON',
  role: partyRole,
  relationStatus,
});
const grant = (overrides: Partial<CaseGrantFacts>): CaseGrantFacts => ({
  id: 'g',
  citizen: MOTHER,
  onBehalfOf: null,
  matter: 'NEWBORN_REGISTRATION',
  caseNumber: null,
  expiresAt: LATER,
  revokedAt: null,
  ...overrides,
});

describe('case standing and parties', () => {
  it("lets only the case's own hall work on it, and nothing on a closed case", () => {
    expect(caseStandingDenial(clerk, CASE)).toBeNull();
    expect(caseStandingDenial(otherHall, CASE)).toBe('CASE_NOT_FOUND');
    expect(caseStandingDenial({ kind: 'department', id: 'd', department: 'HEALTH', tokenExpiresAt }, CASE)).toBe('CASE_NOT_FOUND');
    expect(caseStandingDenial(clerk, null)).toBe('CASE_NOT_FOUND');
    expect(caseStandingDenial(clerk, { ...CASE, status: 'CLOSED' })).toBe('CASE_CLOSED');
  });

  it('reads a party only with its relation proven (or none needed)', () => {
    expect(partyDenial(clerk, CASE, null, null)).toBe('NOT_A_PARTY');
    expect(partyDenial(clerk, CASE, party(MOTHER, 'MOTHER'), role('MOTHER'))).toBeNull();
    expect(partyDenial(clerk, CASE, party(MOTHER, 'MOTHER', 'NOT_PROVEN'), role('MOTHER'))).toBe('RELATION_NOT_PROVEN');
    expect(partyDenial(clerk, CASE, party(MOTHER, 'MOTHER', 'AWAITING_PARTY'), role('MOTHER'))).toBe('RELATION_NOT_PROVEN');
    expect(partyDenial(clerk, CASE, party(MOTHER, 'MOTHER', 'UNVERIFIED'), role('MOTHER'))).toBe('RELATION_UNVERIFIED');
    expect(partyDenial(clerk, CASE, party(CHILD, 'CHILD', 'NOT_REQUIRED'), role('CHILD'))).toBeNull();
  });

  it('narrows the matter to the role: its items, its conditions, jurisdiction on the subject role only', () => {
    const child = rulesForParty(NEWBORN, role('CHILD'));
    expect(child.dataItems).toEqual(['person.identity', 'household.registration', 'birth.medical_certificate']);
    expect(child.subjectConditions).toEqual([{ condition: 'MINOR' }]);
    expect(child.jurisdiction).toBe(NEWBORN.jurisdiction);
    const mother = rulesForParty(NEWBORN, role('MOTHER'));
    expect(mother.jurisdiction).toBe('ANY');
    expect(mother.subjectConditions).toEqual([]);
    const decision = decideAccess({
      principal: clerk,
      matter: mother,
      caseNumber: CASE.caseNumber,
      subject: { kind: 'PERSON', id: MOTHER },
      items: ['person.identity', 'birth.medical_certificate'],
      consent: { id: 'g', citizen: MOTHER, matter: 'NEWBORN_REGISTRATION', caseNumber: null, hall: 'LONGYOU-01', expiresAt: LATER, revokedAt: null },
      now: NOW,
    });
    expect(decision).toEqual({ granted: ['person.identity'], denied: [{ item: 'birth.medical_certificate', reason: 'ITEM_NOT_ALLOWED' }] });
  });

  it('waits for the other party before judging a relation', () => {
    expect(relationToJudge(role('MOTHER'), [party(MOTHER, 'MOTHER')])).toEqual({ status: 'AWAITING_PARTY' });
    expect(relationToJudge(role('MOTHER'), [party(MOTHER, 'MOTHER'), party(CHILD, 'CHILD')])).toEqual({ other: party(CHILD, 'CHILD') });
    expect(relationToJudge(role('CHILD'), [])).toEqual({ status: 'NOT_REQUIRED' });
  });
});

describe('caseConsent', () => {
  const parties = [party(CHILD, 'CHILD', 'NOT_REQUIRED'), party(MOTHER, 'MOTHER'), party(FATHER, 'FATHER', 'NOT_PROVEN')];
  const judge = (who: CasePartyFacts, grants: CaseGrantFacts[], list = parties) =>
    caseConsent({ principal: clerk, found: CASE, role: role(who.role), party: who, parties: list, grants, now: NOW });

  it('covers an adult with their own grant, never with one they gave for someone else', () => {
    expect(judge(parties[1]!, [grant({})])).toMatchObject({ id: 'g', citizen: MOTHER, hall: 'LONGYOU-01' });
    expect(judge(parties[1]!, [grant({ onBehalfOf: CHILD })])).toBeNull();
    expect(possibleGrantors(role('MOTHER'), parties[1]!, parties)).toEqual([MOTHER]);
  });

  it('covers the newborn with a proven parent’s grant on its behalf, and not with an unproven one', () => {
    expect(possibleGrantors(role('CHILD'), parties[0]!, parties)).toEqual([MOTHER, FATHER]);
    expect(judge(parties[0]!, [grant({ id: 'mine', onBehalfOf: CHILD })])).toMatchObject({ id: 'mine', citizen: CHILD, grantor: MOTHER });
    expect(judge(parties[0]!, [grant({ citizen: FATHER, onBehalfOf: CHILD })])).toBeNull();
    // REQUIRED: the mother's own grant does not name the child.
    expect(judge(parties[0]!, [grant({})])).toBeNull();
  });

  it('passes over grants for another matter or case number, and prefers an active grant to a revoked one', () => {
    const mother = parties[1]!;
    expect(judge(mother, [grant({ matter: 'HOUSE_TRANSFER' })])).toBeNull();
    expect(judge(mother, [grant({ caseNumber: 'OTHER-1' })])).toBeNull();
    expect(judge(mother, [grant({ caseNumber: CASE.caseNumber })])).not.toBeNull();
    const revoked = grant({ id: 'revoked', revokedAt: NOW });
    expect(judge(mother, [revoked, grant({ id: 'active' })])).toMatchObject({ id: 'active' });
    expect(judge(mother, [revoked])).toMatchObject({ id: 'revoked', revokedAt: NOW });
  });

  it("lets a proven next of kin's own grant cover the deceased where the role allows it", () => {
    const deceasedAffairs = MATTERS.get('DECEASED_AFFAIRS')!;
    const deceasedRole = deceasedAffairs.parties!.find((r) => r.role === 'DECEASED')!;
    const chenMing = { ...party('440105194002290556', 'DECEASED', 'NOT_REQUIRED') };
    const chenLan = party('440105196808080661', 'APPLICANT');
    const own = grant({ citizen: chenLan.subjectId, matter: 'DECEASED_AFFAIRS' });
    const found = { ...CASE, matter: 'DECEASED_AFFAIRS' };
    expect(caseConsent({ principal: clerk, found, role: deceasedRole, party: chenMing, parties: [chenMing, chenLan], grants: [own], now: NOW })).toMatchObject({
      citizen: chenMing.subjectId,
      grantor: chenLan.subjectId,
    });
    const unproven = { ...chenLan, relationStatus: 'NOT_PROVEN' as const };
    expect(caseConsent({ principal: clerk, found, role: deceasedRole, party: chenMing, parties: [chenMing, unproven], grants: [own], now: NOW })).toBeNull();
  });
});
