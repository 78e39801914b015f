import type { SpanContext } from '@opentelemetry/api';
import pg from 'pg';
import { isDatabaseUnavailable } from '../common/graphql/error-format.js';
import type { Logger } from '../logging/logger.js';
import { errorKind, RepeatedErrorLog } from '../logging/repeated-errors.js';
import { activeSpanContext, inSpan, tracingEnabled } from '../operations/tracing.js';
import { entryContent, entryLeafHash, type LedgerEntryContent, type LedgerEntryInput } from './ledger-entry.js';
import { LedgerInconsistentError, LedgerUnavailableError } from '../audit/audit.errors.js';
import {
  inspectStoredTree,
  LedgerInconsistencyFound,
  LedgerIntegrity,
  parsedVkey,
  type Anchor,
  type Inspected,
  type IntegrityAlarm,
  type IntegrityCheckpoint,
} from './ledger-integrity.js';
import { insertCheckpoint, READ_STORED_HEAD, readNodeMap, storedHead, type Queryable, type StoredHeadRow } from './ledger-store.js';
import { appendLeaves, nodeKey, rootPlan, type NodeRef } from './merkle.js';
import type { ParsedVkey } from './checkpoint.js';

/** What `record` resolves with once the entry is committed. */
export interface RecordedEntry {
  index: number;
  leafHash: Buffer;
  at: Date;
}

export interface LedgerWriterOptions {
  /** At most this many entries per transaction. */
  maxBatch: number;
  /** How long a batch waits for company before it is written; 0 = as soon as the previous batch is done. */
  waitMs: number;
  /** Where entry times come from (tests place entries at chosen times). */
  clock?: () => Date;
  /** The ledger's verifier key (C2SP vkey): stored checkpoints must carry its valid signature. */
  vkey?: string;
  /** The same write failure again within this interval is counted, not logged (default 10 s). */
  repeatIntervalMs?: number;
  /** Told of every batch (Metrics): what was written and how long it took, or how many entries failed. */
  observer?: LedgerWriterObserver;
}

/** What the writer reports of its batches. `queuedAt` and `now` are performance.now() milliseconds. */
export interface LedgerWriterObserver {
  ledgerBatchWritten(entries: ReadonlyArray<{ content: LedgerEntryContent; queuedAt: number }>, seconds: number, now: number): void;
  ledgerBatchFailed(entries: number, seconds: number): void;
}

/** What the readiness probe found: the append path works now, fails now, or the alarm is raised. */
export type LedgerProbe = 'writable' | 'failing' | 'inconsistent';

/**
 * Rows of another table that are written in the transaction of their ledger entries: a row and its
 * entry are committed together or not at all, with one commit for the whole batch. Used where a
 * record only exists if it is audited (a registered certificate and its CERTIFICATE_ISSUE entry).
 */
export interface CompanionTable<R> {
  /** For logs. */
  readonly name: string;
  /**
   * Inserts `rows` in one statement, skipping rows that conflict with a unique constraint (ON
   * CONFLICT DO NOTHING); resolves with the positions in `rows` of those it inserted.
   */
  insert(db: Queryable, rows: readonly R[]): Promise<ReadonlySet<number>>;
  /**
   * Optional, for the one-statement append (see APPEND_IF_SIZE): `rows` as one plain INSERT …
   * SELECT, without ON CONFLICT, whose SELECT ends with `WHERE ${condition}`, numbering its
   * parameters from `$${first}`. A conflicting or refused row then fails the whole statement, and
   * the batch is written again on the full path, where `insert` sorts the rows out. A table without
   * it sends its batches on the full path.
   */
  insertAll?(rows: readonly R[], first: number, condition: string): { text: string; values: unknown[] };
}

/** A companion row of one entry. */
export interface Companion<R = unknown> {
  table: CompanionTable<R>;
  row: R;
}

/** What `recordWith` resolves with: the entry, or why neither it nor its companion row was written. */
export type CompanionOutcome = { written: true; entry: RecordedEntry } | { written: false; reason: 'CONFLICT' | 'REJECTED'; error?: Error };

interface Pending {
  content: LedgerEntryContent;
  leafHash: Buffer;
  /** When it was handed to the writer (performance.now()). */
  queuedAt: number;
  /** The caller's span, when tracing: the batch's span links to it. */
  caller?: SpanContext;
  companion?: Companion;
  resolve(entry: RecordedEntry): void;
  reject(error: Error): void;
  /** Only with a companion: its row was not written, so neither was the entry. */
  skipped?(outcome: Extract<CompanionOutcome, { written: false }>): void;
}

/** Serialises batch writers of every gateway instance on one database, so leaf indexes stay contiguous. */
export const LEDGER_APPEND_LOCK_KEY = 0x6f6e6c67; // 'onlg'

/**
 * Group commit for the ledger. Callers await `record(entry)`, which resolves only when the entry's
 * transaction has committed (with synchronous_commit on, when it is on disk). Entries arriving while
 * a batch is being written wait for the next one, so one fsync serves many requests. A failed batch
 * rejects every entry in it with LedgerUnavailableError: the caller must then release no data.
 */
export class LedgerWriter {
  private queue: Pending[] = [];
  private flushing = false;
  private closed = false;
  private idle?: Promise<void>;
  private signalIdle?: () => void;
  /** The right edge of the tree after this writer's last batch; reused when no other instance wrote since. */
  private cached?: { size: number; frontier: Buffer[] };
  /** The newest checkpoint this writer signed or checked against the stored tree. */
  private anchor?: Anchor;
  /** The largest tree size this writer committed or checked: kept when `cached` is dropped after a failure, never lowered. */
  private wroteUpTo = 0;
  private lastFailureAt?: number;
  private readonly integrity: LedgerIntegrity;
  private readonly vkey?: ParsedVkey;
  private probing?: Promise<LedgerProbe>;

  private readonly failures: RepeatedErrorLog;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: LedgerWriterOptions,
    private readonly logger: Logger,
  ) {
    this.failures = new RepeatedErrorLog(logger, options.repeatIntervalMs ?? 10_000);
    this.integrity = new LedgerIntegrity(logger);
    this.vkey = parsedVkey(options.vkey);
  }

  /** The integrity alarm, once raised (it stays raised until the process restarts). */
  get alarm(): IntegrityAlarm | undefined {
    return this.integrity.alarm;
  }

  /** Appends one entry; resolves with its index when it is durable. Invalid entries reject with LedgerEntryInvalidError. */
  record(input: LedgerEntryInput): Promise<RecordedEntry> {
    const prepared = this.prepare(input);
    if (prepared instanceof Error) return Promise.reject(prepared);
    return new Promise<RecordedEntry>((resolve, reject) => {
      this.queue.push({ ...prepared, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Appends one entry together with a companion row, in the same transaction. Resolves once both are
   * durable, or with `written: false` when the row conflicted with an existing one (CONFLICT) or
   * the database refused the row itself (REJECTED, with the error: invalid data or a constraint) —
   * then the entry was not written either, and the rest of the batch was not affected. Rejects like
   * `record` when the batch cannot be written, including when the row's table cannot be written at all.
   */
  recordWith<R>(input: LedgerEntryInput, companion: Companion<R>): Promise<CompanionOutcome> {
    const prepared = this.prepare(input);
    if (prepared instanceof Error) return Promise.reject(prepared);
    return new Promise<CompanionOutcome>((resolve, reject) => {
      this.queue.push({
        ...prepared,
        companion: companion as Companion,
        resolve: (entry) => resolve({ written: true, entry }),
        skipped: resolve,
        reject,
      });
      this.schedule();
    });
  }

  private prepare(input: LedgerEntryInput): { content: LedgerEntryContent; leafHash: Buffer; queuedAt: number; caller?: SpanContext } | Error {
    if (this.closed) return new LedgerUnavailableError('the ledger is shutting down');
    if (this.integrity.alarm) return new LedgerInconsistentError();
    try {
      const content = entryContent(input, this.options.clock?.() ?? new Date());
      return { content, leafHash: entryLeafHash(content), queuedAt: performance.now(), caller: activeSpanContext() };
    } catch (error) {
      return error as Error;
    }
  }

  /** True when the last batch failed less than `withinMs` ago; lets callers refuse work before contacting anyone. */
  failedRecently(withinMs: number): boolean {
    return this.lastFailureAt !== undefined && Date.now() - this.lastFailureAt < withinMs;
  }

  /** Writes what is queued, then refuses new entries. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.flushing || this.queue.length > 0) {
      this.idle ??= new Promise((resolve) => (this.signalIdle = resolve));
      this.schedule();
      await this.idle;
    }
  }

  private schedule(): void {
    if (this.flushing) return;
    this.flushing = true;
    if (this.options.waitMs > 0 && !this.closed) setTimeout(() => void this.drain(), this.options.waitMs);
    else setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      if (this.integrity.alarm) {
        // Queued before the alarm was raised: refused like the batch that raised it.
        const refused = new LedgerInconsistentError();
        for (const pending of batch) pending.reject(refused);
        continue;
      }
      const started = performance.now();
      try {
        const { first, written, skipped } = await this.tracedBatch(batch);
        this.lastFailureAt = undefined;
        const now = performance.now();
        written.forEach((pending, i) => pending.resolve({ index: first + i, leafHash: pending.leafHash, at: new Date(pending.content.at) }));
        for (const [pending, outcome] of skipped) pending.skipped!(outcome);
        this.observe((observer) => observer.ledgerBatchWritten(written, (now - started) / 1000, now));
      } catch (error) {
        this.observe((observer) => observer.ledgerBatchFailed(batch.length, (performance.now() - started) / 1000));
        this.cached = undefined;
        this.lastFailureAt = Date.now();
        let failure: LedgerUnavailableError;
        if (error instanceof LedgerInconsistencyFound) {
          this.integrity.raise(error, 'append');
          failure = new LedgerInconsistentError();
        } else {
          // While the database is down every batch fails alike: once per interval, with a count (§I 53).
          this.failures.error(
            isDatabaseUnavailable(error) ? 'DATABASE_UNAVAILABLE' : errorKind(error),
            { err: error, entries: batch.length },
            'ledger batch could not be written',
          );
          failure = new LedgerUnavailableError('the audit ledger cannot be written', { cause: error });
        }
        for (const pending of batch) pending.reject(failure);
      }
    }
    this.flushing = false;
    this.signalIdle?.();
  }

  /** Tells the observer; whatever it does, a batch's outcome stays what it was. */
  private observe(tell: (observer: LedgerWriterObserver) => void): void {
    if (!this.options.observer) return;
    try {
      tell(this.options.observer);
    } catch (err) {
      this.logger.warn({ err }, 'ledger metrics could not be recorded');
    }
  }

  /**
   * writeBatch, in a span of its own when tracing: a batch serves many requests, so it is a root
   * linked to the span of each entry's caller rather than the child of one of them.
   */
  private tracedBatch(batch: Pending[]): ReturnType<LedgerWriter['writeBatch']> {
    const links = tracingEnabled() ? batch.flatMap((p) => (p.caller ? [{ context: p.caller }] : [])) : undefined;
    return inSpan('ledger.append', { root: true, links, attributes: { 'onegate.ledger.entries': batch.length } }, async (span) => {
      const result = await this.writeBatch(batch);
      span?.setAttributes({ 'onegate.ledger.first_index': result.first, 'onegate.ledger.written': result.written.length });
      return result;
    });
  }

  /**
   * One transaction: take the append lock, write the companion rows (leaving out the entries whose
   * row was not written), place the remaining entries after the current tree, store leaves and
   * completed nodes.
   */
  private async writeBatch(
    batch: Pending[],
  ): Promise<{ first: number; written: Pending[]; skipped: Map<Pending, Extract<CompanionOutcome, { written: false }>> }> {
    return onConnection(this.pool, async (client) => {
      const cached = this.cached;
      const tables = byTable(batch);
      if (cached && [...tables.keys()].every((table) => table.insertAll)) {
        // This writer wrote last, as far as it knows: one statement, one round trip (see APPEND_IF_SIZE),
        // with the companion rows if there are any.
        const appended = appendLeaves(
          cached.size,
          cached.frontier,
          batch.map((p) => p.leafHash),
        );
        // $5–$9: the tree still has the size this writer left, its newest checkpoint is the one the
        // writer checked, and the stored subtrees covering that checkpoint and the tree's edge are
        // the ones the writer checked or wrote. Otherwise the full path inspects the stored tree.
        const known = knownNodes(this.anchor, cached);
        const values = [
          ...entriesAndNodes(cached.size, batch, appended.nodes),
          String(cached.size),
          String(this.anchor?.size ?? -1),
          known.map((n) => n.level),
          known.map((n) => String(n.index)),
          known.map((n) => n.hash),
        ];
        const inserts: string[] = [];
        for (const [table, group] of tables) {
          const insert = table.insertAll!(
            group.map((p) => p.companion!.row),
            values.length + 1,
            IF_SIZE_HOLDS,
          );
          inserts.push(`companion_${inserts.length} AS (${insert.text}),`);
          values.push(...insert.values);
        }
        try {
          const result = await client.query({
            // One text per combination of tables, so one name per combination (pg prepares it once per connection);
            // and per plan generation of the tree's size (see planGeneration).
            name: [`onegate_ledger_append_if_size@${planGeneration(cached.size)}`, ...[...tables.keys()].map((table) => table.name)].join(':'),
            text: inserts.length === 0 ? APPEND_IF_SIZE : appendIfSize(inserts.join('\n  ')),
            values,
          });
          if (result.rowCount === batch.length) {
            this.remember(null, { size: cached.size + batch.length, frontier: appended.frontier });
            return { first: cached.size, written: batch, skipped: new Map() };
          }
          // Nothing was written: another instance appended since. The full path reads the tree's size.
        } catch (error) {
          // Nothing was written either. A unique violation: another instance appended while this
          // statement waited for the lock (its leaves are at these indexes), or a companion row
          // conflicts with a registered one; another refusal of a row (class 22 or 23): the full path
          // tells which row. Any other failure is the database's, and fails the batch.
          if (!refusedRow(error)) throw error;
        }
      }
      // The full path, three round trips: (begin, take the append lock, read the size), (insert leaves
      // and nodes), commit — and one more per companion table. The lock key is a constant, so the
      // first is one simple-protocol message.
      const withCompanions = batch.some((p) => p.companion);
      // With companion rows, the savepoint for the first table's insert is set in the same message.
      const opened = (await client.query(withCompanions ? `${BEGIN_LOCKED_READ_HEAD}; ${SAVEPOINT}` : BEGIN_LOCKED_READ_HEAD)) as unknown as pg.QueryResult<
        Partial<StoredHeadRow>
      >[];
      // Before anything is appended: the stored tree is no shorter than what was signed or written, and extends it.
      const inspected = await this.inspectLocked(client, opened);
      const size = inspected.size;
      const skipped = await writeCompanions(client, tables, this.logger);
      const written = skipped.size === 0 ? batch : batch.filter((p) => !skipped.has(p));
      let frontier = inspected.frontier;
      if (written.length > 0) {
        const appended = appendLeaves(
          size,
          frontier,
          written.map((p) => p.leafHash),
        );
        await client.query({ name: 'onegate_ledger_append', text: INSERT_ENTRIES_AND_NODES, values: entriesAndNodes(size, written, appended.nodes) });
        frontier = appended.frontier;
      }
      await client.query('COMMIT');
      this.remember(inspected.newest, { size: size + written.length, frontier });
      return { first: size, written, skipped };
    });
  }

  /**
   * Inspects the stored tree after the opening message of a locked transaction (see
   * BEGIN_LOCKED_READ_HEAD) against what this writer knows; throws LedgerInconsistencyFound.
   */
  private async inspectLocked(client: pg.PoolClient, opened: pg.QueryResult<Partial<StoredHeadRow>>[]): Promise<Inspected> {
    const row = opened.find((result) => result.rows?.[0]?.size !== undefined)!.rows[0]! as StoredHeadRow;
    return inspectStoredTree(storedHead(row), (refs) => readNodeMap(client, refs), {
      written: this.cached ?? { size: this.wroteUpTo },
      anchor: this.anchor,
      vkey: this.vkey,
    });
  }

  /** Keeps the newest checked checkpoint and the tree's edge after a commit; neither ever goes back. */
  private remember(newest: Anchor | null, tree?: { size: number; frontier: Buffer[] }): void {
    if (newest && (!this.anchor || newest.size >= this.anchor.size)) this.anchor = newest;
    if (tree && (!this.cached || tree.size >= this.cached.size)) this.cached = tree;
    if (tree) this.wroteUpTo = Math.max(this.wroteUpTo, tree.size);
  }

  /**
   * One locked, read-only look at the stored tree (at start-up): raises the alarm when it does not
   * match what was signed. Resolves with the alarm, if any; rejects when the database cannot be read.
   */
  async inspect(where: IntegrityCheckpoint): Promise<IntegrityAlarm | undefined> {
    if (this.integrity.alarm) return this.integrity.alarm;
    try {
      await this.locked(async (client, opened) => {
        const inspected = await this.inspectLocked(client, opened);
        this.remember(inspected.newest, { size: inspected.size, frontier: inspected.frontier });
      });
    } catch (error) {
      if (!(error instanceof LedgerInconsistencyFound)) throw error;
      this.integrity.raise(error, where);
    }
    return this.integrity.alarm;
  }

  /**
   * Readiness: tries the append path now, as the writer's role — takes the append lock, inspects the
   * stored tree, inserts a probe entry at the end of the tree — and rolls it all back. Concurrent
   * calls share one probe. `failing` when any step fails (lock or statement timeout, a revoked
   * grant, a lost database), `inconsistent` when the alarm is (or gets) raised.
   */
  probe(timeoutMs: number): Promise<LedgerProbe> {
    if (this.integrity.alarm) return Promise.resolve('inconsistent');
    this.probing ??= this.runProbe(timeoutMs).finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async runProbe(timeoutMs: number): Promise<LedgerProbe> {
    try {
      const content = entryContent(
        {
          kind: 'ADMIN_CHANGE',
          actor: { kind: 'system', id: 'onegate-readiness-probe', hall: null, region: null, department: null },
          outcome: 'GRANTED',
          detail: { probe: true },
        },
        new Date(),
      );
      await this.locked(
        async (client, opened) => {
          const inspected = await this.inspectLocked(client, opened);
          const pending = { content, leafHash: entryLeafHash(content) } as Pending;
          await client.query({ name: 'onegate_ledger_append', text: INSERT_ENTRIES_AND_NODES, values: entriesAndNodes(inspected.size, [pending], []) });
        },
        { rollback: true, timeoutMs },
      );
      return 'writable';
    } catch (error) {
      if (error instanceof LedgerInconsistencyFound) {
        this.integrity.raise(error, 'readiness');
        return 'inconsistent';
      }
      this.logger.warn({ err: error }, 'ledger readiness probe failed: the ledger cannot be written now');
      return 'failing';
    }
  }

  /**
   * Signs a checkpoint of the stored tree under the append lock, so no append or other signer runs
   * in between. Never smaller than, or inconsistent with, the newest signed checkpoint: the stored
   * tree is inspected first (the consistency proof from the newest checkpoint to the head is
   * verified), and any mismatch raises the alarm instead of signing. `sign` returns the note.
   */
  async signCheckpoint<S extends { note: string; timestamp: Date }>(
    sign: (treeSize: number, rootHash: Buffer) => S,
  ): Promise<S & { treeSize: number; rootHash: Buffer }> {
    if (this.integrity.alarm) throw new LedgerInconsistentError();
    try {
      let tree!: { size: number; frontier: Buffer[]; root: Buffer; newest: Anchor | null };
      const signed = await this.locked(async (client, opened) => {
        const inspected = await this.inspectLocked(client, opened);
        tree = inspected;
        const note = sign(inspected.size, inspected.root);
        await insertCheckpoint(client, { treeSize: inspected.size, rootHash: inspected.root, signedAt: note.timestamp, note: note.note });
        return note;
      });
      const plan = rootPlan(tree.size);
      this.remember(
        { size: tree.size, root: tree.root, nodes: plan.map((ref, i) => ({ ...ref, hash: tree.frontier[i]! })) },
        { size: tree.size, frontier: tree.frontier },
      );
      return { ...signed, treeSize: tree.size, rootHash: tree.root };
    } catch (error) {
      if (!(error instanceof LedgerInconsistencyFound)) throw error;
      this.integrity.raise(error, 'checkpoint');
      throw new LedgerInconsistentError();
    }
  }

  /** Runs `work` in a transaction holding the append lock, after the stored head was read; commits unless told to roll back. */
  private async locked<T>(
    work: (client: pg.PoolClient, opened: pg.QueryResult<Partial<StoredHeadRow>>[]) => Promise<T>,
    options: { rollback?: boolean; timeoutMs?: number } = {},
  ): Promise<T> {
    return onConnection(this.pool, async (client) => {
      const timeouts =
        options.timeoutMs === undefined
          ? ''
          : `SET LOCAL lock_timeout = ${Math.trunc(options.timeoutMs)}; SET LOCAL statement_timeout = ${Math.trunc(options.timeoutMs)};`;
      const opened = (await client.query(BEGIN_LOCKED_READ_HEAD.replace('BEGIN;', `BEGIN; ${timeouts}`))) as unknown as pg.QueryResult<
        Partial<StoredHeadRow>
      >[];
      const result = await work(client, opened);
      await client.query(options.rollback ? 'ROLLBACK' : 'COMMIT');
      return result;
    });
  }
}

/** The stored hashes the one-statement append checks: the newest checkpoint's subtrees and the tree's edge. */
function knownNodes(anchor: Anchor | undefined, tree: { size: number; frontier: Buffer[] }): Array<NodeRef & { hash: Buffer }> {
  const nodes = new Map<string, NodeRef & { hash: Buffer }>();
  for (const node of anchor?.nodes ?? []) nodes.set(nodeKey(node), node);
  rootPlan(tree.size).forEach((ref, i) => nodes.set(nodeKey(ref), { ...ref, hash: tree.frontier[i]! }));
  return [...nodes.values()];
}

/**
 * A failure a row causes: a data exception (SQLSTATE class 22) or an integrity constraint violation
 * (class 23). Anything else — a missing grant or table, a lost connection, a cancelled statement —
 * is the database's, not the row's, and fails the whole batch like a failed ledger write.
 */
function refusedRow(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * Inserts the batch's companion rows, table by table; returns the entries whose row was not
 * written. Each table's rows go in one statement under a savepoint: should a row be refused (see
 * refusedRow), the rows are tried one by one, so one bad row cannot fail the others' batch; any
 * other failure is thrown, and the batch's transaction is rolled back.
 */
async function writeCompanions(
  client: pg.PoolClient,
  tables: ReadonlyMap<CompanionTable<unknown>, Pending[]>,
  logger: Logger,
): Promise<Map<Pending, Extract<CompanionOutcome, { written: false }>>> {
  // The caller set the first savepoint with the transaction's opening statements. A savepoint that
  // is not rolled back to stays until the commit (releasing it would cost a round trip); the next
  // SAVEPOINT of the same name shadows it, and ROLLBACK TO goes back to the latest.
  let savepointSet = true;
  const skipped = new Map<Pending, Extract<CompanionOutcome, { written: false }>>();
  for (const [table, group] of tables) {
    const insert = async (pendings: readonly Pending[]) => {
      if (!savepointSet) await client.query(SAVEPOINT);
      savepointSet = false;
      try {
        const inserted = await table.insert(
          client,
          pendings.map((p) => p.companion!.row),
        );
        pendings.forEach((p, i) => {
          if (!inserted.has(i)) skipped.set(p, { written: false, reason: 'CONFLICT' });
        });
        return true;
      } catch (error) {
        if (!refusedRow(error)) throw error;
        await client.query(`ROLLBACK TO ${SAVEPOINT}`);
        savepointSet = true; // rolled back to, it still stands
        if (pendings.length === 1) {
          // The database's message may quote row values: only its code is logged.
          logger.error({ table: table.name, code: (error as { code?: unknown }).code }, 'a row written with its ledger entry was refused');
          skipped.set(pendings[0]!, { written: false, reason: 'REJECTED', error: error as Error });
        }
        return false;
      }
    };
    if (!(await insert(group)) && group.length > 1) {
      for (const pending of group) await insert([pending]);
    }
  }
  return skipped;
}

/** The batch's entries with a companion row, by table, in the order the tables first appear. */
function byTable(batch: readonly Pending[]): Map<CompanionTable<unknown>, Pending[]> {
  const tables = new Map<CompanionTable<unknown>, Pending[]>();
  for (const pending of batch) {
    if (!pending.companion) continue;
    const group = tables.get(pending.companion.table);
    if (group) group.push(pending);
    else tables.set(pending.companion.table, [pending]);
  }
  return tables;
}

const SAVEPOINT = 'SAVEPOINT companions';

const BEGIN_LOCKED_READ_HEAD = `BEGIN;
  SELECT pg_advisory_xact_lock(${LEDGER_APPEND_LOCK_KEY});
  ${READ_STORED_HEAD}`;

/**
 * One statement that inserts the batch's leaves ($1, JSON rows) and the tree nodes they complete
 * ($2–$4) when `condition` holds (both or neither), after the common table expressions `before`;
 * its rows are the leaves inserted.
 */
function appendStatement(before: string, condition: string): string {
  return `WITH ${before}
  nodes AS (
    INSERT INTO onegate.ledger_node (level, node_index, hash)
    SELECT * FROM unnest($2::smallint[], $3::bigint[], $4::bytea[]) WHERE ${condition}
  ),
  appended AS (
    INSERT INTO onegate.ledger_entry (
      leaf_index, entry_version, recorded_at, kind, actor_kind, actor_id, actor_hall, actor_region, actor_department,
      subject_kind, subject_id, matter, case_number, consent_ref, items_granted, items_denied, departments,
      outcome, request_id, client_request_id, client_address, restricted, detail, leaf_hash)
    SELECT leaf_index, v, at, kind, actor_kind, actor_id, actor_hall, actor_region, actor_department,
      subject_kind, subject_id, matter, case_number, consent_ref, items_granted, items_denied, departments,
      outcome, request_id, client_request_id, client_address, restricted, detail, decode(leaf_hash, 'hex')
    FROM jsonb_to_recordset($1::jsonb) AS x(
      leaf_index bigint, v smallint, at timestamptz, kind text, actor_kind text, actor_id text, actor_hall text,
      actor_region text, actor_department text, subject_kind text, subject_id text, matter text, case_number text,
      consent_ref text, items_granted text[], items_denied text[], departments text[], outcome text, request_id text,
      client_request_id text, client_address text, restricted boolean, detail jsonb, leaf_hash text)
    WHERE ${condition}
    RETURNING 1
  )
  SELECT FROM appended`;
}

/** Inside the batch's transaction, after the lock and the size were read: unconditionally. */
const INSERT_ENTRIES_AND_NODES = appendStatement('', 'true');

/**
 * The whole batch in one statement and its own transaction, for a writer that knows the tree's size
 * ($5) from its last batch: take the append lock, and append only if the ledger still has that
 * size, together with the batch's companion rows (`companionInserts`: common table expressions,
 * each an insert under IF_SIZE_HOLDS). It writes everything or nothing: nothing (no rows) when
 * another instance appended before this statement's snapshot; a unique violation on the leaf
 * indexes when one appended after it (while this statement waited for the lock); an error when a
 * companion row conflicts or is refused. Either way the writer falls back to the full path.
 */
function appendIfSize(companionInserts = ''): string {
  return appendStatement(
    `locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(${LEDGER_APPEND_LOCK_KEY})),
  expected AS MATERIALIZED (
    SELECT FROM locked WHERE (SELECT coalesce(max(leaf_index) + 1, 0) FROM onegate.ledger_entry) = $5::bigint
      AND (SELECT coalesce(max(tree_size), -1) FROM onegate.ledger_checkpoint) = $6::bigint
      AND NOT EXISTS (
        SELECT FROM unnest($7::smallint[], $8::bigint[], $9::bytea[]) AS k(level, node_index, hash)
         WHERE k.hash IS DISTINCT FROM CASE WHEN k.level = 0
           THEN (SELECT e.leaf_hash FROM onegate.ledger_entry e WHERE e.leaf_index = k.node_index)
           ELSE (SELECT n.hash FROM onegate.ledger_node n WHERE n.level = k.level AND n.node_index = k.node_index) END)
  ),
  ${companionInserts}`,
    IF_SIZE_HOLDS,
  );
}

/**
 * APPEND_IF_SIZE is a prepared statement, and PostgreSQL keeps the generic plan it makes after a few
 * executions until the tables' statistics change. Made while the ledger is tiny, that plan reads
 * ledger_node and ledger_entry by sequential scans, and it stays while the ledger grows by tens of
 * thousands of entries before autovacuum analyzes them (a new deployment's first minute, or a
 * benchmark's first run on a fresh database: each append then read the whole tree). The statement is
 * prepared anew (another name) each time the tree has grown fourfold from 1,024 entries up to about a
 * million, so its plan is made for the ledger's current size; beyond, plans no longer change with size.
 */
export function planGeneration(treeSize: number): number {
  if (treeSize < 1024) return 0;
  return Math.min(6, 1 + Math.floor(Math.log2(treeSize / 1024) / 2));
}

/** The condition of every insert of APPEND_IF_SIZE: the tree still has the size the writer left. */
const IF_SIZE_HOLDS = 'EXISTS (SELECT FROM expected)';

const APPEND_IF_SIZE = appendIfSize();

/** Parameters $1–$4 of the inserts: the leaves from index `first`, and the nodes they complete. */
function entriesAndNodes(first: number, pendings: readonly Pending[], nodes: ReturnType<typeof appendLeaves>['nodes']): unknown[] {
  return [
    JSON.stringify(pendings.map((p, i) => entryRow(first + i, p.content, p.leafHash))),
    nodes.map((n) => n.level),
    nodes.map((n) => String(n.index)),
    nodes.map((n) => n.hash),
  ];
}

function entryRow(index: number, c: LedgerEntryContent, leafHash: Buffer) {
  return {
    leaf_index: index,
    v: c.v,
    at: c.at,
    kind: c.kind,
    actor_kind: c.actor.kind,
    actor_id: c.actor.id,
    actor_hall: c.actor.hall,
    actor_region: c.actor.region,
    actor_department: c.actor.department,
    subject_kind: c.subject?.kind ?? null,
    subject_id: c.subject?.id ?? null,
    matter: c.matter,
    case_number: c.caseNumber,
    consent_ref: c.consentRef,
    items_granted: c.itemsGranted,
    items_denied: c.itemsDenied,
    departments: c.departments,
    outcome: c.outcome,
    request_id: c.requestId,
    client_request_id: c.clientRequestId ?? null,
    client_address: c.clientAddress,
    restricted: c.restricted,
    detail: c.detail,
    leaf_hash: leafHash.toString('hex'),
  };
}

/**
 * Runs `work` on a connection of `pool`. When it fails, whatever transaction it opened is rolled
 * back and the connection is discarded: one that failed mid-transaction may be in an unknown state.
 */
async function onConnection<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    return await work(client);
  } catch (error) {
    broken = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release(broken);
  }
}
