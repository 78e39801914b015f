import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { parseCliArgs } from '../common/cli.js';
import { projectRoot } from '../common/project-root.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { createLogger } from '../logging/logger.js';
import { dataSourceOptions } from './data-source-options.js';
import { withScratchDatabase } from './database-admin.js';
import { prepareDatabase, runMigrations } from './database-setup.js';

/**
 * `npm run migration:check`: applies every migration to a scratch database and fails when the
 * entities still differ from it. `npm run migration:generate -- Name` writes the difference as a
 * new migration for review.
 */
const USAGE = 'usage: npm run migration:generate -- MigrationName   (PascalCase)\n       npm run migration:check';

class MigrationArgsError extends Error {}

async function main(args: string[]): Promise<number> {
  let check: boolean;
  let name: string | undefined;
  try {
    const { values, positionals } = parseCliArgs(
      args,
      { check: { type: 'boolean' } },
      {
        fail: (message) => new MigrationArgsError(message),
        example: '--check',
        positionals: true,
      },
    );
    check = values.check === true;
    if (positionals.length > 1) throw new MigrationArgsError(`give one migration name, not ${positionals.length}`);
    name = positionals[0];
    if (check && name !== undefined) throw new MigrationArgsError('--check takes no migration name');
    if (!check && !/^[A-Z][A-Za-z0-9]+$/.test(name ?? '')) throw new MigrationArgsError('the migration name is required, in PascalCase');
  } catch (error) {
    if (!(error instanceof MigrationArgsError)) throw error;
    console.error(`onegate: ${error.message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const db = await prepareDatabase(config, createLogger('warn'));
  const adminUrl = db.embedded ? db.embedded.superuserUrl() : db.ownerUrl;
  try {
    const sql = await withScratchDatabase(adminUrl, 'onegate_scratch', async (scratchUrl) => {
      await runMigrations(scratchUrl);
      const dataSource = new DataSource(dataSourceOptions(scratchUrl, { poolSize: 1 }));
      await dataSource.initialize();
      try {
        return await dataSource.driver.createSchemaBuilder().log();
      } finally {
        await dataSource.destroy();
      }
    });
    const up = sql.upQueries.map((q) => q.query);
    const down = sql.downQueries.map((q) => q.query).reverse();
    if (check) {
      if (up.length === 0) {
        console.log('onegate: migrations match the entities');
        return 0;
      }
      console.error('onegate: the entities differ from the migrations; `npm run migration:generate -- Name` would add:');
      for (const q of up) console.error(`  ${q};`);
      return 1;
    }
    if (up.length === 0) {
      console.log('onegate: nothing to generate; migrations match the entities');
      return 0;
    }
    const timestamp = Date.now();
    const file = join(projectRoot(), 'migrations', `${timestamp}-${name}.ts`);
    const literal = (q: string) => '`' + q.replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${') + '`';
    const body = (queries: string[]) => queries.map((q) => `    await queryRunner.query(${literal(q)});`).join('\n');
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\n` +
        `export class ${name}${timestamp} implements MigrationInterface {\n  name = '${name}${timestamp}';\n\n` +
        `  async up(queryRunner: QueryRunner): Promise<void> {\n${body(up)}\n  }\n\n` +
        `  async down(queryRunner: QueryRunner): Promise<void> {\n${body(down)}\n  }\n}\n`,
    );
    console.log(`onegate: wrote ${file}; review it, add grants, and list it in migrations/index.ts`);
    return 0;
  } finally {
    await db.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`onegate: ${error instanceof ConfigError ? error.message : (error as Error).message}`);
  process.exitCode = 1;
}
