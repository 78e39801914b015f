import 'reflect-metadata';
// Before anything else loads graphql (see the module).
import './common/graphql/load-graphql.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { DataDirLock, DataDirLocked, forgetPort, notePort } from './instance/data-dir-lock.js';
import { ensurePortFree, PortInUse } from './instance/port-check.js';
import { printReadyLine } from './instance/ready-line.js';
import { createGatewayLogger } from './logging/logger.js';

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
  // One gateway per data directory, and the port free, before anything touches the database
  // (RELIABILITY-AND-SECURITY §I 47): a second start exits here, naming the gateway that runs.
  let lock: DataDirLock;
  try {
    lock = DataDirLock.acquire(config.dataDir, { host: config.HOST, port: config.PORT });
    await ensurePortFree(config.HOST, config.PORT);
  } catch (error) {
    if (error instanceof DataDirLocked || error instanceof PortInUse) {
      console.error(`onegate: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = await createGatewayLogger(config.LOG_LEVEL);
  const startedAt = Date.now();
  // Loaded only now (seconds of NestJS, Apollo, TypeORM): a second start says why it cannot run at once.
  const [{ createApp }, { prepareEnvironment }] = await Promise.all([import('./app.factory.js'), import('./app.prepare.js')]);
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
  notePort(config.PORT, config.dataDir);
  // An embedded PostgreSQL that stops under the gateway is started again.
  db.embedded?.keepRunning(logger);
  logger.info({ url: `http://${config.HOST}:${config.PORT}`, ms: Date.now() - startedAt }, 'onegate is listening');
  printReadyLine(config);

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
    forgetPort(config.PORT, config.dataDir);
    lock.release();
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
