import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One ledger entry: the leaf at `leafIndex` of the Merkle tree. Append-only: the runtime role may
 * INSERT and SELECT, and triggers refuse UPDATE, DELETE and TRUNCATE to everyone.
 * Columns mirror `LedgerEntryContent` (src/ledger/ledger-entry.ts); the leaf hash is recomputed
 * from them when verifying, so an edited column shows.
 */
@Entity({ name: 'ledger_entry' })
@Check('ledger_entry_leaf_index_check', `"leaf_index" >= 0`)
@Check('ledger_entry_leaf_hash_check', `octet_length("leaf_hash") = 32`)
@Check('ledger_entry_outcome_check', `"outcome" IN ('GRANTED', 'PARTIAL', 'DENIED', 'FAILED')`)
@Index('ledger_entry_subject_idx', ['subjectId', 'leafIndex'])
@Index('ledger_entry_actor_idx', ['actorId', 'leafIndex'])
@Index('ledger_entry_hall_idx', ['actorHall', 'leafIndex'])
@Index('ledger_entry_matter_idx', ['matter', 'leafIndex'])
@Index('ledger_entry_case_idx', ['caseNumber'])
@Index('ledger_entry_recorded_at_idx', ['recordedAt'])
@Index('ledger_entry_request_idx', ['requestId'])
@Index('ledger_entry_client_request_idx', ['clientRequestId'])
export class LedgerEntryEntity {
  @PrimaryColumn({ name: 'leaf_index', type: 'bigint' })
  leafIndex: string;

  /** Version of the canonical encoding the leaf hash was computed over. */
  @Column({ name: 'entry_version', type: 'smallint' })
  entryVersion: number;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 256 })
  actorId: string;

  @Column({ name: 'actor_hall', type: 'varchar', length: 256, nullable: true })
  actorHall: string | null;

  @Column({ name: 'actor_region', type: 'varchar', length: 256, nullable: true })
  actorRegion: string | null;

  @Column({ name: 'actor_department', type: 'varchar', length: 256, nullable: true })
  actorDepartment: string | null;

  @Column({ name: 'subject_kind', type: 'varchar', length: 16, nullable: true })
  subjectKind: string | null;

  @Column({ name: 'subject_id', type: 'varchar', length: 256, nullable: true })
  subjectId: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  matter: string | null;

  @Column({ name: 'case_number', type: 'varchar', length: 256, nullable: true })
  caseNumber: string | null;

  @Column({ name: 'consent_ref', type: 'varchar', length: 256, nullable: true })
  consentRef: string | null;

  @Column({ name: 'items_granted', type: 'text', array: true })
  itemsGranted: string[];

  @Column({ name: 'items_denied', type: 'text', array: true })
  itemsDenied: string[];

  @Column({ type: 'text', array: true })
  departments: string[];

  @Column({ type: 'varchar', length: 16 })
  outcome: string;

  /** The gateway's own id of the request (server-generated, also the response's X-Request-Id). */
  @Column({ name: 'request_id', type: 'varchar', length: 256, nullable: true })
  requestId: string | null;

  /** The X-Request-Id the client sent, as given (well-formed ones only); never the ledger's own id. Entry version 2. */
  @Column({ name: 'client_request_id', type: 'varchar', length: 256, nullable: true })
  clientRequestId: string | null;

  @Column({ name: 'client_address', type: 'varchar', length: 256, nullable: true })
  clientAddress: string | null;

  @Column({ type: 'boolean' })
  restricted: boolean;

  @Column({ type: 'jsonb' })
  detail: Record<string, unknown>;

  @Column({ name: 'leaf_hash', type: 'bytea' })
  leafHash: Buffer;
}
