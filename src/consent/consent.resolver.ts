import { UsePipes } from '@nestjs/common';
import { Args, Extensions, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { qrSvg } from '../common/qr-svg.js';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { CitizenPrincipal, Principal } from '../identity/principal.js';
import { Roles } from '../identity/roles.decorator.js';
import { ConsentService, MY_CONSENTS_LIMIT } from './consent.service.js';
import { ConsentsCoveringArgs } from './dto/consents-covering.args.js';
import { GrantConsentInput } from './dto/grant-consent.input.js';
import { ConsentGrant } from './models/consent-grant.model.js';
import { CoveringConsent } from './models/covering-consent.model.js';

@Resolver(() => ConsentGrant)
export class ConsentResolver {
  private readonly tokens = new WeakMap<ConsentGrant, Promise<string | null>>();

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
  @Extensions({ listSize: MY_CONSENTS_LIMIT })
  @Query(() => [ConsentGrant], { description: `My consent grants, newest first (at most ${MY_CONSENTS_LIMIT}). Citizens only.` })
  myConsents(@CurrentPrincipal() principal: Principal): Promise<ConsentGrant[]> {
    return this.consents.listFor(principal as CitizenPrincipal);
  }

  @Roles('clerk', 'department')
  @UsePipes(inputValidationPipe())
  @Query(() => [CoveringConsent], {
    description:
      "The citizen's active consent grants that cover this matter and case (and the clerk's hall), newest first, to pick one as purpose.consent. " +
      'For windows that may look the citizen up under the matter; empty when the matter needs no consent. Recorded in the ledger (CONSENT_LOOKUP).',
  })
  consentsCovering(
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Args() args: ConsentsCoveringArgs,
  ): Promise<CoveringConsent[]> {
    return this.consents.covering(principal, request, args);
  }

  // Query cost: signed for each grant asked for.
  @Extensions({ cost: 20 })
  @ResolveField(() => String, {
    nullable: true,
    description:
      'A freshly signed, short-lived consent token (JWT) for showing the grant as a QR code at the window; a clerk passes it as purpose.consent. Null unless ACTIVE.',
  })
  token(@Parent() grant: ConsentGrant): Promise<string | null> {
    return this.tokenOf(grant);
  }

  // Query cost: signed and drawn for each grant asked for.
  @Extensions({ cost: 70 })
  @ResolveField(() => String, { nullable: true, description: 'The consent token as a QR code (an SVG document) for the clerk to scan; null unless ACTIVE.' })
  async qrSvg(@Parent() grant: ConsentGrant): Promise<string | null> {
    const token = await this.tokenOf(grant);
    return token === null ? null : qrSvg(token);
  }

  /** One token per grant per request: `token` and `qrSvg` asked together show the same token. */
  private tokenOf(grant: ConsentGrant): Promise<string | null> {
    let token = this.tokens.get(grant);
    if (!token) {
      token = this.consents.tokenFor(grant);
      this.tokens.set(grant, token);
    }
    return token;
  }
}
