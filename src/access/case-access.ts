import type { PartyRoleDefinition } from '../catalog/matter-parties.js';
import type { Principal } from '../identity/principal.js';
import type { ConsentFacts, DenialReason, MatterRules } from './access-decision.js';

/**
 * The access decision under a case: who may work on it, whether a subject is one of its parties,
 * what the party's role lets the case read, and whose consent covers the party. Pure, like
 * access-decision.ts, which applies the outcome to every item (decideAccess with `partyDenial` and
 * the role's rules).
 */

export type RelationStatus = 'PROVEN' | 'NOT_PROVEN' | 'UNVERIFIED' | 'AWAITING_PARTY' | 'NOT_REQUIRED';

/** A case as the decision sees it. */
export interface CaseFacts {
  id: string;
  hall: string;
  status: 'OPEN' | 'CLOSED';
  matter: string;
  caseNumber: string;
}

/** A party of a case as the decision sees it. */
export interface CasePartyFacts {
  subjectId: string;
  subjectKind: 'PERSON' | 'ENTERPRISE';
  role: string;
  relationStatus: RelationStatus;
}

/** A consent grant as the case sees it: whose it is and for whom. */
export interface CaseGrantFacts extends Omit<ConsentFacts, 'hall'> {
  /** The person the grant is given for, when not the grantor. */
  onBehalfOf: string | null;
}

/**
 * May this principal work on this case at all? Only the clerks of the case's hall; anyone else, and
 * a case that does not exist, get the same answer. `forChange`: a closed case takes no more changes
 * and reads nothing more.
 */
export function caseStandingDenial(principal: Principal, found: Pick<CaseFacts, 'hall' | 'status'> | null): DenialReason | null {
  if (!found || principal.kind !== 'clerk' || principal.hall !== found.hall) return 'CASE_NOT_FOUND';
  if (found.status !== 'OPEN') return 'CASE_CLOSED';
  return null;
}

/**
 * Why `subject` may not be read as a party of the case, or null: the case's standing, then whether
 * it is a party, then its role's relation as last judged from records.
 */
export function partyDenial(
  principal: Principal,
  found: CaseFacts | null,
  party: CasePartyFacts | null,
  role: PartyRoleDefinition | null,
): DenialReason | null {
  const standing = caseStandingDenial(principal, found);
  if (standing) return standing;
  if (!party || !role) return 'NOT_A_PARTY';
  switch (party.relationStatus) {
    case 'NOT_REQUIRED':
    case 'PROVEN':
      return null;
    case 'UNVERIFIED':
      return 'RELATION_UNVERIFIED';
    case 'NOT_PROVEN':
    case 'AWAITING_PARTY':
      return 'RELATION_NOT_PROVEN';
  }
}

/**
 * The matter's rules narrowed to one party role: the items read for the role, the conditions on it,
 * whether it needs consent. The decision then judges the party as the subject of those rules. The
 * matter's jurisdiction is judged on the subject role (the flat sold, the child born, the deceased):
 * a buyer or a parent may live anywhere.
 */
export function rulesForParty(matter: MatterRules, role: PartyRoleDefinition): MatterRules {
  return {
    ...matter,
    jurisdiction: role.subject ? matter.jurisdiction : 'ANY',
    subject: role.kind,
    dataItems: role.dataItems,
    subjectConditions: role.conditions,
    consentRequired: role.consent.kind !== 'NONE',
  };
}

/**
 * The grantors whose grants may cover `party`: the party itself (SELF), or the parties in the roles
 * its consent is given by (BY) — whether their relation holds is judged by caseConsent.
 */
export function possibleGrantors(role: PartyRoleDefinition, party: CasePartyFacts, parties: readonly CasePartyFacts[]): string[] {
  if (role.consent.kind === 'SELF') return [party.subjectId];
  if (role.consent.kind === 'NONE') return [];
  const by = role.consent.roles;
  return parties.filter((p) => by.includes(p.role)).map((p) => p.subjectId);
}

/**
 * The consent that covers reading `party` in the case, from the grants found for it (the case's
 * matter and hall, of possibleGrantors; those for another case number are passed over): for SELF a grant of the party's own, for BY a grant of a
 * party in one of the roles whose relation is PROVEN, naming this party in onBehalfOf (or, when the
 * role allows it, the acting party's own grant). An active grant is preferred; else the newest, so
 * the decision says it expired or was revoked. The facts are the party's, as if it had granted them
 * itself: the relation is what lets another consent for it. Null: no grant covers.
 */
export function caseConsent(args: {
  principal: Principal;
  found: Pick<CaseFacts, 'matter' | 'caseNumber'>;
  role: PartyRoleDefinition;
  party: CasePartyFacts;
  parties: readonly CasePartyFacts[];
  grants: readonly CaseGrantFacts[];
  now: Date;
}): ConsentFacts | null {
  const { role, party, parties, now, found } = args;
  // For the case's matter, and for its case number when the grant names one.
  const grants = args.grants.filter((g) => g.matter === found.matter && (g.caseNumber === null || g.caseNumber === found.caseNumber));
  let candidates: CaseGrantFacts[];
  if (role.consent.kind === 'SELF') {
    candidates = grants.filter((g) => g.citizen === party.subjectId && g.onBehalfOf === null);
  } else if (role.consent.kind === 'BY') {
    const rule = role.consent;
    const acting = new Set(parties.filter((p) => rule.roles.includes(p.role) && p.relationStatus === 'PROVEN').map((p) => p.subjectId));
    candidates = grants.filter((g) => acting.has(g.citizen) && (g.onBehalfOf === party.subjectId || (rule.onBehalfOf === 'OPTIONAL' && g.onBehalfOf === null)));
  } else {
    return null;
  }
  const active = (g: CaseGrantFacts) => (g.revokedAt === null || g.revokedAt > now) && g.expiresAt > now;
  const chosen = candidates.find(active) ?? candidates[0];
  if (!chosen) return null;
  return {
    id: chosen.id,
    citizen: party.subjectId,
    ...(chosen.citizen !== party.subjectId ? { grantor: chosen.citizen } : {}),
    matter: chosen.matter,
    caseNumber: chosen.caseNumber,
    hall: args.principal.kind === 'clerk' ? args.principal.hall : null,
    expiresAt: chosen.expiresAt,
    revokedAt: chosen.revokedAt,
  };
}

/**
 * The relation status of a party whose role declares `role.relation`, given who is in the case:
 * NOT_REQUIRED without a relation, AWAITING_PARTY while the other role is empty; otherwise the
 * relation must be judged from records (null).
 */
export function relationToJudge<P extends CasePartyFacts>(role: PartyRoleDefinition, parties: readonly P[]): { status: RelationStatus } | { other: P } {
  if (!role.relation) return { status: 'NOT_REQUIRED' };
  const to = role.relation.to;
  const other = parties.find((p) => p.role === to);
  return other ? { other } : { status: 'AWAITING_PARTY' };
}
