import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decideStanding, type MatterRules } from '../access/access-decision.js';
import { caseStandingDenial, relationToJudge, rulesForParty, type RelationStatus } from '../access/case-access.js';
import { impliedParties, judgeRelation, relationReads } from '../access/relations.js';
import { relationFactItems, type PartyRoleDefinition } from '../catalog/matter-parties.js';
import { checkMaterials, materialsOfRole, type MaterialCheck } from '../catalog/material-checklist.js';
import { MattersService } from '../catalog/matters.service.js';
import { CertificateRegistry, certificateStatus } from '../certificates/certificate-registry.service.js';
import type { RequestContext } from '../common/request/request-context.js';
import { ConsentService } from '../consent/consent.service.js';
import { PurposeFactsService } from '../consent/purpose-facts.js';
import { ExchangeService, type ExchangeView, type Subject } from '../exchange/exchange.service.js';
import type { ClerkPrincipal, Principal } from '../identity/principal.js';
import { actorFor, requestFieldsOf, type LedgerDetailValue, type LedgerOutcome } from '../ledger/ledger-entry.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { CaseRepository, type CaseChangeRefusal, type CasePartyRow, type CaseRow, type StoredCase } from './case.repository.js';
import { CaseError } from './cases.errors.js';

/** A party as a clerk gives it: a role and an ID number (a person) or a credit code (an enterprise). */
export interface PartyGiven {
  role: string;
  idNumber?: string | null;
  creditCode?: string | null;
}

/** A person or enterprise the records imply for a role and who is not a party yet. */
export interface PartySuggestion {
  role: string;
  subject: Subject;
  /** The role whose records name them, and the item. */
  from: { role: string; item: string };
}

/** One material of a case for one party (null: the role has no party yet). */
export interface CaseMaterialCheck extends MaterialCheck {
  nameZh: string | null;
  role: string;
  party: CasePartyRow | null;
}

/** The most cases one page lists. */
export const CASES_PAGE_LIMIT = 50;

/**
 * Cases at a hall's window: opening one with its parties, adding parties, attaching a consent shown
 * at the window, closing it; reading each party's records under the case (through the exchange's
 * audited lookup, with the party's role as the purpose); the parties the records imply. Relations
 * between parties are judged from records when a party joins (RELATION_CHECK entries; nothing read
 * is released) and a party whose relation the records disprove is refused. Every change is a
 * CASE_CHANGE ledger entry committed inside the change's transaction, and every refusal one too.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly matters: MattersService,
    private readonly exchange: ExchangeService,
    private readonly consents: ConsentService,
    private readonly purposes: PurposeFactsService,
    private readonly ledger: LedgerService,
    private readonly registry: CertificateRegistry,
  ) {}

  async open(
    principal: ClerkPrincipal,
    request: RequestContext,
    scope: object,
    input: { matter: string; caseNumber?: string | null; parties: readonly PartyGiven[] },
  ): Promise<StoredCase> {
    const now = new Date();
    const refused = (error: CaseError, detail: Record<string, LedgerDetailValue> = {}) =>
      this.refuse(principal, request, { matter: input.matter, caseNumber: input.caseNumber ?? null }, 'OPEN', error, detail);
    const rules = await this.matters.rules(input.matter);
    if (!rules) throw await refused(CaseError.badInput('MATTER_UNKNOWN', `matter "${input.matter.slice(0, 64)}" is not in the catalog`));
    if (!rules.parties?.length) throw await refused(CaseError.badInput('MATTER_HAS_NO_PARTIES', `matter "${rules.code}" is not handled as a case`));
    if (!rules.roles.includes('clerk')) throw await refused(CaseError.denied('ROLE_NOT_ALLOWED_FOR_MATTER'));
    if (input.parties.length === 0) throw await refused(CaseError.badInput('PARTIES_REQUIRED', 'a case needs at least one party'));
    const id = randomUUID();
    const caseNumber = input.caseNumber ?? (await this.generatedNumber(principal.hall, now));
    const row: CaseRow = {
      id,
      caseNumber,
      hall: principal.hall,
      region: principal.region,
      matterCode: rules.code,
      status: 'OPEN',
      openedBy: principal.id,
      createdAt: now,
      closedAt: null,
    };
    const found: StoredCase = { ...row, parties: [] };
    const parties = await this.joining(principal, rules, found, input.parties, now, (error) => refused(error, { caseId: id }));
    found.parties = parties;
    await this.judgeRelations(principal, request, scope, rules, found, new Set(parties.map((p) => p.subjectId)), (error) => refused(error, { caseId: id }));
    const refusal = await this.cases.open(row, parties, () =>
      this.record(principal, request, found, 'OPEN', 'GRANTED', { parties: parties.map((p) => p.role) }),
    );
    if (refusal) throw await refused(this.refusalError(refusal), { caseId: id });
    return found;
  }

  async addParty(principal: ClerkPrincipal, request: RequestContext, scope: object, caseId: string, given: PartyGiven): Promise<StoredCase> {
    const { found, rules } = await this.workable(principal, request, caseId, 'ADD_PARTY');
    const refused = (error: CaseError) => this.refuse(principal, request, found, 'ADD_PARTY', error, { caseId: found.id });
    let added: CasePartyRow | null = null;
    const refusal = await this.cases.change(
      found.id,
      async (locked) => {
        const [party] = await this.joining(principal, rules, locked, [given], new Date(), refused);
        added = party!;
        const changed = { ...locked, parties: [...locked.parties, party!] };
        const judged = await this.judgeRelations(principal, request, scope, rules, changed, new Set([party!.subjectId]), refused);
        return { insert: [party!], relations: judged.filter((p) => p.subjectId !== party!.subjectId) };
      },
      (locked) => this.record(principal, request, locked, 'ADD_PARTY', 'GRANTED', { role: added!.role }),
    );
    if (refusal) throw await refused(this.refusalError(refusal));
    this.purposes.forgetCase(scope, found.id);
    return (await this.cases.find(found.id))!;
  }

  async close(principal: ClerkPrincipal, request: RequestContext, scope: object, caseId: string): Promise<StoredCase> {
    const { found } = await this.workable(principal, request, caseId, 'CLOSE');
    const refusal = await this.cases.change(
      found.id,
      async () => ({ close: new Date() }),
      (locked) => this.record(principal, request, locked, 'CLOSE', 'GRANTED', {}),
    );
    if (refusal) throw await this.refuse(principal, request, found, 'CLOSE', this.refusalError(refusal), { caseId: found.id });
    this.purposes.forgetCase(scope, found.id);
    return (await this.cases.find(found.id))!;
  }

  /**
   * A consent the citizen shows at the window (a grant id or the QR code's token), for the case: it
   * must be for the case's matter (and case number, when it names one) and be the grant of a party
   * or for one. A grant naming no hall is bound to this hall. The case then finds it by itself.
   */
  async attachConsent(principal: ClerkPrincipal, request: RequestContext, scope: object, caseId: string, consent: string): Promise<StoredCase> {
    const { found } = await this.workable(principal, request, caseId, 'ATTACH_CONSENT');
    const partyIds = found.parties.filter((p) => p.subjectKind === 'PERSON').map((p) => p.subjectId);
    const subject = found.parties.find((p) => p.subjectKind === 'PERSON');
    const refused = (error: CaseError, detail: Record<string, LedgerDetailValue> = {}) =>
      this.refuse(principal, request, found, 'ATTACH_CONSENT', error, { caseId: found.id, ...detail });
    if (!subject) throw await refused(CaseError.badInput('CONSENT_NOT_FOR_CASE', 'the case has no person who could have given a consent'));
    if (consent.length > 4096)
      throw await refused(CaseError.badInput('CONSENT_NOT_FOR_CASE', 'that is not a consent: ask the citizen to show the QR code again'));
    const shown = await this.consents.resolveForCase(consent, new Date(), {
      principal,
      subject: { kind: 'PERSON', id: subject.subjectId },
      matter: found.matterCode,
      caseNumber: found.caseNumber,
      caseParties: partyIds,
      request,
    });
    if (shown.invalid) {
      throw await refused(
        CaseError.badInput('CONSENT_NOT_FOR_CASE', 'the consent shown is not a valid consent for this hall; ask the citizen to show it again'),
        {
          reason: shown.invalid,
        },
      );
    }
    const grant = shown.grant;
    const forCase =
      grant.matter === found.matterCode &&
      (grant.caseNumber === null || grant.caseNumber === found.caseNumber) &&
      (partyIds.includes(grant.citizen) || (grant.onBehalfOf !== null && partyIds.includes(grant.onBehalfOf)));
    if (!forCase) {
      throw await refused(
        CaseError.badInput('CONSENT_NOT_FOR_CASE', 'the consent is for another matter or case, or was not given by or for a party of this case'),
      );
    }
    await this.record(principal, request, found, 'ATTACH_CONSENT', 'GRANTED', {}, grant.id);
    this.purposes.forgetCase(scope, found.id);
    return found;
  }

  /**
   * A case of the clerk's hall; null (and a refusal in the ledger) for another hall's or none. Read
   * once per request (`scope`): the lookups of its parties in the same request share this reading.
   */
  async find(principal: Principal, request: RequestContext, scope: object, caseId: string): Promise<StoredCase | null> {
    const found = await this.purposes.caseInRequest(caseId, scope);
    const denial = caseStandingDenial(principal, found && { hall: found.hall, status: 'OPEN' });
    if (denial || !found) {
      await this.record(principal, request, null, 'READ', 'DENIED', { reason: 'CASE_NOT_FOUND' });
      return null;
    }
    return found;
  }

  /** The clerk's hall's cases, newest first (one more than `first` when there is a next page). */
  list(
    principal: ClerkPrincipal,
    first: number,
    after: { createdAt: Date; id: string } | null,
    filter: { status?: 'OPEN' | 'CLOSED' | null; matter?: string | null },
  ) {
    return this.cases.listByHall(principal.hall, Math.min(first, CASES_PAGE_LIMIT) + 1, after, filter);
  }

  /** The matter's rules with its party roles (a case's matter is always one). */
  async rulesOf(found: StoredCase): Promise<MatterRules | null> {
    return this.matters.rules(found.matterCode);
  }

  /** One party's records under the case, as `citizen`/`enterprise` would give them with `purpose: { case }`. */
  partyView(
    principal: Principal,
    request: RequestContext,
    scope: object,
    found: StoredCase,
    party: CasePartyRow,
    items: readonly string[],
    checklist = false,
  ): Promise<ExchangeView> {
    return this.exchange.lookup({
      principal,
      request,
      scope,
      subject: { kind: party.subjectKind, id: party.subjectId },
      purpose: { matter: found.matterCode, caseNumber: found.caseNumber, consent: null, case: found.id },
      items,
      checklist,
    });
  }

  /** Whether the party's consent for the case is given, not needed, or missing (nothing is read). */
  async consentOf(principal: Principal, request: RequestContext, scope: object, found: StoredCase, party: CasePartyRow) {
    const subject = { kind: party.subjectKind, id: party.subjectId };
    const facts = await this.purposes.gather({ matter: found.matterCode, caseNumber: found.caseNumber, consent: null, case: found.id }, new Date(), {
      principal,
      subject,
      request,
      scope,
    });
    const role = facts.matter?.parties?.find((r) => r.role === party.role);
    return { needed: facts.matter?.consentRequired ?? true, facts: facts.consent.facts, role };
  }

  /**
   * The people and enterprises the records imply for the case's roles and who are not parties yet:
   * the co-owners on the seller's property record, the parents on the child's birth record, the
   * legal representative on the enterprise's registration. Read through the party's audited lookup
   * under the case — so nothing is suggested from records the case may not read (no consent yet).
   */
  async suggestions(principal: Principal, request: RequestContext, scope: object, found: StoredCase): Promise<PartySuggestion[]> {
    const rules = await this.rulesOf(found);
    const suggestions: PartySuggestion[] = [];
    for (const role of rules?.parties ?? []) {
      const relation = role.relation;
      const taken = found.parties.some((p) => p.role === role.role);
      if (!relation || (taken && !role.multiple)) continue;
      const other = found.parties.find((p) => p.role === relation.to);
      const otherRole = rules!.parties!.find((r) => r.role === relation.to)!;
      if (!other) continue;
      const items = relationFactItems(relation.type, otherRole.dataItems).to;
      if (items.length === 0) continue;
      const view = await this.partyView(principal, request, scope, found, other, items);
      for (const item of items) {
        const outcome = view.outcomes.get(item);
        if (outcome?.kind !== 'records') continue;
        const implied = impliedParties(relation, new Map([[item, outcome.records]]));
        for (const id of implied) {
          if (found.parties.some((p) => p.subjectId === id) || suggestions.some((s) => s.subject.id === id && s.role === role.role)) continue;
          suggestions.push({ role: role.role, subject: { kind: role.kind === 'ENTERPRISE' ? 'ENTERPRISE' : 'PERSON', id }, from: { role: other.role, item } });
        }
      }
    }
    return suggestions;
  }

  /**
   * The materials of the case: for each party, those of its role (materialsOfRole), covered by a
   * record read under the case for it, by a valid certificate it holds, or still to bring; for a
   * role with materials and no party yet, each still to bring. In the order of the matter's roles.
   */
  async materials(principal: Principal, request: RequestContext, scope: object, found: StoredCase): Promise<CaseMaterialCheck[]> {
    const [rules, materials] = await Promise.all([this.rulesOf(found), this.matters.materials(found.matterCode)]);
    const subjectRole = rules?.parties?.find((r) => r.subject)?.role;
    if (!rules || !materials || !subjectRole) return [];
    const checks: CaseMaterialCheck[] = [];
    for (const role of rules.parties!) {
      const mine = materialsOfRole(materials, role.role, subjectRole);
      if (mine.length === 0) continue;
      const parties = found.parties.filter((p) => p.role === role.role);
      // A role the case may do without (a father not at the window) asks nothing until it has a party.
      if (parties.length === 0 && !role.required) continue;
      if (parties.length === 0) {
        const none = checkMaterials(mine, { hasRecords: () => false, certificates: [] });
        checks.push(...none.map((check, i) => ({ ...check, nameZh: mine[i]!.nameZh ?? null, role: role.role, party: null })));
        continue;
      }
      for (const party of parties) {
        const view = await this.partyView(principal, request, scope, found, party, [], true);
        const certificates =
          party.subjectKind === 'PERSON'
            ? (await this.registry.listFor(principal, request, party.subjectId, view.purpose, scope)).filter((row) => certificateStatus(row) === 'VALID')
            : [];
        const hasRecords = (item: string) => {
          const outcome = view.outcomes.get(item);
          return outcome?.kind === 'records' && outcome.records.length > 0;
        };
        const failed = (item: string) => view.outcomes.get(item)?.kind === 'failed';
        const judged = checkMaterials(mine, { hasRecords, certificates, failed, relationProven: party.relationStatus === 'PROVEN' });
        checks.push(...judged.map((check, i) => ({ ...check, nameZh: mine[i]!.nameZh ?? null, role: role.role, party })));
      }
    }
    return checks;
  }

  /**
   * Judges again the relations the records could not show last time (a department did not answer),
   * before the case's parties are read; a relation the records now disprove stays in the case as
   * NOT_PROVEN (its reads are refused) for the clerk to correct.
   */
  async rejudgeUnverified(principal: Principal, request: RequestContext, scope: object, found: StoredCase): Promise<StoredCase> {
    const unverified = found.parties.filter((p) => p.relationStatus === 'UNVERIFIED');
    if (unverified.length === 0 || caseStandingDenial(principal, found)) return found;
    const rules = await this.rulesOf(found);
    if (!rules) return found;
    const judged = await this.judgeRelations(principal, request, scope, rules, found, new Set(unverified.map((p) => p.subjectId)), null);
    if (judged.length) await this.cases.setRelations(found.id, judged);
    this.purposes.forgetCase(scope, found.id);
    return { ...found, parties: found.parties.map((p) => judged.find((j) => j.subjectId === p.subjectId) ?? p) };
  }

  /** The case, locked for work by this clerk: refusals recorded (another hall's case is not found). */
  private async workable(
    principal: ClerkPrincipal,
    request: RequestContext,
    caseId: string,
    action: string,
  ): Promise<{ found: StoredCase; rules: MatterRules }> {
    const found = await this.cases.find(caseId);
    const denial = caseStandingDenial(principal, found);
    const rules = found && !denial ? await this.rulesOf(found) : null;
    if (!found || denial || !rules) {
      const error = denial === 'CASE_CLOSED' ? CaseError.denied('CASE_CLOSED') : CaseError.notFound();
      throw await this.refuse(principal, request, denial === 'CASE_CLOSED' ? found : null, action, error, {});
    }
    return { found, rules };
  }

  /**
   * The rows of parties joining a case: each role declared by the matter, a person for a person's
   * role and an enterprise for an enterprise's, once per case, one per role unless the role takes
   * several, and within the clerk's standing for it (role, jurisdiction for the subject role).
   */
  private async joining(
    principal: ClerkPrincipal,
    rules: MatterRules,
    found: StoredCase,
    given: readonly PartyGiven[],
    now: Date,
    refused: (error: CaseError) => Promise<CaseError>,
  ): Promise<CasePartyRow[]> {
    const rows: CasePartyRow[] = [];
    const all = () => [...found.parties, ...rows];
    for (const party of given) {
      const role = rules.parties!.find((r) => r.role === party.role);
      if (!role) throw await refused(CaseError.badInput('ROLE_UNKNOWN', `"${party.role.slice(0, 32)}" is not a party role of ${rules.code}`));
      const subject = subjectOf(role, party);
      if (!subject) {
        const wanted = role.kind === 'PERSON' ? 'an idNumber' : 'a creditCode';
        throw await refused(CaseError.badInput('PARTY_KIND_MISMATCH', `${role.role} takes ${wanted} (and only that)`, role.role));
      }
      if (all().some((p) => p.subjectId === subject.id))
        throw await refused(CaseError.conflict('PARTY_ALREADY_IN_CASE', 'already a party of the case', role.role));
      if (!role.multiple && all().some((p) => p.role === role.role))
        throw await refused(CaseError.conflict('ROLE_TAKEN', `${role.role} already has its party`, role.role));
      const standing = decideStanding({ principal, matter: rulesForParty(rules, role), subject });
      if (standing) throw await refused(CaseError.denied(standing, role.role));
      rows.push({
        caseId: found.id,
        subjectId: subject.id,
        subjectKind: subject.kind,
        role: role.role,
        relationStatus: role.relation ? 'AWAITING_PARTY' : 'NOT_REQUIRED',
        position: all().length,
        addedAt: now,
      });
    }
    return rows;
  }

  /**
   * Judges from records the relation of every party in `joining`, and of every party whose relation
   * names the role of one of them (it could not be judged before), setting their statuses; returns
   * the parties judged. A relation the records disprove refuses the change once all are judged
   * (`refused`; null: keep the status, as when judging again before reads).
   */
  private async judgeRelations(
    principal: Principal,
    request: RequestContext,
    scope: object,
    rules: MatterRules,
    found: StoredCase,
    joining: ReadonlySet<string>,
    refused: ((error: CaseError) => Promise<CaseError>) | null,
  ): Promise<CasePartyRow[]> {
    const joiningRoles = new Set(found.parties.filter((p) => joining.has(p.subjectId)).map((p) => p.role));
    const toJudge = found.parties.flatMap((party) => {
      const role = rules.parties!.find((r) => r.role === party.role);
      if (!role?.relation || !(joining.has(party.subjectId) || joiningRoles.has(role.relation.to))) return [];
      return [{ party, role, target: relationToJudge(role, found.parties) }];
    });
    // Judged together (each a RELATION_CHECK entry): the parents of a newborn are both judged from the
    // child's records, read once, and their entries go to the ledger together.
    const statuses = await Promise.all(
      toJudge.map(({ party, role, target }): RelationStatus | Promise<RelationStatus> =>
        'status' in target ? target.status : this.judgeOne(principal, request, scope, rules, found, party, role, target.other),
      ),
    );
    toJudge.forEach(({ party }, i) => (party.relationStatus = statuses[i]!));
    const disproved = toJudge.find((_, i) => statuses[i] === 'NOT_PROVEN');
    if (disproved && refused) throw await refused(CaseError.denied('RELATION_NOT_PROVEN', disproved.role.role));
    return toJudge.map(({ party }) => party);
  }

  private judgeOne(
    principal: Principal,
    request: RequestContext,
    scope: object,
    rules: MatterRules,
    found: StoredCase,
    party: CasePartyRow,
    role: PartyRoleDefinition,
    other: CasePartyRow,
  ): Promise<'PROVEN' | 'NOT_PROVEN' | 'UNVERIFIED'> {
    const rule = role.relation!;
    const kinds = new Map([
      [party.subjectId, party.subjectKind],
      [other.subjectId, other.subjectKind],
    ]);
    const reads = relationReads(rule, rules.dataItems, party.subjectId, other.subjectId).map((read) => ({
      subject: { kind: kinds.get(read.subject)!, id: read.subject },
      items: read.items,
    }));
    return this.exchange.judgeFromRecords({
      principal,
      request,
      scope,
      reads,
      judge: (records) => judgeRelation(rule, party.subjectId, other.subjectId, { party: records.get(party.subjectId), other: records.get(other.subjectId) }),
      entry: {
        matter: rules.code,
        caseNumber: found.caseNumber,
        detail: { caseId: found.id, partyRole: party.role, relation: rule.type, relatedRole: other.role },
      },
    });
  }

  /** `<hall>-<year>-<serial, 6 digits>`, e.g. LONGYOU-01-2026-000042. */
  private async generatedNumber(hall: string, now: Date): Promise<string> {
    const year = now.getUTCFullYear();
    const serial = await this.cases.nextSerial(hall, year);
    return `${hall}-${year}-${String(serial).padStart(6, '0')}`;
  }

  private refusalError(refusal: CaseChangeRefusal): CaseError {
    switch (refusal) {
      case 'CASE_NOT_FOUND':
        return CaseError.notFound();
      case 'CASE_CLOSED':
        return CaseError.denied('CASE_CLOSED');
      case 'PARTY_ALREADY_IN_CASE':
        return CaseError.conflict('PARTY_ALREADY_IN_CASE', 'already a party of the case');
      case 'CASE_NUMBER_TAKEN':
        return CaseError.conflict('CASE_NUMBER_TAKEN', 'your hall already has a case with that number');
    }
  }

  /** Records the refusal (a DENIED CASE_CHANGE entry) and returns the error to throw. */
  private async refuse(
    principal: Principal,
    request: RequestContext,
    about: { caseNumber: string | null; id?: string; matterCode?: string; matter?: string } | null,
    action: string,
    error: CaseError,
    detail: Record<string, LedgerDetailValue>,
  ): Promise<CaseError> {
    const matter = about?.matterCode ?? about?.matter ?? null;
    const known = matter !== null && (await this.matters.rules(matter)) !== null;
    await this.ledger.record({
      kind: 'CASE_CHANGE',
      actor: actorFor(principal),
      matter: known ? matter : null,
      caseNumber: about?.caseNumber ?? null,
      outcome: 'DENIED',
      ...requestFieldsOf(request),
      detail: {
        action,
        reason: error.extensions.reason,
        ...(about?.id ? { caseId: about.id } : {}),
        ...(error.extensions.role ? { partyRole: error.extensions.role } : {}),
        ...detail,
      },
    });
    return error;
  }

  private async record(
    principal: Principal,
    request: RequestContext,
    found: StoredCase | null,
    action: string,
    outcome: LedgerOutcome,
    detail: Record<string, LedgerDetailValue>,
    consentRef: string | null = null,
  ): Promise<void> {
    await this.ledger.record({
      kind: 'CASE_CHANGE',
      actor: actorFor(principal),
      matter: found?.matterCode ?? null,
      caseNumber: found?.caseNumber ?? null,
      consentRef,
      outcome,
      ...requestFieldsOf(request),
      detail: { action, ...(found ? { caseId: found.id } : {}), ...detail },
    });
  }
}

/** The subject a party input names for its role, or null when it names the wrong kind (or both, or neither). */
function subjectOf(role: PartyRoleDefinition, party: PartyGiven): Subject | null {
  const id = party.idNumber ?? null;
  const code = party.creditCode ?? null;
  if (role.kind === 'PERSON') return id !== null && code === null ? { kind: 'PERSON', id } : null;
  return code !== null && id === null ? { kind: 'ENTERPRISE', id: code } : null;
}
