import { Injectable } from '@nestjs/common';
import { parseCreditCode } from '../common/identifiers/credit-code.js';
import { parseIdNumber } from '../common/identifiers/id-number.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_OPENING_HOURS, findHall, HALL_TIME_ZONE, SERVICE_HALLS } from '../identity/halls.js';
import type { CitizenPrincipal, Principal } from '../identity/principal.js';
import { AuditEntryRepository, type EntryPage, type EntrySelection, type FlagRow, type StoredEntry } from './audit-entry.repository.js';
import { AuditError } from './audit.errors.js';
import { type AuditEntryFilter, pageSize } from './dto/audit-entries.args.js';
import { actorFor, canonicalJson, type LedgerSubject, requestFieldsOf } from '../ledger/ledger-entry.js';
import { EXPORT_FORMAT, type ExportEntryLine, type ExportHeader } from '../ledger/ledger-export-format.js';
import type { IntegrityAlarm } from '../ledger/ledger-integrity.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { AuditEntryConnection, AuditFlag, AuditFlagKind, DataAccessConnection } from './models/audit-connection.model.js';
import { toAuditEntry } from './models/audit-entry.model.js';

const CURSOR_PREFIX = 'ledger:';
const MAX_FLAG_RANGE_MS = 31 * 24 * 3600 * 1000;
const MAX_FLAGS = 200;
const EXPORT_CHUNK = 500;

export function encodeCursor(index: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${index}`).toString('base64url');
}

export function decodeCursor(cursor: string, argument: 'after' | 'before' = 'after'): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const index = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!/^ledger:\d{1,15}$/.test(text) || !Number.isSafeInteger(index)) {
    throw AuditError.badInput('CURSOR_INVALID', `${argument} is not a cursor this API handed out`);
  }
  return index;
}

/** Relay cursor connection arguments as given. */
export interface PageArguments {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/**
 * The Relay cursor connection arguments, checked: `first` and `last` together are refused; a page
 * reads backward when `last` is given, or when only `before` is (the page just before it).
 */
export function pageRequest(args: PageArguments): EntryPage {
  if (given(args.first) && given(args.last)) {
    throw AuditError.badInput('PAGING_INVALID', '`first` and `last` cannot be used together: page forward with first and after, backward with last and before');
  }
  const after = given(args.after) ? decodeCursor(args.after, 'after') : null;
  const before = given(args.before) ? decodeCursor(args.before, 'before') : null;
  const forward = given(args.first) || (!given(args.last) && (before === null || after !== null));
  return { forward, limit: pageSize(forward ? args.first : args.last), after, before };
}

/** A GraphQL argument or filter field left out or given as null: either way, not given. */
function given<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

/** The filter as plain strings, for the AUDIT_QUERY entry and the export header. */
function describeFilter(filter: AuditEntryFilter | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter ?? {})) {
    if (value === undefined || value === null) continue;
    out[key] = value instanceof Date ? value.toISOString() : String(value);
  }
  return out;
}

function subjectOf(id: string | null | undefined): LedgerSubject | null {
  if (!given(id)) return null;
  if (parseIdNumber(id).ok) return { kind: 'PERSON', id };
  if (parseCreditCode(id).ok) return { kind: 'ENTERPRISE', id };
  return { kind: 'CERTIFICATE', id };
}

/**
 * The ledger as auditors and citizens read it. Every auditor read is itself a (restricted) ledger
 * entry, written before the rows are returned: if it cannot be written, nothing is returned.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly ledgerEntries: AuditEntryRepository,
    private readonly config: AppConfig,
  ) {}

  async entries(auditor: Principal, request: RequestContext, args: PageArguments & { filter?: AuditEntryFilter | null }): Promise<AuditEntryConnection> {
    const page = pageRequest(args);
    // The query and its own ledger entry run together; the rows are released only when both succeeded.
    const [connection] = await Promise.all([
      this.connection({ filter: args.filter }, page, (entry) => toAuditEntry(entry.index, entry.leafHash, entry.content)),
      this.recordAuditRead('AUDIT_QUERY', auditor, request, args.filter),
    ]);
    return connection;
  }

  /** A citizen's own accesses, restricted entries left out; who acted is the hall or department. */
  async dataAccesses(citizen: CitizenPrincipal, args: PageArguments): Promise<DataAccessConnection> {
    const page = pageRequest(args);
    return this.connection({ citizen: citizen.id }, page, ({ index, leafHash, content }) => ({
      index,
      leafHash: leafHash.toString('base64'),
      at: new Date(content.at),
      kind: content.kind,
      matter: content.matter,
      caseNumber: content.caseNumber,
      caseId: typeof content.detail.caseId === 'string' ? content.detail.caseId : null,
      partyRole: typeof content.detail.partyRole === 'string' ? content.detail.partyRole : null,
      items: content.itemsGranted,
      outcome: content.outcome,
      accessor: {
        kind: content.actor.kind,
        hall: content.actor.hall,
        hallName: content.actor.hall === null ? null : (findHall(content.actor.hall)?.name ?? null),
        department: content.actor.department,
      },
    }));
  }

  /**
   * One page of the selected entries (newest first) as a Relay connection. `limit + 1` rows
   * are read in the paging direction, the extra one only saying there is more that way; whether
   * entries lie on the other side of the cursor the page starts from is asked separately (an
   * EXISTS), so hasPreviousPage after `after`, and hasNextPage before `before`, are the truth.
   */
  private async connection<N extends { index: number }>(selection: EntrySelection, page: EntryPage, toNode: (entry: StoredEntry) => N) {
    const from = page.forward ? page.after : page.before;
    const rowsRead = this.ledgerEntries.page(selection, page);
    const beyond = from === null ? Promise.resolve(false) : this.ledgerEntries.existsBeyond(selection, from, page.forward);
    const [rows, found] = await Promise.all([rowsRead, beyond]);
    const more = rows.length > page.limit;
    const pageRows = rows.slice(0, page.limit);
    if (!page.forward) pageRows.reverse();
    const edges = pageRows.map(toNode).map((node) => ({ cursor: encodeCursor(node.index), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.forward ? more : found,
        hasPreviousPage: page.forward ? found : more,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }

  async flags(auditor: Principal, request: RequestContext, args: { from?: Date | null; to?: Date | null }): Promise<AuditFlag[]> {
    const to = args.to ?? new Date();
    const from = args.from ?? new Date(to.getTime() - 24 * 3600 * 1000);
    if (from >= to || to.getTime() - from.getTime() > MAX_FLAG_RANGE_MS) {
      throw AuditError.badInput('FILTER_INVALID', '`from` must be before `to`, at most 31 days apart');
    }
    // The integrity alarm is what the auditor must see first. The ledger takes no entries then, so
    // this read cannot be audited: the answer is the alarm alone (sizes, no ledger content).
    const alarm = this.ledger.integrityAlarm;
    if (alarm) return [integrityFlag(alarm)];
    const [manySubjects, denials, outsideHours] = await Promise.all([
      this.windowFlags(AuditFlagKind.MANY_SUBJECTS, from, to, this.config.AUDIT_FLAG_MANY_SUBJECTS),
      this.windowFlags(AuditFlagKind.REPEATED_DENIALS, from, to, this.config.AUDIT_FLAG_REPEATED_DENIALS),
      this.outsideHoursFlags(from, to),
      this.recordAuditRead('AUDIT_QUERY', auditor, request, undefined, { query: 'auditFlags', from: from.toISOString(), to: to.toISOString() }),
    ]);
    return [...manySubjects, ...denials, ...outsideHours].sort((a, b) => b.windowStart.getTime() - a.windowStart.getTime()).slice(0, MAX_FLAGS);
  }

  /**
   * The NDJSON export: a header with a fresh signed checkpoint, then the entries in index order.
   * Without a filter it is complete (0..treeSize-1); with one, each entry carries its inclusion proof.
   * The export is itself a ledger entry, written before the first line.
   */
  async *exportLines(auditor: Principal, request: RequestContext, filter: AuditEntryFilter | undefined): AsyncGenerator<string> {
    const description = describeFilter(filter);
    const complete = Object.keys(description).length === 0;
    await this.recordAuditRead('AUDIT_EXPORT', auditor, request, filter);
    const checkpoint = await this.ledger.createCheckpoint();
    const header: ExportHeader = {
      format: EXPORT_FORMAT,
      origin: this.ledger.publicKey.origin,
      treeSize: checkpoint.treeSize,
      checkpoint: checkpoint.note,
      filter: complete ? null : description,
      complete,
      exportedAt: new Date().toISOString(),
    };
    yield JSON.stringify(header) + '\n';
    let after = -1;
    for (;;) {
      const entries = await this.ledgerEntries.chunk(filter, after, checkpoint.treeSize, EXPORT_CHUNK);
      if (entries.length === 0) return;
      const indexes = entries.map((entry) => entry.index);
      const proofs = complete ? undefined : await this.ledger.inclusionProofs(indexes, checkpoint.treeSize);
      let chunk = '';
      entries.forEach((entry, i) => {
        const line: ExportEntryLine = { index: entry.index, leafHash: entry.leafHash.toString('base64'), entry: entry.content };
        if (proofs) line.inclusionProof = proofs[i]!.map((h) => h.toString('base64'));
        chunk += JSON.stringify(line) + '\n';
      });
      yield chunk;
      after = indexes[indexes.length - 1]!;
    }
  }

  private async recordAuditRead(
    kind: 'AUDIT_QUERY' | 'AUDIT_EXPORT',
    auditor: Principal,
    request: RequestContext,
    filter: AuditEntryFilter | null | undefined,
    extra: Record<string, string> = {},
  ): Promise<void> {
    const description = describeFilter(filter);
    await this.ledger.record({
      kind,
      actor: actorFor(auditor),
      subject: subjectOf(filter?.subject),
      outcome: 'GRANTED',
      ...requestFieldsOf(request),
      // Supervision is not shown to the citizen.
      restricted: true,
      detail: { ...extra, ...(Object.keys(description).length ? { filter: canonicalJson(description) } : {}) },
    });
  }

  private async windowFlags(kind: AuditFlagKind.MANY_SUBJECTS | AuditFlagKind.REPEATED_DENIALS, from: Date, to: Date, threshold: number): Promise<AuditFlag[]> {
    const rows = await this.ledgerEntries.windowFlags(kind, from, to, this.config.AUDIT_FLAG_WINDOW_MINUTES, threshold, MAX_FLAGS);
    const minutes = this.config.AUDIT_FLAG_WINDOW_MINUTES;
    return rows.map((row) =>
      flag(
        kind,
        row,
        new Date(row.window_start.getTime() + minutes * 60_000),
        kind === AuditFlagKind.MANY_SUBJECTS
          ? `${row.count} different citizens read within ${minutes} minutes`
          : `${row.count} denied requests within ${minutes} minutes`,
      ),
    );
  }

  private async outsideHoursFlags(from: Date, to: Date): Promise<AuditFlag[]> {
    const periods = [
      ...DEFAULT_OPENING_HOURS.map((p) => ({ hall: '*', ...p })),
      ...SERVICE_HALLS.flatMap((hall) => (hall.openingHours ?? []).map((p) => ({ hall: hall.code, ...p }))),
    ];
    const rows = await this.ledgerEntries.outsideHours(from, to, periods, HALL_TIME_ZONE, MAX_FLAGS);
    return rows.map((row) =>
      flag(
        AuditFlagKind.OUTSIDE_OPENING_HOURS,
        row,
        new Date(row.window_start.getTime() + 24 * 3600_000),
        `${row.count} entries while hall ${row.actor_hall ?? '?'} was closed`,
      ),
    );
  }
}

/** The integrity alarm as a flag: the gateway itself is the actor, the window is from detection to now. */
function integrityFlag(alarm: IntegrityAlarm): AuditFlag {
  return {
    kind: AuditFlagKind.LEDGER_INCONSISTENT,
    actor: { kind: 'system', id: 'onegate-ledger', hall: null, region: null, department: null },
    windowStart: alarm.detectedAt,
    windowEnd: new Date(),
    count: 1,
    entryIndexes: alarm.missingIndexes,
    description: `${alarm.reason} (found at ${alarm.where}): ${alarm.description}; no entries are appended until the ledger is restored`,
  };
}

function flag(kind: AuditFlagKind, row: FlagRow, windowEnd: Date, description: string): AuditFlag {
  return {
    kind,
    actor: { kind: row.actor_kind, id: row.actor_id, hall: row.actor_hall, region: row.actor_region, department: row.actor_department },
    windowStart: row.window_start,
    windowEnd,
    count: row.count,
    entryIndexes: row.indexes.map(Number),
    description,
  };
}
