import pg from 'pg';
import { LedgerWriter } from '../src/ledger/ledger-writer.js';
import { connectionsFor } from '../src/database/database-setup.js';
import { createLogger } from '../src/logging/logger.js';
import { harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry, ledgerOf } from './support/ledger-fixtures.js';

const LI_WEI = '330825198803142023';
const ZHANG = '110101199003074514';

const ENTRIES = `query($filter: AuditEntryFilter, $first: Int, $after: String) {
  auditEntries(filter: $filter, first: $first, after: $after) {
    edges { cursor node { index leafHash kind actor { kind id hall } subject { kind id } matter caseNumber outcome itemsDenied restricted requestId detail } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const MY_ACCESSES = `query($first: Int, $after: String) {
  myDataAccesses(first: $first, after: $after) {
    edges { node { index leafHash at kind matter caseNumber items outcome accessor { kind hall hallName department } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const FLAGS = `query($from: DateTime, $to: DateTime) {
  auditFlags(from: $from, to: $to) { kind actor { id hall } windowStart windowEnd count entryIndexes description }
}`;

type Entries = { auditEntries: { edges: Array<{ cursor: string; node: any }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

describe('auditor and citizen views of the ledger', () => {
  let t: TestApp;
  let auditor: string;
  let owner: pg.Client;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    auditor = await t.token({ role: 'auditor', sub: 'A-001' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    const ledger = ledgerOf(t);
    await ledger.record(accessEntry(LI_WEI, { caseNumber: 'JA-1' }));
    await ledger.record(
      accessEntry(ZHANG, { caseNumber: 'JA-2', actor: { kind: 'clerk', id: 'C-002', hall: 'CHANGNING-01', region: '310105', department: null } }),
    );
    await ledger.record(accessEntry(LI_WEI, { caseNumber: 'JA-3', outcome: 'DENIED', itemsGranted: [], itemsDenied: ['marriage.record'], departments: [] }));
    await ledger.record(accessEntry(LI_WEI, { caseNumber: 'POLICE-7', restricted: true, matter: 'CRIMINAL_INVESTIGATION' }));
    await ledger.record({
      kind: 'DATA_ACCESS',
      actor: { kind: 'department', id: 'hr-system', hall: null, region: null, department: 'HUMAN_RESOURCES' },
      subject: { kind: 'PERSON', id: LI_WEI },
      matter: 'RETIREMENT',
      itemsGranted: ['person.basic'],
      departments: ['PUBLIC_SECURITY'],
      outcome: 'GRANTED',
    });
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('lets only auditors list entries', async () => {
    for (const role of ['clerk', 'citizen', 'admin', 'department'] as const) {
      const token = await t.token({ role, sub: role === 'citizen' ? LI_WEI : 'X-1', hall: 'JINGAN-01', department: 'HEALTH' });
      const res = await t.graphql(ENTRIES, {}, token);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
    }
    const anonymous = await t.graphql(ENTRIES, {});
    expect(anonymous.body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('filters by subject, actor, hall, department, matter, case, outcome and time, newest first', async () => {
    const query = async (filter: Record<string, unknown>) =>
      (await t.graphql<Entries>(ENTRIES, { filter }, auditor)).body.data!.auditEntries.edges.map((e) => e.node);
    const bySubject = await query({ subject: LI_WEI, kind: 'DATA_ACCESS' });
    expect(bySubject.map((n) => n.caseNumber)).toEqual([null, 'POLICE-7', 'JA-3', 'JA-1']);
    expect(bySubject[1].restricted).toBe(true);
    expect((await query({ actor: 'C-002' })).map((n) => n.caseNumber)).toEqual(['JA-2']);
    expect((await query({ hall: 'CHANGNING-01' })).map((n) => n.subject.id)).toEqual([ZHANG]);
    expect((await query({ department: 'HUMAN_RESOURCES' })).filter((n) => n.kind === 'DATA_ACCESS').map((n) => n.matter)).toEqual(['RETIREMENT']);
    expect((await query({ matter: 'HOUSE_TRANSFER', caseNumber: 'JA-3' })).map((n) => n.outcome)).toEqual(['DENIED']);
    expect((await query({ outcome: 'DENIED', kind: 'DATA_ACCESS' })).map((n) => n.itemsDenied)).toEqual([['marriage.record']]);
    // The role refusals of the test before are in the ledger too (§I 45).
    expect((await query({ outcome: 'DENIED', kind: 'ACCESS_REFUSED' })).map((n) => n.actor.kind).sort()).toEqual(['admin', 'citizen', 'clerk', 'department']);
    expect(await query({ subject: LI_WEI, to: '2000-01-01T00:00:00Z' })).toEqual([]);
    expect((await query({ subject: ZHANG, kind: 'DATA_ACCESS', from: new Date(Date.now() - 3600_000).toISOString() })).length).toBe(1);
  });

  it('pages with cursors and clamps first to 100', async () => {
    const page1 = (await t.graphql<Entries>(ENTRIES, { filter: { kind: 'DATA_ACCESS' }, first: 2 }, auditor)).body.data!.auditEntries;
    expect(page1.edges).toHaveLength(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await t.graphql<Entries>(ENTRIES, { filter: { kind: 'DATA_ACCESS' }, first: 2, after: page1.pageInfo.endCursor }, auditor)).body.data!
      .auditEntries;
    expect(page2.edges[0]!.node.index).toBeLessThan(page1.edges[1]!.node.index);

    for (let i = 0; i < 110; i++) void ledgerOf(t).record(accessEntry(ZHANG, { caseNumber: `BULK-${i}` }));
    await ledgerOf(t).record(accessEntry(ZHANG, { caseNumber: 'BULK-last' }));
    const clamped = await t.graphql<Entries>(ENTRIES, { first: 99999999 }, auditor);
    expect(clamped.body.errors).toBeUndefined();
    expect(clamped.body.data!.auditEntries.edges).toHaveLength(100);
    const indexes = clamped.body.data!.auditEntries.edges.map((e) => e.node.index as number);
    expect(indexes).toEqual([...indexes].sort((x, y) => y - x)); // newest first, numerically

    const bad = await t.graphql(ENTRIES, { after: 'not-a-cursor' }, auditor);
    expect(bad.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_INVALID' });
    const invalid = await t.graphql(ENTRIES, { first: 0, filter: { subject: 'x'.repeat(300) } }, auditor);
    expect(invalid.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INPUT_INVALID' });
    expect(invalid.body.errors![0]!.message).toMatch(/first.*subject|subject.*first/s);
  });

  it('records each auditor query as a restricted entry of its own', async () => {
    const res = await t.graphql<Entries>(ENTRIES, { filter: { subject: ZHANG }, first: 1 }, auditor);
    const requestId = res.headers['x-request-id'];
    const { rows } = await owner.query(`SELECT kind, actor_kind, actor_id, subject_id, restricted, detail FROM onegate.ledger_entry WHERE request_id = $1`, [
      requestId,
    ]);
    expect(rows).toEqual([
      { kind: 'AUDIT_QUERY', actor_kind: 'auditor', actor_id: 'A-001', subject_id: ZHANG, restricted: true, detail: { filter: `{"subject":"${ZHANG}"}` } },
    ]);
  });

  it('takes null for a page argument or a filter field as not given', async () => {
    // Found by test/fuzz.e2e-spec.ts: `after: null` reached the cursor decoder and was an internal error.
    const given = await t.graphql<Entries>(ENTRIES, { filter: { kind: 'DATA_ACCESS', subject: ZHANG }, first: 3 }, auditor);
    const nulls = { actor: null, hall: null, department: null, matter: null, caseNumber: null, outcome: null, from: null, to: null };
    const res = await t.graphql<Entries>(ENTRIES, { filter: { kind: 'DATA_ACCESS', subject: ZHANG, ...nulls }, first: null, after: null }, auditor);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.auditEntries.edges.slice(0, 3)).toEqual(given.body.data!.auditEntries.edges);
    // The AUDIT_QUERY entry records the filter as it was applied.
    const { rows } = await owner.query(`SELECT subject_id, detail FROM onegate.ledger_entry WHERE request_id = $1`, [res.headers['x-request-id']]);
    expect(rows).toEqual([{ subject_id: ZHANG, detail: { filter: `{"kind":"DATA_ACCESS","subject":"${ZHANG}"}` } }]);

    const noFilter = await t.graphql<Entries>(ENTRIES, { filter: { subject: null }, first: null, after: null }, auditor);
    expect(noFilter.body.errors).toBeUndefined();
    expect(noFilter.body.data!.auditEntries.edges).toHaveLength(20);
    const citizen = await t.graphql(MY_ACCESSES, { first: null, after: null }, await t.token({ role: 'citizen', sub: LI_WEI }));
    expect(citizen.body.errors).toBeUndefined();
  });

  it('refuses filter text with control characters (PostgreSQL text cannot hold U+0000)', async () => {
    // Found by test/fuzz.e2e-spec.ts: `department: "\u0000"` reached PostgreSQL and was an internal error.
    for (const filter of [{ department: '\u0000' }, { subject: `${LI_WEI}\u0000` }, { caseNumber: 'JA-1\n' }]) {
      const res = await t.graphql(ENTRIES, { filter }, auditor);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors![0]).toMatchObject({
        message: expect.stringMatching(/must not contain control characters/),
        extensions: { code: 'BAD_USER_INPUT', reason: 'INPUT_INVALID' },
      });
    }
    const exported = await t.http().get('/audit/export').query({ department: '\u0000' }).set('authorization', `Bearer ${auditor}`);
    expect(exported.status).toBe(400);
  });

  it("shows a citizen who read their data and why, without restricted entries or clerks' ids", async () => {
    const token = await t.token({ role: 'citizen', sub: LI_WEI });
    const res = await t.graphql<{ myDataAccesses: any }>(MY_ACCESSES, { first: 10 }, token);
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!.myDataAccesses.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.caseNumber)).toEqual([null, 'JA-3', 'JA-1']);
    expect(nodes[0]).toMatchObject({
      matter: 'RETIREMENT',
      items: ['person.basic'],
      accessor: { kind: 'department', department: 'HUMAN_RESOURCES', hall: null },
    });
    expect(nodes[2]).toMatchObject({
      matter: 'HOUSE_TRANSFER',
      items: ['person.basic', 'household.registration'],
      outcome: 'GRANTED',
      accessor: { kind: 'clerk', hall: 'JINGAN-01', hallName: "Jing'an District Service Center", department: null },
    });
    expect(JSON.stringify(nodes)).not.toContain('C-001');
    expect(JSON.stringify(nodes)).not.toContain('POLICE-7');

    const other = await t.graphql<{ myDataAccesses: any }>(MY_ACCESSES, {}, await t.token({ role: 'citizen', sub: ZHANG }));
    expect(other.body.data!.myDataAccesses.edges.every((e: any) => !['JA-1', 'JA-3'].includes(e.node.caseNumber))).toBe(true);

    const clerk = await t.graphql(MY_ACCESSES, {}, await t.token({ role: 'clerk', sub: 'C-001', hall: 'JINGAN-01' }));
    expect(clerk.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('unusual-access flags', () => {
  let t: TestApp;
  let auditor: string;
  const day = '2026-11-18'; // a Wednesday

  let writer: LedgerWriter;
  let pool: pg.Pool;
  let clock = new Date();

  /** Entries at chosen times, through a writer of their own with a set clock (so the tree stays whole). */
  async function place(rows: Array<{ at: string; actor: string; hall: string; subject: string; outcome?: 'DENIED'; denied?: string[] }>) {
    for (const r of rows) {
      clock = new Date(r.at);
      await writer.record(
        accessEntry(r.subject, {
          actor: { kind: 'clerk', id: r.actor, hall: r.hall, region: '310106', department: null },
          outcome: r.outcome ?? 'GRANTED',
          itemsDenied: r.denied ?? [],
        }),
      );
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0', AUDIT_FLAG_MANY_SUBJECTS: '20', AUDIT_FLAG_REPEATED_DENIALS: '5' });
    auditor = await t.token({ role: 'auditor', sub: 'A-001' });
    pool = new pg.Pool({ connectionString: connectionsFor(t.databaseUrl, harnessState().rolePassword).runtimeUrl, max: 1 });
    writer = new LedgerWriter(pool, { maxBatch: 100, waitMs: 0, clock: () => clock }, createLogger('silent'));
    // C-100 reads 25 different citizens between 10:00 and 10:08 Beijing time (02:00Z).
    await place(Array.from({ length: 25 }, (_, i) => ({ at: `${day}T02:0${Math.floor(i / 4)}:00Z`, actor: 'C-100', hall: 'JINGAN-01', subject: `S-${i}` })));
    // C-200 reads ten times, always the same citizen: not a flag.
    await place(Array.from({ length: 10 }, () => ({ at: `${day}T03:00:00Z`, actor: 'C-200', hall: 'JINGAN-01', subject: 'S-1' })));
    // C-300 at 22:30 Beijing time (14:30Z): the hall is closed.
    await place([{ at: `${day}T14:30:00Z`, actor: 'C-300', hall: 'CHANGNING-01', subject: 'S-9' }]);
    // C-400 denied six times in five minutes.
    await place(
      Array.from({ length: 6 }, (_, i) => ({
        at: `${day}T05:0${i}:00Z`,
        actor: 'C-400',
        hall: 'LONGYOU-01',
        subject: `D-${i}`,
        outcome: 'DENIED',
        denied: ['marriage.record'],
      })),
    );
  });
  afterAll(async () => {
    await writer.close();
    await pool.end();
    await t.close();
  });

  it('flags many citizens in one window, access while the hall is closed, and repeated denials', async () => {
    const res = await t.graphql<{ auditFlags: any[] }>(FLAGS, { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` }, auditor);
    expect(res.body.errors).toBeUndefined();
    const flags = res.body.data!.auditFlags;
    const byKind = (kind: string) => flags.filter((f) => f.kind === kind).map((f) => [f.actor.id, f.count]);
    expect(byKind('MANY_SUBJECTS')).toEqual([['C-100', 25]]);
    expect(byKind('REPEATED_DENIALS')).toEqual([['C-400', 6]]);
    expect(byKind('OUTSIDE_OPENING_HOURS')).toEqual([['C-300', 1]]);
    const many = flags.find((f) => f.kind === 'MANY_SUBJECTS');
    expect(many.entryIndexes).toHaveLength(25);
    expect(Date.parse(many.windowEnd) - Date.parse(many.windowStart)).toBe(10 * 60_000);
  });

  it('refuses periods longer than 31 days and non-auditors', async () => {
    const res = await t.graphql(FLAGS, { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, auditor);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'FILTER_INVALID' });
    const clerk = await t.graphql(FLAGS, {}, await t.token({ role: 'clerk', sub: 'C-1', hall: 'JINGAN-01' }));
    expect(clerk.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('when the ledger cannot be written (RELIABILITY-AND-SECURITY §E 29–30)', () => {
  let t: TestApp;
  let auditor: string;
  let owner: pg.Client;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0', LEDGER_WRITE_TIMEOUT_MS: '1000' });
    auditor = await t.token({ role: 'auditor', sub: 'A-001' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    await ledgerOf(t).record(accessEntry(LI_WEI));
  });
  afterAll(async () => {
    await owner.query('GRANT INSERT ON onegate.ledger_entry TO onegate_app').catch(() => undefined);
    await owner.end();
    await t.close();
  });

  it('withholds rows the database already returned when their audit entry fails, and recovers', async () => {
    await owner.query('REVOKE INSERT ON onegate.ledger_entry FROM onegate_app');
    try {
      const res = await t.graphql(ENTRIES, { filter: { subject: LI_WEI } }, auditor);
      expect(res.status).toBe(200);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors![0]).toMatchObject({
        message: 'the audit ledger cannot be written; no data was released',
        extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_UNAVAILABLE' },
      });
      expect(JSON.stringify(res.body)).not.toContain(LI_WEI);
      expect(ledgerOf(t).writable).toBe(false);
      // A gateway that cannot log takes no traffic: the readiness probe says so.
      const ready = await t.http().get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.ledger).toBe('failing');
      await expect(ledgerOf(t).record(accessEntry(LI_WEI))).rejects.toMatchObject({ extensions: { reason: 'LEDGER_UNAVAILABLE' } });
    } finally {
      await owner.query('GRANT INSERT ON onegate.ledger_entry TO onegate_app');
    }
    const res = await t.graphql<Entries>(ENTRIES, { filter: { subject: LI_WEI } }, auditor);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.auditEntries.edges.length).toBeGreaterThan(0);
    expect(ledgerOf(t).writable).toBe(true);
  });

  it('fails within the write timeout, with no data, when the ledger hangs', async () => {
    const blocker = new pg.Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE onegate.ledger_entry IN EXCLUSIVE MODE');
    try {
      const started = Date.now();
      const res = await t.graphql(ENTRIES, { filter: { subject: LI_WEI } }, auditor);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'LEDGER_UNAVAILABLE' });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
  });
});
