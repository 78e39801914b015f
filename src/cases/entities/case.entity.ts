import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type { MatterEntity } from '../../catalog/entities/matter.entity.js';

/**
 * A case (办件): one piece of work at a hall's window — a matter, a case number unique in the hall,
 * its parties (case_party) and the consents attached to it (case_consent). Opened and closed by the
 * hall's clerks; a closed case reads nothing more. Every change is also a ledger entry.
 */
@Entity({ name: 'case' })
@Unique('case_hall_number_key', ['hall', 'caseNumber'])
@Check('case_status_check', `"status" IN ('OPEN', 'CLOSED')`)
@Check('case_closed_check', `("status" = 'CLOSED') = ("closed_at" IS NOT NULL)`)
// The hall's cases newest first (cases): (hall, created_at DESC, id DESC), written in the migration.
@Index('case_hall_created_idx', { synchronize: false })
export class CaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** The hall's case number (受理编号), given by the clerk or generated: `<hall>-<year>-<serial>`. */
  @Column({ name: 'case_number', type: 'varchar', length: 64 })
  caseNumber: string;

  @Column({ type: 'varchar', length: 32 })
  hall: string;

  /** The hall's 6-digit administrative division when the case was opened (jurisdiction is judged from it). */
  @Column({ type: 'varchar', length: 6 })
  region: string;

  @Column({ name: 'matter_code', type: 'varchar', length: 64 })
  matterCode: string;

  @Column({ type: 'varchar', length: 8 })
  status: 'OPEN' | 'CLOSED';

  /** The clerk who opened it (the token's subject). */
  @Column({ name: 'opened_by', type: 'varchar', length: 256 })
  openedBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  // A matter with cases on record cannot be deleted.
  @ManyToOne('MatterEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'matter_code' })
  matter?: MatterEntity;
}
