import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { canonicalJson } from '../src/ledger/ledger-entry.js';
import { runLedgerVerifyCli } from '../src/ledger/ledger-verify.cli.js';
import { connectionsFor } from '../src/database/database-setup.js';
import { harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry, asText, ledgerOf, referenceVerifyCheckpoint } from './support/ledger-fixtures.js';
import { referenceRoot, referenceVerifyConsistency, referenceVerifyInclusion } from './support/rfc9162-reference.js';

const LI_WEI = '330825198803142023';
const OTHER = '110101199003074514';

const CHECKPOINT = `{ ledgerCheckpoint { treeSize rootHash timestamp note } }`;
const PUBLIC_KEY = `{ ledgerPublicKey { origin vkey cosignatureVkey } }`;
const INCLUSION = `query($index: Int!, $treeSize: Int!) { ledgerInclusionProof(index: $index, treeSize: $treeSize) { leafHash hashes } }`;
const CONSISTENCY = `query($from: Int!, $to: Int!) { ledgerConsistencyProof(fromSize: $from, toSize: $to) { hashes } }`;
const ENTRIES = `query($filter: AuditEntryFilter, $first: Int, $after: String) {
  auditEntries(filter: $filter, first: $first, after: $after) {
    edges { cursor node { index leafHash at kind actor { kind id hall region department } subject { kind id }
      matter caseNumber consentRef itemsGranted itemsDenied departments outcome requestId clientRequestId clientAddress restricted detail } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Checkpoint {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  note: string;
}

describe('the audit ledger', () => {
  let t: TestApp;
  let auditor: string;
  let runtime: pg.Client;
  let owner: pg.Client;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    auditor = await t.token({ role: 'auditor', sub: 'A-001' });
    runtime = new pg.Client({ connectionString: connectionsFor(t.databaseUrl, harnessState().rolePassword).runtimeUrl });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await Promise.all([runtime.connect(), owner.connect()]);
  });
  afterAll(async () => {
    await Promise.all([runtime.end(), owner.end()]);
    await t.close();
  });

  it('makes 100 concurrent entries durable with contiguous indexes and no forks', async () => {
    const ledger = ledgerOf(t);
    // The gateway's own start-up entries (certificate issuing keys certified) come first.
    const base = await ledger.treeSize();
    const recorded = await Promise.all(
      Array.from({ length: 100 }, (_, i) => ledger.record(accessEntry(i % 2 ? LI_WEI : OTHER, { requestId: `req-concurrent-${i}` }))),
    );
    const indexes = recorded.map((r) => r.index).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 100 }, (_, i) => base + i));
    // Each resolved entry is in the table already: durable before the promise resolved.
    const { rows } = await owner.query(`SELECT count(*)::int AS n, max(leaf_index)::int AS max FROM onegate.ledger_entry`);
    expect(rows[0]).toEqual({ n: base + 100, max: base + 99 });
  });

  it('stores leaf hashes that anyone can recompute from the entry (SHA-256 over 0x00 and the canonical JSON)', async () => {
    const res = await t.graphql<{ auditEntries: { edges: Array<{ node: any }> } }>(ENTRIES, { filter: { subject: LI_WEI }, first: 5 }, auditor);
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!.auditEntries.edges.map((e) => e.node);
    expect(nodes).toHaveLength(5);
    for (const node of nodes) {
      const content = {
        v: 2,
        at: node.at,
        kind: node.kind,
        actor: node.actor,
        subject: node.subject,
        matter: node.matter,
        caseNumber: node.caseNumber,
        consentRef: node.consentRef,
        itemsGranted: node.itemsGranted,
        itemsDenied: node.itemsDenied,
        departments: node.departments,
        outcome: node.outcome,
        requestId: node.requestId,
        clientRequestId: node.clientRequestId,
        clientAddress: node.clientAddress,
        restricted: node.restricted,
        detail: node.detail,
      };
      const expected = createHash('sha256').update(Buffer.of(0)).update(canonicalJson(content)).digest('base64');
      expect(node.leafHash).toBe(expected);
    }
  });

  it('serves a signed checkpoint and proofs that an independent RFC 9162 implementation accepts', async () => {
    const key = (await t.graphql<{ ledgerPublicKey: { origin: string; vkey: string; cosignatureVkey: string } }>(PUBLIC_KEY)).body.data!.ledgerPublicKey;
    const first = (
      await t.graphql<{ createLedgerCheckpoint: Checkpoint }>(`mutation { createLedgerCheckpoint { treeSize rootHash timestamp note } }`, undefined, auditor)
    ).body.data!.createLedgerCheckpoint;
    for (let i = 0; i < 37; i++) await ledgerOf(t).record(accessEntry(LI_WEI, { caseNumber: `JA-2026-${1000 + i}` }));
    await t.graphql(`mutation { createLedgerCheckpoint { treeSize } }`, undefined, auditor);
    const latest = (await t.graphql<{ ledgerCheckpoint: Checkpoint }>(CHECKPOINT, undefined, auditor)).body.data!.ledgerCheckpoint;
    expect(latest.treeSize).toBeGreaterThan(first.treeSize);

    // The signed note says what the fields say, under the published key: a plain Ed25519 line a
    // stock verifier checks with `vkey` alone, and the cosignature line with the signed time.
    for (const checkpoint of [first, latest]) {
      const fields = { origin: key.origin, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash };
      expect(referenceVerifyCheckpoint(checkpoint.note, key.vkey)).toEqual({ ...fields, time: null, types: [0x01] });
      const signed = referenceVerifyCheckpoint(checkpoint.note, [key.vkey, key.cosignatureVkey]);
      expect(signed).toEqual({ ...fields, time: Date.parse(checkpoint.timestamp) / 1000, types: [0x01, 0x04] });
    }

    // The root is the RFC 9162 root of every stored leaf.
    const { rows } = await owner.query<{ h: Buffer }>(`SELECT leaf_hash AS h FROM onegate.ledger_entry WHERE leaf_index < $1 ORDER BY leaf_index`, [
      latest.treeSize,
    ]);
    expect(referenceRoot(rows.map((r) => r.h.toString('base64')))).toBe(latest.rootHash);

    for (const index of [0, 1, 63, first.treeSize - 1, latest.treeSize - 1]) {
      const res = await t.graphql<{ ledgerInclusionProof: { leafHash: string; hashes: string[] } }>(INCLUSION, { index, treeSize: latest.treeSize }, auditor);
      expect(res.body.errors).toBeUndefined();
      const proof = res.body.data!.ledgerInclusionProof;
      expect(proof.leafHash).toBe(rows[index]!.h.toString('base64'));
      expect(referenceVerifyInclusion(proof.leafHash, index, latest.treeSize, proof.hashes, latest.rootHash)).toBe(true);
      expect(referenceVerifyInclusion(proof.leafHash, index, latest.treeSize, proof.hashes, first.rootHash)).toBe(false);
    }

    const consistency = await t.graphql<{ ledgerConsistencyProof: { hashes: string[] } }>(CONSISTENCY, { from: first.treeSize, to: latest.treeSize }, auditor);
    expect(consistency.body.errors).toBeUndefined();
    const hashes = consistency.body.data!.ledgerConsistencyProof.hashes;
    expect(referenceVerifyConsistency(first.treeSize, latest.treeSize, hashes, first.rootHash, latest.rootHash)).toBe(true);
    expect(referenceVerifyConsistency(first.treeSize, latest.treeSize, hashes, latest.rootHash, first.rootHash)).toBe(false);
  });

  it('refuses proofs for sizes the tree does not have', async () => {
    const size = await ledgerOf(t).treeSize();
    const res = await t.graphql(INCLUSION, { index: 0, treeSize: size + 1000 }, auditor);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PROOF_RANGE_INVALID' });
    const res2 = await t.graphql(CONSISTENCY, { from: 5, to: 4 }, auditor);
    expect(res2.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PROOF_RANGE_INVALID' });
  });

  it('refuses UPDATE, DELETE and TRUNCATE by the runtime role (permission) and by the owner (triggers)', async () => {
    for (const table of ['ledger_entry', 'ledger_node', 'ledger_checkpoint']) {
      await expect(
        runtime.query(`UPDATE onegate.${table} SET ${table === 'ledger_node' ? 'hash' : table === 'ledger_entry' ? 'leaf_hash' : 'root_hash'} = '\\x00'`),
      ).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
      await expect(runtime.query(`DELETE FROM onegate.${table}`)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
      await expect(runtime.query(`TRUNCATE onegate.${table}`)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
      await expect(owner.query(`DELETE FROM onegate.${table}`)).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
      await expect(owner.query(`TRUNCATE onegate.${table}`)).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    }
    await expect(owner.query(`UPDATE onegate.ledger_entry SET actor_id = 'someone-else' WHERE leaf_index = 0`)).rejects.toMatchObject({
      message: expect.stringMatching(/append-only: UPDATE/),
    });
    const { rows } = await runtime.query(`SELECT tableowner FROM pg_tables WHERE schemaname = 'onegate' AND tablename LIKE 'ledger%'`);
    expect(rows.map((r) => r.tableowner)).not.toContain('onegate_app');
  });

  it('exports a filtered range with inclusion proofs that verify offline; only auditors may export', async () => {
    const clerk = await t.token({ role: 'clerk', sub: 'C-001', hall: 'JINGAN-01' });
    expect((await t.http().get('/audit/export').set('authorization', `Bearer ${clerk}`)).status).toBe(403);
    expect((await t.http().get('/audit/export')).status).toBe(401);
    expect((await t.http().get('/audit/export?colour=red').set('authorization', `Bearer ${auditor}`)).status).toBe(400);

    const res = await asText(t.http().get(`/audit/export?subject=${OTHER}&kind=DATA_ACCESS`).set('authorization', `Bearer ${auditor}`));
    expect(res.status).toBe(200);
    const lines = (res.body as string).trimEnd().split('\n');
    const header = JSON.parse(lines[0]!);
    expect(header).toMatchObject({ complete: false, filter: { subject: OTHER, kind: 'DATA_ACCESS' } });
    const entries = lines.slice(1).map((l) => JSON.parse(l));
    expect(entries.length).toBe(50);
    expect(entries.every((e) => e.entry.subject.id === OTHER && e.inclusionProof.length > 0)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'onegate-export-'));
    try {
      writeFileSync(join(dir, 'export.ndjson'), res.body as string);
      const vkey = (await t.graphql<{ ledgerPublicKey: { vkey: string } }>(PUBLIC_KEY)).body.data!.ledgerPublicKey.vkey;
      let stdout = '';
      const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true } };
      expect(await runLedgerVerifyCli(['--export', join(dir, 'export.ndjson'), '--key', vkey, '--json'], {}, io)).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ ok: true, complete: false, entries: 50 });

      // One proof hash changed: the entry no longer proves into the signed root.
      const tampered = [
        lines[0],
        ...entries.map((e, i) =>
          JSON.stringify(
            i === 7 ? { ...e, inclusionProof: [e.inclusionProof[0].replace(/^./, (c: string) => (c === 'A' ? 'B' : 'A')), ...e.inclusionProof.slice(1)] } : e,
          ),
        ),
      ];
      writeFileSync(join(dir, 'tampered.ndjson'), tampered.join('\n') + '\n');
      stdout = '';
      expect(await runLedgerVerifyCli(['--export', join(dir, 'tampered.ndjson'), '--key', vkey, '--json'], {}, io)).toBe(1);
      expect(JSON.parse(stdout).firstFailure).toMatchObject({ index: entries[7].index });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a malformed entry without writing anything', async () => {
    const before = await ledgerOf(t).treeSize();
    await expect(ledgerOf(t).record({ ...accessEntry(LI_WEI), outcome: 'MAYBE' as never })).rejects.toThrow(/outcome must be one of/);
    await expect(ledgerOf(t).record({ ...accessEntry(LI_WEI), itemsGranted: Array(65).fill('x') })).rejects.toThrow(/at most 64/);
    expect(await ledgerOf(t).treeSize()).toBe(before);
  });
});
