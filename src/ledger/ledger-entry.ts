import type { RequestContext } from '../common/request/request-context.js';
import type { Principal } from '../identity/principal.js';
import { hashLeaf } from './merkle.js';

/**
 * What a ledger entry records. Metadata only: who, about whom, why, which data items and what
 * came of it — never the record data itself (Estonia's data tracker holds the same line).
 */
export const LEDGER_ENTRY_KINDS = [
  'DATA_ACCESS',
  'CERTIFICATE_ISSUE',
  'CERTIFICATE_REVOKE',
  'CERTIFICATE_SUSPEND',
  'CERTIFICATE_REINSTATE',
  'CERTIFICATE_VERIFY',
  'CONSENT_GRANT',
  'CONSENT_REVOKE',
  /** A grant naming no hall was bound to the hall whose clerk first used its QR code. */
  'CONSENT_BIND',
  /** A window listed which of a citizen's grants cover its matter and case (consentsCovering). */
  'CONSENT_LOOKUP',
  'ADMIN_CHANGE',
  'AUDIT_QUERY',
  'AUDIT_EXPORT',
  /** An operation the caller's role may not perform, refused by the role guard. */
  'ACCESS_REFUSED',
  /** A case opened, a party added, a consent attached, a case closed (detail.action). */
  'CASE_CHANGE',
  /**
   * Records read only to judge a relation between a case's parties (detail.relation): GRANTED —
   * proven, DENIED — not proven, FAILED — a department did not answer. Nothing read is released.
   */
  'RELATION_CHECK',
  /** An application of a one thing opened on a case, submitted (with its tasks), or either refused (detail.action). */
  'APPLICATION_CHANGE',
  /** A department's decision on its task (detail.decision), with the tasks it opened, or the decision refused. */
  'TASK_DECISION',
] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

export const LEDGER_OUTCOMES = ['GRANTED', 'PARTIAL', 'DENIED', 'FAILED'] as const;
export type LedgerOutcome = (typeof LEDGER_OUTCOMES)[number];

/** Principal kinds, plus `system` (the gateway itself) and `public` (an anonymous caller, e.g. the verify page). */
export const LEDGER_ACTOR_KINDS = ['clerk', 'department', 'auditor', 'admin', 'citizen', 'system', 'public'] as const;
export type LedgerActorKind = (typeof LEDGER_ACTOR_KINDS)[number];

export const LEDGER_SUBJECT_KINDS = ['PERSON', 'ENTERPRISE', 'CERTIFICATE'] as const;
export type LedgerSubjectKind = (typeof LEDGER_SUBJECT_KINDS)[number];

export interface LedgerActor {
  kind: LedgerActorKind;
  id: string;
  hall: string | null;
  region: string | null;
  department: string | null;
}

export interface LedgerSubject {
  kind: LedgerSubjectKind;
  /** ID number, unified social credit code or certificate identifier. */
  id: string;
}

export type LedgerDetailValue = string | number | boolean | null | string[];

/** An entry as a caller hands it to `LedgerService.record`; the ledger adds the time. */
export interface LedgerEntryInput {
  kind: LedgerEntryKind;
  actor: LedgerActor;
  subject?: LedgerSubject | null;
  matter?: string | null;
  caseNumber?: string | null;
  /** Reference of the consent grant the access relied on, when there was one. */
  consentRef?: string | null;
  itemsGranted?: readonly string[];
  itemsDenied?: readonly string[];
  departments?: readonly string[];
  outcome: LedgerOutcome;
  /** The gateway's own (server-generated) id of the request. */
  requestId?: string | null;
  /** The X-Request-Id the client sent, as given; recorded beside requestId, never instead of it. */
  clientRequestId?: string | null;
  clientAddress?: string | null;
  /** Hidden from the citizen (e.g. a police enquiry under a legal restriction), visible to auditors. */
  restricted?: boolean;
  /** Further metadata, e.g. a certificate identifier or what an admin changed. Never record data. */
  detail?: Readonly<Record<string, LedgerDetailValue>>;
}

/**
 * The canonical content of an entry: every field of its version present, in one shape, so the leaf
 * hash can be recomputed by anyone from an export. Version 2 (written now) adds `clientRequestId`;
 * version 1 entries have no such key, and hash as they always did.
 */
export interface LedgerEntryContent {
  v: 1 | 2;
  /** ISO 8601 UTC with milliseconds, e.g. `2026-11-22T09:30:00.123Z`. */
  at: string;
  kind: LedgerEntryKind;
  actor: LedgerActor;
  subject: LedgerSubject | null;
  matter: string | null;
  caseNumber: string | null;
  consentRef: string | null;
  itemsGranted: string[];
  itemsDenied: string[];
  departments: string[];
  outcome: LedgerOutcome;
  requestId: string | null;
  /** Version 2 only: the client's X-Request-Id as given, or null. */
  clientRequestId?: string | null;
  clientAddress: string | null;
  restricted: boolean;
  detail: Record<string, LedgerDetailValue>;
}

/** The version of the canonical content written now. */
export const LEDGER_ENTRY_VERSION = 2;

export const LEDGER_LIMITS = {
  stringLength: 256,
  listLength: 64,
  detailKeys: 32,
  detailStringLength: 1024,
} as const;

export class LedgerEntryInvalidError extends Error {
  constructor(message: string) {
    super(`invalid ledger entry: ${message}`);
    this.name = 'LedgerEntryInvalidError';
  }
}

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function text(value: unknown, field: string, { optional = true, max = LEDGER_LIMITS.stringLength as number } = {}): string | null {
  if (value === undefined || value === null) {
    if (optional) return null;
    throw new LedgerEntryInvalidError(`${field} is required`);
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > max || CONTROL_CHARACTERS.test(value)) {
    throw new LedgerEntryInvalidError(`${field} must be a non-empty string of at most ${max} characters without control characters`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new LedgerEntryInvalidError(`${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function list(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > LEDGER_LIMITS.listLength) {
    throw new LedgerEntryInvalidError(`${field} must be a list of at most ${LEDGER_LIMITS.listLength} strings`);
  }
  return value.map((item, i) => text(item, `${field}[${i}]`, { optional: false }) as string);
}

function detail(value: unknown): Record<string, LedgerDetailValue> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new LedgerEntryInvalidError('detail must be an object');
  const entries = Object.entries(value);
  if (entries.length > LEDGER_LIMITS.detailKeys) throw new LedgerEntryInvalidError(`detail has more than ${LEDGER_LIMITS.detailKeys} keys`);
  const out: Record<string, LedgerDetailValue> = {};
  for (const [key, v] of entries) {
    text(key, 'detail key', { optional: false, max: 64 });
    if (v === null || typeof v === 'boolean') out[key] = v;
    else if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new LedgerEntryInvalidError(`detail.${key} must be a safe integer`);
      out[key] = v;
    } else if (typeof v === 'string') out[key] = text(v, `detail.${key}`, { optional: false, max: LEDGER_LIMITS.detailStringLength }) as string;
    else if (Array.isArray(v)) out[key] = list(v, `detail.${key}`);
    else throw new LedgerEntryInvalidError(`detail.${key} must be a string, integer, boolean, null or list of strings`);
  }
  return out;
}

/** Validates an entry and fixes its content at time `at`; throws LedgerEntryInvalidError. */
export function entryContent(input: LedgerEntryInput, at: Date): LedgerEntryContent {
  if (!input || typeof input !== 'object') throw new LedgerEntryInvalidError('entry must be an object');
  const actor = input.actor;
  if (!actor || typeof actor !== 'object') throw new LedgerEntryInvalidError('actor is required');
  const subject = input.subject ?? null;
  if (subject !== null && typeof subject !== 'object') throw new LedgerEntryInvalidError('subject must be an object');
  return {
    v: LEDGER_ENTRY_VERSION,
    at: at.toISOString(),
    kind: oneOf(input.kind, LEDGER_ENTRY_KINDS, 'kind'),
    actor: {
      kind: oneOf(actor.kind, LEDGER_ACTOR_KINDS, 'actor.kind'),
      id: text(actor.id, 'actor.id', { optional: false }) as string,
      hall: text(actor.hall, 'actor.hall'),
      region: text(actor.region, 'actor.region'),
      department: text(actor.department, 'actor.department'),
    },
    subject:
      subject === null
        ? null
        : { kind: oneOf(subject.kind, LEDGER_SUBJECT_KINDS, 'subject.kind'), id: text(subject.id, 'subject.id', { optional: false }) as string },
    matter: text(input.matter, 'matter'),
    caseNumber: text(input.caseNumber, 'caseNumber'),
    consentRef: text(input.consentRef, 'consentRef'),
    itemsGranted: list(input.itemsGranted, 'itemsGranted'),
    itemsDenied: list(input.itemsDenied, 'itemsDenied'),
    departments: list(input.departments, 'departments'),
    outcome: oneOf(input.outcome, LEDGER_OUTCOMES, 'outcome'),
    requestId: text(input.requestId, 'requestId'),
    clientRequestId: text(input.clientRequestId, 'clientRequestId'),
    clientAddress: text(input.clientAddress, 'clientAddress'),
    restricted: input.restricted === undefined ? false : assertBoolean(input.restricted),
    detail: detail(input.detail),
  };
}

function assertBoolean(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new LedgerEntryInvalidError('restricted must be a boolean');
  return value;
}

/** The ledger actor for a principal: kind, id and where they act from. */
export function actorFor(principal: Principal): LedgerActor {
  return {
    kind: principal.kind,
    id: principal.id,
    hall: principal.kind === 'clerk' ? principal.hall : null,
    region: principal.kind === 'clerk' ? principal.region : null,
    department: principal.kind === 'department' ? principal.department : null,
  };
}

/** Where an entry's request came from: the gateway's request id, the client's beside it, and the client address. */
export function requestFieldsOf(request: RequestContext | null | undefined): Pick<LedgerEntryInput, 'requestId' | 'clientRequestId' | 'clientAddress'> {
  return { requestId: request?.requestId ?? null, clientRequestId: request?.clientRequestId ?? null, clientAddress: request?.clientAddress ?? null };
}

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the values entries hold — strings, safe integers,
 * booleans, null, arrays and objects: object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as ECMAScript's JSON.stringify writes them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new LedgerEntryInvalidError('numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new LedgerEntryInvalidError(`cannot encode a ${typeof value}`);
}

/** The bytes a leaf hashes: the canonical JSON of the entry content, UTF-8. */
export function entryBytes(content: LedgerEntryContent): Buffer {
  return Buffer.from(canonicalJson(content), 'utf8');
}

/** RFC 9162 leaf hash of an entry: SHA-256(0x00 || canonical JSON). */
export function entryLeafHash(content: LedgerEntryContent): Buffer {
  return hashLeaf(entryBytes(content));
}
