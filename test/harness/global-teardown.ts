import { rmSync } from 'node:fs';
import pg from 'pg';

/** Drops the template and any test database a crashed file left behind, then stops the embedded server. */
export default async function globalTeardown(): Promise<void> {
  const harness = globalThis.onegateTestHarness;
  if (!harness) return;
  const admin = new pg.Client({ connectionString: harness.adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [
      harness.template,
      `${harness.template.replace('template', 'file')}%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(datname)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await harness.embedded?.stop();
  rmSync(harness.dataDir, { recursive: true, force: true });
}
