import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import request from 'supertest';
import { harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { asText } from './support/ledger-fixtures.js';
import { referenceRoot } from './support/rfc9162-reference.js';
import { freePort } from './harness/free-port.js';
import { GatewayProcess } from './support/gateway-process.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LI_WEI = '330825198803142023';
const ENTRIES = `query($filter: AuditEntryFilter) { auditEntries(filter: $filter, first: 3) { edges { node { index subject { id } } } } }`;

interface Gateway {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A real gateway process (`node dist/src/main.js`) on the given database, ready when /health/ready
 * says so; with a data directory of its own (one gateway per data directory) holding the harness's keys.
 */
async function startGateway(databaseUrl: string): Promise<Gateway> {
  const harness = harnessState();
  const gateway = await GatewayProcess.start(
    { databaseUrl, rolePassword: harness.rolePassword, dataDir: harness.dataDir, port: await freePort(), env: { LEDGER_CHECKPOINT_INTERVAL_SECONDS: '1' } },
    30_000,
  );
  return { url: gateway.url, process: gateway.child, stop: () => gateway.stop() };
}

interface VerifyOutcome {
  code: number;
  report: { ok: boolean; entries: number; firstFailure: { index?: number; reason: string } | null };
}

/** `npm run ledger:verify` as an auditor runs it: the compiled CLI, in its own process. */
function ledgerVerify(args: string[]): VerifyOutcome {
  const result = spawnSync(process.execPath, [join(ROOT, 'dist/src/ledger/ledger-verify.cli.js'), ...args, '--json'], { encoding: 'utf8' });
  return { code: result.status ?? -1, report: JSON.parse(result.stdout || 'null') };
}

describe('two gateway processes on one database (RELIABILITY-AND-SECURITY §E 32–33)', () => {
  let t: TestApp;
  let a: Gateway;
  let b: Gateway;
  let owner: pg.Client;
  let auditor: string;
  let vkey: string;
  let work: string;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    auditor = await t.token({ role: 'auditor', sub: 'A-001' });
    // One after the other: each start-up also syncs the catalog as the owner.
    a = await startGateway(t.databaseUrl);
    b = await startGateway(t.databaseUrl);
    vkey = (await t.graphql<{ ledgerPublicKey: { vkey: string } }>('{ ledgerPublicKey { vkey } }')).body.data!.ledgerPublicKey.vkey;
    work = mkdtempSync(join(tmpdir(), 'onegate-ledger-'));
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await owner.end();
    await t.close();
    if (!process.env.KEEP_LEDGER_TEST_FILES) rmSync(work, { recursive: true, force: true });
  });

  async function exportLedger(gateway: Gateway, file: string): Promise<void> {
    const res = await asText(request(gateway.url).get('/audit/export').set('authorization', `Bearer ${auditor}`));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    writeFileSync(file, res.body as string);
  }

  async function checkpointNote(gateway: Gateway): Promise<{ treeSize: number; note: string }> {
    const res = await request(gateway.url)
      .post('/graphql')
      .set('authorization', `Bearer ${auditor}`)
      .send({ query: 'mutation { createLedgerCheckpoint { treeSize note } }' });
    return res.body.data.createLedgerCheckpoint;
  }

  it('gives 300 concurrent audited queries through both gateways 300 contiguous entries, one per delivered response', async () => {
    const delivered: string[] = [];
    // Entries the gateways wrote on start (certificate issuing keys certified) come first.
    const base = (await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM onegate.ledger_entry`)).rows[0]!.n;
    for (let round = 0; round < 3; round++) {
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          request(i % 2 ? a.url : b.url)
            .post('/graphql')
            .set('authorization', `Bearer ${auditor}`)
            .send({ query: ENTRIES, variables: { filter: { subject: LI_WEI } } }),
        ),
      );
      for (const res of responses) {
        expect(res.status).toBe(200);
        expect(res.body.errors).toBeUndefined();
        delivered.push(res.headers['x-request-id']);
      }
    }
    const { rows } = await owner.query<{ n: number; max: number; distinct: number }>(
      `SELECT count(*)::int AS n, max(leaf_index)::int AS max, count(DISTINCT leaf_index)::int AS distinct FROM onegate.ledger_entry`,
    );
    expect(rows[0]!.n).toBe(base + 300);
    expect(rows[0]!.max).toBe(base + 299); // no gaps
    expect(rows[0]!.distinct).toBe(base + 300); // no forks
    const logged = await owner.query<{ request_id: string }>(`SELECT request_id FROM onegate.ledger_entry WHERE kind = 'AUDIT_QUERY'`);
    expect(new Set(logged.rows.map((r) => r.request_id))).toEqual(new Set(delivered));

    // Every checkpoint either instance signed is a prefix of the one tree.
    await new Promise((r) => setTimeout(r, 1200));
    const leaves = (await owner.query<{ h: Buffer }>(`SELECT leaf_hash AS h FROM onegate.ledger_entry ORDER BY leaf_index`)).rows.map((r) =>
      r.h.toString('base64'),
    );
    const checkpoints = (await owner.query<{ size: number; root: Buffer }>(`SELECT tree_size::int AS size, root_hash AS root FROM onegate.ledger_checkpoint`))
      .rows;
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const c of checkpoints) expect(referenceRoot(leaves.slice(0, c.size))).toBe(c.root.toString('base64'));
  });

  it('verifies a complete export offline, and names the entry a superuser edited', async () => {
    const saved = await checkpointNote(a);
    writeFileSync(join(work, 'saved.checkpoint'), saved.note);
    await exportLedger(b, join(work, 'good.ndjson'));
    const good = ledgerVerify(['--export', join(work, 'good.ndjson'), '--checkpoint', join(work, 'saved.checkpoint'), '--key', vkey]);
    expect(good.report.firstFailure).toBeNull();
    expect(good.code).toBe(0);
    expect(good.report.entries).toBeGreaterThanOrEqual(saved.treeSize);

    // A superuser gets past the triggers and changes who read the data.
    await owner.query(`SET session_replication_role = replica`);
    const original = (await owner.query(`SELECT actor_id FROM onegate.ledger_entry WHERE leaf_index = 17`)).rows[0].actor_id;
    await owner.query(`UPDATE onegate.ledger_entry SET actor_id = 'A-999' WHERE leaf_index = 17`);
    await owner.query(`SET session_replication_role = DEFAULT`);
    try {
      await exportLedger(a, join(work, 'edited.ndjson'));
      const edited = ledgerVerify(['--export', join(work, 'edited.ndjson'), '--key', vkey]);
      expect(edited.code).toBe(1);
      expect(edited.report.ok).toBe(false);
      expect(edited.report.firstFailure).toMatchObject({ index: 17 });
    } finally {
      await owner.query(`SET session_replication_role = replica`);
      await owner.query(`UPDATE onegate.ledger_entry SET actor_id = $1 WHERE leaf_index = 17`, [original]);
      await owner.query(`SET session_replication_role = DEFAULT`);
    }
  });

  it('detects the last 10 entries cut away: the gateway that signed past the cut raises the alarm, and a saved checkpoint shows it offline', async () => {
    const saved = await checkpointNote(b);
    writeFileSync(join(work, 'before-cut.checkpoint'), saved.note);
    const size = saved.treeSize;
    // The tail goes, with the tree nodes and checkpoints that covered it, so that the database
    // alone looks like a shorter but whole ledger.
    await owner.query(`SET session_replication_role = replica`);
    await owner.query(`DELETE FROM onegate.ledger_entry WHERE leaf_index >= $1`, [size - 10]);
    await owner.query(`DELETE FROM onegate.ledger_node WHERE (node_index + 1) * (1::bigint << level) > $1`, [size - 10]);
    await owner.query(`DELETE FROM onegate.ledger_checkpoint WHERE tree_size > $1`, [size - 10]);
    await owner.query(`SET session_replication_role = DEFAULT`);

    // B signed the checkpoint of `size`: it refuses to append on the shorter tree (§I 48) and says so.
    const refused = await request(b.url)
      .post('/graphql')
      .set('authorization', `Bearer ${auditor}`)
      .send({ query: ENTRIES, variables: { filter: { subject: LI_WEI } } });
    expect(refused.body.data).toBeNull();
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_INCONSISTENT' });
    const ready = await request(b.url).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.ledger).toBe('inconsistent');
    expect((await owner.query<{ max: number }>(`SELECT max(tree_size)::int AS max FROM onegate.ledger_checkpoint`)).rows[0]!.max).toBeLessThanOrEqual(
      size - 10,
    );

    // A gateway started afresh sees only the database, which is consistent in itself: an export
    // verifies alone, and fails against the checkpoint the auditor saved before the cut.
    await Promise.all([a.stop(), b.stop()]);
    const c = await startGateway(t.databaseUrl);
    try {
      await exportLedger(c, join(work, 'cut.ndjson'));
    } finally {
      await c.stop();
    }
    const alone = ledgerVerify(['--export', join(work, 'cut.ndjson'), '--key', vkey]);
    expect(alone.code).toBe(0); // consistent in itself: only an earlier checkpoint shows the cut
    const cut = ledgerVerify(['--export', join(work, 'cut.ndjson'), '--checkpoint', join(work, 'before-cut.checkpoint'), '--key', vkey]);
    expect(cut.code).toBe(1);
    expect(cut.report.ok).toBe(false);
    expect(cut.report.firstFailure!.reason).toMatch(/missing|cut|does not match/);
  }, 60_000);
});
