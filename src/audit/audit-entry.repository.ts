import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditEntryFilter } from './dto/audit-entries.args.js';
import type { LedgerEntryContent } from '../ledger/ledger-entry.js';
import { contentFromRow, LEDGER_ENTRY_COLUMNS, type LedgerEntryRow } from '../ledger/ledger-rows.js';

/** A ledger entry as auditors and citizens read it: its index, stored leaf hash and content. */
export interface StoredEntry {
  index: number;
  leafHash: Buffer;
  content: LedgerEntryContent;
}

/** Which entries: those an auditor's filter matches, or a citizen's own accesses (restricted entries left out). */
export type EntrySelection = { filter: AuditEntryFilter | null | undefined } | { citizen: string };

/** One page in leaf index order: newest first after `after` (forward), or oldest first after `before` (backward). */
export interface EntryPage {
  forward: boolean;
  limit: number;
  /** Entries older than this leaf index. */
  after: number | null;
  /** Entries newer than this leaf index. */
  before: number | null;
}

/** An actor's entries in one time window that a flag counts. */
export interface FlagRow {
  actor_kind: string;
  actor_id: string;
  actor_hall: string | null;
  actor_region: string | null;
  actor_department: string | null;
  window_start: Date;
  count: number;
  indexes: string[];
}

/** The flags counted per actor and window: many subjects read, or many requests refused. */
export type WindowFlag = 'MANY_SUBJECTS' | 'REPEATED_DENIALS';

/** Opening hours of a hall ('*': the default) on one ISO weekday, local time "HH:MM". */
export interface OpeningPeriod {
  hall: string;
  day: number;
  opens: string;
  closes: string;
}

/** Entries counted in a flag's window, listed at most this many per flag. */
const FLAG_INDEXES = 50;

const WINDOW_FLAGS: Record<WindowFlag, { condition: string; measure: string }> = {
  MANY_SUBJECTS: {
    condition: `kind IN ('DATA_ACCESS', 'CERTIFICATE_ISSUE') AND subject_kind <> 'CERTIFICATE' AND subject_id IS NOT NULL`,
    measure: 'count(DISTINCT subject_id)',
  },
  REPEATED_DENIALS: { condition: `(outcome = 'DENIED' OR cardinality(items_denied) > 0)`, measure: 'count(*)' },
};

/**
 * The auditors' and citizens' queries of `onegate.ledger_entry`: pages, the export's chunks and the
 * flags. Read-only: entries are appended by the ledger's writer alone (LedgerService). SQL written
 * here, every value a bound parameter.
 */
@Injectable()
export class AuditEntryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** `page.limit + 1` entries of the selection in the page's direction (the extra one says there is more). */
  async page(selection: EntrySelection, page: EntryPage): Promise<StoredEntry[]> {
    const params: unknown[] = [];
    const where = conditions(selection, params);
    if (page.after !== null) where.push(`leaf_index < $${params.push(page.after)}`);
    if (page.before !== null) where.push(`leaf_index > $${params.push(page.before)}`);
    const rows = await this.dataSource.query<LedgerEntryRow[]>(
      `SELECT ${LEDGER_ENTRY_COLUMNS} FROM onegate.ledger_entry ${whereClause(where)}
        ORDER BY ledger_entry.leaf_index ${page.forward ? 'DESC' : 'ASC'} LIMIT ${page.limit + 1}`,
      params,
    );
    return rows.map(storedEntry);
  }

  /** Whether the selection has entries at or beyond `from`: newer (`newer`) or older. */
  async existsBeyond(selection: EntrySelection, from: number, newer: boolean): Promise<boolean> {
    const params: unknown[] = [];
    const where = [...conditions(selection, params), `leaf_index ${newer ? '>=' : '<='} $${params.push(from)}`];
    const rows = await this.dataSource.query<Array<{ found: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM onegate.ledger_entry ${whereClause(where)}) AS found`,
      params,
    );
    return rows[0]!.found;
  }

  /** Up to `limit` entries of the filter after leaf index `after` and below `below`, in index order (the export). */
  async chunk(filter: AuditEntryFilter | undefined, after: number, below: number, limit: number): Promise<StoredEntry[]> {
    const params: unknown[] = [];
    const where = conditions({ filter }, params);
    where.push(`leaf_index > $${params.push(after)}`, `leaf_index < $${params.push(below)}`);
    const rows = await this.dataSource.query<LedgerEntryRow[]>(
      `SELECT ${LEDGER_ENTRY_COLUMNS} FROM onegate.ledger_entry WHERE ${where.join(' AND ')} ORDER BY ledger_entry.leaf_index LIMIT ${limit}`,
      params,
    );
    return rows.map(storedEntry);
  }

  /** Per actor and window of `windowMinutes` in [from, to), the windows whose count reaches `threshold`, newest first. */
  windowFlags(kind: WindowFlag, from: Date, to: Date, windowMinutes: number, threshold: number, limit: number): Promise<FlagRow[]> {
    const { condition, measure } = WINDOW_FLAGS[kind];
    return this.dataSource.query<FlagRow[]>(
      `SELECT actor_kind, actor_id, actor_hall, actor_region, actor_department,
              date_bin($3::interval, recorded_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS window_start,
              ${measure}::int AS count,
              ((array_agg(leaf_index ORDER BY leaf_index))[1:${FLAG_INDEXES}])::text[] AS indexes
         FROM onegate.ledger_entry
        WHERE recorded_at >= $1 AND recorded_at < $2 AND ${condition}
        GROUP BY actor_kind, actor_id, actor_hall, actor_region, actor_department, window_start
       HAVING ${measure} >= $4
        ORDER BY window_start DESC
        LIMIT ${limit}`,
      [from, to, `${windowMinutes} minutes`, threshold],
    );
  }

  /** Per clerk and local day in [from, to), the entries written while their hall was closed (`periods`, in `timeZone`), newest first. */
  outsideHours(from: Date, to: Date, periods: readonly OpeningPeriod[], timeZone: string, limit: number): Promise<FlagRow[]> {
    return this.dataSource.query<FlagRow[]>(
      `WITH hours(hall, day, opens, closes) AS (
              SELECT * FROM unnest($3::text[], $4::int[], $5::time[], $6::time[])),
            e AS (
              SELECT leaf_index, actor_kind, actor_id, actor_hall, actor_region, actor_department,
                     recorded_at AT TIME ZONE $7 AS local,
                     CASE WHEN actor_hall IN (SELECT hall FROM hours) THEN actor_hall ELSE '*' END AS schedule
                FROM onegate.ledger_entry
               WHERE recorded_at >= $1 AND recorded_at < $2 AND actor_kind = 'clerk')
       SELECT actor_kind, actor_id, actor_hall, actor_region, actor_department,
              date_trunc('day', local) AT TIME ZONE $7 AS window_start,
              count(*)::int AS count,
              ((array_agg(leaf_index ORDER BY leaf_index))[1:${FLAG_INDEXES}])::text[] AS indexes
         FROM e
        WHERE NOT EXISTS (
              SELECT 1 FROM hours h
               WHERE h.hall = e.schedule AND h.day = extract(isodow FROM e.local)::int
                 AND e.local::time >= h.opens AND e.local::time < h.closes)
        GROUP BY actor_kind, actor_id, actor_hall, actor_region, actor_department, window_start
        ORDER BY window_start DESC
        LIMIT ${limit}`,
      [from, to, periods.map((p) => p.hall), periods.map((p) => p.day), periods.map((p) => p.opens), periods.map((p) => p.closes), timeZone],
    );
  }
}

function storedEntry(row: LedgerEntryRow): StoredEntry {
  return { index: Number(row.leaf_index), leafHash: row.leaf_hash, content: contentFromRow(row) };
}

function whereClause(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** A GraphQL argument or filter field left out or given as null: either way, not given. */
function given<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

/** What a selection means in SQL; every value is a bound parameter. */
function conditions(selection: EntrySelection, params: unknown[]): string[] {
  const bind = (value: unknown) => `$${params.push(value)}`;
  if ('citizen' in selection) return [`subject_id = ${bind(selection.citizen)}`, `subject_kind = 'PERSON'`, `NOT restricted`];
  const { filter } = selection;
  const where: string[] = [];
  if (!filter) return where;
  if (given(filter.subject)) where.push(`subject_id = ${bind(filter.subject)}`);
  if (given(filter.actor)) where.push(`actor_id = ${bind(filter.actor)}`);
  if (given(filter.hall)) where.push(`actor_hall = ${bind(filter.hall)}`);
  if (given(filter.department)) {
    const p = bind(filter.department);
    where.push(`(actor_department = ${p} OR ${p} = ANY(departments))`);
  }
  if (given(filter.matter)) where.push(`matter = ${bind(filter.matter)}`);
  if (given(filter.caseNumber)) where.push(`case_number = ${bind(filter.caseNumber)}`);
  if (given(filter.outcome)) where.push(`outcome = ${bind(filter.outcome)}`);
  if (given(filter.kind)) where.push(`kind = ${bind(filter.kind)}`);
  if (given(filter.from)) where.push(`recorded_at >= ${bind(filter.from)}`);
  if (given(filter.to)) where.push(`recorded_at < ${bind(filter.to)}`);
  return where;
}
