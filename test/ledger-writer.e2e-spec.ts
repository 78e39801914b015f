import { Writable } from 'node:stream';
import pg from 'pg';
import { LEDGER_APPEND_LOCK_KEY, LedgerWriter } from '../src/ledger/ledger-writer.js';
import { connectionsFor } from '../src/database/database-setup.js';
import { createLogger } from '../src/logging/logger.js';
import { harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry, expectStoredTreeVerifies } from './support/ledger-fixtures.js';

const LI_WEI = '330825198803142023';

/** A writer on its own pool, as a gateway instance has, with the statements it sends counted. */
function countingWriter(url: string): { writer: LedgerWriter; pool: pg.Pool; statements: string[] } {
  const statements: string[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const counted = new WeakSet<pg.PoolClient>();
  pool.connect = (async () => {
    const client = await connect();
    // The pool hands out the same clients again: count each one's statements once.
    if (counted.has(client)) return client;
    counted.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
      const config = args[0] as string | { name?: string; text: string };
      statements.push(typeof config === 'string' ? config.trim().split(/\s+/)[0]! : (config.name ?? config.text.trim().split(/\s+/)[0]!));
      return query(...args);
    };
    return client;
  }) as unknown as typeof pool.connect;
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const writer = new LedgerWriter(pool, { maxBatch: 500, waitMs: 0 }, createLogger('error', 'ledger-writer-test', quiet));
  return { writer, pool, statements };
}

describe('LedgerWriter: one round trip per batch while it wrote last, against PostgreSQL', () => {
  let t: TestApp;
  let owner: pg.Client;
  let a: ReturnType<typeof countingWriter>;
  let b: ReturnType<typeof countingWriter>;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    const runtimeUrl = connectionsFor(t.databaseUrl, harnessState().rolePassword).runtimeUrl;
    a = countingWriter(runtimeUrl);
    b = countingWriter(runtimeUrl);
  });
  afterAll(async () => {
    await Promise.all([a.writer.close(), b.writer.close()]);
    await Promise.all([a.pool.end(), b.pool.end()]);
    await owner.end();
    await t.close();
  });

  const entry = (requestId: string) => accessEntry(LI_WEI, { requestId });
  /** The statements sent since `from`, named without the append's plan generation (`@n`, which follows the tree's size). */
  const sent = (w: typeof a, from: number) => w.statements.slice(from).map((s) => s.replace(/@\d+/, ''));
  /** The full path: begin, lock and size; the tree's right edge read when not known; the insert; commit. */
  const fullPath = (statements: readonly string[]) =>
    statements[0] === 'BEGIN;' &&
    statements.at(-2) === 'onegate_ledger_append' &&
    statements.at(-1) === 'COMMIT' &&
    statements.slice(1, -2).every((s) => s === 'SELECT');
  /** Entries the gateway itself wrote while starting (key provisioning): the tests' entries follow them. */
  let base = 0;

  async function waitingForAppendLock(count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const { rows } = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1`, [
        LEDGER_APPEND_LOCK_KEY,
      ]);
      if (rows[0]!.n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`fewer than ${count} writers are waiting for the append lock`);
  }

  it('writes its first batch on the full path, and the next ones in one statement each', async () => {
    base = Number((await owner.query<{ n: string }>('SELECT count(*) AS n FROM onegate.ledger_entry')).rows[0]!.n);
    const before = a.statements.length;
    const first = await Promise.all([a.writer.record(entry('first-1')), a.writer.record(entry('first-2'))]);
    expect(fullPath(sent(a, before))).toBe(true);

    const middle = a.statements.length;
    const next = await Promise.all([a.writer.record(entry('next-1')), a.writer.record(entry('next-2')), a.writer.record(entry('next-3'))]);
    expect(sent(a, middle)).toEqual(['onegate_ledger_append_if_size']);
    expect([...first, ...next].map((e) => e.index - base)).toEqual([0, 1, 2, 3, 4]);
  });

  it('falls back to the full path when another writer appended before its statement', async () => {
    const fromB = await b.writer.record(entry('other-1'));
    expect(fromB.index - base).toBe(5);

    const before = a.statements.length;
    const recorded = await a.writer.record(entry('after-other'));
    // The one-statement append found a different size and wrote nothing; the full path placed the entry after B's.
    expect(sent(a, before)[0]).toBe('onegate_ledger_append_if_size');
    expect(fullPath(sent(a, before).slice(1))).toBe(true);
    expect(recorded.index - base).toBe(6);

    // And it is back to one statement afterwards.
    const again = a.statements.length;
    expect((await a.writer.record(entry('after-other-2'))).index - base).toBe(7);
    expect(sent(a, again)).toEqual(['onegate_ledger_append_if_size']);
  });

  it('falls back when another writer appended while its statement waited for the lock (a unique violation, nothing written)', async () => {
    // B has written once, so its next batch also tries the one-statement path; let B catch up first.
    expect((await b.writer.record(entry('b-catch-up'))).index - base).toBe(8);
    expect((await a.writer.record(entry('a-catch-up'))).index - base).toBe(9);

    // Someone holds the append lock. B queues for it first, then A: A's statement has its snapshot
    // and the size it expects, and gets the lock only after B has committed there.
    await owner.query('BEGIN');
    await owner.query('SELECT pg_advisory_xact_lock($1)', [LEDGER_APPEND_LOCK_KEY]);
    let fromB: Promise<{ index: number }>;
    let fromA: Promise<{ index: number }>;
    const before = a.statements.length;
    try {
      fromB = b.writer.record(entry('b-raced'));
      await waitingForAppendLock(1);
      fromA = a.writer.record(entry('a-raced'));
      await waitingForAppendLock(2);
    } finally {
      await owner.query('COMMIT');
    }
    const [recordedB, recordedA] = await Promise.all([fromB!, fromA!]);
    expect(sent(a, before)[0]).toBe('onegate_ledger_append_if_size');
    expect(fullPath(sent(a, before).slice(1))).toBe(true);
    expect([recordedB.index - base, recordedA.index - base]).toEqual([10, 11]);
  });

  /**
   * A companion table of text ids in `onegate.<name>` (created by the test), as CERTIFICATE_ROWS is
   * one: `insert` (ON CONFLICT DO NOTHING, the rows given recorded in `inserted`) and, with
   * `oneStatement`, `insertAll` for the one-statement append.
   */
  function idTable(name: string, oneStatement: boolean) {
    const inserted: number[] = [];
    const table = {
      name,
      async insert(db: { query: (text: string, values: unknown[]) => Promise<{ rows: Array<{ id: string }> }> }, rows: ReadonlyArray<{ id: string }>) {
        inserted.push(rows.length);
        const { rows: written } = await db.query(`INSERT INTO onegate.${name} (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING id`, [
          rows.map((r) => r.id),
        ]);
        const ids = new Set(written.map((r) => r.id));
        return new Set(rows.flatMap((r, i) => (ids.has(r.id) ? [i] : [])));
      },
      ...(oneStatement
        ? {
            insertAll: (rows: ReadonlyArray<{ id: string }>, first: number, condition: string) => ({
              text: `INSERT INTO onegate.${name} (id) SELECT id FROM unnest($${first}::text[]) AS r(id) WHERE ${condition}`,
              values: [rows.map((r) => r.id)],
            }),
          }
        : {}),
    };
    const create = async () => {
      await owner.query(`CREATE TABLE onegate.${name} (id text PRIMARY KEY)`);
      await owner.query(`GRANT SELECT, INSERT ON onegate.${name} TO onegate_app`);
    };
    const rows = async () => (await owner.query<{ id: string }>(`SELECT id FROM onegate.${name} ORDER BY id`)).rows.map((r) => r.id);
    return { table, inserted, create, rows };
  }

  /** One batch: an entry with row `rowIds[0]`, one without a row, one with row `rowIds[1]` (request ids `<prefix>-row-1`, `<prefix>-without-row`, `<prefix>-row-2`); all written. */
  async function twoRowsAndOnePlain(table: ReturnType<typeof idTable>['table'], prefix: string, rowIds: [string, string]): Promise<void> {
    const outcomes = await Promise.all([
      a.writer.recordWith(entry(`${prefix}-row-1`), { table, row: { id: rowIds[0] } }),
      a.writer.record(entry(`${prefix}-without-row`)),
      a.writer.recordWith(entry(`${prefix}-row-2`), { table, row: { id: rowIds[1] } }),
    ]);
    expect(outcomes).toEqual([
      expect.objectContaining({ written: true }),
      expect.objectContaining({ index: expect.any(Number) }),
      expect.objectContaining({ written: true }),
    ]);
  }

  it('writes a batch with rows of a table without insertAll in five round trips: open with the savepoint, the stored tree inspected (§I 48), the rows, the entries, commit', async () => {
    const { table, create, rows } = idTable('writer_companion', false);
    await create();
    expect((await a.writer.record(entry('before-companions'))).index).toBeGreaterThan(0);
    const before = a.statements.length;
    await twoRowsAndOnePlain(table, 'with', ['row-1', 'row-2']);
    expect(sent(a, before)).toEqual(['BEGIN;', 'SELECT', 'INSERT', 'onegate_ledger_append', 'COMMIT']);
    expect(await rows()).toEqual(['row-1', 'row-2']);
  });

  describe('with rows of a table that offers insertAll, as the certificate registry does', () => {
    const { table, inserted, create, rows } = idTable('writer_companion_all', true);
    const storedRequestIds = async (ids: string[]) =>
      (
        await owner.query<{ request_id: string }>('SELECT request_id FROM onegate.ledger_entry WHERE request_id = ANY($1::text[]) ORDER BY request_id', [ids])
      ).rows.map((r) => r.request_id);

    beforeAll(create);

    it('writes the rows and the entries in one statement while the writer wrote last', async () => {
      await a.writer.record(entry('before-all'));
      const before = a.statements.length;
      await twoRowsAndOnePlain(table, 'all', ['all-1', 'all-2']);
      expect(sent(a, before)).toEqual(['onegate_ledger_append_if_size:writer_companion_all']);
      expect(inserted).toEqual([]);
      expect(await rows()).toEqual(['all-1', 'all-2']);
      expect(await storedRequestIds(['all-row-1', 'all-without-row', 'all-row-2'])).toEqual(['all-row-1', 'all-row-2', 'all-without-row']);
    });

    it('takes the full path when a row conflicts: nothing of the statement stays, the others are written once', async () => {
      const before = a.statements.length;
      const outcomes = await Promise.all([
        a.writer.recordWith(entry('all-row-3'), { table, row: { id: 'all-3' } }),
        a.writer.recordWith(entry('all-row-1-again'), { table, row: { id: 'all-1' } }),
        a.writer.record(entry('all-plain-2')),
      ]);
      expect(outcomes).toEqual([
        expect.objectContaining({ written: true }),
        { written: false, reason: 'CONFLICT' },
        expect.objectContaining({ index: expect.any(Number) }),
      ]);
      expect(sent(a, before)).toEqual(['onegate_ledger_append_if_size:writer_companion_all', 'BEGIN;', 'SELECT', 'INSERT', 'onegate_ledger_append', 'COMMIT']);
      expect(inserted).toEqual([2]);
      expect(await rows()).toEqual(['all-1', 'all-2', 'all-3']);
      expect(await storedRequestIds(['all-row-3', 'all-row-1-again', 'all-plain-2'])).toEqual(['all-plain-2', 'all-row-3']);

      // The full path left the writer knowing the tree: the next batch is one statement again.
      const next = a.statements.length;
      await a.writer.recordWith(entry('all-row-4'), { table, row: { id: 'all-4' } });
      expect(sent(a, next)).toEqual(['onegate_ledger_append_if_size:writer_companion_all']);
    });
  });

  it('leaves one contiguous tree that verifies, whichever path wrote each batch', async () => {
    const bursts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).writer.record(entry(`burst-${i}`))));
    expect(new Set(bursts.map((e) => e.index)).size).toBe(40);

    await expectStoredTreeVerifies(t, owner);
  });
});
