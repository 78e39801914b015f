import fc from 'fast-check';
import pg from 'pg';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry, ledgerOf } from './support/ledger-fixtures.js';
import { referenceRoot, referenceVerifyInclusion } from './support/rfc9162-reference.js';

const LI_WEI = '330825198803142023';
const CHECKPOINT = `{ ledgerCheckpoint { treeSize rootHash } }`;
const SIGN = `mutation { createLedgerCheckpoint { treeSize rootHash } }`;
const INCLUSION = `query($index: Int!, $treeSize: Int!) { ledgerInclusionProof(index: $index, treeSize: $treeSize) { leafHash hashes } }`;

interface Checkpoint {
  treeSize: number;
  rootHash: string;
}

/**
 * `ledgerCheckpoint` is the newest signed checkpoint whatever the digit counts of the stored sizes
 * (RELIABILITY-AND-SECURITY §I 48): the checkpoints were once ordered by a text column, so "9"
 * came before "33" and the console's proofs waited forever for a checkpoint that was never served.
 */
describe('ledgerCheckpoint is the newest checkpoint', () => {
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

  const growTo = async (size: number) => {
    const ledger = ledgerOf(t);
    const missing = size - (await ledger.treeSize());
    await Promise.all(Array.from({ length: missing }, (_, i) => ledger.record(accessEntry(LI_WEI, { caseNumber: `JA-2026-${size}-${i}` }))));
    expect(await ledger.treeSize()).toBe(size);
  };

  const storedLeaves = async (size: number) =>
    (await owner.query<{ h: Buffer }>(`SELECT leaf_hash AS h FROM onegate.ledger_entry WHERE leaf_index < $1 ORDER BY leaf_index`, [size])).rows.map((r) =>
      r.h.toString('base64'),
    );

  it('serves each new checkpoint as the tree crosses 10 and 100 entries, and proves recent entries against it', async () => {
    const start = await ledgerOf(t).treeSize();
    // The gateway's start-up entries come first; the sizes below cross one and two digits, then three.
    expect(start).toBeLessThan(9);
    const signed: number[] = [];
    for (const size of [start + 1, 9, 10, 11, 33, 99, 100, 101, 250]) {
      await growTo(size);
      const made = await t.graphql<{ createLedgerCheckpoint: Checkpoint }>(SIGN, undefined, auditor);
      expect(made.body.errors).toBeUndefined();
      expect(made.body.data!.createLedgerCheckpoint.treeSize).toBe(size);
      signed.push(size);

      const res = await t.graphql<{ ledgerCheckpoint: Checkpoint }>(CHECKPOINT, undefined, auditor);
      expect(res.body.errors).toBeUndefined();
      const latest = res.body.data!.ledgerCheckpoint;
      expect(latest.treeSize).toBe(size);
      const leaves = await storedLeaves(size);
      expect(latest.rootHash).toBe(referenceRoot(leaves));
      // The newest entries are in the served checkpoint (the console's "in a signed checkpoint" check).
      for (const index of [size - 1, size - 2, 0].filter((i) => i >= 0)) {
        const proof = await t.graphql<{ ledgerInclusionProof: { leafHash: string; hashes: string[] } }>(
          INCLUSION,
          { index, treeSize: latest.treeSize },
          auditor,
        );
        expect(proof.body.errors).toBeUndefined();
        expect(proof.body.data!.ledgerInclusionProof.leafHash).toBe(leaves[index]);
        expect(referenceVerifyInclusion(leaves[index]!, index, latest.treeSize, proof.body.data!.ledgerInclusionProof.hashes, latest.rootHash)).toBe(true);
      }
    }
    const { rows } = await owner.query<{ sizes: string[] }>(
      `SELECT array_agg(tree_size::text ORDER BY signed_at, tree_size) AS sizes FROM onegate.ledger_checkpoint`,
    );
    expect(rows[0]!.sizes.map(Number)).toEqual(signed);
  });

  it('property: after any sequence of growth and signing, the newest checkpoint is served', async () => {
    const ledger = ledgerOf(t);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 140 }), { minLength: 1, maxLength: 4 }), async (growths) => {
        for (const growth of growths) {
          const size = (await ledger.treeSize()) + growth;
          await growTo(size);
          const signed = await ledger.createCheckpoint();
          expect(signed.treeSize).toBe(size);
          const latest = await ledger.latestCheckpoint();
          expect(latest.treeSize).toBe(size);
          expect(latest.rootHash.equals(signed.rootHash)).toBe(true);
        }
        // The stored sizes now span digit counts: the served one is the largest by number.
        const { rows } = await owner.query<{ max: string }>(`SELECT max(tree_size)::text AS max FROM onegate.ledger_checkpoint`);
        expect((await ledger.latestCheckpoint()).treeSize).toBe(Number(rows[0]!.max));
      }),
      { numRuns: 25 },
    );
    // And past a thousand entries: four digit counts compared.
    await growTo(Math.max((await ledger.treeSize()) + 1, 1001));
    const signed = await ledger.createCheckpoint();
    expect(signed.treeSize).toBeGreaterThan(1000);
    expect((await ledger.latestCheckpoint()).treeSize).toBe(signed.treeSize);
  }, 120_000);
});
