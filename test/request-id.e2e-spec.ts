import pg from 'pg';
import { parseVkey } from '../src/ledger/checkpoint.js';
import { entryContent, entryLeafHash } from '../src/ledger/ledger-entry.js';
import { readNodes } from '../src/ledger/ledger-store.js';
import { LEDGER_APPEND_LOCK_KEY } from '../src/ledger/ledger-writer.js';
import { verifyLedgerExport } from '../src/ledger/ledger-verify.js';
import { appendLeaves, rootPlan } from '../src/ledger/merkle.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry, asText, ledgerOf } from './support/ledger-fixtures.js';

const LI_WEI = '330825198803142023';
const ENTRIES = `query($filter: AuditEntryFilter) { auditEntries(filter: $filter, first: 5) { edges { node { index kind requestId clientRequestId } } } }`;

/**
 * A client's X-Request-Id is kept as given but never trusted as the ledger's own request id
 * (issue 20, item 7): the gateway generates the id the ledger and the logs go by, and keeps the
 * client's beside it (entry version 2), so two clients choosing one id stay two requests.
 */
describe('request ids: the gateway’s own, and the client’s beside it', () => {
  let t: TestApp;
  let auditor: string;
  let owner: pg.Client;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    auditor = await t.token({ role: 'auditor', sub: 'A-001' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('gives two requests sending the same X-Request-Id two distinct ledger request ids, and keeps both client ids', async () => {
    const chosen = 'hall-JINGAN-01-000042';
    const send = () =>
      t
        .http()
        .post('/graphql')
        .set('authorization', `Bearer ${auditor}`)
        .set('x-request-id', chosen)
        .send({ query: ENTRIES, variables: { filter: { subject: LI_WEI } } });
    const [first, second] = [await send(), await send()];
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      // The server's id comes back for correlation; the client's is echoed beside it, as given.
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-client-request-id']).toBe(chosen);
    }
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);

    const { rows } = await owner.query<{ request_id: string; client_request_id: string; entry_version: number }>(
      `SELECT request_id, client_request_id, entry_version FROM onegate.ledger_entry WHERE client_request_id = $1 ORDER BY leaf_index`,
      [chosen],
    );
    expect(rows).toEqual([
      { request_id: first.headers['x-request-id'], client_request_id: chosen, entry_version: 2 },
      { request_id: second.headers['x-request-id'], client_request_id: chosen, entry_version: 2 },
    ]);

    // Auditors see both ids of each entry.
    const listed = await t.graphql<{ auditEntries: { edges: Array<{ node: { kind: string; requestId: string; clientRequestId: string | null } }> } }>(
      ENTRIES,
      { filter: { kind: 'AUDIT_QUERY' } },
      auditor,
    );
    const nodes = listed.body.data!.auditEntries.edges.map((e) => e.node);
    expect(
      nodes
        .filter((n) => n.clientRequestId === chosen)
        .map((n) => n.requestId)
        .sort(),
    ).toEqual([first.headers['x-request-id'], second.headers['x-request-id']].sort());
  });

  it('keeps no client id that is not well-formed, and gives every response its own id', async () => {
    const plain = await t.http().get('/health');
    expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(plain.headers['x-client-request-id']).toBeUndefined();
    const bad = await t.http().post('/graphql').set('authorization', `Bearer ${auditor}`).set('x-request-id', 'bad id\twith spaces').send({ query: ENTRIES });
    expect(bad.headers['x-client-request-id']).toBeUndefined();
    const { rows } = await owner.query(`SELECT client_request_id FROM onegate.ledger_entry WHERE request_id = $1`, [bad.headers['x-request-id']]);
    expect(rows).toEqual([{ client_request_id: null }]);
  });

  it('still verifies entries of version 1 (no clientRequestId in their canonical form) next to version 2 ones', async () => {
    const ledger = ledgerOf(t);
    await ledger.record(accessEntry(LI_WEI, { requestId: 'before-v1' }));
    // An entry as the gateway wrote them before version 2, appended the way the writer appends (under its lock, with its nodes).
    const { clientRequestId: _dropped, ...current } = entryContent(accessEntry(LI_WEI, { requestId: 'written-as-v1' }), new Date());
    const v1 = { ...current, v: 1 as const };
    const leafHash = entryLeafHash(v1);
    await owner.query('BEGIN');
    try {
      await owner.query('SELECT pg_advisory_xact_lock($1)', [LEDGER_APPEND_LOCK_KEY]);
      const size = Number((await owner.query<{ n: string }>('SELECT coalesce(max(leaf_index) + 1, 0)::text AS n FROM onegate.ledger_entry')).rows[0]!.n);
      const { nodes } = appendLeaves(size, await readNodes(owner, rootPlan(size)), [leafHash]);
      await owner.query(
        `INSERT INTO onegate.ledger_entry (leaf_index, entry_version, recorded_at, kind, actor_kind, actor_id, actor_hall, actor_region, actor_department,
           subject_kind, subject_id, matter, case_number, consent_ref, items_granted, items_denied, departments, outcome, request_id, client_address,
           restricted, detail, leaf_hash)
         VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
        [
          size,
          v1.at,
          v1.kind,
          v1.actor.kind,
          v1.actor.id,
          v1.actor.hall,
          v1.actor.region,
          v1.actor.department,
          v1.subject!.kind,
          v1.subject!.id,
          v1.matter,
          v1.caseNumber,
          v1.consentRef,
          v1.itemsGranted,
          v1.itemsDenied,
          v1.departments,
          v1.outcome,
          v1.requestId,
          v1.clientAddress,
          v1.restricted,
          v1.detail,
          leafHash,
        ],
      );
      for (const node of nodes)
        await owner.query('INSERT INTO onegate.ledger_node (level, node_index, hash) VALUES ($1, $2, $3)', [node.level, node.index, node.hash]);
      await owner.query('COMMIT');
    } catch (error) {
      await owner.query('ROLLBACK');
      throw error;
    }
    // The gateway carries on after it (its stored tree still adds up) with version 2 entries.
    await ledger.record(accessEntry(LI_WEI, { requestId: 'after-v1', clientRequestId: 'client-after-v1' }));

    const res = await asText(t.http().get('/audit/export').set('authorization', `Bearer ${auditor}`));
    expect(res.status).toBe(200);
    const lines = (res.body as string).trim().split('\n');
    const entries = lines.slice(1).map((line) => JSON.parse(line) as { entry: Record<string, unknown> });
    const byRequest = (id: string) => entries.find((e) => e.entry.requestId === id)!.entry;
    expect(byRequest('written-as-v1')).not.toHaveProperty('clientRequestId');
    expect(byRequest('written-as-v1').v).toBe(1);
    expect(byRequest('after-v1')).toMatchObject({ v: 2, clientRequestId: 'client-after-v1' });
    expect(byRequest('before-v1')).toMatchObject({ v: 2, clientRequestId: null });

    const vkey = (await t.graphql<{ ledgerPublicKey: { vkey: string } }>('{ ledgerPublicKey { vkey } }')).body.data!.ledgerPublicKey.vkey;
    const report = await verifyLedgerExport(lines, { vkey: parseVkey(vkey) });
    expect(report.firstFailure).toBeNull();
    expect(report.ok).toBe(true);
  });
});
