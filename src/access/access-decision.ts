import { SUBJECT_CONDITION_ITEMS, type Jurisdiction, type MatterRole, type MatterSubject, type SubjectCondition } from '../catalog/matter-definition.js';
import { ageOn, calendarDate } from '../common/calendar-date.js';
import { isDepartmentCode } from '../common/departments.js';
import type { PartyRoleDefinition } from '../catalog/matter-parties.js';
import type { Principal } from '../identity/principal.js';

/** Why an item was denied; stable codes that clients, the ledger and tests branch on. */
export type DenialReason =
  /** No matter was stated, or it is not in the catalog. */
  | 'MATTER_UNKNOWN'
  /** Auditors and admins never read records. */
  | 'ROLE_NEVER_READS_RECORDS'
  /** An agency (healthcare security, a utility, ...) signs in to decide its department tasks; it holds and reads no records. */
  | 'AGENCY_HOLDS_NO_RECORDS'
  /** The caller's kind may not handle this matter. */
  | 'ROLE_NOT_ALLOWED_FOR_MATTER'
  /** The matter is about persons and an enterprise was asked for, or the reverse. */
  | 'SUBJECT_NOT_COVERED'
  /** A citizen asked for someone else's records. */
  | 'NOT_OWN_RECORDS'
  /** The clerk's hall is outside the matter's jurisdiction for this subject. */
  | 'OUTSIDE_JURISDICTION'
  /** The matter does not list the data item (deny by default). */
  | 'ITEM_NOT_ALLOWED'
  /** The matter needs consent and none was given. */
  | 'CONSENT_MISSING'
  /** The consent has expired. */
  | 'CONSENT_EXPIRED'
  /** The citizen revoked the consent. */
  | 'CONSENT_REVOKED'
  /** The consent is someone else's, or for another matter, case or hall. */
  | 'CONSENT_NOT_COVERING'
  /** The subject does not meet a condition of the matter (deceased, age, minor); nothing about why is told. */
  | 'SUBJECT_CONDITION_NOT_MET'
  /** A condition of the matter could not be judged: the department holding its facts did not answer. */
  | 'SUBJECT_CONDITION_UNVERIFIED'
  /** The case named is not one of the caller's hall (or does not exist): the same answer. */
  | 'CASE_NOT_FOUND'
  /** The case is closed: nothing more is read for it. */
  | 'CASE_CLOSED'
  /** The subject is not a party of the case named. */
  | 'NOT_A_PARTY'
  /** The party's role needs a relation to another party that the records do not show (or not yet: that party is not in the case). */
  | 'RELATION_NOT_PROVEN'
  /** The party's relation could not be judged: a department holding its facts did not answer. */
  | 'RELATION_UNVERIFIED';

/** The parts of a matter the decision needs. */
export interface MatterRules {
  code: string;
  subject: MatterSubject;
  dataItems: readonly string[];
  consentRequired: boolean;
  roles: readonly MatterRole[];
  jurisdiction: Jurisdiction;
  subjectConditions: readonly SubjectCondition[];
  /** The party roles when the matter is handled as a case; absent or empty: it is not. */
  parties?: readonly PartyRoleDefinition[];
}

/**
 * The subject's records of the items the matter's conditions are judged from (see conditionItems),
 * as the exchange read them; null for an item whose department did not answer.
 */
export type SubjectRecords = ReadonlyMap<string, readonly Record<string, unknown>[] | null>;

/** Under 18: a minor (Civil Code art. 17). */
export const AGE_OF_MAJORITY = 18;

/** A citizen's consent grant as the decision sees it. */
export interface ConsentFacts {
  id: string;
  /** The citizen's ID number. */
  citizen: string;
  matter: string;
  /** Limits the consent to one case, when set. */
  caseNumber: string | null;
  /** Limits the consent to one hall, when set. */
  hall: string | null;
  expiresAt: Date;
  revokedAt: Date | null;
  /** Under a case, when a related party gave the grant on the citizen's behalf: the grantor's ID number. */
  grantor?: string;
}

export interface AccessRequest {
  principal: Principal;
  /** The stated matter; null when none was stated or it is unknown. */
  matter: MatterRules | null;
  caseNumber: string | null;
  subject: { kind: MatterSubject; id: string };
  /** The data items the query selected. */
  items: readonly string[];
  consent: ConsentFacts | null;
  /**
   * When a consent reference was presented but gave no facts (unknown id, forged or expired token):
   * the reason to deny with instead of CONSENT_MISSING.
   */
  consentRejected?: DenialReason | null;
  /** Read for the matter's subject conditions (conditionItems); absent when it has none. */
  subjectRecords?: SubjectRecords;
  /**
   * Under a case: why the subject may not be read as a party of it at all (partyDenial in
   * case-access.ts), or null; `matter` is then the party role's rules (rulesForParty).
   */
  partyDenial?: DenialReason | null;
  now: Date;
}

export interface AccessDecision {
  granted: string[];
  denied: Array<{ item: string; reason: DenialReason }>;
}

/** The 6-digit administrative division a subject belongs to: ID number 1–6, credit code 3–8. */
export function subjectRegion(subject: { kind: MatterSubject; id: string }): string | null {
  const region = subject.kind === 'PERSON' ? subject.id.slice(0, 6) : subject.id.slice(2, 8);
  return /^\d{6}$/.test(region) ? region : null;
}

const JURISDICTION_DIGITS: Record<Jurisdiction, number> = { ANY: 0, PROVINCE: 2, CITY: 4, COUNTY: 6 };

export function withinJurisdiction(jurisdiction: Jurisdiction, hallRegion: string, subject: { kind: MatterSubject; id: string }): boolean {
  const digits = JURISDICTION_DIGITS[jurisdiction];
  if (digits === 0) return true;
  const region = subjectRegion(subject);
  return region !== null && region.slice(0, digits) === hallRegion.slice(0, digits);
}

/** Reasons that apply to the whole request, whatever the item; null when the request may go on to item checks. */
function requestDenial(req: Omit<AccessRequest, 'items'>): DenialReason | null {
  return standingOrConsentDenial(req) ?? conditionDenial(req.matter!.subjectConditions, req.subjectRecords, req.now);
}

function standingOrConsentDenial(req: Omit<AccessRequest, 'items'>): DenialReason | null {
  // Under a case, the case's own standing first: another hall learns nothing of it, not even its matter's rules.
  const standing = req.partyDenial ?? standingDenial(req);
  if (standing) return standing;
  // A citizen reading their own records is their own consent.
  if (req.matter!.consentRequired && req.principal.kind !== 'citizen') return consentDenial(req, req.matter!);
  return null;
}

/**
 * The data items whose records the matter's subject conditions are judged from, when the request
 * otherwise stands (no condition is read for a caller who may not act at all); empty when there is
 * nothing to read. The caller reads them through the audited path and passes them as subjectRecords.
 */
export function conditionItems(req: Omit<AccessRequest, 'items' | 'subjectRecords'>): string[] {
  if (!req.matter || req.matter.subjectConditions.length === 0 || standingOrConsentDenial(req)) return [];
  return [...new Set(req.matter.subjectConditions.map((c) => SUBJECT_CONDITION_ITEMS[c.condition]))];
}

/** Whether the subject meets every condition, judged from its records; deny by default (no records, no facts). */
function conditionDenial(conditions: readonly SubjectCondition[], records: SubjectRecords | undefined, now: Date): DenialReason | null {
  for (const condition of conditions) {
    const held = records?.get(SUBJECT_CONDITION_ITEMS[condition.condition]);
    if (held === null) return 'SUBJECT_CONDITION_UNVERIFIED';
    if (!held || !conditionMet(condition, held, now)) return 'SUBJECT_CONDITION_NOT_MET';
  }
  return null;
}

function conditionMet(condition: SubjectCondition, records: readonly Record<string, unknown>[], now: Date): boolean {
  if (condition.condition === 'DECEASED') return records.length > 0;
  // One identity record with a real birth date, or the condition is not met.
  const birth = records.length === 1 ? calendarDate(records[0]!.birthDate) : null;
  if (!birth) return false;
  const age = ageOn(birth, now);
  return condition.condition === 'MINOR' ? age >= 0 && age < AGE_OF_MAJORITY : age >= condition.years;
}

/** Whether the caller may act on this subject under this matter at all (role, subject, own records, jurisdiction), consent aside. */
function standingDenial(req: Pick<AccessRequest, 'principal' | 'matter' | 'subject'>): DenialReason | null {
  const { principal, matter } = req;
  if (principal.kind === 'auditor' || principal.kind === 'admin') return 'ROLE_NEVER_READS_RECORDS';
  if (principal.kind === 'department' && !isDepartmentCode(principal.department)) return 'AGENCY_HOLDS_NO_RECORDS';
  if (!matter) return 'MATTER_UNKNOWN';
  if (!(matter.roles as readonly string[]).includes(principal.kind)) return 'ROLE_NOT_ALLOWED_FOR_MATTER';
  if (matter.subject !== req.subject.kind) return 'SUBJECT_NOT_COVERED';
  if (principal.kind === 'citizen' && !(req.subject.kind === 'PERSON' && req.subject.id === principal.id)) return 'NOT_OWN_RECORDS';
  if (principal.kind === 'clerk' && !withinJurisdiction(matter.jurisdiction, principal.region, req.subject)) return 'OUTSIDE_JURISDICTION';
  return null;
}

function consentDenial(req: Omit<AccessRequest, 'items'>, matter: MatterRules): DenialReason | null {
  const consent = req.consent;
  if (!consent) return req.consentRejected ?? 'CONSENT_MISSING';
  // Scope first: another citizen's grant, revoked, expired or not, is the same answer as an unknown
  // id, so whether a reference exists and what became of it never shows.
  if (!consentCovers(consent, { ...req, matter })) return 'CONSENT_NOT_COVERING';
  if (consent.revokedAt !== null && consent.revokedAt <= req.now) return 'CONSENT_REVOKED';
  if (consent.expiresAt <= req.now) return 'CONSENT_EXPIRED';
  return null;
}

/**
 * The one access decision of onegate, for every data item a query selects (root or nested): deny
 * by default, and say why. Pure — the caller gathers the facts (matter, consent, time) and writes
 * the decision to the ledger; nothing is fetched for a denied item.
 */
export function decideAccess(req: AccessRequest): AccessDecision {
  const items = [...new Set(req.items)];
  const whole = requestDenial(req);
  if (whole) return { granted: [], denied: items.map((item) => ({ item, reason: whole })) };
  const allowed = new Set(req.matter!.dataItems);
  const decision: AccessDecision = { granted: [], denied: [] };
  for (const item of items) {
    if (allowed.has(item)) decision.granted.push(item);
    else decision.denied.push({ item, reason: 'ITEM_NOT_ALLOWED' });
  }
  return decision;
}

/** Why an issuance was refused, beside the item reasons a clerk's matter can give. */
export type IssuanceDenialReason =
  /** Only a department system or a clerk may have a certificate issued. */
  | 'ROLE_MAY_NOT_ISSUE'
  /** A department system may issue only its own department's certificate types. */
  | 'NOT_THE_ISSUING_DEPARTMENT'
  /** The clerk's matter is not one under which this certificate type is issued. */
  | 'MATTER_DOES_NOT_ISSUE_TYPE'
  /** Claims from another department's records: the issuing department states a purpose, like a clerk. */
  | 'PURPOSE_REQUIRED_FOR_OTHER_DEPARTMENTS_ITEMS'
  | DenialReason;

/** The parts of a certificate type the issuance decision needs. */
export interface IssuableType {
  code: string;
  issuer: string;
  subject: MatterSubject;
  dataItems: readonly string[];
  /** Matters under which a clerk may have the type issued. */
  issuedUnder: readonly string[];
}

export interface IssuanceRequest extends Omit<AccessRequest, 'items'> {
  type: IssuableType;
  /** The department that holds each of the type's data items. */
  itemOwners: ReadonlyMap<string, string>;
}

/**
 * May this principal have a certificate of this type issued for this subject — which means reading
 * every data item its claims are built from? The issuing department's own system may without a
 * purpose when every one of those items is its own; claims from another department's items need a
 * purpose, for the issuing department's system as for a clerk: a matter that issues the type and
 * under which the ordinary access decision grants every item (role, jurisdiction, consent, the
 * subject's conditions). Everyone else may not. Deny by default.
 */
export function decideIssuance(req: IssuanceRequest): { allowed: true } | { allowed: false; reason: IssuanceDenialReason } {
  const { principal, type } = req;
  if (req.subject.kind !== type.subject) return { allowed: false, reason: 'SUBJECT_NOT_COVERED' };
  if (principal.kind === 'department') {
    if (!isDepartmentCode(principal.department)) return { allowed: false, reason: 'AGENCY_HOLDS_NO_RECORDS' };
    if (principal.department !== type.issuer) return { allowed: false, reason: 'NOT_THE_ISSUING_DEPARTMENT' };
    if (type.dataItems.every((item) => req.itemOwners.get(item) === principal.department)) return { allowed: true };
    if (!req.matter) return { allowed: false, reason: 'PURPOSE_REQUIRED_FOR_OTHER_DEPARTMENTS_ITEMS' };
  } else if (principal.kind !== 'clerk') {
    return { allowed: false, reason: principal.kind === 'citizen' ? 'ROLE_MAY_NOT_ISSUE' : 'ROLE_NEVER_READS_RECORDS' };
  }
  if (!req.matter) return { allowed: false, reason: 'MATTER_UNKNOWN' };
  if (!type.issuedUnder.includes(req.matter.code)) return { allowed: false, reason: 'MATTER_DOES_NOT_ISSUE_TYPE' };
  const decision = decideAccess({ ...req, items: type.dataItems });
  const denied = decision.denied[0];
  return denied ? { allowed: false, reason: denied.reason } : { allowed: true };
}

/**
 * Which of a subject's certificate types a lookup may show beside the records: those the matter
 * accepts for one of its materials, when the request as a whole is allowed (role, subject,
 * jurisdiction, consent). A citizen always sees their own.
 */
export function decideCertificateTypes(
  req: Omit<AccessRequest, 'items'>,
  acceptedTypes: readonly string[],
): { allowed: string[]; denial: DenialReason | null } {
  const whole = requestDenial(req);
  if (whole) return { allowed: [], denial: whole };
  return { allowed: [...new Set(acceptedTypes)], denial: null };
}

/**
 * May this principal see which of a citizen's consent grants would cover its purpose, to pick one at
 * the window instead of the citizen showing it? A clerk or department system with standing for the
 * matter and the citizen — every check of a lookup short of the consent itself. Citizens list their
 * own grants with myConsents; auditors and admins never read about citizens.
 */
export function decideConsentListing(req: Pick<AccessRequest, 'principal' | 'matter' | 'subject'>): DenialReason | null {
  if (req.principal.kind === 'citizen') return 'ROLE_NOT_ALLOWED_FOR_MATTER';
  return standingDenial(req);
}

/**
 * Whether the caller may act on this subject under these rules at all — role, subject kind,
 * jurisdiction — short of consent and conditions: asked before a case reads a party's records to
 * judge a relation.
 */
export function decideStanding(req: Pick<AccessRequest, 'principal' | 'matter' | 'subject'>): DenialReason | null {
  return standingDenial(req);
}

/** Whether a grant covers a request by this principal for this matter and case: the scope half of the consent check. */
export function consentCovers(
  consent: Pick<ConsentFacts, 'citizen' | 'matter' | 'caseNumber' | 'hall'>,
  req: Pick<AccessRequest, 'principal' | 'subject' | 'caseNumber'> & { matter: Pick<MatterRules, 'code'> },
): boolean {
  const hall = req.principal.kind === 'clerk' ? req.principal.hall : null;
  return (
    req.subject.kind === 'PERSON' &&
    consent.citizen === req.subject.id &&
    consent.matter === req.matter.code &&
    (consent.caseNumber === null || consent.caseNumber === req.caseNumber) &&
    (consent.hall === null || consent.hall === hall)
  );
}
