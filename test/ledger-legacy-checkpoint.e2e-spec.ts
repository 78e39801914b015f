import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { verifyCheckpoint } from '../src/ledger/checkpoint.js';
import { loadLedgerSigningKey } from '../src/ledger/ledger-key.js';
import { runLedgerVerifyCli } from '../src/ledger/ledger-verify.cli.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { createApp } from '../src/app.factory.js';
import { connectionsFor } from '../src/database/database-setup.js';
import { createLogger } from '../src/logging/logger.js';
import { harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry, asText, ledgerOf, referenceVerifyCheckpoint } from './support/ledger-fixtures.js';
import { referenceRoot } from './support/rfc9162-reference.js';
import { legacyCosignedCheckpoint } from './support/signed-note-reference.js';

const LI_WEI = '330825198803142023';
const PUBLIC_KEY = `{ ledgerPublicKey { origin vkey cosignatureVkey } }`;
const CHECKPOINT = `{ ledgerCheckpoint { treeSize rootHash timestamp note } }`;

/**
 * Checkpoints stored before the ledger signed with a plain Ed25519 line carry only the
 * tlog-cosignature/v1 line. They must keep verifying everywhere the gateway or an auditor checks
 * a checkpoint: the integrity check at start-up, on append and in readiness, `ledger:verify`, and
 * a fresh checkpoint signed on top of one.
 */
describe('a cosignature-only checkpoint, as stored before the Ed25519 line', () => {
  let t: TestApp;
  let owner: pg.Client;
  let auditor: string;
  let key: { origin: string; vkey: string; cosignatureVkey: string };
  let legacy: string;
  let legacySize: number;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    auditor = await t.token({ role: 'auditor', sub: 'A-001' });
    key = (await t.graphql<{ ledgerPublicKey: typeof key }>(PUBLIC_KEY)).body.data!.ledgerPublicKey;

    // A checkpoint as the old code signed it, by the gateway's own key, stored as the newest.
    const ledger = ledgerOf(t);
    for (let i = 0; i < 12; i++) await ledger.record(accessEntry(LI_WEI, { caseNumber: `JA-2026-L${i}` }));
    await ledger.createCheckpoint();
    for (let i = 0; i < 5; i++) await ledger.record(accessEntry(LI_WEI, { caseNumber: `JA-2026-M${i}` }));
    legacySize = await ledger.treeSize();
    const leaves = (await owner.query<{ h: Buffer }>(`SELECT leaf_hash AS h FROM onegate.ledger_entry ORDER BY leaf_index`)).rows.map((r) =>
      r.h.toString('base64'),
    );
    const rootHash = Buffer.from(referenceRoot(leaves), 'base64');
    const seconds = Math.floor(Date.now() / 1000);
    legacy = legacyCosignedCheckpoint({ origin: key.origin, treeSize: legacySize, rootHash, timestamp: seconds }, loadLedgerSigningKey(t.config).privateKey);
    await owner.query(`INSERT INTO onegate.ledger_checkpoint (id, tree_size, root_hash, signed_at, note) VALUES ($1, $2, $3, $4, $5)`, [
      randomUUID(),
      legacySize,
      rootHash,
      new Date(seconds * 1000),
      legacy,
    ]);
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('is served as the newest checkpoint, verifiable with either published vkey', async () => {
    expect(key.vkey).not.toBe(key.cosignatureVkey);
    const served = (await t.graphql<{ ledgerCheckpoint: { treeSize: number; note: string } }>(CHECKPOINT, undefined, auditor)).body.data!.ledgerCheckpoint;
    expect(served).toMatchObject({ treeSize: legacySize, note: legacy });
    // A stock verifier given only the Ed25519 vkey finds no signature it knows: the cosignature vkey is published for these.
    expect(() => referenceVerifyCheckpoint(legacy, key.vkey)).toThrow('no signature by a trusted key');
    expect(referenceVerifyCheckpoint(legacy, key.cosignatureVkey)).toMatchObject({ treeSize: legacySize, types: [0x04] });
    // The gateway's own verifiers accept it from either vkey of the log key.
    for (const vkey of [key.vkey, key.cosignatureVkey])
      expect(verifyCheckpoint(legacy, vkey)).toMatchObject({ treeSize: legacySize, signedWith: ['cosignature'] });
  });

  it('passes the integrity check in readiness, on append and at start-up, and a new checkpoint is signed on top of it in both forms', async () => {
    expect((await t.http().get('/health/ready')).status).toBe(200);
    await ledgerOf(t).record(accessEntry(LI_WEI, { caseNumber: 'JA-2026-N1' }));
    expect(ledgerOf(t).integrityAlarm).toBeUndefined();

    // A second gateway on the same database: the start-up inspection reads the legacy checkpoint as the newest.
    const harness = harnessState();
    const logs: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', 'onegate', { write: (line: string) => void logs.push(JSON.parse(line)) });
    const app = await createApp({ config: t.config, connections: connectionsFor(t.databaseUrl, harness.rolePassword), logger });
    try {
      expect(logs.filter((l) => l.level === 60)).toEqual([]);
      expect((await request(app.getHttpServer()).get('/health/ready')).status).toBe(200);
      const restarted = app.get(LedgerService);
      expect(restarted.integrityAlarm).toBeUndefined();
      const next = await restarted.createCheckpoint();
      expect(next.treeSize).toBe(legacySize + 1);
      expect(referenceVerifyCheckpoint(next.note, [key.vkey, key.cosignatureVkey]).types).toEqual([0x01, 0x04]);
    } finally {
      await app.close();
    }
  });

  it('verifies with ledger:verify, as a saved checkpoint beside a complete export, given either vkey; a forged one fails', async () => {
    const res = await asText(t.http().get('/audit/export').set('authorization', `Bearer ${auditor}`));
    expect(res.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'onegate-legacy-'));
    try {
      writeFileSync(join(dir, 'export.ndjson'), res.body as string);
      writeFileSync(join(dir, 'legacy.checkpoint'), legacy);
      const run = async (args: string[]) => {
        let stdout = '';
        const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true } };
        const code = await runLedgerVerifyCli(['--export', join(dir, 'export.ndjson'), ...args, '--json'], {}, io);
        return { code, report: JSON.parse(stdout) };
      };
      for (const vkey of [key.vkey, key.cosignatureVkey]) {
        const { code, report } = await run(['--checkpoint', join(dir, 'legacy.checkpoint'), '--key', vkey]);
        expect(code).toBe(0);
        expect(report.checkpoints).toMatchObject([
          { source: 'header', signatureVerified: true, signedWith: ['ed25519', 'cosignature'], matchesEntries: true },
          { source: 'saved', treeSize: legacySize, signatureVerified: true, signedWith: ['cosignature'], matchesEntries: true },
        ]);
      }
      // The same legacy form by another key, under the log's name: no signature by the log key.
      const forged = legacyCosignedCheckpoint(
        { origin: key.origin, treeSize: legacySize, rootHash: verifyCheckpoint(legacy, key.vkey).rootHash, timestamp: 1_795_000_000 },
        generateKeyPairSync('ed25519').privateKey,
      );
      writeFileSync(join(dir, 'forged.checkpoint'), forged);
      const { code, report } = await run(['--checkpoint', join(dir, 'forged.checkpoint'), '--key', key.vkey]);
      expect(code).toBe(1);
      expect(report.firstFailure.reason).toBe(`saved checkpoint (size ${legacySize}): no signature by ${key.origin}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
