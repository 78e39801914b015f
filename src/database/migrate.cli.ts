import 'reflect-metadata';
import { prepareEnvironment } from '../app.prepare.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { createLogger } from '../logging/logger.js';

/** `npm run migrate`: applies pending migrations and syncs the catalog, then exits. */
try {
  const config = loadConfig();
  const db = await prepareEnvironment(config, createLogger(config.LOG_LEVEL), { seedIfEmpty: false });
  await db.close();
  console.log('onegate: database is up to date');
} catch (error) {
  console.error(`onegate: ${error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message}`}`);
  process.exit(1);
}
