import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { LedgerInconsistentError } from '../src/audit/audit.errors.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { rootPlan } from '../src/ledger/merkle.js';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/config/app-config.js';
import { connectionsFor } from '../src/database/database-setup.js';
import { createLogger } from '../src/logging/logger.js';
import { harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry } from './support/ledger-fixtures.js';

const LI_WEI = '330825198803142023';
const FLAGS = `{ auditFlags { kind actor { kind id } count entryIndexes description } }`;
const ENTRIES = `{ auditEntries(first: 1) { edges { node { index } } } }`;

interface Gateway {
  app: NestFastifyApplication;
  ledger: LedgerService;
  /** The gateway's log lines, parsed. */
  logs: Array<Record<string, unknown>>;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** A gateway on an existing database (a restart, as far as the ledger is concerned), its log kept. */
async function gatewayOn(databaseUrl: string): Promise<Gateway> {
  const harness = harnessState();
  const logs: Array<Record<string, unknown>> = [];
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DB_ROLE_PASSWORD: harness.rolePassword,
    DATA_DIR: harness.dataDir,
    CERTS_DIR: join(harness.dataDir, 'certs'),
    LOG_LEVEL: 'info',
    LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0',
  });
  const logger = createLogger('info', 'onegate', { write: (line: string) => void logs.push(JSON.parse(line)) });
  const app = await createApp({ config, connections: connectionsFor(databaseUrl, harness.rolePassword), logger });
  return { app, ledger: app.get(LedgerService), logs, http: () => request(app.getHttpServer()), close: () => app.close() };
}

const fatal = (g: Gateway) => g.logs.filter((l) => l.level === 60);

/** As a database owner can: with triggers off (session_replication_role), past the append-only guard. */
async function asOwnerWithoutTriggers(owner: pg.Client, statements: Array<[string, unknown[]?]>): Promise<void> {
  await owner.query(`SET session_replication_role = replica`);
  try {
    for (const [text, values] of statements) await owner.query(text, values);
  } finally {
    await owner.query(`SET session_replication_role = DEFAULT`);
  }
}

const checkpointRows = async (owner: pg.Client) =>
  (
    await owner.query<{ size: number }>(`SELECT tree_size::int AS size FROM onegate.ledger_checkpoint ORDER BY signed_at, ledger_checkpoint.tree_size`)
  ).rows.map((r) => r.size);

/**
 * The ledger is monotonic (RELIABILITY-AND-SECURITY §I 48): a database owner can disable the
 * append-only triggers, so the Merkle tree and the signed checkpoints are what catch a rollback
 * or an edited subtree — at the next append and at start-up — and raise the integrity alarm.
 */
describe('the integrity alarm: a rolled-back or edited ledger', () => {
  let t: TestApp;
  let owner: pg.Client;
  let auditor: string;

  beforeAll(async () => {
    // The harness's app only created the database; the gateway under test is built here, with its log kept.
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    auditor = await t.token({ role: 'auditor', sub: 'A-001' });
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('catches a tail cut by the owner at the next append and at start-up: fatal log, auditor flag, readiness red, no append, no smaller checkpoint', async () => {
    const g = await gatewayOn(t.databaseUrl);
    let restarted: Gateway | undefined;
    try {
      for (let i = 0; i < 40; i++) await g.ledger.record(accessEntry(LI_WEI, { caseNumber: `JA-2026-R${i}` }));
      const signed = await g.ledger.createCheckpoint();
      await Promise.all(Array.from({ length: 5 }, (_, i) => g.ledger.record(accessEntry(LI_WEI, { caseNumber: `JA-2026-T${i}` }))));
      expect((await g.http().get('/health/ready')).status).toBe(200);
      const before = await checkpointRows(owner);

      // The owner removes the newest entries and the nodes over them; the checkpoints stay.
      const cut = signed.treeSize - 3;
      await asOwnerWithoutTriggers(owner, [
        [`DELETE FROM onegate.ledger_entry WHERE leaf_index >= $1`, [cut]],
        [`DELETE FROM onegate.ledger_node WHERE (node_index + 1) * (1::bigint << level) > $1`, [cut]],
      ]);

      // The next append is refused with a clear domain error, not a duplicate key.
      const refused = await g.ledger.record(accessEntry(LI_WEI)).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(LedgerInconsistentError);
      expect((refused as LedgerInconsistentError).extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_INCONSISTENT' });
      expect((await owner.query(`SELECT count(*)::int AS n FROM onegate.ledger_entry WHERE leaf_index >= $1`, [cut])).rows[0].n).toBe(0);

      // Logged once at fatal, with sizes and no citizen data.
      expect(fatal(g)).toHaveLength(1);
      expect(fatal(g)[0]).toMatchObject({ alarm: 'LEDGER_INCONSISTENT', where: 'append', storedSize: cut });
      expect(JSON.stringify(fatal(g))).not.toContain(LI_WEI);

      // Readiness is red, and says why.
      const ready = await g.http().get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'unavailable', checks: { database: 'up', migrations: 'applied', ledger: 'inconsistent' } });

      // The auditor sees the alarm, with the entries that were signed and are gone.
      const flags = await g.http().post('/graphql').set('authorization', `Bearer ${auditor}`).send({ query: FLAGS });
      expect(flags.body.errors).toBeUndefined();
      expect(flags.body.data.auditFlags).toEqual([
        expect.objectContaining({ kind: 'LEDGER_INCONSISTENT', actor: { kind: 'system', id: 'onegate-ledger' }, entryIndexes: expect.arrayContaining([cut]) }),
      ]);
      // Sensitive reads fail closed, as when the ledger is unavailable.
      const read = await g.http().post('/graphql').set('authorization', `Bearer ${auditor}`).send({ query: ENTRIES });
      expect(read.body.data).toBeNull();
      expect(read.body.errors[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_INCONSISTENT' });

      // No checkpoint is signed on the shorter tree.
      const sign = await g
        .http()
        .post('/graphql')
        .set('authorization', `Bearer ${auditor}`)
        .send({ query: 'mutation { createLedgerCheckpoint { treeSize } }' });
      expect(sign.body.errors[0].extensions).toMatchObject({ reason: 'LEDGER_INCONSISTENT' });
      await expect(g.ledger.createCheckpoint()).rejects.toBeInstanceOf(LedgerInconsistentError);
      expect(await checkpointRows(owner)).toEqual(before);

      // A restart finds it too, before any append: the stored tree is shorter than the newest checkpoint.
      await g.close();
      restarted = await gatewayOn(t.databaseUrl);
      expect(fatal(restarted)).toHaveLength(1);
      expect(fatal(restarted)[0]).toMatchObject({
        alarm: 'LEDGER_INCONSISTENT',
        reason: 'TREE_SHORTER_THAN_CHECKPOINT',
        where: 'start-up',
        storedSize: cut,
        checkpointSize: signed.treeSize,
      });
      const again = await restarted.http().get('/health/ready');
      expect(again.status).toBe(503);
      expect(again.body.checks.ledger).toBe('inconsistent');
      await expect(restarted.ledger.record(accessEntry(LI_WEI))).rejects.toBeInstanceOf(LedgerInconsistentError);
      await expect(restarted.ledger.createCheckpoint()).rejects.toBeInstanceOf(LedgerInconsistentError);
      expect(await checkpointRows(owner)).toEqual(before);
    } finally {
      await (restarted ?? g).close().catch(() => undefined);
    }
  });
});

describe('the integrity alarm: an edited stored subtree', () => {
  let t: TestApp;
  let owner: pg.Client;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('is caught at the next append and at start-up when a node covering the newest checkpoint no longer hashes to its root', async () => {
    const g = await gatewayOn(t.databaseUrl);
    let restarted: Gateway | undefined;
    try {
      for (let i = 0; i < 40; i++) await g.ledger.record(accessEntry(LI_WEI, { caseNumber: `JA-2026-E${i}` }));
      const signed = await g.ledger.createCheckpoint();
      await g.ledger.record(accessEntry(LI_WEI));
      // The largest perfect subtree under the checkpoint (level ≥ 5: at least 32 leaves) gets another hash.
      const node = rootPlan(signed.treeSize)[0]!;
      expect(node.level).toBeGreaterThanOrEqual(5);
      const forged = createHash('sha256').update('forged').digest();
      await asOwnerWithoutTriggers(owner, [
        [`UPDATE onegate.ledger_node SET hash = $1 WHERE level = $2 AND node_index = $3`, [forged, node.level, node.index]],
      ]);

      await expect(g.ledger.record(accessEntry(LI_WEI))).rejects.toBeInstanceOf(LedgerInconsistentError);
      expect(fatal(g)).toHaveLength(1);
      expect(fatal(g)[0]).toMatchObject({ alarm: 'LEDGER_INCONSISTENT', reason: 'SUBTREE_MISMATCH', where: 'append' });
      expect((await g.http().get('/health/ready')).body.checks.ledger).toBe('inconsistent');

      await g.close();
      restarted = await gatewayOn(t.databaseUrl);
      expect(fatal(restarted)[0]).toMatchObject({ reason: 'SUBTREE_MISMATCH', where: 'start-up' });
      const ready = await restarted.http().get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.ledger).toBe('inconsistent');
    } finally {
      await (restarted ?? g).close().catch(() => undefined);
    }
  });

  it('stays green through a restart when nothing was changed', async () => {
    const other = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    try {
      const g = await gatewayOn(other.databaseUrl);
      for (let i = 0; i < 20; i++) await g.ledger.record(accessEntry(LI_WEI));
      await g.ledger.createCheckpoint();
      await g.ledger.record(accessEntry(LI_WEI));
      await g.close();
      const restarted = await gatewayOn(other.databaseUrl);
      try {
        expect(fatal(restarted)).toEqual([]);
        expect((await restarted.http().get('/health/ready')).status).toBe(200);
        const next = await restarted.ledger.record(accessEntry(LI_WEI));
        const checkpoint = await restarted.ledger.createCheckpoint();
        expect(checkpoint.treeSize).toBe(next.index + 1);
      } finally {
        await restarted.close();
      }
    } finally {
      await other.close();
    }
  });
});
