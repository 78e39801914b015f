import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { Principal } from '../identity/principal.js';
import { Roles } from '../identity/roles.decorator.js';
import { MatterInput, matterDeclaration } from './dto/matter.input.js';
import { MattersService } from './matters.service.js';
import { Matter } from './models/matter.model.js';

@Resolver()
export class MattersResolver {
  constructor(private readonly service: MattersService) {}

  @Query(() => [Matter], { description: 'Every matter a lookup may state, with the data items it may read and the materials it needs.' })
  matters(): Promise<Matter[]> {
    return this.service.list();
  }

  @Query(() => Matter, { nullable: true, description: 'One matter by code; null when there is none.' })
  matter(@Args('code') code: string): Promise<Matter | null> {
    return this.service.find(code);
  }

  @Roles('admin')
  @Mutation(() => Matter, { description: 'Creates a matter or replaces the one with the same code (admins). Recorded in the ledger.' })
  saveMatter(@CurrentPrincipal() admin: Principal, @CurrentRequest() request: RequestContext, @Args('input') input: MatterInput): Promise<Matter> {
    return this.service.save(admin, request, matterDeclaration(input));
  }

  @Roles('admin')
  @Mutation(() => Boolean, { description: 'Deletes a matter (admins). Recorded in the ledger.' })
  deleteMatter(@CurrentPrincipal() admin: Principal, @CurrentRequest() request: RequestContext, @Args('code') code: string): Promise<boolean> {
    return this.service.delete(admin, request, code);
  }
}
