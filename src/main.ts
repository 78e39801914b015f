import 'reflect-metadata';
// Before anything else loads graphql (see the module).
import './common/graphql/load-graphql.js';
import { createApp } from './app.factory.js';
import { prepareEnvironment } from './app.prepare.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createLogger } from './logging/logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`onegate: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const startedAt = Date.now();
  const db = await prepareEnvironment(config, logger, { seedIfEmpty: config.SEED_CITIZENS_ON_EMPTY > 0 });
  let app;
  try {
    app = await createApp({ config, connections: db, logger });
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await app?.close().catch(() => undefined);
    await db.close();
    throw error;
  }
  logger.info({ url: `http://${config.HOST}:${config.PORT}`, ms: Date.now() - startedAt }, 'onegate is listening');

  // Drain the gateway first, then stop the embedded database, then exit: no orphaned postgres.
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000).unref();
    await app.close().catch((error: unknown) => logger.error({ err: error }, 'error while closing the gateway'));
    await db.close().catch((error: unknown) => logger.error({ err: error }, 'error while stopping the database'));
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`onegate: failed to start: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
