import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { DEPARTMENT_CODES, type DepartmentCode, departmentReaderRole } from '../common/departments.js';
import type { AppConfig } from '../config/app-config.js';
import type { Logger } from '../logging/logger.js';
import { dataSourceOptions, GATEWAY_SCHEMA } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { localSecret } from './local-secrets.js';
import { enableLoginRoles, RUNTIME_ROLE, urlForRole } from './roles.js';

/** How the gateway reaches its database: one URL per role. */
export interface DatabaseConnections {
  /** Owns the tables; runs migrations and seeding. Never used to serve requests. */
  ownerUrl: string;
  /** The role requests run as. */
  runtimeUrl: string;
  /** One read-only login per department source. */
  readerUrls: Record<DepartmentCode, string>;
}

export interface PreparedDatabase extends DatabaseConnections {
  /** Present when onegate started its own embedded PostgreSQL. */
  embedded?: EmbeddedPostgres;
  /** Stops the embedded server, if any. Call after every connection is closed. */
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'onegate';
const EMBEDDED_OWNER = 'onegate_owner';
/** Serialises migrations of gateways starting at the same time against one database. */
const MIGRATION_LOCK_KEY = 0x6f6e6567; // 'oneg'

/**
 * Gets the database ready: starts the embedded PostgreSQL when no DATABASE_URL is configured,
 * applies pending migrations as the owner and enables the runtime and reader logins.
 */
export async function prepareDatabase(config: AppConfig, logger: Logger): Promise<PreparedDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  let ownerUrl = config.DATABASE_URL;
  if (!ownerUrl) {
    embedded = new EmbeddedPostgres({
      dataDir: join(config.dataDir, 'postgres'),
      ...(await embeddedListener(config)),
      superuserPassword: localSecret(config.dataDir, 'postgres-superuser-password'),
      logFile: join(config.dataDir, 'postgres.log'),
    });
    await embedded.start();
    logger.info({ address: embedded.address }, 'embedded PostgreSQL is up');
    ownerUrl = await ensureEmbeddedOwner(embedded, localSecret(config.dataDir, 'postgres-owner-password'));
  }
  const close = async () => {
    await embedded?.stop();
  };
  try {
    const applied = await runMigrations(ownerUrl);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    const password = config.DB_ROLE_PASSWORD ?? localSecret(config.dataDir, 'db-role-password');
    await enableLoginRoles(ownerUrl, password);
    return { ...connectionsFor(ownerUrl, password), embedded, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A socket path longer than this does not fit in sockaddr_un (108 bytes with its terminating NUL). */
const MAX_SOCKET_PATH_BYTES = 107;
/** The conventional number in the socket's file name (.s.PGSQL.5432); nothing listens on TCP. */
const SOCKET_PORT = 5432;

/**
 * Where the embedded PostgreSQL listens: EMBEDDED_PG_PORT on loopback when set; otherwise a Unix
 * socket in DATA_DIR/run, so checkouts on one machine never collide; otherwise (a DATA_DIR whose
 * socket path would be too long) a free loopback port, recorded in DATA_DIR/postgres-port and kept
 * while it stays free.
 */
async function embeddedListener(config: AppConfig): Promise<{ port: number; socketDir?: string }> {
  if (config.EMBEDDED_PG_PORT !== undefined) return { port: config.EMBEDDED_PG_PORT };
  const socketDir = join(config.dataDir, 'run');
  if (Buffer.byteLength(join(socketDir, `.s.PGSQL.${SOCKET_PORT}`)) <= MAX_SOCKET_PATH_BYTES) return { port: SOCKET_PORT, socketDir };
  const file = join(config.dataDir, 'postgres-port');
  const recorded = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  // The recorded port is also right when our own server (adopted below) is the one holding it.
  if (Number.isInteger(recorded) && ((await portIsFree(recorded)) || existsSync(join(config.dataDir, 'postgres', 'postmaster.pid')))) return { port: recorded };
  const port = await freeLoopbackPort();
  writeFileSync(file, `${port}\n`);
  return { port };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export function connectionsFor(ownerUrl: string, rolePassword: string): DatabaseConnections {
  const readerUrls = Object.fromEntries(DEPARTMENT_CODES.map((code) => [code, urlForRole(ownerUrl, departmentReaderRole(code), rolePassword)])) as Record<
    DepartmentCode,
    string
  >;
  return { ownerUrl, runtimeUrl: urlForRole(ownerUrl, RUNTIME_ROLE, rolePassword), readerUrls };
}

/** Applies pending migrations (each in its own transaction) under an advisory lock; returns their names. */
export async function runMigrations(ownerUrl: string): Promise<string[]> {
  const lock = new pg.Client({ connectionString: ownerUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    // TypeORM keeps its migrations table in the gateway schema, so the schema must exist first.
    await lock.query(`CREATE SCHEMA IF NOT EXISTS ${GATEWAY_SCHEMA}`);
    const dataSource = new DataSource({ ...dataSourceOptions(ownerUrl, { poolSize: 2, applicationName: 'onegate-migrate' }) });
    await dataSource.initialize();
    try {
      const migrations = await dataSource.runMigrations({ transaction: 'each' });
      return migrations.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

/** In the embedded cluster the gateway owner is a dedicated non-superuser role owning database `onegate`. */
async function ensureEmbeddedOwner(embedded: EmbeddedPostgres, password: string): Promise<string> {
  const admin = new pg.Client({ connectionString: embedded.superuserUrl() });
  await admin.connect();
  try {
    const role = admin.escapeIdentifier(EMBEDDED_OWNER);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [EMBEDDED_OWNER]);
    const verb = rowCount ? 'ALTER' : 'CREATE';
    await admin.query(`${verb} ROLE ${role} WITH LOGIN CREATEROLE PASSWORD ${admin.escapeLiteral(password)}`);
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (!db.rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(EMBEDDED_DATABASE)} OWNER ${role}`);
  } finally {
    await admin.end();
  }
  const url = new URL(embedded.superuserUrl(EMBEDDED_DATABASE));
  url.username = EMBEDDED_OWNER;
  url.password = encodeURIComponent(password);
  return url.toString();
}
