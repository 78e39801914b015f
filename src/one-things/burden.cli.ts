// `npm run burden [-- --json]`: plays each one thing's demo story on the database `npm start` uses
// (the embedded PostgreSQL when DATABASE_URL is unset, seeded with the demo people on first use) and
// prints the burden report: a Markdown table beside the figures before each one thing, or with
// --json one object per one thing. Logs go to stderr. Exit codes: 0 done, 1 failed, 2 bad arguments.
import 'reflect-metadata';
// Before anything else loads graphql (see the module).
import '../common/graphql/load-graphql.js';
import { isEntryPoint, parseCliArgs } from '../common/cli.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { DataDirLock, DataDirLocked } from '../instance/data-dir-lock.js';
import { createLogger } from '../logging/logger.js';
import { burdenTable, type BurdenLine } from './burden.js';

export const USAGE = `usage: npm run burden [-- --json]

Plays each one thing's demo story (docs/one-things.md, "Burden report") on the gateway's database:
a clerk opens the case at the story's hall, the demo people give their consents, the guidance reads
their records under the case, the case is closed and the consents revoked — all in the ledger, as a
visit would be. Stop the gateway first (one process per data directory).

  --json   one JSON object per one thing instead of the table`;

class BurdenArgsError extends Error {}

interface TextStream {
  write(text: string): unknown;
}

/** One line of `--json`: the contract's keys first, then the rest of the report. */
export function burdenJson(line: BurdenLine): Record<string, unknown> {
  return {
    oneThing: line.oneThing,
    materialsRequired: line.materialsRequired,
    materialsWithoutPaper: line.materialsWithoutPaper,
    fieldsTotal: line.fieldsTotal,
    fieldsPrefilled: line.fieldsPrefilled,
    departments: line.departments,
    visits: line.visits,
    matters: line.matters,
    requirementsBeforeDeduplication: line.requirementsBeforeDeduplication,
    caseId: line.caseId,
    before: line.before,
  };
}

export async function runBurdenCli(argv: readonly string[], io: { stdout: TextStream; stderr: TextStream } = process): Promise<number> {
  const fail = (code: number, message: string) => {
    io.stderr.write(`onegate burden: ${message}\n`);
    return code;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stderr.write(USAGE + '\n');
    return 0;
  }
  let json: boolean;
  try {
    json = parseCliArgs(argv, { json: { type: 'boolean' } }, { fail: (message) => new BurdenArgsError(message), example: '--json' }).values.json === true;
  } catch (error) {
    if (error instanceof BurdenArgsError) return fail(2, `${error.message}\n\n${USAGE}`);
    throw error;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(1, error.message);
    throw error;
  }
  let lock: DataDirLock;
  try {
    lock = DataDirLock.acquire(config.dataDir, { host: config.HOST, port: config.PORT });
  } catch (error) {
    if (error instanceof DataDirLocked) return fail(1, error.message);
    throw error;
  }
  // Only warnings and errors, on stderr: stdout is the report.
  const logger = createLogger('warn', 'onegate', { write: (line: string) => void io.stderr.write(line) });
  try {
    const [{ createApp }, { prepareEnvironment }, { BurdenService }] = await Promise.all([
      import('../app.factory.js'),
      import('../app.prepare.js'),
      import('./burden.service.js'),
    ]);
    const db = await prepareEnvironment(config, logger, { seedIfEmpty: config.SEED_CITIZENS_ON_EMPTY > 0 });
    try {
      const app = await createApp({ config, connections: db, logger });
      try {
        const lines = await app.get(BurdenService).playDemoStories();
        io.stdout.write(json ? JSON.stringify(lines.map(burdenJson), null, 2) + '\n' : burdenTable(lines));
        return 0;
      } finally {
        await app.close();
      }
    } finally {
      await db.close();
    }
  } catch (error) {
    return fail(1, `the burden report failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    lock.release();
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await runBurdenCli(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`onegate burden: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}
