import type { LedgerDetailValue, LedgerEntryContent } from './ledger-entry.js';

/** The columns of onegate.ledger_entry as `pg` returns them (bigint as text). */
export interface LedgerEntryRow {
  leaf_index: string;
  entry_version: number;
  recorded_at: Date;
  kind: string;
  actor_kind: string;
  actor_id: string;
  actor_hall: string | null;
  actor_region: string | null;
  actor_department: string | null;
  subject_kind: string | null;
  subject_id: string | null;
  matter: string | null;
  case_number: string | null;
  consent_ref: string | null;
  items_granted: string[];
  items_denied: string[];
  departments: string[];
  outcome: string;
  request_id: string | null;
  client_request_id: string | null;
  client_address: string | null;
  restricted: boolean;
  detail: Record<string, LedgerDetailValue>;
  leaf_hash: Buffer;
}

export const LEDGER_ENTRY_COLUMNS = `leaf_index::text, entry_version, recorded_at, kind, actor_kind, actor_id, actor_hall,
  actor_region, actor_department, subject_kind, subject_id, matter, case_number, consent_ref, items_granted,
  items_denied, departments, outcome, request_id, client_request_id, client_address, restricted, detail, leaf_hash`;

/**
 * The entry content as stored, in canonical shape: exactly what the leaf hash was computed over
 * unless someone changed the row. Verification recomputes the hash from this, never trusts it.
 */
export function contentFromRow(row: LedgerEntryRow): LedgerEntryContent {
  const content: LedgerEntryContent = {
    v: row.entry_version as LedgerEntryContent['v'],
    at: row.recorded_at.toISOString(),
    kind: row.kind as LedgerEntryContent['kind'],
    actor: {
      kind: row.actor_kind as LedgerEntryContent['actor']['kind'],
      id: row.actor_id,
      hall: row.actor_hall,
      region: row.actor_region,
      department: row.actor_department,
    },
    subject: row.subject_id === null ? null : { kind: row.subject_kind as NonNullable<LedgerEntryContent['subject']>['kind'], id: row.subject_id },
    matter: row.matter,
    caseNumber: row.case_number,
    consentRef: row.consent_ref,
    itemsGranted: row.items_granted,
    itemsDenied: row.items_denied,
    departments: row.departments,
    outcome: row.outcome as LedgerEntryContent['outcome'],
    requestId: row.request_id,
    // Version 1 has no such key (its hash was computed without it); from version 2 on it is always there.
    ...(row.entry_version >= 2 ? { clientRequestId: row.client_request_id } : {}),
    clientAddress: row.client_address,
    restricted: row.restricted,
    detail: row.detail,
  };
  return content;
}
