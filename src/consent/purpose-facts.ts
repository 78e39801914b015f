import { Injectable } from '@nestjs/common';
import type { AccessRequest, ConsentFacts, DenialReason, MatterRules } from '../access/access-decision.js';
import { caseConsent, partyDenial, possibleGrantors, rulesForParty, type CaseGrantFacts } from '../access/case-access.js';
import type { Purpose } from '../access/purpose.js';
import { MattersService } from '../catalog/matters.service.js';
import { CaseRepository, type StoredCase } from '../cases/case.repository.js';
import { denialForRejectedConsent, type ConsentUse } from './consent-lookup.js';
import { ConsentService } from './consent.service.js';

/** A presented consent reference, resolved: the facts the decision judges, the reference the ledger records, or why it was rejected. */
export interface ConsentOutcome {
  facts: ConsentFacts | null;
  ref: string | null;
  rejected: DenialReason | null;
}

/** The case a purpose names, as far as the caller may know of it (for the ledger and the decision). */
export interface CasePurpose {
  id: string;
  /** The subject's role in the case; null when it is not a party (or the case is not the caller's). */
  role: string | null;
  /** Why the subject may not be read under the case at all (partyDenial), or null. */
  denial: DenialReason | null;
}

/** What the access decision needs of a stated purpose. */
export interface PurposeFacts {
  /** The matter's rules (under a case: narrowed to the party's role); null for an unknown matter or no purpose. */
  matter: MatterRules | null;
  consent: ConsentOutcome;
  /** The purpose as resolved: under a case, its matter and case number. */
  purpose: Purpose | null;
  /** Set when the purpose names a case. */
  case: CasePurpose | null;
}

/** The facts of an access request for this purpose — all but the items and the subject's records. */
export function accessFacts(
  facts: PurposeFacts,
  principal: AccessRequest['principal'],
  subject: AccessRequest['subject'],
  now: Date,
): Omit<AccessRequest, 'items' | 'subjectRecords'> {
  return {
    principal,
    matter: facts.matter,
    caseNumber: facts.purpose?.caseNumber ?? null,
    subject,
    consent: facts.consent.facts,
    consentRejected: facts.consent.rejected,
    partyDenial: facts.case?.denial ?? null,
    now,
  };
}

/** What the ledger entry of a read under this purpose records of its case (detail): the case id and the party's role. */
export function caseDetail(facts: PurposeFacts): Record<string, string> {
  if (!facts.case) return {};
  return { caseId: facts.case.id, ...(facts.case.role ? { partyRole: facts.case.role } : {}) };
}

/** What one request (the GraphQL context) has read of a case: the case, and the grants that may cover its parties, by hall. */
interface CaseReads {
  found: Promise<StoredCase | null>;
  grants: Map<string, Promise<CaseGrantFacts[]>>;
}

/**
 * Gathers the facts of a stated purpose for the access decision (access/), wherever records are read
 * (a lookup, an issuance, certificates shown beside a lookup): the matter's rules and the presented
 * consent resolved for this caller and subject (null facts: none usable, e.g. a grant that does not
 * name the caller's hall or department). A purpose naming a case takes its matter and case number
 * from the case, the rules of the subject's party role, and the consent that covers that party in
 * the case (a grant of the party's, or of a related party on its behalf); a consent presented with
 * it is judged as for any lookup.
 */
@Injectable()
export class PurposeFactsService {
  /**
   * Per request (the GraphQL context): a case is read once however many of its parties are looked
   * up, and the grants that may cover a party once however many fields ask (its consent, its records).
   */
  private readonly cases = new WeakMap<object, Map<string, CaseReads>>();

  constructor(
    private readonly matters: MattersService,
    private readonly consents: ConsentService,
    private readonly caseRows: CaseRepository,
  ) {}

  async gather(
    purpose: Purpose | null,
    now: Date,
    use: Pick<ConsentUse, 'principal' | 'subject' | 'request' | 'mayWrite'> & { scope?: object },
  ): Promise<PurposeFacts> {
    if (purpose?.case) return this.gatherForCase(purpose, purpose.case, now, use);
    const [matter, consent] = await Promise.all([
      purpose ? this.matters.rules(purpose.matter) : null,
      this.consentFacts(purpose?.consent ?? null, now, { ...use, matter: purpose?.matter ?? null, caseNumber: purpose?.caseNumber ?? null }),
    ]);
    return { matter, consent, purpose, case: null };
  }

  private async gatherForCase(
    stated: Purpose,
    caseId: string,
    now: Date,
    use: Pick<ConsentUse, 'principal' | 'subject' | 'request' | 'mayWrite'> & { scope?: object },
  ): Promise<PurposeFacts> {
    const { principal, subject } = use;
    const found = await this.readCase(caseId, use.scope);
    const rules = found ? await this.matters.rules(found.matterCode) : null;
    const party = found?.parties.find((p) => p.subjectId === subject.id && p.subjectKind === subject.kind) ?? null;
    const role = (party && rules?.parties?.find((r) => r.role === party.role)) ?? null;
    const caseFacts = found && { id: found.id, hall: found.hall, status: found.status, matter: found.matterCode, caseNumber: found.caseNumber };
    const denial = rules ? partyDenial(principal, caseFacts, party, role) : 'CASE_NOT_FOUND';
    // Nothing of a case the caller may not work on is told: not its matter, not its number.
    const known = denial !== 'CASE_NOT_FOUND' && found;
    const purpose: Purpose = {
      matter: known ? found.matterCode : stated.matter,
      caseNumber: known ? found.caseNumber : null,
      consent: stated.consent,
      case: caseId,
    };
    const casePurpose: CasePurpose = { id: caseId, role: known && party ? party.role : null, denial };
    if (denial || !rules || !party || !role || !found) {
      return { matter: rules && role ? rulesForParty(rules, role) : rules, consent: { facts: null, ref: null, rejected: null }, purpose, case: casePurpose };
    }
    const matter = rulesForParty(rules, role);
    const grantors = possibleGrantors(role, party, found.parties);
    // A new array (the grants read serve every party of the case in this request): the consent shown with the lookup is put first.
    const grants =
      grantors.length && principal.kind === 'clerk'
        ? (await this.grantsFor(found, rules, principal.hall, use.scope)).filter((grant) => grantors.includes(grant.citizen))
        : [];
    // A consent shown with the lookup is judged beside those the case finds; a reference that gives nothing says why.
    if (stated.consent !== null) {
      const shown = await this.consents.resolveForCase(stated.consent, now, { ...use, matter: purpose.matter, caseNumber: purpose.caseNumber });
      if (shown.invalid)
        return { matter, consent: { facts: null, ref: shown.ref, rejected: denialForRejectedConsent(shown.invalid) }, purpose, case: casePurpose };
      grants.unshift(shown.grant);
    }
    const covering = caseConsent({ principal, found: caseFacts!, role, party, parties: found.parties, grants, now });
    return { matter, consent: { facts: covering, ref: covering?.id ?? null, rejected: null }, purpose, case: casePurpose };
  }

  /** Forgets the case as read in this request (and the grants read for it), after a change to it in the same request. */
  forgetCase(scope: object, id: string): void {
    this.cases.get(scope)?.delete(id);
  }

  /** The case as this request reads it (read once per request: the `case` query and its parties' lookups share it). */
  caseInRequest(id: string, scope: object): Promise<StoredCase | null> {
    return this.caseReads(id, scope).found;
  }

  private caseReads(id: string, scope: object): CaseReads {
    let perScope = this.cases.get(scope);
    if (!perScope) {
      perScope = new Map();
      this.cases.set(scope, perScope);
    }
    let reads = perScope.get(id);
    if (!reads) {
      reads = { found: this.caseRows.find(id), grants: new Map() };
      perScope.set(id, reads);
    }
    return reads;
  }

  private readCase(id: string, scope: object | undefined): Promise<StoredCase | null> {
    return scope ? this.caseReads(id, scope).found : this.caseRows.find(id);
  }

  /**
   * The grants for the case's matter naming the hall (ConsentService.grantsForCase) of everyone whose
   * grant may cover a party of the case, read once per request: each party's are picked from them.
   */
  private grantsFor(found: StoredCase, rules: MatterRules, hall: string, scope: object | undefined): Promise<CaseGrantFacts[]> {
    const read = () => {
      const grantors = new Set(
        found.parties.flatMap((party) => {
          const role = rules.parties?.find((r) => r.role === party.role);
          return role ? possibleGrantors(role, party, found.parties) : [];
        }),
      );
      return this.consents.grantsForCase([...grantors], found.matterCode, hall);
    };
    if (!scope) return read();
    const cached = this.caseReads(found.id, scope).grants;
    let grants = cached.get(hall);
    if (!grants) {
      grants = read();
      cached.set(hall, grants);
    }
    return grants;
  }

  private async consentFacts(reference: string | null, now: Date, use: ConsentUse): Promise<ConsentOutcome> {
    if (reference === null) return { facts: null, ref: null, rejected: null };
    const lookup = await this.consents.resolveForAccess(reference, now, use);
    return { facts: lookup.facts, ref: lookup.ref, rejected: lookup.invalid ? denialForRejectedConsent(lookup.invalid) : null };
  }
}
