import { TASK_DEADLINE_QUEUES } from './applications/deadline-queues.js';
import { readCatalogFiles } from './catalog/catalog-files.js';
import { syncCatalog } from './catalog/catalog-sync.js';
import type { AppConfig } from './config/app-config.js';
import { prepareDatabase, type PreparedDatabase } from './database/database-setup.js';
import { installJobQueue } from './database/job-queue.js';
import type { Logger } from './logging/logger.js';
import { departmentSourcesAreEmpty, seedDepartmentSources } from './seed/seed.js';

/**
 * Everything that must hold before the gateway serves: database up and migrated, logins enabled,
 * the job queue (pg-boss) installed with its queues, catalog equal to schemas/, and (outside
 * production) demo data in an empty database.
 */
export async function prepareEnvironment(config: AppConfig, logger: Logger, options: { seedIfEmpty: boolean }): Promise<PreparedDatabase> {
  const db = await prepareDatabase(config, logger);
  try {
    await installJobQueue(db.ownerUrl, TASK_DEADLINE_QUEUES);
    await syncCatalog(db.ownerUrl, readCatalogFiles(config.catalogDir));
    if (options.seedIfEmpty && !config.isProduction && (await departmentSourcesAreEmpty(db.ownerUrl))) {
      logger.info({ citizens: config.SEED_CITIZENS_ON_EMPTY }, 'empty database: seeding the demo people and synthetic citizens');
      const report = await seedDepartmentSources(db.ownerUrl, { citizens: config.SEED_CITIZENS_ON_EMPTY, seed: 'onegate' });
      logger.info({ seconds: report.seconds, rows: report.rows }, 'seeding finished');
    }
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
