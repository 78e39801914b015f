import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EmbeddedPostgres } from '../../src/database/embedded-postgres.js';

declare global {
  var onegateTestHarness: { embedded?: EmbeddedPostgres; dataDir: string; adminUrl: string; template: string } | undefined;
}

/**
 * Once per `npm test`: a PostgreSQL (TEST_DATABASE_URL, or an embedded one on a free port), a
 * template database migrated once with the demo people, and the shared test secrets. Each test
 * file then creates its own database from the template (see test-app.ts).
 */
export default async function globalSetup(): Promise<void> {
  const { prepareEnvironment, loadConfig, EmbeddedPostgres, DevIssuer, createLogger, seedDepartmentSources, adminQuery, withDatabase } =
    await compiledModules();
  const dataDir = mkdtempSync(join(tmpdir(), 'onegate-test-'));
  // Run as root, PostgreSQL runs as the `postgres` user, which must be able to enter this folder.
  chmodSync(dataDir, 0o711);
  let adminUrl = process.env.TEST_DATABASE_URL;
  let embedded: EmbeddedPostgres | undefined;
  if (!adminUrl) {
    embedded = new EmbeddedPostgres({
      dataDir: join(dataDir, 'postgres'),
      port: await freePort(),
      superuserPassword: randomBytes(18).toString('base64url'),
      logFile: join(dataDir, 'postgres.log'),
    });
    await embedded.start();
    adminUrl = embedded.superuserUrl();
  }
  const template = `onegate_test_template_${process.pid}`;
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(adminUrl, template);
  const rolePassword = randomBytes(18).toString('base64url');
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: templateUrl,
    DB_ROLE_PASSWORD: rolePassword,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  });
  const db = await prepareEnvironment(config, createLogger('warn'), { seedIfEmpty: false });
  await seedDepartmentSources(db.ownerUrl, { citizens: 0, seed: 'test' });
  await db.close();
  // Created once here so parallel test files don't race to generate it.
  await new DevIssuer(config).publicJwks();

  Object.assign(process.env, {
    ONEGATE_TEST_ADMIN_URL: adminUrl,
    ONEGATE_TEST_TEMPLATE: template,
    ONEGATE_TEST_ROLE_PASSWORD: rolePassword,
    ONEGATE_TEST_DATA_DIR: dataDir,
  });
  globalThis.onegateTestHarness = { embedded, dataDir, adminUrl, template };
}

/**
 * Jest runs global setup outside its module system, where `.js` imports of TypeScript sources
 * don't resolve; so setup uses the compiled build (made here when the sources are newer).
 */
async function compiledModules() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'run.mjs'), '--build-if-stale'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed; see the compiler output');
  const load = (path: string) => import(pathToFileURL(join(root, 'dist', path)).href);
  return {
    ...((await load('src/app.prepare.js')) as typeof import('../../src/app.prepare.js')),
    ...((await load('src/config/app-config.js')) as typeof import('../../src/config/app-config.js')),
    ...((await load('src/database/embedded-postgres.js')) as typeof import('../../src/database/embedded-postgres.js')),
    ...((await load('src/identity/dev-issuer.js')) as typeof import('../../src/identity/dev-issuer.js')),
    ...((await load('src/logging/logger.js')) as typeof import('../../src/logging/logger.js')),
    ...((await load('src/seed/seed.js')) as typeof import('../../src/seed/seed.js')),
    ...((await load('src/database/database-admin.js')) as typeof import('../../src/database/database-admin.js')),
  };
}

// Global setup runs outside Jest's module system and cannot import test/harness/free-port.ts: its own copy.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
