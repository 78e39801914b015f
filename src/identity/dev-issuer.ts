import { Injectable } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { chmod, link, lstat, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { type DecidingDepartment } from '../common/departments.js';
import { findHall } from './halls.js';
import { IdentityError } from './identity.errors.js';
import { principalFromClaims, type PrincipalKind } from './principal.js';

export const DEV_ISSUER_ALGORITHM = 'ES256';
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const MIN_TOKEN_TTL_SECONDS = 60;
const CLIENT_ID = 'onegate-dev-issuer';

export interface TokenRequest {
  role: PrincipalKind;
  sub: string;
  hall?: string;
  /** Defaults to the hall's region for halls in the demo registry. */
  region?: string;
  /** A department, or an agency that decides department tasks (it reads no records). */
  department?: DecidingDepartment | string;
  ttlSeconds: number;
}

/** The development issuer refused to sign: it is off, or the request does not describe a valid principal. */
export class DevIssuerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevIssuerError';
  }
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * Signs development access tokens (RFC 9068 `at+jwt`, ES256). The key pair is generated on first
 * use under DATA_DIR/keys, outside the repository, so every clone gets its own; the gateway and the
 * token CLI share it through that file. Off in production and whenever an external issuer is set.
 */
@Injectable()
export class DevIssuer {
  private signingKey?: Promise<SigningKey>;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.devIssuerEnabled;
  }

  get keyFile(): string {
    return join(this.config.dataDir, 'keys', 'dev-issuer.jwk.json');
  }

  /** The public half, as the key set the token verifier trusts. */
  async publicJwks(): Promise<JSONWebKeySet> {
    const { publicJwk } = await this.key();
    return { keys: [{ ...publicJwk }] };
  }

  async issueToken(request: TokenRequest): Promise<string> {
    const { privateKey, kid } = await this.key();
    const ttl = request.ttlSeconds;
    const maxTtl = this.config.TOKEN_MAX_AGE_SECONDS;
    if (!Number.isInteger(ttl) || ttl < MIN_TOKEN_TTL_SECONDS || ttl > maxTtl) {
      throw new DevIssuerError(`ttl must be an integer between ${MIN_TOKEN_TTL_SECONDS} and ${maxTtl} seconds`);
    }

    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { sub: request.sub, role: request.role, exp: now + ttl };
    if (request.role === 'clerk') {
      claims.hall = request.hall;
      claims.region = request.region ?? (request.hall === undefined ? undefined : findHall(request.hall)?.regionCode);
    }
    if (request.role === 'department') claims.department = request.department;
    // The same rules the verifier applies, so the issuer cannot mint a token the gateway would refuse.
    try {
      const principal = principalFromClaims(claims);
      claims.sub = principal.id; // a citizen's ID number, normalised
    } catch (error) {
      if (error instanceof IdentityError) throw new DevIssuerError(error.message);
      throw error;
    }

    return new SignJWT({ ...claims, client_id: CLIENT_ID })
      .setProtectedHeader({ alg: DEV_ISSUER_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid })
      .setIssuer(this.config.TOKEN_ISSUER)
      .setAudience(this.config.TOKEN_AUDIENCE)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + ttl)
      .setJti(randomUUID())
      .sign(privateKey);
  }

  private key(): Promise<SigningKey> {
    if (!this.enabled) {
      return Promise.reject(
        new DevIssuerError(
          this.config.isProduction
            ? 'the development issuer is disabled in production'
            : 'the development issuer is disabled because TOKEN_JWKS_URL names an external issuer',
        ),
      );
    }
    this.signingKey ??= this.loadOrCreateKey().catch((error: unknown) => {
      this.signingKey = undefined; // let a later call retry, e.g. after fixing permissions
      throw error;
    });
    return this.signingKey;
  }

  private async loadOrCreateKey(): Promise<SigningKey> {
    const file = this.keyFile;
    const dir = join(this.config.dataDir, 'keys');
    await mkdir(this.config.dataDir, { recursive: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const dirInfo = await lstat(dir);
    if (!dirInfo.isDirectory()) throw new DevIssuerError(`${dir} is not a directory`);
    if ((dirInfo.mode & 0o077) !== 0) await chmod(dir, 0o700);

    let stored = await readKeyFile(file);
    if (stored === undefined) {
      const { privateKey } = await generateKeyPair(DEV_ISSUER_ALGORITHM, { extractable: true });
      const jwk = await exportJWK(privateKey);
      jwk.kid = await calculateJwkThumbprint(jwk, 'sha256');
      jwk.alg = DEV_ISSUER_ALGORITHM;
      jwk.use = 'sig';
      // Written aside, then linked into place: link fails if another process (the CLI beside the
      // gateway) won the race, and nobody ever reads a half-written key.
      const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
      await writeFile(temp, JSON.stringify(jwk, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      try {
        await link(temp, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        await unlink(temp).catch(() => undefined);
      }
      stored = await readKeyFile(file);
      if (stored === undefined) throw new DevIssuerError(`could not create ${file}`);
    }
    return importSigningKey(stored, file);
  }
}

async function readKeyFile(file: string): Promise<unknown> {
  let info;
  try {
    info = await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!info.isFile()) throw new DevIssuerError(`${file} is not a regular file`);
  if ((info.mode & 0o077) !== 0) await chmod(file, 0o600);
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new DevIssuerError(`${file} is not valid JSON; delete it to generate a new development key`);
  }
}

async function importSigningKey(stored: unknown, file: string): Promise<SigningKey> {
  const jwk = stored as JWK;
  const valid =
    typeof stored === 'object' &&
    stored !== null &&
    jwk.kty === 'EC' &&
    jwk.crv === 'P-256' &&
    typeof jwk.x === 'string' &&
    typeof jwk.y === 'string' &&
    typeof jwk.d === 'string';
  if (!valid) throw new DevIssuerError(`${file} is not an EC P-256 private JWK; delete it to generate a new development key`);

  const publicJwk: JWK = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  // The kid is recomputed, never trusted from the file.
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const privateKey = (await importJWK({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d }, DEV_ISSUER_ALGORITHM)) as CryptoKey;
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: DEV_ISSUER_ALGORITHM, use: 'sig' } };
}
