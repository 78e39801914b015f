import { describe, expect, it } from '@jest/globals';
import { impliedParties, judgeRelation, relationReads, type FactRecords } from './relations.js';

const MOTHER = '330825198803142023';
const FATHER = '330825198611021315';
const CHILD = '330825202609180842';
const CHEN_MING = '440105194002290556';
const CHEN_LAN = '440105196808080661';
const STRANGER = '110101199003070419';

const facts = (entries: Record<string, Array<Record<string, unknown>> | null>): FactRecords => new Map(Object.entries(entries));

describe('judgeRelation', () => {
  const parent = { type: 'PARENT_OF' as const, to: 'CHILD', side: null };

  it('proves a parent from the birth record, and only the named side when a side is set', () => {
    const child = facts({ 'birth.medical_certificate': [{ motherIdNumber: MOTHER, fatherIdNumber: FATHER }], 'person.identity': [] });
    expect(judgeRelation(parent, MOTHER, CHILD, { other: child })).toBe('PROVEN');
    expect(judgeRelation({ ...parent, side: 'MOTHER' }, MOTHER, CHILD, { other: child })).toBe('PROVEN');
    expect(judgeRelation({ ...parent, side: 'MOTHER' }, FATHER, CHILD, { other: child })).toBe('NOT_PROVEN');
    expect(judgeRelation(parent, STRANGER, CHILD, { other: child })).toBe('NOT_PROVEN');
  });

  it('proves a parent from the resident record when there is no birth record', () => {
    const child = facts({ 'birth.medical_certificate': [], 'person.identity': [{ fatherIdNumber: FATHER, motherIdNumber: null }] });
    expect(judgeRelation({ ...parent, side: 'FATHER' }, FATHER, CHILD, { other: child })).toBe('PROVEN');
  });

  it('is UNVERIFIED when a department that could have shown it did not answer, and PROVEN whenever another record shows it', () => {
    const unanswered = facts({ 'birth.medical_certificate': null, 'person.identity': [{ fatherIdNumber: null, motherIdNumber: null }] });
    expect(judgeRelation(parent, MOTHER, CHILD, { other: unanswered })).toBe('UNVERIFIED');
    const shown = facts({ 'birth.medical_certificate': null, 'person.identity': [{ motherIdNumber: MOTHER }] });
    expect(judgeRelation(parent, MOTHER, CHILD, { other: shown })).toBe('PROVEN');
  });

  it('denies by default: nothing read, nothing proven', () => {
    expect(judgeRelation(parent, MOTHER, CHILD, {})).toBe('NOT_PROVEN');
  });

  it('proves a spouse only from a current marriage', () => {
    const spouse = { type: 'SPOUSE_OF' as const, to: 'SELLER', side: null };
    expect(judgeRelation(spouse, FATHER, MOTHER, { other: facts({ 'marriage.registration': [{ status: 'MARRIED', spouseIdNumber: FATHER }] }) })).toBe(
      'PROVEN',
    );
    expect(judgeRelation(spouse, FATHER, MOTHER, { other: facts({ 'marriage.registration': [{ status: 'DIVORCED', spouseIdNumber: FATHER }] }) })).toBe(
      'NOT_PROVEN',
    );
  });

  it('proves a co-owner from a property record of the other', () => {
    const coOwner = { type: 'CO_OWNER_OF' as const, to: 'SELLER', side: null };
    const seller = facts({ 'property.rights': [{ coOwnerIdNumbers: [] }, { coOwnerIdNumbers: [FATHER] }] });
    expect(judgeRelation(coOwner, FATHER, MOTHER, { other: seller })).toBe('PROVEN');
    expect(judgeRelation(coOwner, STRANGER, MOTHER, { other: seller })).toBe('NOT_PROVEN');
  });

  it("proves a next of kin as child (the applicant's own resident record), parent or spouse", () => {
    const kin = { type: 'NEXT_OF_KIN_OF' as const, to: 'DECEASED', side: null };
    const deceased = facts({ 'marriage.registration': [], 'person.identity': [{ fatherIdNumber: null, motherIdNumber: null }] });
    expect(judgeRelation(kin, CHEN_LAN, CHEN_MING, { other: deceased, party: facts({ 'person.identity': [{ fatherIdNumber: CHEN_MING }] }) })).toBe('PROVEN');
    expect(judgeRelation(kin, STRANGER, CHEN_MING, { other: deceased, party: facts({ 'person.identity': [{ fatherIdNumber: null }] }) })).toBe('NOT_PROVEN');
    const widower = facts({ 'marriage.registration': [{ status: 'MARRIED', spouseIdNumber: STRANGER }] });
    expect(judgeRelation(kin, STRANGER, CHEN_MING, { other: widower, party: facts({ 'person.identity': [] }) })).toBe('PROVEN');
  });

  it('proves a legal representative from the enterprise registration', () => {
    const rep = { type: 'LEGAL_REPRESENTATIVE_OF' as const, to: 'ENTERPRISE', side: null };
    const enterprise = facts({ 'enterprise.registration': [{ legalRepresentativeIdNumber: FATHER }] });
    expect(judgeRelation(rep, FATHER, '91330782MA2E00017B', { other: enterprise })).toBe('PROVEN');
    expect(judgeRelation(rep, MOTHER, '91330782MA2E00017B', { other: enterprise })).toBe('NOT_PROVEN');
  });
});

describe('relationReads', () => {
  it("reads only the items the matter may read, of the other party and (next of kin) of the party's own", () => {
    expect(relationReads({ type: 'NEXT_OF_KIN_OF' }, ['person.identity', 'marriage.registration'], CHEN_LAN, CHEN_MING)).toEqual([
      { subject: CHEN_MING, items: ['marriage.registration', 'person.identity'] },
      { subject: CHEN_LAN, items: ['person.identity'] },
    ]);
    expect(relationReads({ type: 'CO_OWNER_OF' }, ['person.identity'], FATHER, MOTHER)).toEqual([]);
  });
});

describe('impliedParties', () => {
  it('names the co-owners on the property records and the parents on the birth record, once each', () => {
    const coOwner = { type: 'CO_OWNER_OF' as const, to: 'SELLER', side: null };
    expect(impliedParties(coOwner, facts({ 'property.rights': [{ coOwnerIdNumbers: [FATHER] }, { coOwnerIdNumbers: [FATHER, STRANGER] }] }))).toEqual([
      FATHER,
      STRANGER,
    ]);
    const father = { type: 'PARENT_OF' as const, to: 'CHILD', side: 'FATHER' as const };
    expect(impliedParties(father, facts({ 'birth.medical_certificate': [{ motherIdNumber: MOTHER, fatherIdNumber: FATHER }] }))).toEqual([FATHER]);
    expect(impliedParties({ type: 'NEXT_OF_KIN_OF', to: 'DECEASED', side: null }, facts({ 'person.identity': [{ fatherIdNumber: FATHER }] }))).toEqual([]);
  });
});
