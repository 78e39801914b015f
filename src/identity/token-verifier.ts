import { Injectable, Optional } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWSAlgorithm, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { hash } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { ACCESS_TOKEN_TYPE, DEV_ISSUER_ALGORITHM, DevIssuer } from './dev-issuer.js';
import { HallRegistry } from './hall-registry.js';
import { IdentityError } from './identity.errors.js';
import { principalFromClaims, type Principal } from './principal.js';

/** Pinned: never `none`, never an HMAC algorithm (whose "secret" could be our public key). */
export const DEV_ISSUER_ALGORITHMS: readonly JWSAlgorithm[] = [DEV_ISSUER_ALGORITHM];
export const EXTERNAL_ISSUER_ALGORITHMS: readonly JWSAlgorithm[] = ['ES256', 'RS256', 'EdDSA'];

/** Far above any real access token; bounds the work done on garbage before anything is parsed. */
export const MAX_TOKEN_LENGTH = 8192;
export const TOKEN_CACHE_MAX_ENTRIES = 10_000;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

interface CacheEntry {
  principal: Principal;
  /** Epoch ms after which the token is refused: the earlier of `exp` and `iat` + max age, plus the tolerance. */
  validUntil: number;
}

/** Thrown by the key resolver when the external issuer's JWKS cannot be fetched. */
class IssuerUnavailable extends Error {}

/**
 * Verifies access tokens and turns them into principals.
 *
 * Keys come only from what is configured: the development issuer's own key set, or the JWKS at
 * TOKEN_JWKS_URL. A token's `kid` is only ever a lookup key in that set, and `jku`, `x5u`, `jwk`
 * and `x5c` headers are ignored (jose never dereferences them), so a token cannot name its own key.
 */
@Injectable()
export class TokenVerifier {
  private readonly algorithms: JWSAlgorithm[];
  // Beyond TOKEN_CACHE_MAX_ENTRIES the least recently used entry is dropped: an expired token's entry
  // is deleted when it is next presented, and otherwise ages out first, as it is never used again.
  private readonly cache = new LRUCache<string, CacheEntry>({ max: TOKEN_CACHE_MAX_ENTRIES });
  private keys?: Promise<JWTVerifyGetKey>;
  private readonly devIssuer: DevIssuer;
  private readonly halls: HallRegistry;

  constructor(
    private readonly config: AppConfig,
    @Optional() devIssuer?: DevIssuer,
  ) {
    this.devIssuer = devIssuer ?? new DevIssuer(config);
    this.halls = HallRegistry.fromConfig(config);
    this.algorithms = [...(config.TOKEN_JWKS_URL ? EXTERNAL_ISSUER_ALGORITHMS : DEV_ISSUER_ALGORITHMS)];
  }

  async verify(token: string): Promise<Principal> {
    if (typeof token !== 'string' || token.length === 0) {
      throw IdentityError.unauthenticated('TOKEN_MISSING', 'no bearer token was presented');
    }
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
      throw IdentityError.unauthenticated('TOKEN_MALFORMED', 'token is not a compact JWS');
    }

    const now = this.now();
    const cacheKey = hash('sha256', token, 'base64url');
    const cached = this.cache.get(cacheKey);
    if (cached) {
      if (now.getTime() < cached.validUntil) return cached.principal;
      this.cache.delete(cacheKey);
      throw IdentityError.unauthenticated('TOKEN_EXPIRED', 'token expired');
    }

    const getKey = await this.keyResolver();
    let payload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: this.algorithms,
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.config.TOKEN_ISSUER,
        audience: this.config.TOKEN_AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: this.config.TOKEN_MAX_AGE_SECONDS,
        clockTolerance: this.config.TOKEN_CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
        // `crit` left at jose's default: any critical extension other than b64 is rejected, and
        // jwtVerify refuses b64=false.
      }));
    } catch (error) {
      throw toIdentityError(error);
    }

    const principal = principalFromClaims(payload, now);
    if (principal.kind === 'clerk') {
      const problem = this.halls.clerkProblem(principal.hall, principal.region);
      if (problem) throw IdentityError.unauthenticated('TOKEN_CLAIMS_INVALID', problem);
    }
    const tolerance = this.config.TOKEN_CLOCK_TOLERANCE_SECONDS;
    const validUntil = (Math.min(payload.exp as number, (payload.iat as number) + this.config.TOKEN_MAX_AGE_SECONDS) + tolerance) * 1000;
    this.cache.set(cacheKey, { principal, validUntil });
    return principal;
  }

  /** The clock; tests override it. */
  protected now(): Date {
    return new Date();
  }

  private keyResolver(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.createKeyResolver().catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  private async createKeyResolver(): Promise<JWTVerifyGetKey> {
    if (!this.config.TOKEN_JWKS_URL) {
      if (!this.devIssuer.enabled) {
        throw IdentityError.unauthenticated('ISSUER_UNAVAILABLE', 'no token issuer is configured');
      }
      // The development key, as a one-entry local set: the kid is a lookup in memory, nothing else.
      return createLocalJWKSet(await this.devIssuer.publicJwks());
    }
    const remote = createRemoteJWKSet(new URL(this.config.TOKEN_JWKS_URL), {
      timeoutDuration: 5000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    return async (protectedHeader, token) => {
      try {
        return await remote(protectedHeader, token);
      } catch (error) {
        // A missing or ambiguous key is the token's problem; anything else is the issuer being unreachable.
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) {
          throw error;
        }
        throw new IssuerUnavailable('JWKS unavailable', { cause: error });
      }
    };
  }
}

function invalid(message: string): IdentityError {
  return IdentityError.unauthenticated('TOKEN_INVALID', message);
}

/** Maps jose's errors to messages that say what is wrong without echoing the token or its claims. */
export function toIdentityError(error: unknown): IdentityError {
  if (error instanceof IdentityError) return error;
  if (error instanceof IssuerUnavailable) {
    return IdentityError.unauthenticated('ISSUER_UNAVAILABLE', 'the token issuer keys are unavailable; try again later');
  }
  if (error instanceof errors.JWTExpired) {
    return IdentityError.unauthenticated('TOKEN_EXPIRED', error.claim === 'iat' ? 'token is older than the maximum token age' : 'token expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return invalid(`token has no ${error.claim} claim`);
    if (error.reason !== 'check_failed') return invalid(`token has an invalid ${error.claim} claim`);
    switch (error.claim) {
      case 'nbf':
        return IdentityError.unauthenticated('TOKEN_NOT_YET_VALID', 'token is not yet valid');
      case 'iat':
        return IdentityError.unauthenticated('TOKEN_NOT_YET_VALID', 'token is issued in the future');
      case 'iss':
        return invalid('token issuer is not accepted');
      case 'aud':
        return invalid('token audience is not accepted');
      case 'typ':
        return invalid(`token type must be ${ACCESS_TOKEN_TYPE}`);
      default:
        return invalid(`token ${error.claim} claim is not accepted`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid('token signing algorithm is not accepted');
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('token signature is invalid');
  if (error instanceof errors.JWKSNoMatchingKey) return invalid('token signing key is not known');
  if (error instanceof errors.JWKSMultipleMatchingKeys) return invalid('token does not identify its signing key (kid)');
  if (error instanceof errors.JOSENotSupported) {
    return /Extension Header Parameter/.test(error.message)
      ? invalid('token has an unsupported critical header')
      : invalid('token uses an unsupported algorithm or key');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return IdentityError.unauthenticated('TOKEN_MALFORMED', 'token is malformed');
  }
  // Key import failures and the like: the token (or its issuer's key) is unusable.
  return invalid('token could not be verified');
}
