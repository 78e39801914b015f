import PgBoss from 'pg-boss';
import pg from 'pg';
import { RUNTIME_ROLE } from './roles.js';

/** pg-boss keeps its tables in this schema of the gateway's database, beside `onegate`. */
export const JOB_QUEUE_SCHEMA = 'pgboss';

/** A queue and its retry and retention policy, as pg-boss's createQueue takes it. */
export type JobQueueDefinition = PgBoss.Queue;

/**
 * Installs or upgrades pg-boss's schema and creates the gateway's queues, as the owner, before the
 * gateway starts (like the migrations and the catalog sync): pg-boss's own versioned migrations run
 * under its advisory lock, so gateways starting together on one database install it once. The
 * runtime role owns nothing and runs no DDL, so it gets only what pg-boss's job statements need —
 * USAGE on the schema, SELECT, INSERT, UPDATE and DELETE on its tables (each queue is a partition
 * of `job`, created here) — and its gateways start pg-boss with `migrate: false`, which only checks
 * that the schema is at the version they expect.
 */
export async function installJobQueue(ownerUrl: string, queues: readonly JobQueueDefinition[]): Promise<void> {
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOB_QUEUE_SCHEMA,
    max: 1,
    application_name: 'onegate-job-queue-install',
    migrate: true,
    supervise: false,
    schedule: false,
  });
  let failure: Error | undefined;
  boss.on('error', (error: Error) => (failure ??= error));
  await boss.start();
  try {
    for (const { name, ...options } of queues) {
      const existing = await boss.getQueue(name);
      if (existing) await boss.updateQueue(name, { name, ...options });
      else await boss.createQueue(name, { name, ...options });
    }
  } finally {
    await boss.stop({ graceful: false, close: true });
  }
  if (failure) throw failure;
  const owner = new pg.Client({ connectionString: ownerUrl, application_name: 'onegate-job-queue-install' });
  await owner.connect();
  try {
    const schema = owner.escapeIdentifier(JOB_QUEUE_SCHEMA);
    const role = owner.escapeIdentifier(RUNTIME_ROLE);
    await owner.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
    await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
  } finally {
    await owner.end();
  }
}
