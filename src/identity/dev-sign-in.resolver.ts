import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AppConfig } from '../config/app-config.js';
import { DevIssuer } from './dev-issuer.js';
import { DEV_PERSONAS, DEV_SESSION_SECONDS } from './dev-personas.js';
import { IdentityError, IdentityErrorCode } from './identity.errors.js';
import { DevPersonaModel, DevSession } from './models/dev-session.model.js';
import { Public } from './public.decorator.js';

/**
 * Development sign-in for the consoles: a token for one of the fixed demo personas. Off (empty list,
 * FORBIDDEN) in production and whenever an external token issuer is configured.
 */
@Resolver()
export class DevSignInResolver {
  constructor(
    private readonly issuer: DevIssuer,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @Query(() => [DevPersonaModel], { description: 'The demo personas of the development sign-in; empty when it is off (production, or an external issuer).' })
  devPersonas(): DevPersonaModel[] {
    if (!this.issuer.enabled) return [];
    return DEV_PERSONAS.map((p) => ({ code: p.code, label: p.label, role: p.token.role }));
  }

  @Public()
  @Mutation(() => DevSession, { description: 'Signs in as a demo persona (development only): an access token from the development issuer.' })
  async devSignIn(@Args('persona') persona: string): Promise<DevSession> {
    if (!this.issuer.enabled) throw new IdentityError(IdentityErrorCode.FORBIDDEN, 'ROLE_NOT_ALLOWED', 'the development sign-in is off');
    const found = DEV_PERSONAS.find((p) => p.code === persona);
    if (!found) throw new IdentityError(IdentityErrorCode.FORBIDDEN, 'ROLE_NOT_ALLOWED', 'unknown demo persona');
    const ttlSeconds = Math.min(DEV_SESSION_SECONDS, this.config.TOKEN_MAX_AGE_SECONDS);
    const token = await this.issuer.issueToken({ ...found.token, ttlSeconds });
    return { token, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
  }
}
