import { UsePipes } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { CitizenPrincipal, Principal } from '../identity/principal.js';
import { Roles } from '../identity/roles.decorator.js';
import { ConsentService, MY_CONSENTS_LIMIT } from './consent.service.js';
import { GrantConsentInput } from './dto/grant-consent.input.js';
import { ConsentGrant } from './models/consent-grant.model.js';

@Resolver(() => ConsentGrant)
export class ConsentResolver {
  constructor(private readonly consents: ConsentService) {}

  @Roles('citizen')
  @UsePipes(inputValidationPipe())
  @Mutation(() => ConsentGrant, {
    description: 'Grants my consent for a matter, optionally limited to one case and one hall (citizens, for themselves). Recorded in the ledger.',
  })
  grantConsent(
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Args('input') input: GrantConsentInput,
  ): Promise<ConsentGrant> {
    return this.consents.grant(principal as CitizenPrincipal, request, input);
  }

  @Roles('citizen')
  @Mutation(() => ConsentGrant, {
    description: 'Revokes one of my consent grants; the next request under it is denied. Revoking again changes nothing. Recorded in the ledger.',
  })
  revokeConsent(
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ConsentGrant> {
    return this.consents.revoke(principal as CitizenPrincipal, request, id);
  }

  @Roles('citizen')
  @Query(() => [ConsentGrant], { description: `My consent grants, newest first (at most ${MY_CONSENTS_LIMIT}). Citizens only.` })
  myConsents(@CurrentPrincipal() principal: Principal): Promise<ConsentGrant[]> {
    return this.consents.listFor(principal as CitizenPrincipal);
  }

  @ResolveField(() => String, {
    nullable: true,
    description:
      'A freshly signed, short-lived consent token (JWT) for showing the grant as a QR code at the window; a clerk passes it as purpose.consent. Null unless ACTIVE.',
  })
  token(@Parent() grant: ConsentGrant): Promise<string | null> {
    return this.consents.tokenFor(grant);
  }
}
