import { UsePipes } from '@nestjs/common';
import { Args, Context, Info, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CreditCodeScalar } from '../common/scalars/credit-code.scalar.js';
import { IdNumberScalar } from '../common/scalars/id-number.scalar.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { Principal } from '../identity/principal.js';
import { PurposeInput } from './dto/purpose.input.js';
import { ExchangeService, type Purpose } from './exchange.service.js';
import { BirthCertificate, DeathCertificate, EnterpriseRegistration, Household, Licence, PersonIdentity, Property, SocialInsuranceAccount } from './models/records.model.js';
import { CitizenView, EnterpriseView, Marriage } from './models/views.model.js';
import { CITIZEN_FIELD_ITEMS, ENTERPRISE_FIELD_ITEMS, itemsOf, released, releasedOne } from './release.js';
import { selectedFieldNames } from './selection.js';

function purposeOf(input: PurposeInput): Purpose {
  return { matter: input.matter, caseNumber: input.caseNumber ?? null, consent: input.consent ?? null };
}

@Resolver()
@UsePipes(inputValidationPipe())
export class ExchangeResolver {
  constructor(private readonly exchange: ExchangeService) {}

  @Query(() => CitizenView, {
    nullable: true,
    description:
      'A citizen for a stated purpose. Only the selected fields are fetched; each is released only if the purpose allows it ' +
      '(FORBIDDEN field error with a reason otherwise), and only after the lookup is in the audit ledger.',
  })
  async citizen(
    @Args('idNumber', { type: () => IdNumberScalar }) idNumber: string,
    @Args('purpose') purpose: PurposeInput,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CitizenView> {
    const selected = selectedFieldNames(info);
    const items = itemsOf(selected, CITIZEN_FIELD_ITEMS);
    // The materials checklist judges the matter's material items, so they are read (and decided, and audited) too.
    if (selected.has('materials')) items.push(...(await this.exchange.materialItems(purpose.matter)));
    const view = await this.exchange.lookup({ principal, request, scope, subject: { kind: 'PERSON', id: idNumber }, purpose: purposeOf(purpose), items });
    return { idNumber, view };
  }

  @Query(() => EnterpriseView, {
    nullable: true,
    description: 'An enterprise for a stated purpose, with its registration and licences; the same rules as `citizen`.',
  })
  async enterprise(
    @Args('creditCode', { type: () => CreditCodeScalar }) creditCode: string,
    @Args('purpose') purpose: PurposeInput,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
    @Info() info: GraphQLResolveInfo,
  ): Promise<EnterpriseView> {
    const items = itemsOf(selectedFieldNames(info), ENTERPRISE_FIELD_ITEMS);
    const view = await this.exchange.lookup({ principal, request, scope, subject: { kind: 'ENTERPRISE', id: creditCode }, purpose: purposeOf(purpose), items });
    return { creditCode, view };
  }
}

/*
 * The views' field resolvers (here and in EnterpriseViewResolver) take no parameter decorators: @nestjs/graphql then binds them as
 * graphql-js resolvers, called with (parent, args, context, info), instead of wrapping each call in
 * Nest's execution context (guards, pipes and interceptors are not applied to field resolvers here
 * anyway: the query's root resolver has been through them). They only pick a lookup's outcome.
 */
@Resolver(() => CitizenView)
export class CitizenViewResolver {
  @ResolveField(() => PersonIdentity, { nullable: true })
  person(parent: CitizenView) {
    return releasedOne(parent.view, CITIZEN_FIELD_ITEMS.person);
  }

  @ResolveField(() => Household, { nullable: true })
  household(parent: CitizenView) {
    return releasedOne(parent.view, CITIZEN_FIELD_ITEMS.household);
  }

  @ResolveField(() => Marriage, { nullable: true })
  marriage(parent: CitizenView) {
    return releasedOne(parent.view, CITIZEN_FIELD_ITEMS.marriage);
  }

  @ResolveField(() => [Property], { nullable: true })
  properties(parent: CitizenView) {
    return released(parent.view, CITIZEN_FIELD_ITEMS.properties);
  }

  @ResolveField(() => SocialInsuranceAccount, { nullable: true })
  socialInsurance(parent: CitizenView) {
    return releasedOne(parent.view, CITIZEN_FIELD_ITEMS.socialInsurance);
  }

  @ResolveField(() => BirthCertificate, { nullable: true })
  birth(parent: CitizenView) {
    return releasedOne(parent.view, CITIZEN_FIELD_ITEMS.birth);
  }

  @ResolveField(() => DeathCertificate, { nullable: true })
  death(parent: CitizenView) {
    return releasedOne(parent.view, CITIZEN_FIELD_ITEMS.death);
  }
}

@Resolver(() => Marriage)
export class MarriageResolver {
  constructor(private readonly exchange: ExchangeService) {}

  /** A nested lookup: the spouse under the parent's purpose, decided and audited on its own. */
  @ResolveField(() => CitizenView, { nullable: true })
  async spouse(@Parent() marriage: Marriage, @Info() info: GraphQLResolveInfo): Promise<CitizenView | null> {
    if (!marriage.spouseIdNumber) return null;
    const { principal, request, scope, purpose } = marriage.view;
    const items = itemsOf(selectedFieldNames(info), CITIZEN_FIELD_ITEMS);
    const subject = { kind: 'PERSON' as const, id: marriage.spouseIdNumber };
    const view = await this.exchange.lookup({ principal, request, scope, subject, purpose, items });
    return { idNumber: subject.id, view };
  }
}

@Resolver(() => EnterpriseView)
export class EnterpriseViewResolver {
  @ResolveField(() => EnterpriseRegistration, { nullable: true })
  registration(parent: EnterpriseView) {
    return releasedOne(parent.view, ENTERPRISE_FIELD_ITEMS.registration);
  }

  @ResolveField(() => [Licence], { nullable: true })
  licences(parent: EnterpriseView) {
    return released(parent.view, ENTERPRISE_FIELD_ITEMS.licences);
  }
}
