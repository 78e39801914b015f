// Development token CLI: `npm run --silent token -- --role clerk --sub C-001 --hall JINGAN-01`.
// Prints exactly one access token and a newline on stdout; everything else goes to stderr.
// Exit codes: 0 issued, 1 refused or failed (production, external issuer, configuration), 2 bad arguments.
import { AGENCY_CODES, DEPARTMENT_CODES, isDecidingDepartment } from '../common/departments.js';
import { parseIdNumber } from '../common/identifiers/id-number.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { DevIssuer, MIN_TOKEN_TTL_SECONDS, type TokenRequest } from './dev-issuer.js';
import { findHall, isHallCode, isRegionCode, SERVICE_HALLS } from './halls.js';
import { isPrincipalKind, PRINCIPAL_KINDS } from './principal.js';
import { isEntryPoint, parseCliArgs } from '../common/cli.js';

export type { TokenRequest };

export const DEFAULT_TTL_SECONDS = 3600;
const FLAGS = {
  role: { type: 'string' },
  sub: { type: 'string' },
  hall: { type: 'string' },
  region: { type: 'string' },
  department: { type: 'string' },
  ttl: { type: 'string' },
} as const;
const SUBJECT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

export const USAGE = `usage: npm run --silent token -- --role <role> --sub <subject> [options]

  --role <role>          ${PRINCIPAL_KINDS.join(' | ')}
  --sub <subject>        the principal's id; for a citizen, their 18-character ID number
  --hall <code>          clerk only, required: ${SERVICE_HALLS.map((hall) => hall.code).join(', ')}, ...
  --region <code>        clerk only: 6-digit division code (default: the hall's, for the halls above)
  --department <code>    department only, required: ${DEPARTMENT_CODES.join(', ')}
                         or an agency deciding department tasks (reads no records): ${AGENCY_CODES.join(', ')}
  --ttl <seconds>        lifetime, ${MIN_TOKEN_TTL_SECONDS}..TOKEN_MAX_AGE_SECONDS (default ${DEFAULT_TTL_SECONDS}, capped at the maximum)

Prints one token on stdout. Refused when NODE_ENV=production or TOKEN_JWKS_URL is set.`;

/** Bad command-line arguments (exit code 2). The message says what to fix. */
export class TokenArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenArgsError';
  }
}

export interface TokenArgsLimits {
  /** TOKEN_MAX_AGE_SECONDS; tokens may not live longer than the verifier accepts. */
  maxTtlSeconds: number;
}

/** Parses and validates the CLI arguments (without the node and script paths). Pure; throws TokenArgsError. */
export function parseTokenArgs(argv: readonly string[], limits: TokenArgsLimits = { maxTtlSeconds: 12 * 3600 }): TokenRequest {
  const { values } = parseCliArgs(argv, FLAGS, { fail: (message) => new TokenArgsError(message), example: '--role clerk' });
  for (const [name, value] of Object.entries(values)) if (value === '') throw new TokenArgsError(`--${name} needs a value`);

  const role = values.role;
  if (role === undefined) throw new TokenArgsError(`--role is required (${PRINCIPAL_KINDS.join(', ')})`);
  if (!isPrincipalKind(role)) throw new TokenArgsError(`--role must be one of ${PRINCIPAL_KINDS.join(', ')}`);

  let sub = values.sub;
  if (sub === undefined) throw new TokenArgsError('--sub is required');
  if (role === 'citizen') {
    const idNumber = parseIdNumber(sub);
    if (!idNumber.ok) throw new TokenArgsError(`--sub for a citizen must be a valid ID number: ${idNumber.message}`);
    sub = idNumber.value;
  } else if (!SUBJECT_PATTERN.test(sub)) {
    throw new TokenArgsError('--sub must be 1-128 characters: letters, digits and . _ : @ - (starting with a letter or digit)');
  }

  const request: TokenRequest = { role, sub, ttlSeconds: Math.min(DEFAULT_TTL_SECONDS, limits.maxTtlSeconds) };

  const { hall, region } = values;
  if (role === 'clerk') {
    if (hall === undefined) throw new TokenArgsError('--hall is required for --role clerk');
    if (!isHallCode(hall)) throw new TokenArgsError('--hall must be a hall code such as JINGAN-01 (A-Z, 0-9 and -)');
    if (region !== undefined && !isRegionCode(region)) {
      throw new TokenArgsError('--region must be a 6-digit administrative division code such as 310106');
    }
    const derived = findHall(hall)?.regionCode;
    if (region === undefined && derived === undefined) {
      throw new TokenArgsError(`unknown hall ${hall}: give its --region, or use one of ${SERVICE_HALLS.map((h) => h.code).join(', ')}`);
    }
    request.hall = hall;
    request.region = region ?? derived;
  } else if (hall !== undefined || region !== undefined) {
    throw new TokenArgsError('--hall and --region apply only to --role clerk');
  }

  const department = values.department;
  if (role === 'department') {
    if (department === undefined || !isDecidingDepartment(department)) {
      throw new TokenArgsError(`--department must be one of ${[...DEPARTMENT_CODES, ...AGENCY_CODES].join(', ')} for --role department`);
    }
    request.department = department;
  } else if (department !== undefined) {
    throw new TokenArgsError('--department applies only to --role department');
  }

  const ttl = values.ttl;
  if (ttl !== undefined) {
    const seconds = /^\d{1,9}$/.test(ttl) ? Number(ttl) : NaN;
    if (!(seconds >= MIN_TOKEN_TTL_SECONDS && seconds <= limits.maxTtlSeconds)) {
      throw new TokenArgsError(`--ttl must be an integer number of seconds from ${MIN_TOKEN_TTL_SECONDS} to ${limits.maxTtlSeconds}`);
    }
    request.ttlSeconds = seconds;
  }
  return request;
}

export interface CliStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Runs the CLI; resolves to the exit code. */
export async function runTokenCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: CliStreams = process): Promise<number> {
  const fail = (code: number, message: string) => {
    io.stderr.write(`onegate token: ${message}\n`);
    return code;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stderr.write(USAGE + '\n');
    return 0;
  }
  if (env.NODE_ENV === 'production') return fail(1, 'refused: the development issuer is off when NODE_ENV=production');
  if (env.TOKEN_JWKS_URL) return fail(1, 'refused: TOKEN_JWKS_URL is set, so tokens come from that external issuer');

  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(1, error.message);
    throw error;
  }
  if (!config.devIssuerEnabled) return fail(1, 'refused: the development issuer is disabled by the configuration');

  let request: TokenRequest;
  try {
    request = parseTokenArgs(argv, { maxTtlSeconds: config.TOKEN_MAX_AGE_SECONDS });
  } catch (error) {
    if (error instanceof TokenArgsError) return fail(2, `${error.message}\n\n${USAGE}`);
    throw error;
  }

  try {
    const token = await new DevIssuer(config).issueToken(request);
    io.stdout.write(token + '\n');
    return 0;
  } catch (error) {
    return fail(1, error instanceof Error ? error.message : String(error));
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await runTokenCli(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`onegate token: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}
