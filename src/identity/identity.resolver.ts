import { Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { Caller, toCaller } from './models/caller.model.js';
import type { Principal } from './principal.js';

@Resolver()
export class IdentityResolver {
  @Query(() => Caller, { description: 'Who the access token says the caller is (for consoles and integration checks).' })
  me(@CurrentPrincipal() principal: Principal): Caller {
    return toCaller(principal);
  }
}
