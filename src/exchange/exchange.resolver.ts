import { UsePipes } from '@nestjs/common';
import { Args, Context, Info, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CreditCodeScalar } from '../common/scalars/credit-code.scalar.js';
import { IdNumberScalar } from '../common/scalars/id-number.scalar.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { Principal } from '../identity/principal.js';
import { PurposeInput, purposeOf } from './dto/purpose.input.js';
import { ExchangeService } from './exchange.service.js';
import { ItemViews } from './item-views.js';
import { CitizenView, EnterpriseView } from './models/views.model.js';
import { selectedFieldNames } from './selection.js';

/**
 * The two lookups. Each reads exactly the data items behind the selected fields (the items' views,
 * made from their catalog entries in item-views.ts, resolve the fields from the lookup's outcome).
 */
@Resolver()
@UsePipes(inputValidationPipe())
export class ExchangeResolver {
  constructor(
    private readonly exchange: ExchangeService,
    private readonly views: ItemViews,
  ) {}

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
    const items = this.views.itemsOf('PERSON', selected);
    const subject = { kind: 'PERSON' as const, id: idNumber };
    const view = await this.exchange.lookup({ principal, request, scope, subject, purpose: purposeOf(purpose), items, checklist: selected.has('materials') });
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
    const items = this.views.itemsOf('ENTERPRISE', selectedFieldNames(info));
    const view = await this.exchange.lookup({ principal, request, scope, subject: { kind: 'ENTERPRISE', id: creditCode }, purpose: purposeOf(purpose), items });
    return { creditCode, view };
  }
}
