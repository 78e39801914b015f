import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { conditionItems, decideAccess, type AccessRequest, type DenialReason, type MatterRules, type SubjectRecords } from '../access/access-decision.js';
import type { Purpose } from '../access/purpose.js';
import { LedgerUnavailableError } from '../audit/audit.errors.js';
import { actorFor, type LedgerEntryInput, type LedgerOutcome, requestFieldsOf } from '../ledger/ledger-entry.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { RecordedEntry } from '../ledger/ledger-writer.js';
import { checklistItems } from '../catalog/material-checklist.js';
import { MattersService } from '../catalog/matters.service.js';
import type { DepartmentCode } from '../common/departments.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { accessFacts, caseDetail, PurposeFactsService, type CasePurpose } from '../consent/purpose-facts.js';
import type { Principal } from '../identity/principal.js';
import type { ItemRecord } from './connector.js';
import { CoalescingBatcher } from '../common/coalescing-batcher.js';
import { DepartmentRegistry } from './department-registry.js';
import { DepartmentCallError, ExchangeError, type DepartmentFailure } from './exchange.errors.js';
import { SharedLookupRateLimiter } from './shared-lookup-rate-limiter.js';

export type { Purpose };

export interface Subject {
  kind: 'PERSON' | 'ENTERPRISE';
  /** Normalised ID number or credit code. */
  id: string;
}

/** What became of one data item of a lookup. */
export type ItemOutcome =
  | { kind: 'denied'; reason: DenialReason }
  | { kind: 'records'; records: ItemRecord[]; department: DepartmentCode; fetchedAt: Date }
  | { kind: 'failed'; department: DepartmentCode; failure: DepartmentFailure };

/** What was read about a subject to judge its matter's conditions: the records, and the items and departments asked (for the ledger). */
export interface ConditionReads {
  records: SubjectRecords | undefined;
  items: string[];
  departments: DepartmentCode[];
}

/** One lookup of one subject, after the access decision, the ledger entry and the department calls. */
export interface ExchangeView {
  subject: Subject;
  purpose: Purpose;
  principal: Principal;
  request: RequestContext;
  /** The per-request scope (the GraphQL context): nested lookups share its loaders. */
  scope: object;
  outcomes: ReadonlyMap<string, ItemOutcome>;
  /** Under a case: the case and the subject's role in it (see PurposeFacts). */
  case: CasePurpose | null;
  /** The lookup's ledger entry, durable before the view was returned. */
  entry: RecordedEntry;
}

/** Subjects per department call (the reference department API takes at most 100). */
const MAX_BATCH = 100;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

interface Fetched {
  records: ItemRecord[];
  fetchedAt: Date;
}

/** A department that could not answer an issuance's read: what the caller records and throws. */
export interface IssuanceReadFailure {
  item: string;
  department: DepartmentCode;
  failure: DepartmentFailure;
}

/**
 * The exchange: one lookup = one access decision over the selected items, one durable ledger entry,
 * and the granted items fetched from their departments. Department data leaves the exchange only
 * through its audited reads — `lookup`, `readConditions` and `readForIssuance` — never by fetching
 * items directly. Order of work of a lookup:
 *   1. rate limit (each lookup counts), case number, matter rules, consent;
 *   2. decideAccess — denied items are never fetched;
 *   3. if anything is granted and the ledger is failing, stop here: error, no department called;
 *   4. write the ledger entry and call the departments at the same time, and release nothing until
 *      the entry is durable (a ledger failure after the departments answered withholds the data).
 */
@Injectable()
export class ExchangeService {
  /** Per request (GraphQL context): one loader per data item, so no item of a subject is asked for twice. */
  private readonly loaders = new WeakMap<object, Map<string, DataLoader<string, Fetched>>>();
  private readonly batchers = new Map<string, CoalescingBatcher<string, Fetched>>();
  private readonly maxInFlightPerItem: number;
  private readonly batchWindowMs: number;

  constructor(
    private readonly registry: DepartmentRegistry,
    private readonly matters: MattersService,
    private readonly purposes: PurposeFactsService,
    private readonly ledger: LedgerService,
    private readonly limiter: SharedLookupRateLimiter,
    config: AppConfig,
  ) {
    this.maxInFlightPerItem = config.EXCHANGE_CALLS_IN_FLIGHT_PER_ITEM;
    this.batchWindowMs = config.EXCHANGE_BATCH_WINDOW_MS;
  }

  /**
   * `items`: the data items the selection reads. `checklist`: the matter's materials checklist is
   * shown too, so the items its materials can be satisfied by are read (decided, audited) with them.
   */
  async lookup(args: {
    principal: Principal;
    request: RequestContext;
    scope: object;
    subject: Subject;
    purpose: Purpose;
    items: readonly string[];
    checklist?: boolean;
  }): Promise<ExchangeView> {
    const { principal, request, scope, subject, purpose } = args;
    const limited = this.countAgainstRateLimit(principal, request, { kind: 'DATA_ACCESS', subject, matter: purpose.matter, caseNumber: purpose.caseNumber });
    if (!purpose.case && purpose.caseNumber === null && principal.kind !== 'citizen') {
      await limited;
      throw ExchangeError.badInput('CASE_NUMBER_REQUIRED', 'purpose.caseNumber is required: state the case this lookup is for');
    }
    const now = new Date();
    // The purpose's facts are read while the limit is taken; nothing is changed (no consent bound) before it allows the lookup.
    const gathering = this.purposes.gather(purpose, now, { principal, subject, request, scope, mayWrite: limited });
    gathering.catch(() => undefined); // a refusal by the limit is the answer; the gathering's outcome is then not wanted
    await limited;
    const gathered = await gathering;
    const { matter, consent } = gathered;
    const resolved = gathered.purpose ?? purpose;
    const items = [...new Set([...args.items, ...(args.checklist && matter ? await this.itemsOfChecklist(matter) : [])])];
    const facts = accessFacts(gathered, principal, subject, now);
    const conditions = await this.readConditions(scope, facts);
    const decision = decideAccess({ ...facts, items, subjectRecords: conditions.records });

    const outcomes = new Map<string, ItemOutcome>();
    for (const { item, reason } of decision.denied) outcomes.set(item, { kind: 'denied', reason });
    // An item the catalog does not know has no policy and no department: denied by default.
    const granted: string[] = [];
    for (const item of decision.granted) {
      if (this.registry.ownerOf(item)) granted.push(item);
      else outcomes.set(item, { kind: 'denied', reason: 'ITEM_NOT_ALLOWED' });
    }
    const denied = items.filter((item) => !granted.includes(item));
    if (granted.length > 0 && !this.ledger.writable) throw new LedgerUnavailableError();

    const departments = [...new Set([...granted.map((item) => this.registry.ownerOf(item)!), ...conditions.departments])].sort();
    const outcome: LedgerOutcome = denied.length === 0 ? 'GRANTED' : granted.length === 0 ? 'DENIED' : 'PARTIAL';
    const entry = this.ledger.record({
      kind: 'DATA_ACCESS',
      actor: actorFor(principal),
      subject,
      matter: matter ? matter.code : null,
      caseNumber: resolved.caseNumber,
      consentRef: consent.ref,
      itemsGranted: granted,
      itemsDenied: denied,
      departments,
      outcome,
      ...requestFieldsOf(request),
      detail: {
        ...(matter || !purpose.matter ? {} : { statedMatter: purpose.matter.slice(0, 64) }),
        ...caseDetail(gathered),
        // Why each denied item was denied, in itemsDenied's order; and what was read to judge the matter's conditions.
        ...(denied.length ? { denialReasons: denied.map((item) => (outcomes.get(item) as { reason: DenialReason }).reason) } : {}),
        ...(conditions.items.length ? { conditionItems: conditions.items } : {}),
      },
    });
    const fetches = this.fetchItems(scope, subject, granted);
    // Both run at once; nothing is returned until the entry is durable.
    const [written, fetched] = await Promise.allSettled([entry, fetches]);
    if (written.status === 'rejected') {
      throw written.reason instanceof LedgerUnavailableError ? written.reason : new LedgerUnavailableError(undefined, { cause: written.reason });
    }
    if (fetched.status === 'rejected') throw fetched.reason;
    for (const [item, result] of fetched.value) outcomes.set(item, result);
    return { subject, purpose: resolved, principal, request, scope, outcomes, case: gathered.case, entry: written.value };
  }

  /**
   * Reads records only to judge a fact about them — a relation between a case's parties — and
   * releases nothing: `judge` (from access/) sees the records and only its verdict leaves. Each
   * subject read gets its own RELATION_CHECK ledger entry (GRANTED proven, DENIED not proven,
   * FAILED a department did not answer) naming the items and departments read, so the person
   * whose records were read sees it; all are durable before the verdict is returned.
   */
  async judgeFromRecords(args: {
    principal: Principal;
    request: RequestContext;
    scope: object;
    reads: ReadonlyArray<{ subject: Subject; items: readonly string[] }>;
    judge: (records: ReadonlyMap<string, SubjectRecords>) => 'PROVEN' | 'NOT_PROVEN' | 'UNVERIFIED';
    entry: Pick<LedgerEntryInput, 'matter' | 'caseNumber' | 'detail'>;
  }): Promise<'PROVEN' | 'NOT_PROVEN' | 'UNVERIFIED'> {
    if (!this.ledger.writable) throw new LedgerUnavailableError();
    const reads = args.reads.map((read) => ({ ...read, items: read.items.filter((item) => this.registry.ownerOf(item)) }));
    const records = new Map<string, SubjectRecords>();
    await Promise.all(
      reads.map(async ({ subject, items }) => {
        const read = await this.fetchItems(args.scope, subject, items);
        records.set(subject.id, new Map(read.map(([item, outcome]) => [item, outcome.kind === 'records' ? outcome.records : null])));
      }),
    );
    const verdict = args.judge(records);
    const outcome: LedgerOutcome = verdict === 'PROVEN' ? 'GRANTED' : verdict === 'NOT_PROVEN' ? 'DENIED' : 'FAILED';
    await Promise.all(
      reads.map(({ subject, items }) =>
        this.ledger.record({
          kind: 'RELATION_CHECK',
          actor: actorFor(args.principal),
          subject,
          matter: args.entry.matter,
          caseNumber: args.entry.caseNumber,
          departments: [...new Set(items.map((item) => this.registry.ownerOf(item)!))].sort(),
          outcome,
          ...requestFieldsOf(args.request),
          detail: { ...args.entry.detail, factItems: [...items] },
        }),
      ),
    );
    return verdict;
  }

  /**
   * The records of the claims' data items of a certificate, for an issuance already decided
   * (decideIssuance). As for a lookup, nothing is read while the ledger cannot record. When a
   * department cannot answer, the caller's FAILED entry (`failed(...).entry`) is recorded here
   * before its error is thrown, and nothing is returned. The records returned leave the gateway only
   * inside the certificate registered together with its GRANTED ledger entry, in one transaction —
   * which is why that entry is the caller's to write, and why it is written with the certificate.
   */
  async readForIssuance(args: {
    scope: object;
    subject: Subject;
    items: readonly string[];
    failed: (failure: IssuanceReadFailure) => { entry: LedgerEntryInput; error: Error };
  }): Promise<Map<string, ItemRecord[]>> {
    if (!this.ledger.writable) throw new LedgerUnavailableError();
    const records = new Map<string, ItemRecord[]>();
    for (const [item, outcome] of await this.fetchItems(args.scope, args.subject, args.items)) {
      if (outcome.kind === 'failed') {
        const { entry, error } = args.failed({ item, department: outcome.department, failure: outcome.failure });
        await this.ledger.record(entry);
        throw error;
      }
      if (outcome.kind === 'records') records.set(item, outcome.records);
    }
    return records;
  }

  /**
   * The records of granted items of one subject, each from its department through the per-request
   * loader and the shared batcher (timeout, breaker, bulkhead, schema validation). A failed
   * department becomes that item's `failed` outcome; the caller has decided access and writes the
   * ledger entry — nothing here may be released without one, so only the audited reads above call it.
   */
  private async fetchItems(scope: object, subject: Subject, granted: readonly string[]): Promise<Array<[string, ItemOutcome]>> {
    return Promise.all(
      granted.map(async (item): Promise<[string, ItemOutcome]> => {
        const department = this.registry.ownerOf(item)!;
        try {
          const fetched = await this.loaderFor(scope, item).load(subject.id);
          return [item, { kind: 'records', records: fetched.records, department, fetchedAt: fetched.fetchedAt }];
        } catch (error) {
          if (error instanceof DepartmentCallError) return [item, { kind: 'failed', department, failure: error.failure }];
          throw error;
        }
      }),
    );
  }

  /**
   * Counts one lookup or issuance against the caller's rate limit. A refusal is a DENIED ledger
   * entry (reason RATE_LIMITED) before the error leaves, so probing shows in REPEATED_DENIALS.
   */
  async countAgainstRateLimit(
    principal: Principal,
    request: RequestContext,
    about: { kind: 'DATA_ACCESS' | 'CERTIFICATE_ISSUE'; subject: Subject; matter: string | null; caseNumber: string | null },
  ): Promise<void> {
    // Counted in PostgreSQL: the limit holds across every gateway instance on the database.
    const retryAfter = await this.limiter.take(`${principal.kind}:${principal.id}`);
    if (retryAfter <= 0) return;
    const known = about.matter !== null && (await this.matters.rules(about.matter)) !== null;
    await this.ledger.record({
      kind: about.kind,
      actor: actorFor(principal),
      subject: about.subject,
      matter: known ? about.matter : null,
      caseNumber: about.caseNumber,
      outcome: 'DENIED',
      ...requestFieldsOf(request),
      detail: { reason: 'RATE_LIMITED' },
    });
    throw ExchangeError.rateLimited(retryAfter);
  }

  /**
   * Reads what the matter's subject conditions are judged from (conditionItems: nothing when the
   * request does not stand anyway, or the matter has none), through the same loaders as the
   * lookup's items. The caller records the items and departments in its ledger entry; a read is
   * only made while the ledger can record it.
   */
  async readConditions(scope: object, facts: Omit<AccessRequest, 'items' | 'subjectRecords'>): Promise<ConditionReads> {
    const items = conditionItems(facts).filter((item) => this.registry.ownerOf(item));
    if (items.length === 0) return { records: undefined, items: [], departments: [] };
    if (!this.ledger.writable) throw new LedgerUnavailableError();
    const read = await this.fetchItems(scope, facts.subject, items);
    const records = new Map(read.map(([item, outcome]) => [item, outcome.kind === 'records' ? outcome.records : null]));
    return { records, items, departments: [...new Set(items.map((item) => this.registry.ownerOf(item)!))].sort() };
  }

  /** The data items a matter's materials checklist judges, as far as the rules (under a case: the party's role's) may read them. */
  private async itemsOfChecklist(rules: MatterRules): Promise<string[]> {
    const materials = await this.matters.materials(rules.code);
    return materials ? checklistItems(rules, materials) : [];
  }

  /** The department that owns a data item, or undefined for an item the catalog does not know. */
  ownerOf(item: string): DepartmentCode | undefined {
    return this.registry.ownerOf(item);
  }

  private loaderFor(scope: object, item: string): DataLoader<string, Fetched> {
    let perItem = this.loaders.get(scope);
    if (!perItem) {
      perItem = new Map();
      this.loaders.set(scope, perItem);
    }
    let loader = perItem.get(item);
    if (!loader) {
      const batcher = this.batcherFor(item);
      // Per request: each subject of an item is asked for once; across requests the batcher coalesces.
      loader = new DataLoader<string, Fetched>(
        async (subjects) => Promise.all(subjects.map((s) => batcher.load(s).catch((error: unknown) => asError(error)))),
        {
          maxBatchSize: MAX_BATCH,
        },
      );
      perItem.set(item, loader);
    }
    return loader;
  }

  /** One per data item for the whole process: concurrent requests' subjects share department calls. */
  private batcherFor(item: string): CoalescingBatcher<string, Fetched> {
    let batcher = this.batchers.get(item);
    if (!batcher) {
      const department = this.registry.department(this.registry.ownerOf(item)!);
      batcher = new CoalescingBatcher<string, Fetched>(
        async (subjects) => {
          const answer = await department.fetch(item, subjects);
          const fetchedAt = new Date();
          return new Map(subjects.map((s) => [s, { records: answer.get(s) ?? [], fetchedAt }]));
        },
        { maxInFlight: this.maxInFlightPerItem, maxBatch: MAX_BATCH, windowMs: this.batchWindowMs, missing: () => ({ records: [], fetchedAt: new Date() }) },
      );
      this.batchers.set(item, batcher);
    }
    return batcher;
  }
}
