import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type { HolderJwk } from '../credential/key-binding.js';
import { IssuingKeyEntity } from './issuing-key.entity.js';

export const CERTIFICATE_STATES = ['VALID', 'REVOKED', 'SUSPENDED'] as const;
export type CertificateState = (typeof CERTIFICATE_STATES)[number];

/**
 * A registered electronic certificate: what was signed (the VC JWT and the full SD-JWT with every
 * disclosure), for whom, by which department key, where its status lives (one index in the
 * department's revocation and suspension lists of one list number) and its current state.
 * Never deleted: revocation, suspension and reinstatement are UPDATEs of `state`.
 */
@Entity({ name: 'certificate' })
@Check('certificate_state_check', `"state" IN ('VALID', 'REVOKED', 'SUSPENDED')`)
@Check('certificate_holder_kind_check', `"holder_kind" IN ('PERSON', 'ENTERPRISE')`)
@Check('certificate_version_check', `"version" BETWEEN 1 AND 999`)
@Check('certificate_status_index_check', `"status_index" >= 0`)
@Check(
  'certificate_holder_key_check',
  `"holder_key" IS NULL OR (jsonb_typeof("holder_key") = 'object' AND NOT ("holder_key" ?| ARRAY['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']))`,
)
@Unique('certificate_identifier_key', ['identifier'])
@Unique('certificate_idempotency_key', ['issuer', 'idempotencyKey'])
@Unique('certificate_status_slot_key', ['issuer', 'statusList', 'statusIndex'])
@Index('certificate_holder_idx', ['holder', 'issuedAt'])
export class CertificateEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /**
   * GB/T 36904 identifier, `1.2.156.3005.2.…` (see certificate-identifier.ts): the national form,
   * or onegate's legacy form for certificates issued until December 2026, kept as they were signed.
   */
  @Column({ type: 'varchar', length: 200 })
  identifier: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ name: 'holder_kind', type: 'varchar', length: 16 })
  holderKind: 'PERSON' | 'ENTERPRISE';

  /** The holder's normalised ID number or credit code. */
  @Column({ type: 'varchar', length: 18 })
  holder: string;

  /** The issuing department's code. */
  @Column({ type: 'varchar', length: 64 })
  issuer: string;

  @Column({ name: 'signing_kid', type: 'varchar', length: 64 })
  signingKid: string;

  @ManyToOne(() => IssuingKeyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'signing_kid' })
  signingKey?: IssuingKeyEntity;

  /** The identifier's version: 1–999 (1–99 in legacy identifiers). */
  @Column({ type: 'smallint' })
  version: number;

  /** The certificate this one renews (same type and holder), when it is a renewal. */
  @Column({ name: 'replaces_id', type: 'uuid', nullable: true })
  replacesId: string | null;

  @ManyToOne(() => CertificateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'replaces_id' })
  replaces?: CertificateEntity;

  @Column({ name: 'status_list', type: 'integer' })
  statusList: number;

  @Column({ name: 'status_index', type: 'integer' })
  statusIndex: number;

  @Column({ type: 'varchar', length: 16 })
  state: CertificateState;

  @Column({ name: 'state_reason', type: 'varchar', length: 500, nullable: true })
  stateReason: string | null;

  @Column({ name: 'state_changed_at', type: 'timestamptz', nullable: true })
  stateChangedAt: Date | null;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt: Date;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil: Date | null;

  /** The caller's key: the same key (per issuing department) returns this certificate again. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 128 })
  idempotencyKey: string;

  /** Who asked for the issuance: principal kind and id (the ledger has the rest). */
  @Column({ name: 'issued_by', type: 'varchar', length: 300 })
  issuedBy: string;

  /** The W3C VC 2.0 as a compact JWS (`vc+jwt`). */
  @Column({ type: 'text' })
  credential: string;

  /** The SD-JWT VC (`dc+sd-jwt`) with every disclosure: the holder keeps it and presents a subset. */
  @Column({ name: 'sd_jwt', type: 'text' })
  sdJwt: string;

  /** The holder's public key the SD-JWT is bound to (`cnf.jwk`), or null for an unbound certificate. */
  @Column({ name: 'holder_key', type: 'jsonb', nullable: true })
  holderKey: HolderJwk | null;
}
