import { Context, Info, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { MaterialSatisfaction } from '../certificates/models/material-status.model.js';
import { MattersService } from '../catalog/matters.service.js';
import { Matter } from '../catalog/models/matter.model.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { ItemViews } from '../exchange/item-views.js';
import { CitizenView, EnterpriseView } from '../exchange/models/views.model.js';
import { selectedFieldNames } from '../exchange/selection.js';
import type { ExchangeView } from '../exchange/exchange.service.js';
import { HallRegistry } from '../identity/hall-registry.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { Principal } from '../identity/principal.js';
import type { CasePartyRow } from './case.repository.js';
import { CasesService } from './cases.service.js';
import { Case, CaseMaterial, CaseParty, PartyConsent, PartyConsentStatus, RelationStatus, SuggestedParty } from './models/case.model.js';

/** The item each subject kind's party `name` is read from. */
const NAME_ITEMS = { PERSON: 'person.identity', ENTERPRISE: 'enterprise.registration' } as const;

const SUGGESTION_REASONS: Record<string, { en: string; zh: string }> = {
  'property.rights': { en: 'named as co-owner on the property record', zh: '不动产登记记载的共有人' },
  'birth.medical_certificate': { en: 'named as parent on the medical birth certificate', zh: '出生医学证明记载的父母' },
  'person.identity': { en: 'named as parent on the resident record', zh: '户籍记录记载的父母' },
  'marriage.registration': { en: 'named as spouse on the marriage registration', zh: '婚姻登记记载的配偶' },
  'enterprise.registration': { en: 'named as legal representative on the enterprise registration', zh: '企业登记记载的法定代表人' },
};

/** One lookup per party per request, with every item the request's selection of that party needs. */
interface PartyReads {
  view(): Promise<ExchangeView>;
}
const reads = new WeakMap<CaseParty, PartyReads>();

/**
 * The fields of a case that read or judge: its matter, its parties (each party's records read under
 * the case through the exchange's audited lookup, once per request with every item selected), the
 * parties the records imply, and the materials checklist over every party.
 */
@Resolver(() => Case)
export class CaseFieldsResolver {
  constructor(
    private readonly cases: CasesService,
    private readonly matters: MattersService,
    private readonly halls: HallRegistry,
    private readonly views: ItemViews,
  ) {}

  @ResolveField(() => Matter)
  async matter(@Parent() c: Case): Promise<Matter> {
    return (await this.matters.find(c.found.matterCode))!;
  }

  @ResolveField(() => String, { nullable: true, description: 'The hall’s name.' })
  hallName(@Parent() c: Case): string | null {
    return this.halls.find(c.hall)?.name ?? null;
  }

  @ResolveField(() => String, { nullable: true, description: 'The hall’s name in Chinese.' })
  hallNameZh(@Parent() c: Case): string | null {
    return this.halls.find(c.hall)?.nameZh ?? null;
  }

  @ResolveField(() => [CaseParty], {
    description:
      'The parties in the order they joined. Selecting a party’s record, enterprise or name reads its records under the case (one audited lookup per party); ' +
      'relations a department could not judge before are judged again first.',
  })
  async parties(
    @Parent() c: Case,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CaseParty[]> {
    const found = await this.cases.rejudgeUnverified(principal, request, scope, c.found);
    const rules = await this.cases.rulesOf(found);
    const selected = selectedFieldNames(info);
    const record = selectedFieldNames(info, ['record']);
    const enterprise = selectedFieldNames(info, ['enterprise']);
    return found.parties.map((row) => {
      const role = rules?.parties?.find((r) => r.role === row.role);
      const party: CaseParty = {
        role: row.role,
        roleName: role?.name ?? row.role,
        roleNameZh: role?.nameZh ?? null,
        subject: role?.subject ?? false,
        idNumber: row.subjectKind === 'PERSON' ? row.subjectId : null,
        creditCode: row.subjectKind === 'ENTERPRISE' ? row.subjectId : null,
        relation: role?.relation ? { type: role.relation.type, to: role.relation.to, status: RelationStatus[row.relationStatus] } : null,
        addedAt: row.addedAt,
        found,
        row,
      };
      const items = new Set(this.views.itemsOf(row.subjectKind, row.subjectKind === 'PERSON' ? record : enterprise));
      if (selected.has('name')) items.add(NAME_ITEMS[row.subjectKind]);
      const checklist = row.subjectKind === 'PERSON' && record.has('materials');
      let view: Promise<ExchangeView> | undefined;
      reads.set(party, { view: () => (view ??= this.cases.partyView(principal, request, scope, found, row, [...items], checklist)) });
      return party;
    });
  }

  @ResolveField(() => [SuggestedParty], {
    description:
      'People (or an enterprise) the records imply for a role who are not parties yet — the co-owners on the seller’s property record, the parents on the child’s ' +
      'birth record — read under the case (so only from records its consents cover).',
  })
  async suggestedParties(
    @Parent() c: Case,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<SuggestedParty[]> {
    const suggestions = await this.cases.suggestions(principal, request, scope, c.found);
    return suggestions.map((s) => {
      const reason = SUGGESTION_REASONS[s.from.item] ?? { en: `named on the ${s.from.item} record`, zh: `${s.from.item} 记录所载` };
      return {
        role: s.role,
        idNumber: s.subject.kind === 'PERSON' ? s.subject.id : null,
        creditCode: s.subject.kind === 'ENTERPRISE' ? s.subject.id : null,
        fromRole: s.from.role,
        fromItem: s.from.item,
        reason: `${s.from.role}: ${reason.en}`,
        reasonZh: reason.zh,
      };
    });
  }

  @ResolveField(() => [String], { description: 'Required roles that have no party yet.' })
  async missingRoles(@Parent() c: Case): Promise<string[]> {
    const rules = await this.cases.rulesOf(c.found);
    return (rules?.parties ?? []).filter((r) => r.required && !c.found.parties.some((p) => p.role === r.role)).map((r) => r.role);
  }

  @ResolveField(() => [CaseMaterial], {
    description:
      "The matter's materials for every party (and every role with no party yet): covered by a record read under the case, by a valid certificate, or to bring — " +
      'the one-time notice (一次性告知单) is the TO_BRING lines.',
  })
  async materials(
    @Parent() c: Case,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<CaseMaterial[]> {
    const checks = await this.cases.materials(principal, request, scope, c.found);
    return checks.map((check) => ({
      code: check.code,
      name: check.name,
      nameZh: check.nameZh,
      role: check.role,
      idNumber: check.party?.subjectKind === 'PERSON' ? check.party.subjectId : null,
      creditCode: check.party?.subjectKind === 'ENTERPRISE' ? check.party.subjectId : null,
      satisfied: MaterialSatisfaction[check.satisfied],
      dataItems: check.dataItems,
      certificates: check.certificates,
    }));
  }
}

/** A party's own fields: its name, its consent, and its records (the same views as `citizen` and `enterprise`). */
@Resolver(() => CaseParty)
export class CasePartyResolver {
  constructor(private readonly cases: CasesService) {}

  @ResolveField(() => String, {
    nullable: true,
    description: 'The name on the party’s identity (or registration) record, when read under the case; null when not released.',
  })
  async name(@Parent() party: CaseParty): Promise<string | null> {
    const view = await reads.get(party)?.view();
    const outcome = view?.outcomes.get(NAME_ITEMS[party.row.subjectKind]);
    const name = outcome?.kind === 'records' ? outcome.records[0]?.name : undefined;
    return typeof name === 'string' ? name : null;
  }

  @ResolveField(() => PartyConsent, { description: 'Whether a consent covers the party in this case, and whose (nothing is read to say it).' })
  async consent(
    @Parent() party: CaseParty,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<PartyConsent> {
    const { needed, facts } = await this.cases.consentOf(principal, request, scope, party.found, party.row);
    if (!needed) return { status: PartyConsentStatus.NOT_REQUIRED, grantId: null, byRole: null, expiresAt: null };
    if (!facts) return { status: PartyConsentStatus.MISSING, grantId: null, byRole: null, expiresAt: null };
    const now = new Date();
    const status =
      facts.revokedAt !== null && facts.revokedAt <= now
        ? PartyConsentStatus.REVOKED
        : facts.expiresAt <= now
          ? PartyConsentStatus.EXPIRED
          : PartyConsentStatus.GIVEN;
    const grantor = facts.grantor ?? party.row.subjectId;
    const byRole = grantor === party.row.subjectId ? null : (party.found.parties.find((p: CasePartyRow) => p.subjectId === grantor)?.role ?? null);
    return { status, grantId: facts.id, byRole, expiresAt: facts.expiresAt };
  }

  @ResolveField(() => CitizenView, {
    nullable: true,
    description: 'A person party’s records under the case (the same view as `citizen`); null for an enterprise.',
  })
  async record(@Parent() party: CaseParty): Promise<CitizenView | null> {
    if (party.row.subjectKind !== 'PERSON') return null;
    return { idNumber: party.row.subjectId, view: await reads.get(party)!.view() };
  }

  @ResolveField(() => EnterpriseView, {
    nullable: true,
    description: 'An enterprise party’s records under the case (the same view as `enterprise`); null for a person.',
  })
  async enterprise(@Parent() party: CaseParty): Promise<EnterpriseView | null> {
    if (party.row.subjectKind !== 'ENTERPRISE') return null;
    return { creditCode: party.row.subjectId, view: await reads.get(party)!.view() };
  }
}
