import { Writable } from 'node:stream';
import pg from 'pg';
import { LedgerUnavailableError } from '../src/audit/audit.errors.js';
import type { Queryable } from '../src/ledger/ledger-store.js';
import { LedgerWriter, type CompanionOutcome, type CompanionTable } from '../src/ledger/ledger-writer.js';
import { connectionsFor } from '../src/database/database-setup.js';
import { createLogger } from '../src/logging/logger.js';
import { adminQuery, harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry, expectStoredTreeVerifies } from './support/ledger-fixtures.js';

const LI_WEI = '330825198803142023';

/** A row of the scratch table the tests pair with ledger entries. */
interface Row {
  id: string;
  n: number;
}

/**
 * A companion table as CERTIFICATE_ROWS is one: one INSERT … ON CONFLICT DO NOTHING per batch,
 * positions of the rows inserted; and the plain INSERT of the one-statement append. `calls` and
 * `fastCalls` record the rows each was given.
 */
function companionTable(name: string): CompanionTable<Row> & { calls: number[]; fastCalls: number[] } {
  const calls: number[] = [];
  const fastCalls: number[] = [];
  return {
    name,
    calls,
    fastCalls,
    insertAll(rows: readonly Row[], first: number, condition: string) {
      fastCalls.push(rows.length);
      return {
        text: `INSERT INTO onegate.companion_test (id, n) SELECT id, n FROM unnest($${first}::text[], $${first + 1}::int[]) AS r(id, n) WHERE ${condition}`,
        values: [rows.map((r) => r.id), rows.map((r) => r.n)],
      };
    },
    async insert(db: Queryable, rows: readonly Row[]): Promise<ReadonlySet<number>> {
      calls.push(rows.length);
      const { rows: inserted } = await db.query<{ id: string }>(
        `INSERT INTO onegate.companion_test (id, n)
         SELECT id, n FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS r(id, n, position)
         ORDER BY position
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [rows.map((r) => r.id), rows.map((r) => r.n)],
      );
      const insertedIds = new Set(inserted.map((r) => r.id));
      // Of two rows with one id, the first is the one inserted.
      const positions = new Set<number>();
      rows.forEach((row, i) => {
        if (insertedIds.delete(row.id)) positions.add(i);
      });
      return positions;
    },
  };
}

describe('LedgerWriter.recordWith: ledger entries with companion rows, against PostgreSQL', () => {
  let t: TestApp;
  let owner: pg.Client;
  let pool: pg.Pool;
  let writer: LedgerWriter;
  let table: ReturnType<typeof companionTable>;
  /** Transactions the writer opened (one connection is taken per batch). */
  let batches = 0;
  const logged: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    // A scratch table, created by the owner; the runtime role (which the writer runs as) may insert and read it.
    await owner.query(`CREATE TABLE onegate.companion_test (id text PRIMARY KEY, n int NOT NULL CHECK (n >= 0))`);
    await owner.query(`GRANT SELECT, INSERT ON onegate.companion_test TO onegate_app`);

    pool = new pg.Pool({ connectionString: connectionsFor(t.databaseUrl, harnessState().rolePassword).runtimeUrl, max: 2 });
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    pool.connect = (() => {
      batches++;
      return connect();
    }) as unknown as typeof pool.connect;
    const logs = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logged.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    writer = new LedgerWriter(pool, { maxBatch: 500, waitMs: 0 }, createLogger('error', 'ledger-companions-test', logs));
    table = companionTable('companion_test');
  });
  afterAll(async () => {
    await writer.close();
    await pool.end();
    await owner.end();
    await t.close();
  });

  const entry = (requestId: string) => accessEntry(LI_WEI, { requestId });

  async function entriesWithRequestIds(ids: readonly string[]): Promise<Map<string, { index: number; leafHash: Buffer }>> {
    const { rows } = await owner.query<{ request_id: string; i: number; h: Buffer }>(
      'SELECT request_id, leaf_index::int AS i, leaf_hash AS h FROM onegate.ledger_entry WHERE request_id = ANY($1::text[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.request_id, { index: r.i, leafHash: r.h }]));
  }

  async function companionRows(ids: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await owner.query<{ id: string; n: number }>('SELECT id, n FROM onegate.companion_test WHERE id = ANY($1::text[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  /** Starts `count` recordWith calls in one go, so that they share one batch; checks that they did. */
  async function oneBatch(calls: Array<() => Promise<CompanionOutcome | unknown>>): Promise<unknown[]> {
    const before = batches;
    const results = await Promise.all(calls.map((call) => call()));
    expect(batches - before).toBe(1);
    return results;
  }

  it('writes every entry of a concurrent batch together with its row', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `many-${i}`);
    const outcomes = (await oneBatch(ids.map((id, i) => () => writer.recordWith(entry(`req-${id}`), { table, row: { id, n: i } })))) as CompanionOutcome[];
    // One INSERT for the whole batch.
    expect(table.calls.at(-1)).toBe(50);

    expect(outcomes.every((o) => o.written)).toBe(true);
    const written = outcomes.map((o) => (o.written ? o.entry : null)!);
    const indexes = written.map((e) => e.index).sort((a, b) => a - b);
    expect(new Set(indexes).size).toBe(50);
    expect(indexes.at(-1)! - indexes[0]!).toBe(49); // contiguous

    const stored = await entriesWithRequestIds(ids.map((id) => `req-${id}`));
    const rows = await companionRows(ids);
    ids.forEach((id, i) => {
      const recorded = written[i]!;
      expect(stored.get(`req-${id}`)).toEqual({ index: recorded.index, leafHash: recorded.leafHash });
      expect(rows.get(id)).toBe(i);
    });
  });

  it('leaves out the entry of a row that conflicts with an existing one, and writes the rest of the batch', async () => {
    const fastBefore = table.fastCalls.length;
    const callsBefore = table.calls.length;
    const first = await writer.recordWith(entry('req-taken-first'), { table, row: { id: 'taken', n: 1 } });
    expect(first).toMatchObject({ written: true });
    // The writer wrote the last batch: the row went in with its entry in one statement.
    expect(table.fastCalls.slice(fastBefore)).toEqual([1]);
    expect(table.calls.length).toBe(callsBefore);

    const outcomes = (await oneBatch([
      () => writer.recordWith(entry('req-conflict-a'), { table, row: { id: 'conflict-a', n: 1 } }),
      () => writer.recordWith(entry('req-taken-again'), { table, row: { id: 'taken', n: 2 } }),
      () => writer.record(entry('req-conflict-plain')),
      () => writer.recordWith(entry('req-conflict-b'), { table, row: { id: 'conflict-b', n: 3 } }),
      // Two rows of one batch with one key: the first is kept.
      () => writer.recordWith(entry('req-twin-1'), { table, row: { id: 'twin', n: 4 } }),
      () => writer.recordWith(entry('req-twin-2'), { table, row: { id: 'twin', n: 5 } }),
    ])) as [CompanionOutcome, CompanionOutcome, { index: number }, CompanionOutcome, CompanionOutcome, CompanionOutcome];

    // The one-statement append failed on the conflicts as a whole; the full path sorted the rows out.
    expect(table.fastCalls.slice(fastBefore)).toEqual([1, 5]);
    expect(table.calls.slice(callsBefore)).toEqual([5]);
    expect(outcomes[1]).toEqual({ written: false, reason: 'CONFLICT' });
    expect(outcomes[5]).toEqual({ written: false, reason: 'CONFLICT' });
    for (const i of [0, 3, 4] as const) expect(outcomes[i]).toMatchObject({ written: true, entry: { index: expect.any(Number) } });
    expect(outcomes[2]).toMatchObject({ index: expect.any(Number) });

    const stored = await entriesWithRequestIds(['req-conflict-a', 'req-taken-again', 'req-conflict-plain', 'req-conflict-b', 'req-twin-1', 'req-twin-2']);
    expect([...stored.keys()].sort()).toEqual(['req-conflict-a', 'req-conflict-b', 'req-conflict-plain', 'req-twin-1']);
    // The written entries sit next to each other: the left-out ones took no index.
    const indexes = [...stored.values()].map((s) => s.index).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 4 }, (_, i) => indexes[0]! + i));
    // The existing row is untouched; the others are there.
    expect(Object.fromEntries(await companionRows(['taken', 'conflict-a', 'conflict-b', 'twin']))).toEqual({
      taken: 1,
      'conflict-a': 1,
      'conflict-b': 3,
      twin: 4,
    });
  });

  it('reports a row the database refuses as REJECTED, without its entry, and writes the rest of the batch', async () => {
    const logsBefore = logged.length;
    const callsBefore = table.calls.length;
    const fastBefore = table.fastCalls.length;
    const outcomes = (await oneBatch([
      () => writer.recordWith(entry('req-check-ok-1'), { table, row: { id: 'check-ok-1', n: 10 } }),
      () => writer.recordWith(entry('req-check-bad'), { table, row: { id: 'SECRET-330825198803142023', n: -1 } }),
      () => writer.record(entry('req-check-plain')),
      () => writer.recordWith(entry('req-check-ok-2'), { table, row: { id: 'check-ok-2', n: 20 } }),
      // A conflict in the same batch is still told apart from the refusal.
      () => writer.recordWith(entry('req-check-taken'), { table, row: { id: 'taken', n: 30 } }),
    ])) as [CompanionOutcome, CompanionOutcome, { index: number }, CompanionOutcome, CompanionOutcome];

    expect(outcomes[1]).toMatchObject({ written: false, reason: 'REJECTED', error: expect.any(Error) });
    const rejected = outcomes[1] as Extract<CompanionOutcome, { written: false }>;
    expect((rejected.error as Error & { code?: string }).code).toBe('23514'); // check_violation
    expect(outcomes[4]).toEqual({ written: false, reason: 'CONFLICT' });
    expect(outcomes[0]).toMatchObject({ written: true });
    expect(outcomes[3]).toMatchObject({ written: true });
    // The one-statement append and then the batch's INSERT failed as a whole; then each row was tried on its own.
    expect(table.fastCalls.slice(fastBefore)).toEqual([4]);
    expect(table.calls.slice(callsBefore)).toEqual([4, 1, 1, 1, 1]);

    const stored = await entriesWithRequestIds(['req-check-ok-1', 'req-check-bad', 'req-check-plain', 'req-check-ok-2', 'req-check-taken']);
    expect([...stored.keys()].sort()).toEqual(['req-check-ok-1', 'req-check-ok-2', 'req-check-plain']);
    const ok1 = outcomes[0] as Extract<CompanionOutcome, { written: true }>;
    const ok2 = outcomes[3] as Extract<CompanionOutcome, { written: true }>;
    expect(stored.get('req-check-ok-1')!.index).toBe(ok1.entry.index);
    expect(stored.get('req-check-ok-2')!.index).toBe(ok2.entry.index);
    expect(Object.fromEntries(await companionRows(['check-ok-1', 'check-ok-2', 'SECRET-330825198803142023', 'taken']))).toEqual({
      'check-ok-1': 10,
      'check-ok-2': 20,
      taken: 1,
    });

    // The refusal is logged by table and code; the row's values (in PostgreSQL's message) are not.
    const lines = logged.slice(logsBefore);
    expect(lines).toEqual([expect.objectContaining({ table: 'companion_test', code: '23514', msg: 'a row written with its ledger entry was refused' })]);
    expect(JSON.stringify(lines)).not.toContain('SECRET');
  });

  it('resolves a batch in which every row was left out, and keeps writing afterwards', async () => {
    const outcomes = (await oneBatch([
      () => writer.recordWith(entry('req-none-1'), { table, row: { id: 'taken', n: 1 } }),
      () => writer.recordWith(entry('req-none-2'), { table, row: { id: 'none-bad', n: -5 } }),
    ])) as CompanionOutcome[];
    expect(outcomes).toEqual([
      { written: false, reason: 'CONFLICT' },
      { written: false, reason: 'REJECTED', error: expect.any(Error) },
    ]);
    expect((await entriesWithRequestIds(['req-none-1', 'req-none-2'])).size).toBe(0);
    const after = await writer.recordWith(entry('req-none-after'), { table, row: { id: 'none-after', n: 0 } });
    expect(after).toMatchObject({ written: true });
    expect((await entriesWithRequestIds(['req-none-after'])).get('req-none-after')?.index).toBe(
      (after as Extract<CompanionOutcome, { written: true }>).entry.index,
    );
  });

  it('writes no row when the entries cannot be written: the row and its entry share one transaction', async () => {
    const fastBefore = table.fastCalls.length;
    await adminQuery(t.databaseUrl, 'REVOKE INSERT ON onegate.ledger_entry FROM onegate_app');
    try {
      const attempts = await Promise.allSettled([
        writer.recordWith(entry('req-unwritable-1'), { table, row: { id: 'unwritable-1', n: 1 } }),
        writer.recordWith(entry('req-unwritable-2'), { table, row: { id: 'unwritable-2', n: 2 } }),
      ]);
      for (const attempt of attempts) {
        expect(attempt.status).toBe('rejected');
        expect((attempt as PromiseRejectedResult).reason).toBeInstanceOf(LedgerUnavailableError);
      }
    } finally {
      await adminQuery(t.databaseUrl, 'GRANT INSERT ON onegate.ledger_entry TO onegate_app');
    }
    // Tried in one statement, which failed as a whole: a missing grant is not a row's refusal, so no second try.
    expect(table.fastCalls.slice(fastBefore)).toEqual([2]);
    expect((await companionRows(['unwritable-1', 'unwritable-2'])).size).toBe(0);
    expect((await entriesWithRequestIds(['req-unwritable-1', 'req-unwritable-2'])).size).toBe(0);
    // Once the ledger can be written again, so can the rows.
    expect(await writer.recordWith(entry('req-unwritable-1'), { table, row: { id: 'unwritable-1', n: 1 } })).toMatchObject({ written: true });
    expect(await companionRows(['unwritable-1'])).toEqual(new Map([['unwritable-1', 1]]));
  });

  it('fails the whole batch, not one row, when the table cannot be written at all (here: a missing grant)', async () => {
    const logsBefore = logged.length;
    const fastBefore = table.fastCalls.length;
    const callsBefore = table.calls.length;
    await adminQuery(t.databaseUrl, 'REVOKE INSERT ON onegate.companion_test FROM onegate_app');
    let attempts: PromiseSettledResult<unknown>[];
    try {
      attempts = await Promise.allSettled([
        writer.recordWith(entry('req-ungranted-1'), { table, row: { id: 'ungranted-1', n: 1 } }),
        writer.record(entry('req-ungranted-plain')),
        writer.recordWith(entry('req-ungranted-2'), { table, row: { id: 'ungranted-2', n: 2 } }),
      ]);
    } finally {
      await adminQuery(t.databaseUrl, 'GRANT INSERT ON onegate.companion_test TO onegate_app');
    }
    // Not REJECTED rows: the callers learn that the ledger could not be written, and nothing of the batch is.
    for (const attempt of attempts) {
      expect(attempt.status).toBe('rejected');
      expect((attempt as PromiseRejectedResult).reason).toBeInstanceOf(LedgerUnavailableError);
    }
    expect((await entriesWithRequestIds(['req-ungranted-1', 'req-ungranted-plain', 'req-ungranted-2'])).size).toBe(0);
    expect((await companionRows(['ungranted-1', 'ungranted-2'])).size).toBe(0);
    // The one-statement append failed, and the batch with it: the full path was not tried.
    expect(table.fastCalls.slice(fastBefore)).toEqual([2]);
    expect(table.calls.length).toBe(callsBefore);
    const lines = logged.slice(logsBefore);
    expect(lines.some((l) => l.msg === 'a row written with its ledger entry was refused')).toBe(false);
    expect(lines).toEqual(expect.arrayContaining([expect.objectContaining({ msg: 'ledger batch could not be written' })]));
    // Once the grant is back, the same rows go in with their entries.
    expect(await writer.recordWith(entry('req-ungranted-1'), { table, row: { id: 'ungranted-1', n: 1 } })).toMatchObject({ written: true });
  });

  it('leaves a ledger that still verifies: contiguous leaves, the served root and inclusion proofs', async () => {
    // Every entry written with a companion row proves into the served root.
    const withRows = await owner.query<{ i: number }>(
      `SELECT leaf_index::int AS i FROM onegate.ledger_entry WHERE request_id LIKE 'req-%' ORDER BY leaf_index`,
    );
    expect(withRows.rows.length).toBeGreaterThan(50);
    await expectStoredTreeVerifies(
      t,
      owner,
      withRows.rows.map((r) => r.i),
    );
  });
});
