import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { isAbsolute, resolve } from 'node:path';
import { projectRoot } from '../common/project-root.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every setting onegate reads, validated once at boot. Property names are the environment
 * variable names, so an error message names exactly what to fix.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Listen address; loopback unless deployed behind a proxy on purpose. */
  @IsString()
  @IsNotEmpty()
  HOST = '127.0.0.1';

  /** Owner connection (runs migrations, owns the tables). Absent: an embedded PostgreSQL under DATA_DIR. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  /** Password of the runtime and department reader roles; generated under DATA_DIR when absent. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @MinLength(16)
  DB_ROLE_PASSWORD?: string;

  /** Where local state lives: the embedded database, generated development keys and secrets. */
  @IsString()
  @IsNotEmpty()
  DATA_DIR = '.data';

  /**
   * TCP port of the embedded PostgreSQL, on loopback. Absent (the default): it listens on a Unix
   * socket under DATA_DIR only, so checkouts on one machine never collide (a free loopback port,
   * recorded under DATA_DIR, when the socket path would be too long).
   */
  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT?: number;

  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 20;

  /** Synthetic citizens seeded (beside the demo people) when the gateway starts on an empty database; 0 turns it off. */
  @IsInt()
  @Min(0)
  @Max(5_000_000)
  SEED_CITIZENS_ON_EMPTY = 10_000;

  @IsString()
  @IsNotEmpty()
  TOKEN_ISSUER = 'onegate-dev';

  @IsString()
  @IsNotEmpty()
  TOKEN_AUDIENCE = 'onegate';

  /** JWKS of a trusted external issuer. When set, tokens are verified against it and the development issuer is off. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, protocols: ['https', 'http'], require_protocol: true })
  TOKEN_JWKS_URL?: string;

  /**
   * JSON file listing the deployment's service halls (`[{ code, name, nameZh, regionCode }]`): the
   * hall registry. Unset: the demo halls while the development issuer is on, else no registry.
   * Where a registry applies, clerk tokens must name a hall in it, with that hall's region.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  HALLS_FILE?: string;

  /** How long a certificate presentation link (the holder's QR code of chosen claims) stays valid. */
  @IsInt()
  @Min(60)
  @Max(7 * 86_400)
  PRESENTATION_LINK_TTL_SECONDS = 900;

  /** Tokens older than this (by `iat`) are refused, whatever their `exp`. */
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  TOKEN_MAX_AGE_SECONDS = 12 * 3600;

  @IsInt()
  @Min(0)
  @Max(300)
  TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  HTTP_BODY_LIMIT_BYTES = 256 * 1024;

  /** Time to receive a request's headers; a client that trickles them is cut off (408) after this. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /** Time to receive a whole request (headers and body); at least HTTP_HEADERS_TIMEOUT_MS. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** A connection on which nothing moves for this long is closed (idle keep-alive connections too). */
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_CONNECTION_TIMEOUT_MS = 60_000;

  /**
   * Public (unauthenticated) requests that write, per client address (IPv6: per /64) and window:
   * certificate verification (`/verify?id=`, `POST /certificates/verify`, `verifyCertificate`
   * without a token), each a ledger entry. Over the limit: 429 TOO_MANY_REQUESTS.
   */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  PUBLIC_RATE_LIMIT_MAX = 30;

  @IsInt()
  @Min(1)
  @Max(86_400)
  PUBLIC_RATE_LIMIT_WINDOW_SECONDS = 60;

  /** GraphQL query cost limit: fields, lists weighed by their page size, expensive fields (QR codes, credentials) by their weight. */
  @IsInt()
  @Min(100)
  @Max(10_000_000)
  GRAPHQL_MAX_COST = 20_000;

  /** Identical infrastructure errors (e.g. the database down) are logged once per this interval, then as a count. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  LOG_REPEAT_INTERVAL_MS = 10_000;

  @IsInt()
  @Min(2)
  @Max(20)
  GRAPHQL_MAX_DEPTH = 6;

  /** The ledger's log name: the checkpoint origin line and the signing key's name (a schema-less URL, no spaces or '+'). */
  @Matches(/^[^\s+]{1,200}$/, { message: 'LEDGER_ORIGIN must be 1-200 characters without spaces or "+", e.g. onegate.example.gov.cn/ledger' })
  LEDGER_ORIGIN = 'onegate.local/ledger';

  /** PKCS#8 PEM file of the ledger's Ed25519 signing key. Absent outside production: generated under DATA_DIR/keys. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  LEDGER_SIGNING_KEY_FILE?: string;

  /** Seconds between automatic signed checkpoints (taken only when the tree grew); 0 turns them off. */
  @IsInt()
  @Min(0)
  @Max(86_400)
  LEDGER_CHECKPOINT_INTERVAL_SECONDS = 30;

  /** Group commit: at most this many entries per transaction. */
  @IsInt()
  @Min(1)
  @Max(5000)
  LEDGER_BATCH_MAX_ENTRIES = 500;

  /** Group commit: how long a batch waits for company before it is written (0: write as soon as the previous batch is done). */
  @IsInt()
  @Min(0)
  @Max(100)
  LEDGER_BATCH_WAIT_MS = 0;

  /** A ledger write that takes longer fails, and the caller releases no data. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  LEDGER_WRITE_TIMEOUT_MS = 5000;

  /**
   * How often this gateway asks for due department-task deadline jobs (reminders, overdue flags),
   * in seconds; 0: it works none (they are still scheduled, and another gateway on the database works them).
   */
  @IsInt()
  @Min(0)
  @Max(300)
  TASK_JOBS_POLL_SECONDS = 2;

  /** How long before a department task's due date its reminder runs. */
  @IsInt()
  @Min(0)
  @Max(30 * 86_400)
  TASK_REMINDER_BEFORE_SECONDS = 86_400;

  /** The length of a promised day in seconds: 86,400; shorter only for tests and demonstrations (refused in production). */
  @IsInt()
  @Min(1)
  @Max(86_400)
  TASK_DAY_SECONDS = 86_400;

  /** PKCS#8 PEM file of the Ed25519 key that signs consent tokens. Absent outside production: generated under DATA_DIR/keys. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  CONSENT_SIGNING_KEY_FILE?: string;

  /** Lifetime of a consent token (the QR code a citizen shows at the window); never beyond the grant's own expiry. */
  @IsInt()
  @Min(60)
  @Max(86_400)
  CONSENT_TOKEN_TTL_SECONDS = 600;

  /** Unusual-access flags: the window, and how many distinct citizens or denials in one window raise a flag. */
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  AUDIT_FLAG_WINDOW_MINUTES = 10;

  @IsInt()
  @Min(2)
  @Max(100_000)
  AUDIT_FLAG_MANY_SUBJECTS = 20;

  @IsInt()
  @Min(2)
  @Max(100_000)
  AUDIT_FLAG_REPEATED_DENIALS = 5;

  /**
   * JSON file overriding the connector of some departments (same shape as `connector` in
   * schemas/departments.json, keyed by department code), e.g. to reach a department's HTTP API.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  DEPARTMENT_CONNECTORS_FILE?: string;

  /**
   * The catalog the gateway serves: departments.json, data-items/ and matters/ (certificate types
   * stay under schemas/certificates). A data item is one file in data-items/: its release, its
   * GraphQL view and its database query all follow from it.
   */
  @IsString()
  @MinLength(1)
  CATALOG_DIR = 'schemas';

  /** Per-department time limit of one fetch (a connector's own `timeoutMs` overrides it). */
  @IsInt()
  @Min(50)
  @Max(60_000)
  DEPARTMENT_TIMEOUT_MS = 2000;

  /** Consecutive failures of a department that open its circuit breaker. */
  @IsInt()
  @Min(1)
  @Max(1000)
  DEPARTMENT_BREAKER_FAILURES = 5;

  /** How long an open breaker fails fast before it lets one probe through. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DEPARTMENT_BREAKER_HALF_OPEN_MS = 10_000;

  /** Bulkhead: fetches in flight per department, and how many more may wait for a slot. */
  @IsInt()
  @Min(1)
  @Max(1000)
  DEPARTMENT_MAX_CONCURRENT = 32;

  @IsInt()
  @Min(0)
  @Max(100_000)
  DEPARTMENT_MAX_QUEUED = 512;

  /** Connections per department reader pool (database connectors). */
  @IsInt()
  @Min(1)
  @Max(200)
  DEPARTMENT_POOL_SIZE = 8;

  /**
   * Department calls in flight per data item; subjects asked for meanwhile by concurrent requests
   * wait and go together in the next call (one query for many requests under load).
   */
  @IsInt()
  @Min(1)
  @Max(200)
  EXCHANGE_CALLS_IN_FLIGHT_PER_ITEM = 1;

  /**
   * A department is asked for one data item at most once per this many milliseconds: subjects asked
   * for within the window after a call started wait for the next call (at most this long; a full
   * batch of 100 goes at once). Fewer, larger calls cost the gateway and the departments less per
   * lookup under load. 0: the next call starts as soon as one is allowed in flight.
   */
  @IsInt()
  @Min(0)
  @Max(1000)
  EXCHANGE_BATCH_WINDOW_MS = 4;

  /**
   * Identity lookups (`citizen`, `enterprise`, nested views) and issuances one principal may make per
   * minute, whatever the aliasing; counted in PostgreSQL, so the limit holds across all instances.
   */
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  EXCHANGE_LOOKUPS_PER_MINUTE = 300;

  /** How long a gateway instance keeps the matters it read; a change made on this instance applies at once. */
  @IsInt()
  @Min(0)
  @Max(3600)
  MATTER_CACHE_SECONDS = 5;

  /**
   * Where clients reach this gateway: the base of status list URLs inside certificates and of the
   * verification link in their QR codes. Absent: http://localhost:<PORT>.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, protocols: ['https', 'http'], require_protocol: true })
  PUBLIC_BASE_URL?: string;

  /** Trust configuration: development material (the root CA certificate) is published under CERTS_DIR/dev. */
  @IsString()
  @IsNotEmpty()
  CERTS_DIR = 'certs';

  /** 32 bytes (64 hex characters or base64) sealing the root and department private keys at rest. Absent outside production: generated under DATA_DIR/secrets. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  CERT_MASTER_KEY?: string;

  /** PEM file of the onegate root CA certificate(s): the trust anchors. Absent outside production: generated under DATA_DIR/keys. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  CERT_ROOT_CA_FILE?: string;

  /** The root CA's private key, sealed with CERT_MASTER_KEY (`v1.…`, as `npm run cert:root` writes it); certifies department issuing keys. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  CERT_ROOT_KEY_FILE?: string;

  /** Unified social credit code of the organisation operating onegate (the root CA's subject). */
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/, { message: 'CERT_OPERATOR_CREDIT_CODE must be an 18-character unified social credit code' })
  CERT_OPERATOR_CREDIT_CODE = '11330800002481047B';

  /** Lifetime of a department issuing key's certificate; a rotation starts a new one. */
  @IsInt()
  @Min(1)
  @Max(3650)
  CERT_ISSUING_KEY_VALIDITY_DAYS = 730;

  /** How long a published status list credential is valid, and how long clients may cache it. */
  @IsInt()
  @Min(60)
  @Max(7 * 86_400)
  STATUS_LIST_VALIDITY_SECONDS = 86_400;

  @IsInt()
  @Min(0)
  @Max(3600)
  STATUS_LIST_CACHE_SECONDS = 60;

  /**
   * Bearer token Prometheus must send to scrape `GET /metrics`. Unset: /metrics is open outside
   * production (loopback by default) and off (404) in production.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  /** OTLP/HTTP endpoint of an OpenTelemetry collector (spans go to `<endpoint>/v1/traces`). Unset: no tracing, nothing started. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, protocols: ['https', 'http'], require_protocol: true })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** `service.name` of the spans. */
  @IsString()
  @IsNotEmpty()
  OTEL_SERVICE_NAME = 'onegate';

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }

  /** DATA_DIR resolved against the project root. */
  get dataDir(): string {
    return isAbsolute(this.DATA_DIR) ? this.DATA_DIR : resolve(projectRoot(), this.DATA_DIR);
  }

  /** CATALOG_DIR resolved against the project root. */
  get catalogDir(): string {
    return isAbsolute(this.CATALOG_DIR) ? this.CATALOG_DIR : resolve(projectRoot(), this.CATALOG_DIR);
  }

  /** PUBLIC_BASE_URL without a trailing slash. */
  get publicBaseUrl(): string {
    return (this.PUBLIC_BASE_URL ?? `http://localhost:${this.PORT}`).replace(/\/+$/, '');
  }

  /** CERTS_DIR resolved against the project root. */
  get certsDir(): string {
    return isAbsolute(this.CERTS_DIR) ? this.CERTS_DIR : resolve(projectRoot(), this.CERTS_DIR);
  }

  /** The development issuer signs tokens only outside production and only when no external issuer is configured. */
  get devIssuerEnabled(): boolean {
    return !this.isProduction && !this.TOKEN_JWKS_URL;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const NUMERIC_KEYS = new Set(
  Object.entries(new AppConfig())
    .filter(([, value]) => typeof value === 'number')
    .map(([key]) => key)
    .concat(['EMBEDDED_PG_PORT']),
);

/** Reads and validates the configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(new AppConfig()).concat([
    'EMBEDDED_PG_PORT',
    'DATABASE_URL',
    'DB_ROLE_PASSWORD',
    'TOKEN_JWKS_URL',
    'HALLS_FILE',
    'LEDGER_SIGNING_KEY_FILE',
    'DEPARTMENT_CONNECTORS_FILE',
    'CONSENT_SIGNING_KEY_FILE',
    'PUBLIC_BASE_URL',
    'CERT_MASTER_KEY',
    'CERT_ROOT_CA_FILE',
    'CERT_ROOT_KEY_FILE',
    'METRICS_TOKEN',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
  ])) {
    const value = env[key];
    if (value === undefined) continue;
    // Numbers are parsed strictly: "3000abc" or "" is an error, not NaN or a silent default.
    raw[key] = NUMERIC_KEYS.has(key) && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  }
  const config = plainToInstance(AppConfig, raw);
  const problems = validateSync(config, { forbidUnknownValues: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => (message.startsWith(error.property) ? message : `${error.property}: ${message}`)),
  );
  if (config.isProduction) {
    if (!config.DATABASE_URL) problems.push('DATABASE_URL is required when NODE_ENV=production (no embedded database in production)');
    if (!config.DB_ROLE_PASSWORD) problems.push('DB_ROLE_PASSWORD is required when NODE_ENV=production');
    if (!config.TOKEN_JWKS_URL) problems.push('TOKEN_JWKS_URL is required when NODE_ENV=production (the development issuer is off)');
    if (!config.LEDGER_SIGNING_KEY_FILE) problems.push('LEDGER_SIGNING_KEY_FILE is required when NODE_ENV=production (no generated ledger key)');
    if (!config.CONSENT_SIGNING_KEY_FILE) problems.push('CONSENT_SIGNING_KEY_FILE is required when NODE_ENV=production (no generated consent key)');
    if (!config.CERT_MASTER_KEY) problems.push('CERT_MASTER_KEY is required when NODE_ENV=production (it seals the certificate signing keys)');
    if (!config.CERT_ROOT_CA_FILE) problems.push('CERT_ROOT_CA_FILE is required when NODE_ENV=production (no generated root CA)');
    if (!config.CERT_ROOT_KEY_FILE) problems.push('CERT_ROOT_KEY_FILE is required when NODE_ENV=production (no generated root CA)');
    if (config.TOKEN_JWKS_URL && !config.TOKEN_JWKS_URL.toLowerCase().startsWith('https://')) {
      problems.push('TOKEN_JWKS_URL must be an https:// URL when NODE_ENV=production (the keys that sign every token must not travel in clear)');
    }
    if (!config.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL is required when NODE_ENV=production (certificates carry status list and verification URLs)');
    if (config.TASK_DAY_SECONDS !== 86_400) problems.push('TASK_DAY_SECONDS must be 86400 when NODE_ENV=production (promised days are calendar days)');
  }
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
