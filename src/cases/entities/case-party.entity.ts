import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { CaseEntity } from './case.entity.js';

/**
 * A party of a case: a person (ID number) or an enterprise (credit code) in one of the roles the
 * matter declares, once per case. `relation_status` is what the records said of the role's relation
 * when last judged (PROVEN, NOT_PROVEN, UNVERIFIED: a department did not answer; AWAITING_PARTY: the
 * other party is not in the case yet; NOT_REQUIRED: the role has none) — the facts themselves are
 * never stored.
 */
@Entity({ name: 'case_party' })
@Check('case_party_subject_kind_check', `"subject_kind" IN ('PERSON', 'ENTERPRISE')`)
// The cases a person is a party to (a citizen's applications, myApplications).
@Index('case_party_subject_idx', ['subjectId'])
@Check('case_party_relation_status_check', `"relation_status" IN ('PROVEN', 'NOT_PROVEN', 'UNVERIFIED', 'AWAITING_PARTY', 'NOT_REQUIRED')`)
export class CasePartyEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  /** Normalised ID number or credit code. */
  @PrimaryColumn({ name: 'subject_id', type: 'varchar', length: 18 })
  subjectId: string;

  @Column({ name: 'subject_kind', type: 'varchar', length: 16 })
  subjectKind: 'PERSON' | 'ENTERPRISE';

  @Column({ type: 'varchar', length: 32 })
  role: string;

  @Column({ name: 'relation_status', type: 'varchar', length: 16 })
  relationStatus: 'PROVEN' | 'NOT_PROVEN' | 'UNVERIFIED' | 'AWAITING_PARTY' | 'NOT_REQUIRED';

  /** Order of joining the case (parties are listed in it). */
  @Column({ type: 'integer' })
  position: number;

  @Column({ name: 'added_at', type: 'timestamptz' })
  addedAt: Date;

  @ManyToOne('CaseEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id' })
  case?: CaseEntity;
}
