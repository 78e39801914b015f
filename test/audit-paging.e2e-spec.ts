import fc from 'fast-check';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry, ledgerOf } from './support/ledger-fixtures.js';

const WANG = '11010519491231002X';
const N = 23;

const ENTRIES = `query($filter: AuditEntryFilter, $first: Int, $after: String, $last: Int, $before: String) {
  auditEntries(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { index caseNumber } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const MY_ACCESSES = `query($first: Int, $after: String, $last: Int, $before: String) {
  myDataAccesses(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { index caseNumber } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface Page {
  edges: Array<{ cursor: string; node: { index: number; caseNumber: string } }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}
type Args = { first?: number; after?: string; last?: number; before?: string };

/**
 * Relay cursor connections (relay.dev/graphql/connections.htm) on both ledger lists: forward with
 * first/after, backward with last/before, pageInfo computed truthfully either way, and the
 * arguments checked as the spec asks.
 */
describe('paging the ledger lists forward and backward', () => {
  let t: TestApp;
  let auditor: string;
  let citizen: string;
  /** Wang's entries as the lists show them: newest first. */
  let all: string[];

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    auditor = await t.token({ role: 'auditor', sub: 'A-001' });
    citizen = await t.token({ role: 'citizen', sub: WANG });
    for (let i = 0; i < N; i++) await ledgerOf(t).record(accessEntry(WANG, { caseNumber: `P-${String(i).padStart(2, '0')}` }));
    all = Array.from({ length: N }, (_, i) => `P-${String(N - 1 - i).padStart(2, '0')}`);
  });
  afterAll(async () => {
    await t.close();
  });

  // Both lists page the same entries: the auditor's filtered to Wang's data accesses (its own
  // AUDIT_QUERY entries are not of that kind), the citizen's own.
  const lists: Array<[string, (args: Args) => Promise<Page>]> = [
    [
      'auditEntries',
      async (args) => {
        const res = await t.graphql<{ auditEntries: Page }>(ENTRIES, { filter: { subject: WANG, kind: 'DATA_ACCESS' }, ...args }, auditor);
        expect(res.body.errors).toBeUndefined();
        return res.body.data!.auditEntries;
      },
    ],
    [
      'myDataAccesses',
      async (args) => {
        const res = await t.graphql<{ myDataAccesses: Page }>(MY_ACCESSES, args, citizen);
        expect(res.body.errors).toBeUndefined();
        return res.body.data!.myDataAccesses;
      },
    ],
  ];
  const cases = (page: Page) => page.edges.map((e) => e.node.caseNumber);

  describe.each(lists)('%s', (_, list) => {
    it('pages forward to the end with first/after: hasPreviousPage false only on the first page', async () => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let n = 0; ; n++) {
        const page = await list({ first: 5, ...(after ? { after } : {}) });
        expect(page.pageInfo.hasPreviousPage).toBe(n > 0);
        expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
        expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
        seen.push(...cases(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor!;
      }
      expect(seen).toEqual(all);
      // Past the last entry: an empty page, with entries before it.
      const past = await list({ first: 5, after: (await list({ last: 1 })).pageInfo.endCursor! });
      expect(past).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null } });
    });

    it('pages backward from the oldest with last/before: newest first within each page, hasNextPage false only on the last page', async () => {
      const seen: string[][] = [];
      let before: string | undefined;
      for (let n = 0; ; n++) {
        const page = await list({ last: 5, ...(before ? { before } : {}) });
        expect(page.pageInfo.hasNextPage).toBe(n > 0);
        expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
        seen.unshift(cases(page));
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor!;
      }
      expect(seen.flat()).toEqual(all);
      expect(seen[0]).toHaveLength(N % 5); // the newest, partial page comes last when paging backward
      expect(cases(await list({ last: 3 }))).toEqual(all.slice(-3));
    });

    it('round-trips: back from any page with its startCursor and forward again with the endCursor', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: N - 1 }), async (size, at) => {
          // The page of `size` entries right after entry `at` (newest first).
          const cursorOfAt = (await list({ first: at + 1 })).pageInfo.endCursor!;
          const page = await list({ first: size, after: cursorOfAt });
          expect(cases(page)).toEqual(all.slice(at + 1, at + 1 + size));
          if (page.edges.length === 0) return;
          const back = await list({ last: size, before: page.pageInfo.startCursor! });
          expect(cases(back)).toEqual(all.slice(Math.max(0, at + 1 - size), at + 1));
          expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: at + 1 - size > 0 });
          const again = await list({ first: size, after: back.pageInfo.endCursor! });
          expect(again).toEqual(page);
        }),
        { numRuns: 12 },
      );
    });

    it('reads between two cursors, and backward by default when only `before` is given', async () => {
      const cursors = (await list({ first: N })).edges.map((e) => e.cursor);
      const between = await list({ after: cursors[3]!, before: cursors[9]! });
      expect(cases(between)).toEqual(all.slice(4, 9));
      expect(between.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      const last2 = await list({ after: cursors[3]!, before: cursors[9]!, last: 2 });
      expect(cases(last2)).toEqual(all.slice(7, 9));
      expect(last2.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
      expect(cases(await list({ before: cursors[2]! }))).toEqual(all.slice(0, 2));
    });
  });

  it('refuses first with last, bounds and checks last and before as first and after', async () => {
    const page = (args: Args) => t.graphql<{ auditEntries: Page }>(ENTRIES, { filter: { subject: WANG }, ...args }, auditor);
    const both = await page({ first: 2, last: 2 });
    expect(both.body.data ?? null).toBeNull();
    expect(both.body.errors![0]).toMatchObject({
      message: '`first` and `last` cannot be used together: page forward with first and after, backward with last and before',
      extensions: { code: 'BAD_USER_INPUT', reason: 'PAGING_INVALID' },
    });
    const citizenBoth = await t.graphql(MY_ACCESSES, { first: 1, last: 1 }, citizen);
    expect(citizenBoth.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAGING_INVALID' });

    const badBefore = await page({ last: 2, before: 'not-a-cursor' });
    expect(badBefore.body.errors![0]).toMatchObject({
      message: 'before is not a cursor this API handed out',
      extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_INVALID' },
    });
    const zero = await page({ last: 0 });
    expect(zero.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INPUT_INVALID' });
    expect(zero.body.errors![0]!.message).toMatch(/last/);

    for (let i = 0; i < 110; i++) await ledgerOf(t).record(accessEntry(WANG, { caseNumber: `BULK-${i}` }));
    const clamped = await page({ last: 99999 });
    expect(clamped.body.errors).toBeUndefined();
    expect(clamped.body.data!.auditEntries.edges).toHaveLength(100);
    expect(clamped.body.data!.auditEntries.pageInfo.hasPreviousPage).toBe(true);
    const indexes = clamped.body.data!.auditEntries.edges.map((e) => e.node.index);
    expect(indexes).toEqual([...indexes].sort((x, y) => y - x));
  });
});
