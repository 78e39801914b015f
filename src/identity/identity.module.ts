import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { DevIssuer } from './dev-issuer.js';
import { DevSignInResolver } from './dev-sign-in.resolver.js';
import { AppConfig } from '../config/app-config.js';
import { HallRegistry } from './hall-registry.js';
import { IdentityResolver } from './identity.resolver.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Tokens in, principals out. Registers the AuthGuard globally, so every resolver and handler
 * needs a valid token unless marked @Public(). Needs the global ConfigModule (AppConfig).
 */
@Module({
  providers: [
    DevIssuer,
    TokenVerifier,
    IdentityResolver,
    DevSignInResolver,
    { provide: HallRegistry, useFactory: (config: AppConfig) => HallRegistry.fromConfig(config), inject: [AppConfig] },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [DevIssuer, TokenVerifier, HallRegistry],
})
export class IdentityModule {}
