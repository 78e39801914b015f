import { Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { HallRegistry } from './hall-registry.js';
import { Caller, toCaller } from './models/caller.model.js';
import { ServiceHallModel } from './models/service-hall.model.js';
import type { Principal } from './principal.js';

@Resolver()
export class IdentityResolver {
  constructor(private readonly halls: HallRegistry) {}

  @Query(() => Caller, { description: 'Who the access token says the caller is (for consoles and integration checks).' })
  me(@CurrentPrincipal() principal: Principal): Caller {
    return toCaller(principal);
  }

  @Query(() => [ServiceHallModel], {
    description: 'The service halls of the hall registry (empty when none is configured), for naming the halls a consent covers. Any signed-in caller.',
  })
  serviceHalls(): ServiceHallModel[] {
    return this.halls.halls.map(({ code, name, nameZh, regionCode }) => ({ code, name, nameZh, regionCode }));
  }
}
